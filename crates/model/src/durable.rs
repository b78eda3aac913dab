//! Putting written files on disk before they are renamed into place.

use std::path::Path;

use crate::{Error, Result};

/// Syncs `path` to disk: a file's data, or a folder's files (not sub-folders: model folders are
/// flat) and the folder itself. Called before a `.partial` file or folder is renamed into place,
/// so that after a crash the new name never points at data that did not reach the disk.
pub(crate) fn sync(path: &Path) -> Result<()> {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).map_err(Error::io(path))? {
            let file = entry.map_err(Error::io(path))?.path();
            if file.is_file() {
                sync_one(&file)?;
            }
        }
    }
    sync_one(path)
}

/// [`sync`] of the folder that holds `path`, after a rename in it.
pub(crate) fn sync_parent(path: &Path) -> Result<()> {
    sync_one(claimex_core::durable::folder_of(path))
}

fn sync_one(path: &Path) -> Result<()> {
    claimex_core::durable::sync_path(path).map_err(Error::io(path))
}

/// Renames `partial` onto `target` after syncing it, then syncs the folder of the rename.
pub(crate) fn rename_synced(partial: &Path, target: &Path) -> Result<()> {
    sync(partial)?;
    std::fs::rename(partial, target).map_err(Error::io(target))?;
    sync_parent(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_synced_folder_is_renamed_whole() {
        let dir = tempfile::tempdir().unwrap();
        let partial = dir.path().join("m.partial");
        std::fs::create_dir(&partial).unwrap();
        std::fs::write(partial.join("config.json"), "{}").unwrap();
        let target = dir.path().join("m");
        rename_synced(&partial, &target).unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("config.json")).unwrap(),
            "{}"
        );
        assert!(!partial.exists());
        let err = rename_synced(&partial, &target).unwrap_err().to_string();
        assert!(err.contains("m.partial"), "{err}");
    }
}
