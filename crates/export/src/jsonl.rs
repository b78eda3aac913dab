use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::{ClaimSink, DocumentOutput, Error, Result};

/// Writes one claim per line. The file is written as `<path>.partial` and renamed into place by
/// [`ClaimSink::finish`], so a crashed run never leaves a truncated file that looks complete.
pub struct JsonlSink {
    path: PathBuf,
    partial: PathBuf,
    out: BufWriter<File>,
}

impl JsonlSink {
    /// Starts writing to `path` (replaced when the run finishes).
    pub fn create(path: &Path) -> Result<JsonlSink> {
        let partial = partial_path(path);
        let file = File::create(&partial).map_err(|source| Error::Io {
            path: partial.clone(),
            source,
        })?;
        Ok(JsonlSink {
            path: path.to_path_buf(),
            partial,
            out: BufWriter::new(file),
        })
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.partial.clone(),
            source,
        }
    }
}

pub(crate) fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
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
        self.out.get_ref().sync_all().map_err(|e| self.io(e))?;
        std::fs::rename(&self.partial, &self.path).map_err(|source| Error::Io {
            path: self.path.clone(),
            source,
        })
    }

    fn target(&self) -> String {
        self.path.display().to_string()
    }
}
