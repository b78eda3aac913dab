//! `claimex`: turn article corpora into structured, sourced, confidence-scored claims.

mod cmd_claims;
mod cmd_export;
mod cmd_ingest;
mod cmd_models;
mod cmd_ner;
mod cmd_parser;
mod cmd_relations;
mod cmd_run;
mod cmd_syntax;
mod model_arg;
mod parallelism;
mod reader_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "claimex",
    version,
    about = "Extract structured, sourced, confidence-scored claims from news articles",
    long_about = "Extract structured, sourced, confidence-scored claims from news articles.\n\n\
Inputs are files or folders (.txt, .md, .html, .jsonl, optionally .gz) or - for JSONL on stdin\n\
(plain or gzip).\n\
Offsets in every output count Unicode characters into the stored document text. The model is\n\
--model, else $CLAIMEX_MODEL, else models/default, else the one `make install` put beside\n\
the program.",
    after_help = "Example:\n  claimex run corpus/ --out out/claims.jsonl --out out/claims.db\n\n\
Every command's --help has examples; the test suite runs them all (tests/examples.rs)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole pipeline (read, split, NER, claims) and write claims to one or more sinks.
    #[command(after_help = "Examples:\n  \
claimex run corpus/ --out out/claims.jsonl --out out/claims.db\n  \
claimex run corpus/ --out out/claims.parquet --summary-json out/summary.json --quiet\n  \
claimex run corpus/ --shard 1/2 --out out/shard-1.jsonl --quiet\n  \
gzip -c corpus/articles.jsonl | claimex run - --out - --quiet > out/from-stdin.jsonl")]
    Run(cmd_run::RunArgs),
    /// Read and split documents into sentences with offsets (no models); write them as JSONL.
    #[command(after_help = "Example:\n  claimex ingest corpus/ --out out/sentences.jsonl")]
    Ingest(cmd_ingest::IngestArgs),
    /// Fine-tune a model on labelled data.
    #[command(subcommand)]
    Train(TrainCommand),
    /// Measure quality against labelled data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Copy claims, mentions and the ledger from a claimex database to another sink.
    #[command(
        after_help = "Example (after the first example of `claimex run --help`):\n  \
claimex export --from out/claims.db --to out/exported.csv"
    )]
    Export(cmd_export::ExportArgs),
    /// Create or inspect model directories.
    #[command(subcommand)]
    Models(cmd_models::ModelsCommand),
    /// Print a shell completion script (bash: into ~/.local/share/bash-completion/completions/;
    /// zsh: a file `_claimex` on $fpath; fish: ~/.config/fish/completions/claimex.fish).
    #[command(after_help = "Example:\n  \
mkdir -p ~/.local/share/bash-completion/completions && \
claimex completions bash > ~/.local/share/bash-completion/completions/claimex")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand)]
enum TrainCommand {
    /// Fine-tune an NER model on a CoNLL file, scoring a dev file before and after.
    Ner(cmd_ner::TrainNerArgs),
    /// Train the typed-relation head on a model's frozen encoder, or with --joint-epochs together
    /// with the encoder and its NER (CoNLL04 JSON).
    Relations(cmd_relations::TrainRelationsArgs),
    /// Train the part-of-speech and chunk head on a model's frozen encoder (CoNLL-2003 columns).
    Syntax(cmd_syntax::TrainSyntaxArgs),
    /// Train the dependency parser head on a model's frozen encoder (a CoNLL-U treebank), or
    /// fine-tune the encoder for parsing and NER together.
    Parser(cmd_parser::TrainParserArgs),
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Strict span precision/recall/F1 of an NER model on a CoNLL column file.
    #[command(after_help = "Example:\n  claimex eval ner --data tests/fixtures/entities.jsonl")]
    Ner(cmd_ner::EvalNerArgs),
    /// Sentence-boundary precision/recall/F1 of the splitter on a CoNLL file's documents.
    Sentences(cmd_ingest::EvalSentencesArgs),
    /// Part-of-speech accuracy and chunk F1 of a model's syntax head on a CoNLL-2003-style file.
    Syntax(cmd_syntax::EvalSyntaxArgs),
    /// Attachment scores (UAS, LAS) of a model's parser head on a CoNLL-U treebank.
    Parser(cmd_parser::EvalParserArgs),
    /// Strict relation precision/recall/F1 on CoNLL04 JSON (spans, types and relation right).
    Relations(cmd_relations::EvalRelationsArgs),
    /// Open IE precision/recall/F1 and AUC of the claims on a CaRB folder (CaRB's matching rules).
    Openie(cmd_claims::EvalOpenieArgs),
    /// Claim precision/recall of the whole pipeline on a claims fixture file.
    #[command(
        after_help = "Example:\n  claimex eval claims --data tests/fixtures/claims-heldout.jsonl --errors 3"
    )]
    Claims(cmd_claims::EvalClaimsArgs),
}

/// Reports go to standard output, for people and for pipes. When the reader goes away early
/// (`claimex eval ner ... | head`), the process ends quietly, as other Unix tools do, instead of
/// panicking in `println!`. Commands that stream data (`run`, `ingest`, `export`) keep Rust's
/// default, under which a closed pipe is an error that names the output.
fn end_quietly_when_stdout_closes() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(
        cli.command,
        Command::Train(_) | Command::Eval(_) | Command::Models(_) | Command::Completions { .. }
    ) {
        end_quietly_when_stdout_closes();
    }
    let result = match cli.command {
        Command::Run(args) => cmd_run::run(args),
        Command::Ingest(args) => cmd_ingest::run(args),
        Command::Train(TrainCommand::Ner(args)) => cmd_ner::train(args),
        Command::Train(TrainCommand::Syntax(args)) => cmd_syntax::train(args),
        Command::Train(TrainCommand::Parser(args)) => cmd_parser::train(args),
        Command::Eval(EvalCommand::Parser(args)) => cmd_parser::eval(args),
        Command::Eval(EvalCommand::Syntax(args)) => cmd_syntax::eval(args),
        Command::Eval(EvalCommand::Ner(args)) => cmd_ner::eval(args),
        Command::Eval(EvalCommand::Sentences(args)) => cmd_ingest::sentences(args),
        Command::Eval(EvalCommand::Relations(args)) => cmd_relations::eval(args),
        Command::Train(TrainCommand::Relations(args)) => cmd_relations::train(args),
        Command::Eval(EvalCommand::Openie(args)) => cmd_claims::openie(args),
        Command::Eval(EvalCommand::Claims(args)) => cmd_claims::claims(args),
        Command::Export(args) => cmd_export::run(args),
        Command::Models(cmd) => cmd_models::run(cmd),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "claimex", &mut std::io::stdout());
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", error_chain(&e));
            // Outputs complete, input set below the bar the user set: not a failed run.
            if e.is::<cmd_run::TooManySkipped>() || e.is::<cmd_run::NoDocuments>() {
                ExitCode::from(3)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// The error and its causes, each cause added only when the message so far does not already say
/// it (many messages name their cause, and anyhow's `{:#}` would print it twice).
fn error_chain(e: &anyhow::Error) -> String {
    let mut message = e.to_string();
    for cause in e.chain().skip(1) {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
    }
    message
}
