//! Fine-tuning the encoder for parsing: the encoder, its NER classifier, the parser head and
//! (when the model has one) the part-of-speech and chunk head learn together. Every step takes one
//! batch of treebank sentences (the parser's arc and label loss through the encoder) and one batch
//! of CoNLL NER sentences (the NER loss, and the POS and chunk loss where the file has those
//! columns), so the encoder learns syntax without forgetting its entities and the tagger moves
//! with the encoder it reads. Each epoch ends with dev LAS and dev NER F1; an epoch
//! is the best one when its LAS is the highest so far and its NER F1 has not fallen more than
//! the tolerance below the start. The best epoch's model (encoder, NER classifier, parser head)
//! is written to the output directory as soon as it is found, and every epoch leaves a
//! checkpoint to resume from.

use std::path::{Path, PathBuf};

use claimex_model::{NerModel, ParserHead, PieceRow, Precision, SyntaxHead};
use serde::{Deserialize, Serialize};
use tch::nn::OptimizerConfig;
use tch::{Kind, Reduction, Tensor};

use crate::conllu::TreeSentence;
use crate::features::{word_input, WordInput};
use crate::finetune::{
    encode, last_checkpoint, ner_cross_entropy, read_state, restore, restore_store,
    save_epoch_checkpoint, schedule, shuffle, SplitMix64, IGNORE, STATE_FILE,
};
use crate::parser::evaluate_parser;
use crate::{evaluate, ConllSentence, Error, Result, TrainExample};

/// Settings of [`finetune_parser`].
#[derive(Debug, Clone)]
pub struct ParserFinetuneConfig {
    /// Passes over the treebank.
    pub epochs: usize,
    /// Treebank sentences per step.
    pub batch_size: usize,
    /// NER sentences per step.
    pub ner_batch_size: usize,
    /// Peak learning rate of the encoder and NER classifier (AdamW, warm-up then linear decay).
    pub encoder_learning_rate: f64,
    /// Peak learning rate of the parser head (same schedule).
    pub head_learning_rate: f64,
    /// Share of the steps spent warming up.
    pub warmup_fraction: f64,
    /// Each part's gradients are rescaled to at most this norm.
    pub max_grad_norm: f64,
    /// Weight of the NER loss against the parser loss.
    pub ner_weight: f64,
    /// How far dev NER F1 may fall below its starting value for an epoch to be kept.
    pub ner_tolerance: f64,
    /// Seeds dropout and the batch order.
    pub seed: u64,
    /// Folder of the per-epoch checkpoints.
    pub checkpoint_dir: PathBuf,
    /// Continue from the checkpoint in `checkpoint_dir` if there is one.
    pub resume: bool,
}

impl ParserFinetuneConfig {
    /// The usual settings, with checkpoints in `checkpoint_dir`.
    pub fn new(checkpoint_dir: PathBuf) -> Self {
        ParserFinetuneConfig {
            epochs: 6,
            batch_size: 32,
            ner_batch_size: 16,
            encoder_learning_rate: 5e-5,
            head_learning_rate: 5e-4,
            warmup_fraction: 0.1,
            max_grad_norm: 5.0,
            ner_weight: 1.0,
            ner_tolerance: 0.01,
            seed: 31,
            checkpoint_dir,
            resume: false,
        }
    }
}

/// Progress of a run, saved with every checkpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParserFinetuneState {
    /// What the run trains on and how: a checkpoint continues only the same run.
    pub fingerprint: String,
    /// Dev LAS and NER F1 before training.
    pub start: (f64, f64),
    /// Epochs finished.
    pub epochs_done: usize,
    /// Steps taken.
    pub step: usize,
    /// Dev LAS after each epoch.
    pub dev_las: Vec<f64>,
    /// Dev NER F1 after each epoch.
    pub dev_ner_f1: Vec<f64>,
    /// The epoch written to the output directory, and its dev LAS.
    pub best: Option<(usize, f64)>,
    /// Epochs resumed from a checkpoint (0 for a fresh run).
    pub resumed_after: usize,
}

/// A CoNLL sentence ready for a step: its NER input and targets, and where it has POS and chunk
/// columns, each word's first-piece position and tag classes (empty otherwise).
struct NerItem {
    encoded: crate::finetune::Encoded,
    firsts: Vec<i64>,
    pos: Vec<i64>,
    chunks: Vec<i64>,
}

/// A treebank sentence ready for a step.
struct TreeItem {
    input: WordInput,
    heads: Vec<i64>,
    labels: Vec<i64>,
}

/// The heads that learn with the encoder.
pub struct JointHeads<'a> {
    /// The dependency parser head.
    pub parser: &'a ParserHead,
    /// The part-of-speech and chunk head, trained on the NER sentences' POS and chunk columns.
    pub syntax: Option<&'a SyntaxHead>,
}

/// Fine-tunes `model` and `heads` together on `treebank` (parsing) and `ner_train` (entities,
/// and tags), scoring `treebank_dev` and `ner_dev` after every epoch. The best epoch is written to
/// `out` as a complete model directory named `name`, with the heads. Returns the run's state;
/// when no epoch keeps NER F1 within the tolerance, nothing is written to `out` (an error says
/// so).
#[allow(clippy::too_many_arguments)]
pub fn finetune_parser(
    model: &NerModel,
    heads: JointHeads,
    treebank: &[TreeSentence],
    treebank_dev: &[TreeSentence],
    ner_train: &[ConllSentence],
    ner_dev: &[TrainExample],
    out: &Path,
    name: &str,
    config: &ParserFinetuneConfig,
    mut progress: impl FnMut(&str),
) -> Result<ParserFinetuneState> {
    let started = std::time::Instant::now();
    let head = heads.parser;
    let labels = &head.config().labels;
    let mut trees = Vec::with_capacity(treebank.len());
    for s in treebank {
        let Some(input) = word_input(model, &s.words)? else {
            continue;
        };
        let mut classes = Vec::with_capacity(s.relations.len());
        for r in &s.relations {
            let class = labels.iter().position(|l| l == r).ok_or_else(|| {
                Error::Training(format!(
                    "the treebank's sentence at line {} has the relation {r}, which the parser head does not know (its labels: {}); start from a new head (--layers) trained on this treebank",
                    s.line,
                    labels.join(", ")
                ))
            })?;
            classes.push(class as i64);
        }
        trees.push(TreeItem {
            input,
            heads: s.heads.iter().map(|&h| h as i64).collect(),
            labels: classes,
        });
    }
    let mut entities = Vec::with_capacity(ner_train.len());
    for sentence in ner_train {
        let encoded = encode(model, &TrainExample::from(sentence))?;
        if encoded.ids.is_empty() || encoded.ids.len() > model.window() {
            continue;
        }
        let mut item = NerItem {
            encoded,
            firsts: vec![],
            pos: vec![],
            chunks: vec![],
        };
        if let (Some(syntax), false) = (heads.syntax, sentence.pos.is_empty()) {
            let class = |labels: &[String], tag: &String| {
                labels
                    .iter()
                    .position(|l| l == tag)
                    .map_or(IGNORE, |c| c as i64)
            };
            if let Some(input) = word_input(model, &sentence.tokens)? {
                let whole = sentence.pos.len() == sentence.tokens.len()
                    && sentence.chunks.len() == sentence.tokens.len();
                if whole && input.ids == item.encoded.ids {
                    let config = syntax.config();
                    item.firsts = input.firsts;
                    item.pos = sentence
                        .pos
                        .iter()
                        .map(|t| class(&config.pos_labels, t))
                        .collect();
                    item.chunks = sentence
                        .chunks
                        .iter()
                        .map(|t| class(&config.chunk_labels, t))
                        .collect();
                }
            }
        }
        entities.push(item);
    }
    if trees.is_empty() || entities.is_empty() {
        return Err(Error::Training(format!(
            "nothing to train on: {} of {} treebank sentences and {} of {} NER sentences fit the encoder",
            trees.len(),
            treebank.len(),
            entities.len(),
            ner_train.len()
        )));
    }
    trees.sort_by_key(|t| t.input.ids.len());
    entities.sort_by_key(|e| e.encoded.ids.len());
    let mut tree_batches: Vec<&[TreeItem]> = trees.chunks(config.batch_size.max(1)).collect();
    let ner_batches: Vec<&[NerItem]> = entities.chunks(config.ner_batch_size.max(1)).collect();
    let total_steps = tree_batches.len() * config.epochs;
    let warmup = ((total_steps as f64) * config.warmup_fraction).ceil() as usize;
    let fingerprint = fingerprint(model, &heads, treebank, ner_train, config);

    let mut state = ParserFinetuneState {
        fingerprint: fingerprint.clone(),
        ..ParserFinetuneState::default()
    };
    if config.resume {
        if let Some(saved) = load(model, &heads, &config.checkpoint_dir, &fingerprint)? {
            state = saved;
            state.resumed_after = state.epochs_done;
            progress(&format!(
                "continuing from the checkpoint in {} after epoch {}",
                config.checkpoint_dir.display(),
                state.epochs_done
            ));
            // The checkpoint is the best epoch: the run may have stopped before writing it out.
            if state
                .best
                .is_some_and(|(epoch, _)| epoch == state.epochs_done)
            {
                model.save_with(out, name, Precision::F16, |dir| save_heads(&heads, dir))?;
            }
        }
    }
    if state.epochs_done == 0 {
        let las = evaluate_parser(model, head, treebank_dev)?.las;
        let f1 = evaluate(model, ner_dev)?.f1;
        state.start = (las, f1);
    }
    progress(&format!(
        "{} treebank sentences ({} too long), {} NER sentences, {total_steps} steps; dev LAS before {:.4}, NER F1 before {:.4}",
        trees.len(),
        treebank.len() - trees.len(),
        entities.len(),
        state.start.0,
        state.start.1
    ));

    tch::manual_seed(config.seed.wrapping_add(state.epochs_done as u64) as i64);
    let mut encoder_opt = tch::nn::AdamW {
        wd: 0.01,
        ..Default::default()
    }
    .build(model.var_store(), config.encoder_learning_rate)?;
    let mut head_opt = tch::nn::Adam {
        beta2: 0.9,
        ..Default::default()
    }
    .build(head.var_store(), config.head_learning_rate)?;
    let mut syntax_opt = match heads.syntax {
        Some(syntax) => {
            Some(tch::nn::Adam::default().build(syntax.var_store(), config.head_learning_rate)?)
        }
        None => None,
    };
    // The batch orders of the epochs already run are replayed, so a resumed run sees the same
    // order as an uninterrupted one.
    let mut rng = SplitMix64(config.seed);
    let mut ner_order = Cycle {
        order: (0..ner_batches.len()).collect(),
        at: 0,
        rng: SplitMix64(config.seed ^ 0x5eed),
    };
    for _ in 0..state.epochs_done {
        shuffle(&mut tree_batches, &mut rng);
        for _ in 0..tree_batches.len() {
            ner_order.next();
        }
    }
    let mut step = state.step;
    for epoch in state.epochs_done + 1..=config.epochs {
        shuffle(&mut tree_batches, &mut rng);
        let (mut parse_total, mut ner_total, mut tag_total) = (0.0, 0.0, 0.0);
        for (k, trees) in tree_batches.iter().enumerate() {
            step += 1;
            let factor = schedule(step, warmup, total_steps);
            encoder_opt.set_lr(config.encoder_learning_rate * factor);
            head_opt.set_lr(config.head_learning_rate * factor);
            let parse_loss = parse_loss(model, head, trees)?;
            let (ner_loss, tag_loss) =
                ner_loss(model, heads.syntax, ner_batches[ner_order.next()])?;
            let mut loss = &parse_loss + &ner_loss * config.ner_weight;
            if let Some(tags) = &tag_loss {
                loss += tags * config.ner_weight;
            }
            // The tagger steps only on batches that taught it something (a step without
            // gradients has nothing to clip).
            let tagger = syntax_opt.as_mut().filter(|_| tag_loss.is_some());
            encoder_opt.zero_grad();
            head_opt.zero_grad();
            loss.backward();
            encoder_opt.clip_grad_norm(config.max_grad_norm);
            head_opt.clip_grad_norm(config.max_grad_norm);
            encoder_opt.step();
            head_opt.step();
            if let Some(opt) = tagger {
                opt.set_lr(config.head_learning_rate * factor);
                opt.clip_grad_norm(config.max_grad_norm);
                opt.step();
                opt.zero_grad();
            }
            parse_total += parse_loss.double_value(&[]);
            ner_total += ner_loss.double_value(&[]);
            tag_total += tag_loss.map_or(0.0, |t| t.double_value(&[]));
            if (k + 1) % 50 == 0 {
                progress(&format!(
                    "epoch {epoch}: step {}/{} (parser loss {:.4}, NER loss {:.4}, tag loss {:.4}; {:.0}s)",
                    k + 1,
                    tree_batches.len(),
                    parse_total / (k + 1) as f64,
                    ner_total / (k + 1) as f64,
                    tag_total / (k + 1) as f64,
                    started.elapsed().as_secs_f64()
                ));
            }
        }
        let las = evaluate_parser(model, head, treebank_dev)?.las;
        let f1 = evaluate(model, ner_dev)?.f1;
        state.dev_las.push(las);
        state.dev_ner_f1.push(f1);
        state.epochs_done = epoch;
        state.step = step;
        let kept = f1 >= state.start.1 - config.ner_tolerance;
        let better = state.best.map_or(true, |(_, best)| las > best);
        progress(&format!(
            "epoch {epoch}/{}: dev LAS {las:.4}, dev NER F1 {f1:.4}{} ({:.0}s)",
            config.epochs,
            match (kept, better) {
                (true, true) => format!(": best so far, written to {}", out.display()),
                (false, _) => format!(
                    ": NER F1 more than {} below the start, not kept",
                    config.ner_tolerance
                ),
                _ => String::new(),
            },
            started.elapsed().as_secs_f64()
        ));
        if kept && better {
            state.best = Some((epoch, las));
        }
        // The checkpoint first, then the output: a run killed between the two finds its best
        // epoch is the checkpoint's and writes the output again when resumed.
        let json = serde_json::to_string_pretty(&state).map_err(|source| Error::State {
            path: config.checkpoint_dir.join(STATE_FILE),
            source,
        })?;
        save_epoch_checkpoint(model, &config.checkpoint_dir, epoch, |dir| {
            save_heads(&heads, dir)?;
            let path = dir.join(STATE_FILE);
            std::fs::write(&path, json).map_err(|source| claimex_model::Error::Io { path, source })
        })?;
        if kept && better {
            model.save_with(out, name, Precision::F16, |dir| save_heads(&heads, dir))?;
        }
    }
    if state.best.is_none() {
        return Err(Error::Training(format!(
            "no epoch kept dev NER F1 within {} of its start ({:.4}): nothing written to {}",
            config.ner_tolerance,
            state.start.1,
            out.display()
        )));
    }
    Ok(state)
}

/// Batch indices in a seeded order, reshuffled whenever every batch has had its turn.
struct Cycle {
    order: Vec<usize>,
    at: usize,
    rng: SplitMix64,
}

impl Cycle {
    fn next(&mut self) -> usize {
        if self.at % self.order.len() == 0 {
            shuffle(&mut self.order, &mut self.rng);
        }
        let i = self.order[self.at % self.order.len()];
        self.at += 1;
        i
    }
}

/// The parser's loss on a batch of treebank sentences, through the encoder.
fn parse_loss(model: &NerModel, head: &ParserHead, batch: &[TreeItem]) -> Result<Tensor> {
    let rows: Vec<PieceRow> = batch.iter().map(|t| t.input.row()).collect();
    let (_, layers) = model.forward_rows(&rows, true).map_err(Error::Ner)?;
    let features = head.features(&layers).map_err(Error::Ner)?;
    let (b, _, width) = features.size3()?;
    let lengths: Vec<i64> = batch.iter().map(|t| t.heads.len() as i64).collect();
    let longest = lengths.iter().copied().max().unwrap_or(0);
    let padded = |rows: &mut dyn Iterator<Item = &Vec<i64>>| {
        let mut flat = Vec::with_capacity(batch.len() * longest as usize);
        for row in rows {
            flat.extend(row);
            flat.resize(flat.len() + longest as usize - row.len(), 0);
        }
        Tensor::from_slice(&flat).view([b, longest])
    };
    let firsts = padded(&mut batch.iter().map(|t| &t.input.firsts));
    let words = features.gather(
        1,
        &firsts.unsqueeze(-1).expand([b, longest, width], false),
        false,
    );
    let states = head.states(&words, true);
    let heads = padded(&mut batch.iter().map(|t| &t.heads));
    let labels = padded(&mut batch.iter().map(|t| &t.labels));
    Ok(head.loss(&states, &lengths, &heads, &labels))
}

/// Writes the heads into a model directory being written (over the copies the model carries).
fn save_heads(heads: &JointHeads, dir: &Path) -> claimex_model::Result<()> {
    heads.parser.save(dir)?;
    match heads.syntax {
        Some(syntax) => syntax.save(dir),
        None => Ok(()),
    }
}

/// The NER loss on a batch of CoNLL sentences and, with a syntax head and sentences that have tag
/// columns, the POS plus chunk loss from the same forward pass.
fn ner_loss(
    model: &NerModel,
    syntax: Option<&SyntaxHead>,
    batch: &[NerItem],
) -> Result<(Tensor, Option<Tensor>)> {
    let rows: Vec<PieceRow> = batch.iter().map(|e| e.encoded.row()).collect();
    let (logits, layers) = model.forward_rows(&rows, true).map_err(Error::Ner)?;
    let ner = ner_cross_entropy(&logits, batch.iter().map(|e| e.encoded.targets.as_slice()))?;
    let taught = |e: &NerItem| e.pos.iter().chain(&e.chunks).any(|&c| c != IGNORE);
    let Some(syntax) = syntax.filter(|_| batch.iter().any(taught)) else {
        return Ok((ner, None));
    };
    let features = syntax.features(&layers).map_err(Error::Ner)?;
    let width = features.size()[2];
    let longest = batch.iter().map(|e| e.firsts.len()).max().unwrap_or(0);
    let (mut firsts, mut pos, mut chunks) = (vec![], vec![], vec![]);
    for e in batch {
        let pad = longest - e.firsts.len();
        firsts.extend(&e.firsts);
        firsts.extend(std::iter::repeat(0).take(pad));
        pos.extend(&e.pos);
        pos.extend(std::iter::repeat(IGNORE).take(pad));
        chunks.extend(&e.chunks);
        chunks.extend(std::iter::repeat(IGNORE).take(pad));
    }
    let (b, w) = (batch.len() as i64, longest as i64);
    let index = Tensor::from_slice(&firsts)
        .view([b, w, 1])
        .expand([b, w, width], false);
    let (pos_logits, chunk_logits) = syntax.forward(&features.gather(1, &index, false), true);
    // A mean over no targets is not a number: a tag kind with none adds nothing.
    let tag_loss = |logits: Tensor, targets: &[i64]| {
        if targets.iter().all(|&t| t == IGNORE) {
            return Tensor::zeros([], (Kind::Float, tch::Device::Cpu));
        }
        let classes = logits.size()[2];
        logits.view([-1, classes]).cross_entropy_loss::<Tensor>(
            &Tensor::from_slice(targets),
            None,
            Reduction::Mean,
            IGNORE,
            0.0,
        )
    };
    Ok((
        ner,
        Some(tag_loss(pos_logits, &pos) + tag_loss(chunk_logits, &chunks)),
    ))
}

/// Settings, labels and an FNV-1a hash of the data: what a checkpoint must match to be continued.
fn fingerprint(
    model: &NerModel,
    heads: &JointHeads,
    treebank: &[TreeSentence],
    ner_train: &[ConllSentence],
    config: &ParserFinetuneConfig,
) -> String {
    let head = heads.parser;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for s in treebank {
        for ((w, h), r) in s.words.iter().zip(&s.heads).zip(&s.relations) {
            feed(format!("{w} {h} {r}|").as_bytes());
        }
        feed(b"\n");
    }
    for s in ner_train {
        for (i, token) in s.tokens.iter().enumerate() {
            let tag = |tags: &[String]| tags.get(i).cloned().unwrap_or_default();
            feed(
                format!(
                    "{token} {} {} {}|",
                    tag(&s.tags),
                    tag(&s.pos),
                    tag(&s.chunks)
                )
                .as_bytes(),
            );
        }
        feed(b"\n");
    }
    format!(
        "ner-labels={} parser-labels={} syntax={} layers={:?} epochs={} batch={}+{} lr={}/{} warmup={} clip={} ner-weight={} tolerance={} seed={} data={hash:016x}",
        model.info().labels.join(","),
        head.config().labels.join(","),
        heads.syntax.map_or("none".to_string(), |h| format!("{:?}", h.config())),
        head.config().layers,
        config.epochs,
        config.batch_size,
        config.ner_batch_size,
        config.encoder_learning_rate,
        config.head_learning_rate,
        config.warmup_fraction,
        config.max_grad_norm,
        config.ner_weight,
        config.ner_tolerance,
        config.seed,
    )
}

/// Loads the newest checkpoint in `dir` into `model` and `head` and returns its state; `None`
/// when there is none. A checkpoint of another run is an error.
fn load(
    model: &NerModel,
    heads: &JointHeads,
    dir: &Path,
    fingerprint: &str,
) -> Result<Option<ParserFinetuneState>> {
    let Some((last, state_path)) = last_checkpoint(dir) else {
        return Ok(None);
    };
    let state: ParserFinetuneState =
        read_state(dir, &state_path, fingerprint, |s: &ParserFinetuneState| {
            s.fingerprint.as_str()
        })?;
    restore(
        model,
        &Tensor::read_safetensors(last.join("model.safetensors"))?,
    )?;
    let missing = |what: &str| Error::Training(format!("{} has no {what}", last.display()));
    // restore_store converts each weight to its variable's kind.
    let weights =
        |vs: &tch::nn::VarStore| -> Vec<(String, Tensor)> { vs.variables().into_iter().collect() };
    let saved = ParserHead::load(&last)
        .map_err(Error::Ner)?
        .ok_or_else(|| missing("parser head"))?;
    restore_store(heads.parser.var_store(), &weights(saved.var_store()))?;
    if let Some(syntax) = heads.syntax {
        let saved = SyntaxHead::load(&last)
            .map_err(Error::Ner)?
            .ok_or_else(|| missing("syntax head"))?;
        restore_store(syntax.var_store(), &weights(saved.var_store()))?;
    }
    Ok(Some(state))
}
