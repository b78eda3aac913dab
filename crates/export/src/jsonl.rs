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
        let (partial, file) = create_partial(path)?;
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

/// Creates `PATH.partial`, where a file sink writes until [`rename_into_place`].
pub(crate) fn create_partial(path: &Path) -> Result<(PathBuf, File)> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    let partial = path.with_file_name(name);
    let file = File::create(&partial).map_err(|source| Error::Io {
        path: partial.clone(),
        source,
    })?;
    Ok((partial, file))
}

/// Moves a finished `PATH.partial` to `PATH`.
pub(crate) fn rename_into_place(partial: &Path, path: &Path) -> Result<()> {
    std::fs::rename(partial, path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
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
        rename_into_place(&self.partial, &self.path)
    }

    fn target(&self) -> String {
        self.path.display().to_string()
    }
}
