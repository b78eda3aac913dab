use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use claimex_core::{DocStatus, DocumentRecord};

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
/// user can account for every document of a run.
pub struct Ledger {
    path: PathBuf,
    out: BufWriter<File>,
    tally: Tally,
}

impl Ledger {
    /// Creates (or truncates) the ledger file, and its folder if needed.
    pub fn create(path: &Path) -> Result<Ledger> {
        let fail = |source| Error::Ledger {
            path: path.to_path_buf(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        let file = File::create(path).map_err(fail)?;
        Ok(Ledger {
            path: path.to_path_buf(),
            out: BufWriter::new(file),
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

    /// Appends one document's record.
    pub fn record(&mut self, record: &DocumentRecord) -> Result<()> {
        self.tally.add(record);
        let fail = |source| Error::Ledger {
            path: self.path.clone(),
            source,
        };
        serde_json::to_writer(&mut self.out, record).map_err(|e| fail(e.into()))?;
        self.out.write_all(b"\n").map_err(fail)
    }

    /// Flushes the file and returns the counts.
    pub fn finish(mut self) -> Result<Tally> {
        self.out.flush().map_err(|source| Error::Ledger {
            path: self.path.clone(),
            source,
        })?;
        Ok(self.tally)
    }
}

/// Default ledger location: `documents.jsonl` beside the first output file (database URLs have
/// no folder; with only those, the current folder).
pub fn default_ledger_path(outs: &[String]) -> PathBuf {
    outs.iter()
        .find_map(|t| claimex_export::target_file(t))
        .and_then(Path::parent)
        .unwrap_or(Path::new(""))
        .join("documents.jsonl")
}
