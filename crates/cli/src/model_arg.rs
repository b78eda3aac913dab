use std::path::Path;

use anyhow::Context;
use claimex_ner::{NerConfig, NerModel};

/// Loads the model a `--model`-style argument names: a model directory, or `hf:ORG/NAME[@REV]`
/// (fetched into the cache when built with the `remote` feature, else explained).
pub fn load(spec: &Path, config: NerConfig) -> anyhow::Result<NerModel> {
    let dir = claimex_ner::resolve_model(&spec.to_string_lossy())?;
    NerModel::load(&dir, config)
        .with_context(|| format!("loading NER model from {}", dir.display()))
}

/// The relations model id of the claims `model` makes (method, syntax head, relation head).
pub fn claims_model_id(info: &claimex_ner::ModelInfo) -> String {
    claimex_relations::claims_model_id(info.syntax_id.as_deref(), info.relations_id.as_deref())
}

/// What claim building needs from a loaded model: the ids stored with every claim, and the
/// model's confidence calibration when it has one fitted for this claim method (otherwise a
/// warning, and confidences stay raw).
pub fn claim_settings(
    model: &NerModel,
) -> anyhow::Result<(
    claimex_core::ModelIds,
    Option<claimex_relations::Calibration>,
)> {
    let info = model.info();
    let models = claimex_core::ModelIds {
        ner: info.id.clone(),
        relations: claims_model_id(info),
    };
    let method = claimex_relations::method_id(info.syntax_id.as_deref());
    let calibration =
        claimex_relations::Calibration::of_model(&info.dir).map_err(anyhow::Error::msg)?;
    let calibration = match calibration {
        Some(c) if c.method != method => {
            eprintln!(
                "warning: {} was fitted for {}, not {method}: claim confidences are uncalibrated (refit with `claimex eval claims --fit-calibration`)",
                claimex_relations::CALIBRATION_FILE,
                c.method,
            );
            None
        }
        other => other,
    };
    Ok((models, calibration))
}

/// Sets `relation` on claims whose subject and object are entity mentions of one sentence when
/// the model's relation head finds a relation from the subject to the object (`work_for`,
/// `located_in`, ...). `docs` are the claims of several documents: their sentences go through the
/// encoder together, in length-sorted batches.
pub fn type_claims(
    model: &NerModel,
    head: &claimex_ner::RelationHead,
    docs: &mut [&mut [claimex_core::Claim]],
) -> anyhow::Result<()> {
    use claimex_ner::Mention;
    // Sentences by (document, start), each with its distinct mentions.
    let mut sentences: Vec<((usize, usize), &str, Vec<Mention>)> = Vec::new();
    // Per document, per claim: (sentence, head mention, tail mention).
    let mut places: Vec<Vec<Option<(usize, usize, usize)>>> = Vec::with_capacity(docs.len());
    for (d, claims) in docs.iter().enumerate() {
        let mut doc_places = Vec::with_capacity(claims.len());
        for c in claims.iter() {
            let (Some(o), Some(sl)) = (&c.object, &c.subject.label) else {
                doc_places.push(None);
                continue;
            };
            let Some(ol) = &o.label else {
                doc_places.push(None);
                continue;
            };
            let key = (d, c.sentence.start);
            let k = match sentences.iter().rposition(|s| s.0 == key) {
                Some(k) => k,
                None => {
                    sentences.push((key, c.sentence.text.as_str(), vec![]));
                    sentences.len() - 1
                }
            };
            let base = c.sentence.start;
            let mut index_of = |start: usize, end: usize, label: &str| {
                let mentions = &mut sentences[k].2;
                let m = Mention {
                    start: start - base,
                    end: end - base,
                    label: label.to_string(),
                };
                match mentions.iter().position(|x| *x == m) {
                    Some(i) => i,
                    None => {
                        mentions.push(m);
                        mentions.len() - 1
                    }
                }
            };
            let h = index_of(c.subject.start, c.subject.end, sl);
            let t = index_of(o.start, o.end, ol);
            doc_places.push(Some((k, h, t)));
        }
        places.push(doc_places);
    }
    if sentences.is_empty() {
        return Ok(());
    }
    let texts: Vec<&str> = sentences.iter().map(|s| s.1).collect();
    let mentions: Vec<Vec<Mention>> = sentences.iter().map(|s| s.2.clone()).collect();
    let found = claimex_ner::find_relations(model, head, &texts, &mentions)?;
    for (claims, doc_places) in docs.iter_mut().zip(places) {
        for (claim, place) in claims.iter_mut().zip(doc_places) {
            if let Some((k, h, t)) = place {
                claim.relation = found[k]
                    .iter()
                    .find(|r| r.head == h && r.tail == t)
                    .map(|r| r.label.to_lowercase());
            }
        }
    }
    Ok(())
}
