use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use claimex_core::{DocStatus, DocumentRecord};
use claimex_export::PartialFile;

use crate::{Error, Result};

/// Counts of a run by outcome, for its summary and progress.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Documents analysed.
    pub processed: usize,
    /// Documents that could not be analysed (their record says why).
    pub skipped: usize,
    /// Documents whose cleaned text repeats an earlier one.
    pub duplicates: usize,
    /// Documents an earlier run had committed (`--resume`).
    pub resumed: usize,
    /// Processed documents that needed a repair (noted in their `reason`).
    pub repaired: usize,
    /// Sentences of processed documents.
    pub sentences: usize,
    /// Entity mentions of processed documents.
    pub entities: usize,
    /// Claims of processed documents.
    pub claims: usize,
}

impl Tally {
    /// Counts one more document.
    pub fn add(&mut self, record: &DocumentRecord) {
        match record.status {
            DocStatus::Processed => {
                self.processed += 1;
                self.repaired += usize::from(record.reason.is_some());
            }
            DocStatus::Skipped => self.skipped += 1,
            DocStatus::Duplicate => self.duplicates += 1,
            DocStatus::Resumed => self.resumed += 1,
        }
        self.sentences += record.sentences;
        self.entities += record.entities;
        self.claims += record.claims;
    }

    /// Input documents seen so far, whatever became of them.
    pub fn documents(&self) -> usize {
        self.processed + self.skipped + self.duplicates + self.resumed
    }
}

/// The per-document ledger: one JSON line for every input document, processed or not, so that a
/// user can account for every document of a run. Records are held until [`Ledger::commit`],
/// which the run calls once the sinks have committed their chunk, so the file is never ahead of
/// the outputs, and lines are written whole. The file is written as `PATH.partial` and renamed
/// into place when the run finishes; a run that fails or is killed leaves `PATH.partial` with the
/// records of what its sinks had committed.
pub struct Ledger {
    path: PathBuf,
    file: PartialFile,
    out: File,
    pending: Vec<u8>,
    tally: Tally,
}

/// Records held before [`Ledger::commit`] writes them anyway, for callers that record many
/// documents that need no sink (documents an earlier run committed).
const PENDING_LIMIT: usize = 1 << 20;

impl Ledger {
    /// Starts the ledger at `path` (as `PATH.partial`), creating its folder if needed.
    pub fn create(path: &Path) -> Result<Ledger> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| Error::Ledger {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let (file, out) = PartialFile::create_kept(path)?;
        Ok(Ledger {
            path: path.to_path_buf(),
            file,
            out,
            pending: Vec::new(),
            tally: Tally::default(),
        })
    }

    /// The ledger file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Counts so far.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// Adds one document's record, to be written at the next [`Ledger::commit`].
    pub fn record(&mut self, record: &DocumentRecord) -> Result<()> {
        self.tally.add(record);
        serde_json::to_writer(&mut self.pending, record).map_err(|e| Error::Ledger {
            path: self.path.clone(),
            source: e.into(),
        })?;
        self.pending.push(b'\n');
        Ok(())
    }

    /// True when enough records are held that a caller with nothing to commit elsewhere should
    /// [`Ledger::commit`] them.
    pub fn is_full(&self) -> bool {
        self.pending.len() >= PENDING_LIMIT
    }

    /// Writes the records added since the last commit, whole lines in one write.
    pub fn commit(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.out
            .write_all(&self.pending)
            .map_err(|source| Error::Ledger {
                path: self.file.partial().to_path_buf(),
                source,
            })?;
        self.pending.clear();
        Ok(())
    }

    /// Writes what is left, renames the file into place and returns the counts.
    pub fn finish(mut self) -> Result<Tally> {
        self.commit()?;
        self.file.finish()?;
        Ok(self.tally)
    }
}

/// Default ledger location: `documents.jsonl` beside the first output file (database URLs and
/// standard output have no folder; with only those, the current folder). A shard's ledger is
/// `documents.shard-I-of-N.jsonl`, so shards writing into one folder keep their own.
pub fn default_ledger_path(outs: &[String], shard: Option<crate::Shard>) -> PathBuf {
    let name = match shard {
        Some(s) => format!("documents.shard-{}-of-{}.jsonl", s.index, s.count),
        None => "documents.jsonl".to_string(),
    };
    outs.iter()
        .find_map(|t| claimex_export::target_file(t))
        .and_then(Path::parent)
        .unwrap_or(Path::new(""))
        .join(name)
}
