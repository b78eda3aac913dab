use anyhow::Context;
use claimex_export::{
    is_database, is_postgres, open_sink, read_postgres, read_sqlite, target_path, OwnedDocument,
    RunInfo, DOCS_PER_TRANSACTION,
};
use clap::Args;

#[derive(Args)]
pub struct ExportArgs {
    /// Database to read: an SQLite file (`claims.db`, `sqlite://PATH`) or a `postgres://` URL.
    #[arg(long)]
    from: String,
    /// Sink to write, as for `run --out`: `.jsonl`, `.csv`, `.db`/`sqlite://`, `postgres://`.
    #[arg(long)]
    to: String,
}

/// Copies every document, mention and claim of a claimex database into another sink. Databases
/// get one run per model pair of the source, so rows keep the models that made them; copying
/// twice into the same database adds nothing.
pub fn run(args: ExportArgs) -> anyhow::Result<()> {
    let docs = if is_postgres(&args.from) {
        read_postgres(&args.from)?
    } else {
        read_sqlite(target_path(&args.from))?
    };
    let mut groups: Vec<(RunInfo, Vec<&OwnedDocument>)> = Vec::new();
    for doc in &docs {
        let run = RunInfo {
            ner_model: doc.models.ner.clone(),
            relations_model: doc.models.relations.clone(),
            config: format!("claimex export --from {}", redacted(&args.from)),
            docs_per_transaction: DOCS_PER_TRANSACTION,
        };
        match groups
            .iter_mut()
            .find(|(r, _)| r.ner_model == run.ner_model && r.relations_model == run.relations_model)
        {
            Some((_, list)) => list.push(doc),
            None => groups.push((run, vec![doc])),
        }
    }
    let database = is_database(&args.to);
    // Files are written whole, once: every model's documents go into the one file.
    if !database && groups.len() > 1 {
        let (first, _) = groups[0].clone();
        let all: Vec<&OwnedDocument> = groups.into_iter().flat_map(|(_, d)| d).collect();
        groups = vec![(first, all)];
    }
    let (mut documents, mut claims) = (0, 0);
    for (run, group) in &groups {
        let mut sink =
            open_sink(&args.to, run).with_context(|| format!("opening {}", redacted(&args.to)))?;
        for doc in group {
            sink.write_document(&doc.output())?;
            claims += doc.claims.len();
        }
        documents += group.len();
        sink.finish()?;
    }
    eprintln!(
        "claimex export: {documents} documents and {claims} claims ({} model pair{}) from {} to {}",
        groups.len(),
        if groups.len() == 1 { "" } else { "s" },
        redacted(&args.from),
        redacted(&args.to)
    );
    Ok(())
}

fn redacted(target: &str) -> String {
    if is_postgres(target) {
        claimex_export::redact(target)
    } else {
        target.to_string()
    }
}
