//! The per-document ledger: one JSON line for every input document, processed or not, so that a
//! user can account for every document of a run.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use claimex_core::{DocStatus, DocumentRecord};

/// Counts by outcome, for the summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub processed: usize,
    pub skipped: usize,
    pub duplicates: usize,
    /// Documents an earlier run had committed (`--resume`).
    pub resumed: usize,
    /// Processed documents that needed a repair (noted in their `reason`).
    pub repaired: usize,
    pub sentences: usize,
    pub entities: usize,
    pub claims: usize,
}

pub struct Ledger {
    path: PathBuf,
    out: BufWriter<File>,
    pub tally: Tally,
}

impl Ledger {
    pub fn create(path: &Path) -> anyhow::Result<Ledger> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).with_context(|| {
                format!(
                    "creating folder {} for the document ledger",
                    parent.display()
                )
            })?;
        }
        let file = File::create(path).with_context(|| {
            format!(
                "creating document ledger {} (pass --ledger to put it elsewhere)",
                path.display()
            )
        })?;
        Ok(Ledger {
            path: path.to_path_buf(),
            out: BufWriter::new(file),
            tally: Tally::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn record(&mut self, record: &DocumentRecord) -> anyhow::Result<()> {
        match record.status {
            DocStatus::Processed => {
                self.tally.processed += 1;
                self.tally.repaired += usize::from(record.reason.is_some());
            }
            DocStatus::Skipped => self.tally.skipped += 1,
            DocStatus::Duplicate => self.tally.duplicates += 1,
            DocStatus::Resumed => self.tally.resumed += 1,
        }
        self.tally.sentences += record.sentences;
        self.tally.entities += record.entities;
        self.tally.claims += record.claims;
        serde_json::to_writer(&mut self.out, record)?;
        self.out
            .write_all(b"\n")
            .with_context(|| format!("writing document ledger {}", self.path.display()))
    }

    pub fn finish(mut self) -> anyhow::Result<Tally> {
        self.out
            .flush()
            .with_context(|| format!("writing document ledger {}", self.path.display()))?;
        Ok(self.tally)
    }
}

/// Default ledger location: `documents.jsonl` beside the first output file (database URLs have
/// no folder; with only those, the current folder).
pub fn default_path(outs: &[String]) -> PathBuf {
    outs.iter()
        .find_map(|t| claimex_export::target_file(t))
        .and_then(Path::parent)
        .unwrap_or(Path::new(""))
        .join("documents.jsonl")
}
