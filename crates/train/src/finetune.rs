use std::path::{Path, PathBuf};

use claimex_model::{piece_shapes, word_pieces, NerModel, PieceRow, Precision};
use serde::{Deserialize, Serialize};
use tch::nn::OptimizerConfig;
use tch::{Reduction, Tensor};
use tokenizers::Encoding;

use crate::metrics::{score_spans, EvalReport, TypedSpan};
use crate::{ConllSentence, Error, Result};

/// Class index that the loss ignores (pieces after a word's first, and special tokens).
pub(crate) const IGNORE: i64 = -100;

/// A labelled sentence: text and gold entities as character spans over it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainExample {
    /// Sentence text.
    pub text: String,
    /// Gold entities.
    pub entities: Vec<TypedSpan>,
}

impl From<&ConllSentence> for TrainExample {
    fn from(s: &ConllSentence) -> Self {
        TrainExample {
            text: s.text().0,
            entities: s.entities(),
        }
    }
}

/// Fine-tuning settings. Defaults are the usual ones for BERT-family token classification.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// Passes over the training data.
    pub epochs: usize,
    /// Sentences per optimiser step.
    pub batch_size: usize,
    /// Peak learning rate (AdamW).
    pub learning_rate: f64,
    /// Share of all steps spent warming the learning rate up linearly from 0; it then decays
    /// linearly to 0.
    pub warmup_fraction: f64,
    /// AdamW weight decay.
    pub weight_decay: f64,
    /// Gradients are rescaled to at most this global norm.
    pub max_grad_norm: f64,
    /// Seeds libtorch (dropout, initialisation) and the batch order.
    pub seed: u64,
    /// With a dev set: stop after this many epochs without a better dev F1. The weights of the
    /// best epoch are restored at the end either way.
    pub patience: usize,
    /// Where to write a checkpoint after every epoch (`DIR/last`, a link swapped atomically to
    /// `DIR/epoch-NNNN`: weights, the best epoch's weights when that is an earlier one, and
    /// `state.json`).
    pub checkpoint_dir: Option<PathBuf>,
    /// Continue from the checkpoint in `checkpoint_dir` if there is one.
    pub resume: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 3,
            batch_size: 32,
            learning_rate: 5e-5,
            warmup_fraction: 0.1,
            weight_decay: 0.01,
            max_grad_norm: 1.0,
            seed: 42,
            patience: 2,
            checkpoint_dir: None,
            resume: false,
        }
    }
}

/// What happened at one optimiser step, for progress display.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepReport {
    /// 1-based epoch.
    pub epoch: usize,
    /// 1-based step over the whole run.
    pub step: usize,
    /// Steps in the whole run.
    pub total_steps: usize,
    /// Mean cross-entropy of this batch.
    pub loss: f64,
    /// Learning rate used.
    pub learning_rate: f64,
}

/// A sentence turned into model input: word-piece ids and one target class per piece.
pub(crate) struct Encoded {
    pub(crate) ids: Vec<u32>,
    pub(crate) shapes: Vec<i64>,
    pub(crate) targets: Vec<i64>,
}

impl Encoded {
    /// The sentence as a row of a batch.
    pub(crate) fn row(&self) -> PieceRow<'_> {
        PieceRow {
            ids: &self.ids,
            shapes: &self.shapes,
        }
    }
}

/// Aligns gold character spans with the model's word pieces: a word's first piece gets `B-X` when
/// an entity starts there, `I-X` inside one, `O` elsewhere; other pieces are ignored by the loss,
/// as inference reads only first pieces.
pub(crate) fn encode(model: &NerModel, example: &TrainExample) -> Result<Encoded> {
    let enc = model.encode(&example.text).map_err(Error::Ner)?;
    encode_from(model, example, &enc)
}

/// [`encode`] for a text the caller has already tokenised (`enc`, from `model.encode`).
pub(crate) fn encode_from(
    model: &NerModel,
    example: &TrainExample,
    enc: &Encoding,
) -> Result<Encoded> {
    let index = claimex_core::TextIndex::new(&example.text);
    let labels = &model.info().labels;
    let class = |label: &str| -> Result<i64> {
        labels
            .iter()
            .position(|l| l == label)
            .map(|i| i as i64)
            .ok_or_else(|| {
                Error::Training(format!(
                    "label {label} is not among the model's labels {labels:?}: extend them first (NerModel::extend_labels)"
                ))
            })
    };
    let mut targets = vec![IGNORE; enc.len()];
    for (first, _) in word_pieces(enc) {
        let start = index.char_at_or_before_byte(enc.get_offsets()[first].0);
        let label = example
            .entities
            .iter()
            .find(|e| e.start <= start && start < e.end)
            .map(|e| {
                let prefix = if e.start == start { "B" } else { "I" };
                format!("{prefix}-{}", e.label)
            })
            .unwrap_or_else(|| "O".to_string());
        targets[first] = class(&label)?;
    }
    Ok(Encoded {
        ids: enc.get_ids().to_vec(),
        shapes: piece_shapes(&example.text, enc),
        targets,
    })
}

/// The NER loss of a batch: cross-entropy of the logits `[rows, longest + 2, labels]` against
/// each row's piece targets (position 0 is `[CLS]`, so piece k is at k + 1; padding ignored).
pub(crate) fn ner_cross_entropy<'a>(
    logits: &Tensor,
    rows: impl Iterator<Item = &'a [i64]>,
) -> Result<Tensor> {
    let (n, len, classes) = logits.size3()?;
    let mut targets = vec![IGNORE; (n * len) as usize];
    for (row, row_targets) in rows.enumerate() {
        let base = row * len as usize + 1;
        targets[base..base + row_targets.len()].copy_from_slice(row_targets);
    }
    Ok(logits.view([-1, classes]).cross_entropy_loss::<Tensor>(
        &Tensor::from_slice(&targets),
        None,
        Reduction::Mean,
        IGNORE,
        0.0,
    ))
}

/// Reads a checkpoint's training state and checks that it belongs to this run (`fingerprint`):
/// a checkpoint of other data or settings is an error naming `dir`, never continued.
pub(crate) fn read_state<T: serde::de::DeserializeOwned>(
    dir: &Path,
    path: &Path,
    fingerprint: &str,
    fingerprint_of: impl Fn(&T) -> &str,
) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let state: T = serde_json::from_str(&text).map_err(|source| Error::State {
        path: path.to_path_buf(),
        source,
    })?;
    let found = fingerprint_of(&state);
    if found != fingerprint {
        return Err(Error::Training(format!(
            "the checkpoint in {} belongs to another run (its data, labels or settings differ):\n  checkpoint: {found}\n  this run:   {fingerprint}\nremove it to start afresh, or run with the same settings",
            dir.display(),
        )));
    }
    Ok(state)
}

/// Fine-tunes `model` in place on `train` with AdamW, linear warm-up and decay, and gradient
/// clipping. Batches hold sentences of similar length (sorted, then shuffled as blocks by the
/// seed). Sentences longer than the model's window are skipped and counted in the result.
/// With `dev`, every epoch ends with a dev evaluation; training stops early after
/// `config.patience` epochs without improvement and the best epoch's weights are kept.
/// `on_step` sees every step, `on_epoch` every dev evaluation.
pub fn finetune(
    model: &NerModel,
    train: &[TrainExample],
    dev: Option<&[TrainExample]>,
    config: &TrainConfig,
    mut on_step: impl FnMut(&StepReport),
    mut on_epoch: impl FnMut(usize, &EvalReport),
) -> Result<FinetuneSummary> {
    let mut encoded = Vec::with_capacity(train.len());
    let mut too_long = 0;
    for example in train {
        let e = encode(model, example)?;
        if e.ids.is_empty() {
            continue;
        }
        if e.ids.len() > model.window() {
            too_long += 1;
            continue;
        }
        encoded.push(e);
    }
    if encoded.is_empty() {
        return Err(Error::Training("no usable training sentences".into()));
    }
    encoded.sort_by_key(|e| e.ids.len());
    let batch_size = config.batch_size.max(1);
    let mut batches: Vec<&[Encoded]> = encoded.chunks(batch_size).collect();
    let total_steps = batches.len() * config.epochs;
    let warmup = ((total_steps as f64) * config.warmup_fraction).ceil() as usize;
    let fingerprint = fingerprint(model, train, dev, config);

    let mut state = TrainState {
        fingerprint: fingerprint.clone(),
        ..TrainState::default()
    };
    let mut best: Option<BestEpoch> = None;
    let resumed = match (&config.checkpoint_dir, config.resume) {
        (Some(dir), true) => load_checkpoint(model, dir, &fingerprint)?,
        _ => None,
    };
    let resumed_after = resumed.as_ref().map(|(saved, _)| saved.epochs_done);
    if let Some((saved, best_weights)) = resumed {
        state = saved;
        // The batch order of the epochs already run is replayed (it is cheap), dropout is
        // re-seeded for the rest.
        tch::manual_seed(config.seed.wrapping_add(state.epochs_done as u64) as i64);
        best = match (state.best_epoch, state.best_f1) {
            (Some(epoch), Some(f1)) => Some(BestEpoch {
                epoch,
                f1,
                weights: best_weights.unwrap_or_else(|| snapshot(model)),
            }),
            _ => None,
        };
    } else {
        tch::manual_seed(config.seed as i64);
    }

    let mut optimizer = tch::nn::AdamW {
        wd: config.weight_decay,
        ..Default::default()
    }
    .build(model.var_store(), config.learning_rate)?;
    let mut rng = SplitMix64(config.seed);
    for _ in 0..state.epochs_done {
        shuffle(&mut batches, &mut rng);
    }
    let mut step = state.step;
    for epoch in state.epochs_done + 1..=config.epochs {
        if state.stopped {
            break;
        }
        shuffle(&mut batches, &mut rng);
        for batch in &batches {
            step += 1;
            let lr = config.learning_rate * schedule(step, warmup, total_steps);
            optimizer.set_lr(lr);
            let rows: Vec<PieceRow> = batch.iter().map(|e| e.row()).collect();
            let logits = model.logits(&rows, true).map_err(Error::Ner)?;
            let loss = ner_cross_entropy(&logits, batch.iter().map(|e| e.targets.as_slice()))?;
            optimizer.backward_step_clip_norm(&loss, config.max_grad_norm);
            let loss = loss.double_value(&[]);
            state.losses.push(loss);
            on_step(&StepReport {
                epoch,
                step,
                total_steps,
                loss,
                learning_rate: lr,
            });
        }
        state.epochs_done = epoch;
        state.step = step;
        if let Some(dev) = dev {
            let report = evaluate(model, dev)?;
            on_epoch(epoch, &report);
            state.dev_f1.push(report.f1);
            if best.as_ref().map_or(true, |b| report.f1 > b.f1) {
                best = Some(BestEpoch {
                    epoch,
                    f1: report.f1,
                    weights: snapshot(model),
                });
            } else if best
                .as_ref()
                .is_some_and(|b| epoch - b.epoch >= config.patience.max(1))
            {
                state.stopped = true;
            }
            state.best_epoch = best.as_ref().map(|b| b.epoch);
            state.best_f1 = best.as_ref().map(|b| b.f1);
        }
        if let Some(dir) = &config.checkpoint_dir {
            let earlier_best = best.as_ref().filter(|b| b.epoch != epoch);
            save_checkpoint(
                model,
                dir,
                &state,
                earlier_best.map(|b| b.weights.as_slice()),
            )?;
        }
    }
    let best_epoch = best.as_ref().map(|b| b.epoch);
    if let Some(BestEpoch { weights, .. }) = best {
        restore(model, &weights)?;
    }
    Ok(FinetuneSummary {
        losses: state.losses,
        dev_f1: state.dev_f1,
        best_epoch,
        sentences: encoded.len(),
        too_long,
        resumed_after,
    })
}

/// The best epoch so far: its dev F1 and a copy of its weights.
struct BestEpoch {
    epoch: usize,
    f1: f64,
    weights: Weights,
}

/// What a fine-tuning run did.
#[derive(Debug, Clone, PartialEq)]
pub struct FinetuneSummary {
    /// Loss at every step.
    pub losses: Vec<f64>,
    /// Dev F1 after each epoch run (empty without a dev set).
    pub dev_f1: Vec<f64>,
    /// Epoch whose weights the model holds now, when a dev set chose it.
    pub best_epoch: Option<usize>,
    /// Sentences trained on.
    pub sentences: usize,
    /// Sentences skipped for being longer than the model's window.
    pub too_long: usize,
    /// When the run continued a checkpoint: the epochs it had already done.
    pub resumed_after: Option<usize>,
}

/// Progress of a run, saved with every checkpoint as `state.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct TrainState {
    /// What the run trains on and how (see [`fingerprint`]): a checkpoint continues only the
    /// same run.
    fingerprint: String,
    epochs_done: usize,
    step: usize,
    losses: Vec<f64>,
    dev_f1: Vec<f64>,
    best_epoch: Option<usize>,
    best_f1: Option<f64>,
    /// Early stopping ended the run.
    stopped: bool,
}

pub(crate) const STATE_FILE: &str = "state.json";
const BEST_WEIGHTS_FILE: &str = "best.safetensors";
/// The link to the newest complete checkpoint, inside the checkpoint folder.
const LAST: &str = "last";
/// Checkpoint directories are named by this and the epoch they end.
const EPOCH_PREFIX: &str = "epoch-";

/// Describes a run so that a checkpoint is never continued with other data or settings: labels,
/// the settings that shape the optimisation, and an FNV-1a hash of the training and dev texts
/// and spans.
fn fingerprint(
    model: &NerModel,
    train: &[TrainExample],
    dev: Option<&[TrainExample]>,
    config: &TrainConfig,
) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for example in train.iter().chain(dev.unwrap_or_default()) {
        feed(example.text.as_bytes());
        for e in &example.entities {
            feed(format!("|{} {} {}", e.start, e.end, e.label).as_bytes());
        }
        feed(b"\n");
    }
    format!(
        "labels={} epochs={} batch={} lr={} warmup={} wd={} clip={} seed={} patience={} data={hash:016x}",
        model.info().labels.join(","),
        config.epochs,
        config.batch_size,
        config.learning_rate,
        config.warmup_fraction,
        config.weight_decay,
        config.max_grad_norm,
        config.seed,
        config.patience,
    )
}

/// Named weights, sorted by name.
pub(crate) type Weights = Vec<(String, Tensor)>;

/// A detached copy of every weight.
fn snapshot(model: &NerModel) -> Weights {
    snapshot_store(model.var_store())
}

/// A detached copy of every variable of `vs`, sorted by name.
pub(crate) fn snapshot_store(vs: &tch::nn::VarStore) -> Weights {
    let mut named: Weights = vs
        .variables()
        .into_iter()
        .map(|(name, t)| (name, t.detach().copy()))
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    named
}

/// Copies weights into the model by name; every variable of the model must be there, in shape.
pub(crate) fn restore(model: &NerModel, weights: &[(String, Tensor)]) -> Result<()> {
    restore_store(model.var_store(), weights)
}

/// Copies weights into the variables of `vs` by name; every variable must be there, in shape.
pub(crate) fn restore_store(vs: &tch::nn::VarStore, weights: &[(String, Tensor)]) -> Result<()> {
    let saved: std::collections::HashMap<&str, &Tensor> =
        weights.iter().map(|(n, t)| (n.as_str(), t)).collect();
    tch::no_grad(|| {
        for (name, mut var) in vs.variables() {
            let from = saved
                .get(name.as_str())
                .ok_or_else(|| Error::Training(format!("checkpoint has no weights for {name}")))?;
            if from.size() != var.size() {
                return Err(Error::Training(format!(
                    "checkpoint weights for {name} are {:?}, the model's are {:?}",
                    from.size(),
                    var.size()
                )));
            }
            var.copy_(&from.to_kind(var.kind()));
        }
        Ok(())
    })
}

/// Writes the checkpoint of `state.epochs_done`: the model's weights, `best` (an earlier epoch's
/// weights, when that epoch is the best so far) and the state ([`save_epoch_checkpoint`]).
fn save_checkpoint(
    model: &NerModel,
    dir: &Path,
    state: &TrainState,
    best: Option<&[(String, Tensor)]>,
) -> Result<()> {
    let json = serde_json::to_string_pretty(state).map_err(|source| Error::State {
        path: dir.join(STATE_FILE),
        source,
    })?;
    save_epoch_checkpoint(model, dir, state.epochs_done, |partial| {
        write_checkpoint_extras(partial, best, json)
    })
}

/// Writes the checkpoint of epoch `epoch` as `DIR/epoch-NNNN` (the model, then whatever `extra`
/// writes into the unfinished directory), then points the symbolic link `DIR/last` at it with
/// one rename and removes the older epochs. A kill at any moment leaves `last` naming a complete
/// checkpoint (replacing a directory in place cannot: the old one has to be removed before the
/// new one can take its name).
pub(crate) fn save_epoch_checkpoint(
    model: &NerModel,
    dir: &Path,
    epoch: usize,
    extra: impl FnOnce(&Path) -> claimex_model::Result<()>,
) -> Result<()> {
    let name = format!("{EPOCH_PREFIX}{epoch:04}");
    let failed = |source: Box<dyn std::error::Error + Send + Sync>| Error::Checkpoint {
        dir: dir.to_path_buf(),
        source,
    };
    model
        .save_with(&dir.join(&name), "checkpoint", Precision::F32, extra)
        .map_err(|e| failed(e.into()))?;
    let last = dir.join(LAST);
    let next = dir.join(format!("{LAST}.next"));
    let _ = std::fs::remove_file(&next);
    std::os::unix::fs::symlink(&name, &next).map_err(|e| failed(e.into()))?;
    if last.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        // A checkpoint written before `last` became a link.
        std::fs::remove_dir_all(&last).map_err(|e| failed(e.into()))?;
    }
    std::fs::rename(&next, &last).map_err(|e| failed(e.into()))?;
    // The checkpoint's files were synced before its folder was renamed; the link's rename too.
    claimex_core::durable::sync_path(dir).map_err(|e| failed(e.into()))?;
    remove_epochs(dir, Some(&name)).map_err(|e| failed(e.into()))
}

/// The newest complete checkpoint in `dir` and its state file, when there is one.
pub(crate) fn last_checkpoint(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let last = dir.join(LAST);
    let state = last.join(STATE_FILE);
    state.is_file().then_some((last, state))
}

/// Writes what a checkpoint holds besides the model into its unfinished directory `partial`:
/// the best epoch's weights (when given) and the training state.
fn write_checkpoint_extras(
    partial: &Path,
    best: Option<&[(String, Tensor)]>,
    json: String,
) -> claimex_model::Result<()> {
    if let Some(best) = best {
        Tensor::write_safetensors(best, partial.join(BEST_WEIGHTS_FILE))?;
    }
    let path = partial.join(STATE_FILE);
    std::fs::write(&path, json).map_err(|source| claimex_model::Error::Io { path, source })
}

/// Removes the epoch directories (and unfinished `.partial` ones) in `dir` other than `keep`.
fn remove_epochs(dir: &Path, keep: Option<&str>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(EPOCH_PREFIX) && Some(name.as_ref()) != keep {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    Ok(())
}

/// Whether `dir` holds the checkpoint of an interrupted run.
pub fn has_checkpoint(dir: &Path) -> bool {
    last_checkpoint(dir).is_some()
}

/// Removes what training wrote in the checkpoint folder `dir` (the link, the epochs), and `dir`
/// itself when nothing else is in it.
pub fn remove_checkpoint(dir: &Path) -> std::io::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    remove_epochs(dir, None)?;
    for name in [LAST.to_string(), format!("{LAST}.next")] {
        let path = dir.join(name);
        match path.symlink_metadata() {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(&path)?,
            Ok(_) => std::fs::remove_file(&path)?,
            Err(_) => {}
        }
    }
    let _ = std::fs::remove_dir(dir);
    Ok(())
}

/// Loads `DIR/last` into the model when it exists: the state, and the best epoch's weights when
/// they were saved separately. A checkpoint of another run is an error, not silently ignored.
fn load_checkpoint(
    model: &NerModel,
    dir: &Path,
    fingerprint: &str,
) -> Result<Option<(TrainState, Option<Weights>)>> {
    let Some((last, state_path)) = last_checkpoint(dir) else {
        return Ok(None);
    };
    let state: TrainState = read_state(dir, &state_path, fingerprint, |s: &TrainState| {
        s.fingerprint.as_str()
    })?;
    restore(
        model,
        &Tensor::read_safetensors(last.join("model.safetensors"))?,
    )?;
    let best_path = last.join(BEST_WEIGHTS_FILE);
    let best = if best_path.is_file() {
        Some(Tensor::read_safetensors(&best_path)?)
    } else {
        None
    };
    Ok(Some((state, best)))
}

/// Strict span scores of `model` on labelled examples.
pub fn evaluate(model: &NerModel, examples: &[TrainExample]) -> Result<EvalReport> {
    let predicted = predict(model, examples)?;
    let gold: Vec<Vec<TypedSpan>> = examples.iter().map(|e| e.entities.clone()).collect();
    Ok(score_spans(&gold, &predicted))
}

/// The entities `model` finds in each example's text, as spans over that text.
pub fn predict(model: &NerModel, examples: &[TrainExample]) -> Result<Vec<Vec<TypedSpan>>> {
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    crate::relations::predict_entities(model, &texts)
}

/// Learning-rate factor: linear warm-up over `warmup` steps, then linear decay to 0 at `total`.
pub(crate) fn schedule(step: usize, warmup: usize, total: usize) -> f64 {
    if step <= warmup {
        step as f64 / warmup.max(1) as f64
    } else {
        (total.saturating_sub(step) as f64 / total.saturating_sub(warmup).max(1) as f64).max(0.0)
    }
}

/// A small seeded generator for the batch order (reproducible without another dependency).
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

pub(crate) fn shuffle<T>(items: &mut [T], rng: &mut SplitMix64) {
    for i in (1..items.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_warms_up_then_decays_to_zero() {
        assert_eq!(schedule(1, 4, 20), 0.25);
        assert_eq!(schedule(4, 4, 20), 1.0);
        assert_eq!(schedule(12, 4, 20), 0.5);
        assert_eq!(schedule(20, 4, 20), 0.0);
    }

    #[test]
    fn shuffle_is_a_seeded_permutation() {
        let mut a: Vec<u32> = (0..20).collect();
        let mut b = a.clone();
        shuffle(&mut a, &mut SplitMix64(7));
        shuffle(&mut b, &mut SplitMix64(7));
        assert_eq!(a, b);
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>());
        assert_ne!(a, sorted);
    }
}
