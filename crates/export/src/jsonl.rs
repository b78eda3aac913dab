use std::fs::File;
use std::io::{BufWriter, Stdout, Write};
use std::path::{Path, PathBuf};

use crate::atomic::PartialFile;
use crate::{ClaimSink, DocumentOutput, Error, Result};

/// Writes one claim per line. The file is written as `<path>.partial` and renamed into place by
/// [`ClaimSink::finish`] ([`PartialFile`]), so a failed run never leaves a truncated file that
/// looks complete.
pub struct JsonlSink {
    path: PathBuf,
    partial: PartialFile,
    out: BufWriter<File>,
}

impl JsonlSink {
    /// Starts writing to `path` (replaced when the run finishes).
    pub fn create(path: &Path) -> Result<JsonlSink> {
        let (partial, file) = PartialFile::create(path)?;
        Ok(JsonlSink {
            path: path.to_path_buf(),
            partial,
            out: BufWriter::new(file),
        })
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.partial.partial().to_path_buf(),
            source,
        }
    }
}

impl ClaimSink for JsonlSink {
    fn write_document(&mut self, doc: &DocumentOutput) -> Result<()> {
        for claim in doc.claims {
            serde_json::to_writer(&mut self.out, claim).map_err(|e| self.io(e.into()))?;
            self.out.write_all(b"\n").map_err(|e| self.io(e))?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.flush().map_err(|e| self.io(e))?;
        self.partial.finish()
    }

    fn target(&self) -> String {
        self.path.display().to_string()
    }
}

/// Writes one claim per line to standard output (`--out -`), flushed after every chunk, so that
/// a program reading the pipe sees claims as the run commits them. Nothing is renamed: a run
/// that fails stops the stream where it was.
pub struct StdoutSink {
    out: BufWriter<Stdout>,
}

impl StdoutSink {
    /// A sink over this process's standard output.
    pub fn new() -> StdoutSink {
        StdoutSink {
            out: BufWriter::new(std::io::stdout()),
        }
    }

    fn io(source: std::io::Error) -> Error {
        Error::Io {
            path: PathBuf::from("<standard output>"),
            source,
        }
    }
}

impl Default for StdoutSink {
    fn default() -> Self {
        StdoutSink::new()
    }
}

impl ClaimSink for StdoutSink {
    fn write_document(&mut self, doc: &DocumentOutput) -> Result<()> {
        for claim in doc.claims {
            serde_json::to_writer(&mut self.out, claim).map_err(|e| Self::io(e.into()))?;
            self.out.write_all(b"\n").map_err(Self::io)?;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        self.out.flush().map_err(Self::io)
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.flush().map_err(Self::io)
    }

    fn target(&self) -> String {
        "standard output".into()
    }
}
