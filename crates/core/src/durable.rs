//! Syncing written files, and the folders that hold them, to disk: what the sinks and the model
//! writers do before and after they rename a `.partial` file into place.

use std::fs::File;
use std::path::Path;

/// The folder that holds `path` (`.` for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Syncs `path` to disk: a file's data, or a folder's entries (so that a rename in it lasts).
pub fn sync_path(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_file_name_is_in_the_current_folder() {
        assert_eq!(folder_of(Path::new("claims.jsonl")), Path::new("."));
        assert_eq!(folder_of(Path::new("out/claims.jsonl")), Path::new("out"));
        assert!(sync_path(Path::new(".")).is_ok());
        assert!(sync_path(Path::new("/no/such/file")).is_err());
    }
}
