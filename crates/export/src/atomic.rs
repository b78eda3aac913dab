//! Files that appear whole or not at all.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use claimex_core::durable;

use crate::{Error, Result};

/// A file written as `PATH.partial` and renamed onto `PATH` once complete. The `.partial` file
/// is created new: one left by a killed run, or a symbolic link of that name, is removed first
/// rather than written through. [`PartialFile::finish`] puts the data on disk before the rename
/// and the rename on disk after it. Dropped unfinished (the run failed), the `.partial` file is
/// removed, unless it was created with [`PartialFile::create_kept`].
pub struct PartialFile {
    path: PathBuf,
    partial: PathBuf,
    file: File,
    remove_unfinished: bool,
    finished: bool,
}

impl PartialFile {
    /// Starts `PATH.partial`; returns it and a handle to write to.
    pub fn create(path: &Path) -> Result<(PartialFile, File)> {
        PartialFile::open(path, true)
    }

    /// [`PartialFile::create`] for a file whose unfinished state is worth keeping (a ledger of
    /// what a failed run had committed).
    pub fn create_kept(path: &Path) -> Result<(PartialFile, File)> {
        PartialFile::open(path, false)
    }

    fn open(path: &Path, remove_unfinished: bool) -> Result<(PartialFile, File)> {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".partial");
        let partial = path.with_file_name(name);
        let io = |source| Error::Io {
            path: partial.clone(),
            source,
        };
        if std::fs::symlink_metadata(&partial).is_ok() {
            std::fs::remove_file(&partial).map_err(io)?;
        }
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&partial)
            .map_err(io)?;
        let handle = file.try_clone().map_err(io)?;
        Ok((
            PartialFile {
                path: path.to_path_buf(),
                partial,
                file,
                remove_unfinished,
                finished: false,
            },
            handle,
        ))
    }

    /// The `.partial` file, for messages.
    pub fn partial(&self) -> &Path {
        &self.partial
    }

    /// Syncs what was written (flush any buffer over the handle first), renames the file into
    /// place and syncs its folder, so that after a crash the file is either the old one or the
    /// whole new one.
    pub fn finish(mut self) -> Result<()> {
        self.file.sync_all().map_err(|source| Error::Io {
            path: self.partial.clone(),
            source,
        })?;
        std::fs::rename(&self.partial, &self.path).map_err(|source| Error::Io {
            path: self.path.clone(),
            source,
        })?;
        self.finished = true;
        sync_parent(&self.path)
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if !self.finished && self.remove_unfinished {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// Syncs the folder that holds `path`, so that a rename in it survives a crash.
fn sync_parent(path: &Path) -> Result<()> {
    let parent = durable::folder_of(path);
    durable::sync_path(parent).map_err(|source| Error::Io {
        path: parent.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn the_file_appears_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("claims.jsonl");
        let (partial, mut file) = PartialFile::create(&path).unwrap();
        file.write_all(b"{}\n").unwrap();
        assert!(!path.exists());
        assert!(partial.partial().exists());
        partial.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
        assert!(!dir.path().join("claims.jsonl.partial").exists());
    }

    #[test]
    fn an_unfinished_file_is_removed_unless_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("claims.csv");
        drop(PartialFile::create(&path).unwrap());
        assert!(!dir.path().join("claims.csv.partial").exists());
        drop(PartialFile::create_kept(&path).unwrap());
        assert!(dir.path().join("claims.csv.partial").exists());
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_partial_symbolic_link_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "keep me").unwrap();
        let path = dir.path().join("claims.jsonl");
        std::os::unix::fs::symlink(&victim, dir.path().join("claims.jsonl.partial")).unwrap();
        let (partial, mut file) = PartialFile::create(&path).unwrap();
        file.write_all(b"new").unwrap();
        partial.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }
}
