use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use claimex_core::{DocStatus, DocumentRecord};
use claimex_export::{doc_key, ClaimSink, DocKey};
use claimex_ingest::{InputFile, ReadItem};

use crate::ledger::{Ledger, Tally};
use crate::{Error, Pipeline, Result};

/// `i/N`: a process that handles shard `i` of `N`, that is input items `k` with `k % N == i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 0-based.
    pub index: usize,
    /// How many shards there are.
    pub count: usize,
}

impl FromStr for Shard {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let bad = || Error::BadShard(s.to_string());
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// How [`Pipeline::run`] goes through its input.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunSettings {
    /// Process only this shard of the input items.
    pub shard: Option<Shard>,
    /// Skip documents that every sink already holds for the same models (database sinks only).
    pub resume: bool,
}

/// What [`Pipeline::run`] did: the counts and the time per stage.
#[derive(Debug, Clone, Copy)]
pub struct RunSummary {
    /// Documents by outcome, sentences, entities and claims.
    pub tally: Tally,
    /// Wall-clock seconds of the whole run.
    pub seconds: f64,
    /// Seconds per stage (see [`crate::StageTimes`]).
    pub stages: crate::StageTimes,
    /// Seconds spent writing to the sinks and the ledger.
    pub write: f64,
}

impl Pipeline {
    /// Streams `reader` through the pipeline a chunk of documents at a time
    /// ([`crate::Config::chunk_docs`]), writing every document's results to every sink, then
    /// committing the sinks, then writing the chunk's records to the ledger (so the ledger is
    /// never ahead of the outputs), and calling `progress` after each chunk. Memory stays flat
    /// whatever the corpus size. The sinks are finished (files renamed into place, transactions
    /// committed) before the ledger, and both before it returns. On an error every sink is
    /// aborted: a file sink removes its unfinished file, a database keeps what it committed (for
    /// `resume`) and marks its run failed; the ledger is left as `PATH.partial`.
    pub fn run(
        &self,
        reader: impl Iterator<Item = ReadItem>,
        mut sinks: Vec<Box<dyn ClaimSink>>,
        mut ledger: Ledger,
        settings: RunSettings,
        progress: impl FnMut(&Tally),
    ) -> Result<RunSummary> {
        let started = Instant::now();
        let before = self.stage_times();
        let mut write = match self.run_all(reader, &mut sinks, &mut ledger, settings, progress) {
            Ok(seconds) => seconds,
            Err(error) => {
                let message = error.to_string();
                for sink in sinks {
                    sink.abort(&message);
                }
                return Err(error);
            }
        };
        let clock = Instant::now();
        // Files first: a database then records its run as finished only when every file is in
        // place.
        sinks.sort_by_key(|sink| claimex_export::is_database(&sink.target()));
        let mut sinks = sinks.into_iter();
        while let Some(sink) = sinks.next() {
            if let Err(error) = sink.finish() {
                let message = error.to_string();
                sinks.for_each(|sink| sink.abort(&message));
                return Err(error.into());
            }
        }
        let tally = ledger.finish()?;
        write += clock.elapsed().as_secs_f64();
        let after = self.stage_times();
        Ok(RunSummary {
            tally,
            seconds: started.elapsed().as_secs_f64(),
            stages: crate::StageTimes {
                prepare: after.prepare - before.prepare,
                ner: after.ner - before.ner,
                claims: after.claims - before.claims,
                typing: after.typing - before.typing,
            },
            write,
        })
    }

    /// [`Pipeline::run`] up to finishing the sinks; returns the seconds spent writing.
    fn run_all(
        &self,
        reader: impl Iterator<Item = ReadItem>,
        sinks: &mut [Box<dyn ClaimSink>],
        ledger: &mut Ledger,
        settings: RunSettings,
        mut progress: impl FnMut(&Tally),
    ) -> Result<f64> {
        let done = if settings.resume {
            committed_everywhere(sinks)?
        } else {
            HashSet::new()
        };
        let chunk_docs = self.config().chunk_docs.max(1);
        let mut chunk: Vec<ReadItem> = Vec::with_capacity(chunk_docs);
        let mut write = 0.0;
        let shard = settings.shard;
        let items = reader
            .enumerate()
            .filter(|(k, _)| shard.map_or(true, |s| k % s.count == s.index))
            .map(|(_, item)| item);
        for item in items {
            let source = match &item {
                Ok(raw) => &raw.source,
                Err(record) => &record.source,
            };
            // A database migrated from schema version 2 knows its documents by source and line.
            let legacy = || format!("v2:{}:{}", source.path, source.line.unwrap_or(0));
            if done.contains(&doc_key(source)) || (!done.is_empty() && done.contains(&legacy())) {
                if let Ok(raw) = &item {
                    self.mark_seen(raw);
                }
                // Committed by an earlier run, so safe to write whenever.
                ledger.record(&resumed_record(item))?;
                if ledger.is_full() {
                    ledger.commit()?;
                }
                continue;
            }
            chunk.push(item);
            if chunk.len() >= chunk_docs {
                write += self.run_chunk(std::mem::take(&mut chunk), sinks, ledger)?;
                progress(ledger.tally());
            }
        }
        write += self.run_chunk(chunk, sinks, ledger)?;
        progress(ledger.tally());
        Ok(write)
    }

    /// Processes one chunk, writes it to the sinks, commits them, and then writes its records
    /// to the ledger; returns the seconds spent writing.
    fn run_chunk(
        &self,
        chunk: Vec<ReadItem>,
        sinks: &mut [Box<dyn ClaimSink>],
        ledger: &mut Ledger,
    ) -> Result<f64> {
        if chunk.is_empty() {
            return ledger.commit().map(|()| 0.0);
        }
        let results = self.process_items(chunk);
        let clock = Instant::now();
        for result in &results {
            let output = result.output();
            for sink in sinks.iter_mut() {
                sink.write_document(&output)?;
            }
        }
        for sink in sinks.iter_mut() {
            sink.commit()?;
        }
        for result in &results {
            ledger.record(&result.record)?;
        }
        ledger.commit()?;
        Ok(clock.elapsed().as_secs_f64())
    }
}

/// Refuses to write any of `outputs` (claim files, the ledger) when it is one of the input
/// `files`, or its `.partial` twin is: the run would truncate or replace an input it is reading.
/// Paths are compared canonically, so `out/../out/documents.jsonl` and a symbolic link are
/// caught too.
pub fn refuse_outputs_among_inputs(files: &[InputFile], outputs: &[&Path]) -> Result<()> {
    let canonical = |p: &Path| -> Option<PathBuf> {
        if let Ok(c) = std::fs::canonicalize(p) {
            return Some(c);
        }
        // Not there yet: its folder may still hold inputs.
        let parent = match p.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        Some(std::fs::canonicalize(parent).ok()?.join(p.file_name()?))
    };
    let inputs: HashSet<PathBuf> = files
        .iter()
        .filter(|f| f.path.as_os_str() != "-")
        .filter_map(|f| canonical(&f.path))
        .collect();
    for output in outputs {
        let mut partial = output.as_os_str().to_os_string();
        partial.push(".partial");
        for path in [output.to_path_buf(), PathBuf::from(partial)] {
            if canonical(&path).is_some_and(|c| inputs.contains(&c)) {
                return Err(Error::OutputIsInput {
                    output: output.to_path_buf(),
                });
            }
        }
    }
    Ok(())
}

/// The documents that every sink already holds for this run's models; an error when a sink
/// cannot tell (files are rewritten whole, so they cannot resume).
fn committed_everywhere(sinks: &mut [Box<dyn ClaimSink>]) -> Result<HashSet<DocKey>> {
    let mut done: Option<HashSet<DocKey>> = None;
    for sink in sinks.iter_mut() {
        let Some(keys) = sink.committed()? else {
            return Err(Error::CannotResume {
                target: sink.target(),
            });
        };
        done = Some(match done {
            None => keys,
            Some(d) => d.intersection(&keys).cloned().collect(),
        });
    }
    Ok(done.unwrap_or_default())
}

/// The ledger line of a document an earlier run committed.
fn resumed_record(item: ReadItem) -> DocumentRecord {
    let (doc_id, source) = match item {
        Ok(raw) => (raw.id, raw.source),
        Err(record) => (record.doc_id, record.source),
    };
    DocumentRecord {
        doc_id,
        source,
        status: DocStatus::Resumed,
        reason: Some("committed to the output by an earlier run; not processed again".into()),
        sentences: 0,
        entities: 0,
        claims: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_shard() {
        let s: Shard = "1/4".parse().unwrap();
        assert_eq!((s.index, s.count), (1, 4));
    }

    #[test]
    fn rejects_a_shard_outside_its_count() {
        for bad in ["4/4", "1/0", "x/2", "3"] {
            let err = bad.parse::<Shard>().unwrap_err().to_string();
            assert!(err.contains("is not a shard"), "{bad}: {err}");
        }
    }
}
