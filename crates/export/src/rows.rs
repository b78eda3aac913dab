//! The relational shape of claimex output, shared by every table-like sink (SQLite, PostgreSQL,
//! CSV, Parquet): one list of columns per table, and the conversions between records and rows.
//! Keeping the columns here, once, is what keeps the sinks in step.

use claimex_core::{
    Argument, Attribution, Claim, DocStatus, DocumentMeta, DocumentRecord, EntitySpan, Evidence,
    Modality, ModelIds, Predicate, Sentence, SourceRef,
};

use crate::{RowError, RunInfo};

/// Column types, mapped to each engine's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 64-bit integer.
    Int,
    /// 64-bit float.
    Real,
    /// UTF-8 text.
    Text,
}

/// One column: name, type, and whether it may be null.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Column name (the same in every sink).
    pub name: &'static str,
    /// Type.
    pub kind: Kind,
    /// May be null.
    pub nullable: bool,
}

const fn col(name: &'static str, kind: Kind, nullable: bool) -> Column {
    Column {
        name,
        kind,
        nullable,
    }
}

use Kind::{Int, Real, Text};

/// A table: its columns, the columns of its primary key, and the columns worth an index.
#[derive(Debug)]
pub struct Table {
    /// Table name.
    pub name: &'static str,
    /// Columns in order.
    pub columns: &'static [Column],
    /// Primary key: what makes a row the same row on a re-run.
    pub key: &'static [&'static str],
    /// Columns people filter by.
    pub indexes: &'static [&'static str],
}

/// Claims: one row per claim, document and model pair (a changed model writes its own rows; the
/// same claim in two documents has a row in each). `doc_key` is the document's identity
/// ([`claimex_core::SourceRef::key`]), which tells apart documents that share an id.
pub static CLAIMS: Table = Table {
    name: "claims",
    columns: &[
        col("claim_id", Text, false),
        col("ner_model", Text, false),
        col("relations_model", Text, false),
        col("doc_id", Text, false),
        col("sentence_start", Int, false),
        col("sentence_end", Int, false),
        col("sentence_text", Text, false),
        col("subject_text", Text, false),
        col("subject_type", Text, true),
        col("subject_entity", Text, true),
        col("subject_start", Int, false),
        col("subject_end", Int, false),
        col("subject_score", Real, false),
        col("predicate_text", Text, false),
        col("predicate_lemma", Text, false),
        col("predicate_start", Int, false),
        col("predicate_end", Int, false),
        col("object_text", Text, true),
        col("object_type", Text, true),
        col("object_entity", Text, true),
        col("object_start", Int, true),
        col("object_end", Int, true),
        col("object_score", Real, true),
        col("relation", Text, true),
        col("modality", Text, false),
        col("attribution_text", Text, true),
        col("attribution_type", Text, true),
        col("attribution_cue", Text, true),
        col("confidence", Real, false),
        col("doc_key", Text, false),
        col("doc_title", Text, true),
        col("doc_url", Text, true),
        col("doc_published_at", Text, true),
        col("doc_published_raw", Text, true),
        col("doc_source", Text, true),
        col("doc_author", Text, true),
        col("doc_language", Text, true),
    ],
    key: &["claim_id", "doc_key", "ner_model", "relations_model"],
    indexes: &[
        "doc_id",
        "subject_entity",
        "object_entity",
        "subject_text",
        "object_text",
        "predicate_lemma",
        "relation",
        "confidence",
        "doc_key",
        "doc_published_at",
        "doc_source",
    ],
};

/// Entity mentions with offsets and their in-document entity id.
pub static ENTITIES: Table = Table {
    name: "entities",
    columns: &[
        col("doc_id", Text, false),
        col("ner_model", Text, false),
        col("mention_start", Int, false),
        col("mention_end", Int, false),
        col("text", Text, false),
        col("type", Text, false),
        col("score", Real, false),
        col("min_score", Real, false),
        col("entity_id", Text, true),
        col("doc_key", Text, false),
    ],
    key: &["doc_key", "ner_model", "mention_start", "mention_end"],
    indexes: &["doc_id", "entity_id", "text", "type"],
};

/// Where each claim is stated: a claim stated twice has two rows.
pub static EVIDENCE: Table = Table {
    name: "claim_evidence",
    columns: &[
        col("claim_id", Text, false),
        col("ner_model", Text, false),
        col("relations_model", Text, false),
        col("doc_id", Text, false),
        col("sentence_start", Int, false),
        col("sentence_end", Int, false),
        col("span_start", Int, false),
        col("span_end", Int, false),
        col("doc_key", Text, false),
    ],
    key: &[
        "claim_id",
        "doc_key",
        "ner_model",
        "relations_model",
        "span_start",
        "span_end",
    ],
    indexes: &["doc_id", "doc_key"],
};

/// The ledger: one row per input document (by its key: canonical source, line and content hash)
/// and model pair, processed or not.
pub static DOCUMENTS: Table = Table {
    name: "documents",
    columns: &[
        col("source", Text, false),
        col("line", Int, false),
        col("ner_model", Text, false),
        col("relations_model", Text, false),
        col("doc_id", Text, true),
        col("status", Text, false),
        col("reason", Text, true),
        col("sentences", Int, false),
        col("entities", Int, false),
        col("claims", Int, false),
        col("doc_key", Text, false),
        col("title", Text, true),
        col("url", Text, true),
        col("published_at", Text, true),
        col("published_raw", Text, true),
        col("publisher", Text, true),
        col("author", Text, true),
        col("language", Text, true),
        col("text", Text, true),
    ],
    key: &["doc_key", "ner_model", "relations_model"],
    indexes: &["doc_id", "source", "published_at", "publisher"],
};

/// The model pair columns of the documents table, for listing the pairs a database holds.
pub(crate) static DOCUMENT_MODELS: Table = Table {
    name: "documents",
    columns: &[
        col("ner_model", Text, false),
        col("relations_model", Text, false),
    ],
    key: &[],
    indexes: &[],
};

/// A value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Integer or null.
    Int(Option<i64>),
    /// Float or null.
    Real(Option<f64>),
    /// Text or null.
    Text(Option<String>),
}

impl Cell {
    fn text(s: &str) -> Cell {
        Cell::Text(Some(s.to_string()))
    }
    fn opt_text(s: Option<&String>) -> Cell {
        Cell::Text(s.cloned())
    }
    fn int(n: usize) -> Cell {
        Cell::Int(Some(n as i64))
    }
    fn real(x: f32) -> Cell {
        Cell::Real(Some(f64::from(x)))
    }

    /// The text, if this is non-null text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Cell::Text(Some(t)) => Some(t),
            _ => None,
        }
    }

    /// The integer, if this is a non-null integer.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Cell::Int(v) => *v,
            _ => None,
        }
    }

    /// The number, if this is a non-null float or integer.
    pub fn as_real(&self) -> Option<f64> {
        match self {
            Cell::Real(v) => *v,
            Cell::Int(v) => v.map(|v| v as f64),
            _ => None,
        }
    }

    /// The value as text, as CSV writes it (null is the empty string).
    pub fn to_text(&self) -> String {
        match self {
            Cell::Int(v) => v.map(|v| v.to_string()).unwrap_or_default(),
            Cell::Real(v) => v.map(|v| v.to_string()).unwrap_or_default(),
            Cell::Text(v) => v.clone().unwrap_or_default(),
        }
    }
}

/// A claim of the document known by `doc_key` as a row of [`CLAIMS`].
pub fn claim_row(c: &Claim, doc_key: &str) -> Vec<Cell> {
    let o = c.object.as_ref();
    let a = c.attribution.as_ref();
    let mut row = vec![
        Cell::text(&c.claim_id),
        Cell::text(&c.model.ner),
        Cell::text(&c.model.relations),
        Cell::text(&c.doc_id),
        Cell::int(c.sentence.start),
        Cell::int(c.sentence.end),
        Cell::text(&c.sentence.text),
        Cell::text(&c.subject.text),
        Cell::opt_text(c.subject.label.as_ref()),
        Cell::opt_text(c.subject.entity.as_ref()),
        Cell::int(c.subject.start),
        Cell::int(c.subject.end),
        Cell::real(c.subject.score),
        Cell::text(&c.predicate.text),
        Cell::text(&c.predicate.lemma),
        Cell::int(c.predicate.start),
        Cell::int(c.predicate.end),
        Cell::Text(o.map(|o| o.text.clone())),
        Cell::Text(o.and_then(|o| o.label.clone())),
        Cell::Text(o.and_then(|o| o.entity.clone())),
        Cell::Int(o.map(|o| o.start as i64)),
        Cell::Int(o.map(|o| o.end as i64)),
        Cell::Real(o.map(|o| f64::from(o.score))),
        Cell::opt_text(c.relation.as_ref()),
        Cell::text(c.modality.as_str()),
        Cell::Text(a.map(|a| a.text.clone())),
        Cell::Text(a.and_then(|a| a.label.clone())),
        Cell::Text(a.map(|a| a.cue.clone())),
        Cell::real(c.confidence),
        Cell::text(doc_key),
    ];
    row.extend(meta_cells(&c.document));
    row
}

/// A document's metadata as cells, in [`DocumentMeta`]'s field order (the `doc_*` columns of
/// [`CLAIMS`], and the matching columns of [`DOCUMENTS`]).
fn meta_cells(m: &DocumentMeta) -> [Cell; 7] {
    [
        Cell::opt_text(m.title.as_ref()),
        Cell::opt_text(m.url.as_ref()),
        Cell::opt_text(m.published_at.as_ref()),
        Cell::opt_text(m.published_raw.as_ref()),
        Cell::opt_text(m.publisher.as_ref()),
        Cell::opt_text(m.author.as_ref()),
        Cell::opt_text(m.language.as_ref()),
    ]
}

/// [`meta_cells`] read back from the seven cells at `row[first..]`.
fn meta_from_cells(row: &[Cell], first: usize) -> DocumentMeta {
    let text = |i: usize| row.get(first + i).and_then(Cell::as_text).map(String::from);
    DocumentMeta {
        title: text(0),
        url: text(1),
        published_at: text(2),
        published_raw: text(3),
        publisher: text(4),
        author: text(5),
        language: text(6),
    }
}

/// Reads a row back into a claim; the row holds [`CLAIMS`]'s columns in order.
pub fn claim_from_row(row: &[Cell]) -> Result<Claim, RowError> {
    if row.len() < CLAIMS.columns.len() {
        return Err(RowError::Columns {
            table: CLAIMS.name,
            found: row.len(),
            expected: CLAIMS.columns.len(),
        });
    }
    let name = |i: usize| CLAIMS.columns[i].name;
    let null = |i: usize| RowError::Null { column: name(i) };
    let text = |i: usize| -> Result<Option<String>, RowError> {
        match &row[i] {
            Cell::Text(v) => Ok(v.clone()),
            other => Err(RowError::NotText {
                column: name(i),
                cell: other.clone(),
            }),
        }
    };
    let req_text = |i: usize| text(i)?.ok_or_else(|| null(i));
    let int = |i: usize| -> Result<Option<usize>, RowError> {
        match &row[i] {
            Cell::Int(v) => Ok(v.map(|v| v as usize)),
            other => Err(RowError::NotInteger {
                column: name(i),
                cell: other.clone(),
            }),
        }
    };
    let req_int = |i: usize| int(i)?.ok_or_else(|| null(i));
    let real = |i: usize| -> Result<Option<f32>, RowError> {
        match &row[i] {
            Cell::Real(v) => Ok(v.map(|v| v as f32)),
            Cell::Int(v) => Ok(v.map(|v| v as f32)),
            other => Err(RowError::NotNumber {
                column: name(i),
                cell: other.clone(),
            }),
        }
    };
    let req_real = |i: usize| real(i)?.ok_or_else(|| null(i));
    let modality = match req_text(24)?.as_str() {
        "asserted" => Modality::Asserted,
        "negated" => Modality::Negated,
        "hedged" => Modality::Hedged,
        "future" => Modality::Future,
        other => {
            return Err(RowError::UnknownModality {
                found: other.to_string(),
            })
        }
    };
    let object = match text(17)? {
        None => None,
        Some(t) => Some(Argument {
            text: t,
            label: text(18)?,
            entity: text(19)?,
            start: req_int(20)?,
            end: req_int(21)?,
            score: req_real(22)?,
        }),
    };
    let attribution = match text(25)? {
        None => None,
        Some(t) => Some(Attribution {
            text: t,
            label: text(26)?,
            cue: text(27)?.unwrap_or_default(),
        }),
    };
    Ok(Claim {
        claim_id: req_text(0)?,
        model: ModelIds {
            ner: req_text(1)?,
            relations: req_text(2)?,
        },
        doc_id: req_text(3)?,
        sentence: Sentence {
            start: req_int(4)?,
            end: req_int(5)?,
            text: req_text(6)?,
        },
        subject: Argument {
            text: req_text(7)?,
            label: text(8)?,
            entity: text(9)?,
            start: req_int(10)?,
            end: req_int(11)?,
            score: req_real(12)?,
        },
        predicate: Predicate {
            text: req_text(13)?,
            lemma: req_text(14)?,
            start: req_int(15)?,
            end: req_int(16)?,
        },
        object,
        relation: text(23)?,
        modality,
        attribution,
        confidence: req_real(28)?,
        // Other places live in the claim_evidence table ([`evidence_from_row`]).
        also_stated: vec![],
        document: meta_from_cells(row, 30),
    })
}

/// A mention of the document known by `doc_key` as a row of [`ENTITIES`].
pub fn entity_row(doc_key: &str, doc_id: &str, ner_model: &str, e: &EntitySpan) -> Vec<Cell> {
    vec![
        Cell::text(doc_id),
        Cell::text(ner_model),
        Cell::int(e.start),
        Cell::int(e.end),
        Cell::text(&e.text),
        Cell::text(&e.label),
        Cell::real(e.score),
        Cell::real(e.min_score),
        Cell::opt_text(e.entity.as_ref()),
        Cell::text(doc_key),
    ]
}

/// Reads a row of [`ENTITIES`] back: (document key, NER model, mention).
pub fn entity_from_row(row: &[Cell]) -> (String, String, EntitySpan) {
    let text = |i: usize| row[i].as_text().unwrap_or_default().to_string();
    let int = |i: usize| row[i].as_int().unwrap_or(0) as usize;
    let real = |i: usize| row[i].as_real().unwrap_or(0.0) as f32;
    let mention = EntitySpan {
        start: int(2),
        end: int(3),
        text: text(4),
        label: text(5),
        score: real(6),
        min_score: real(7),
        entity: row[8].as_text().map(String::from),
    };
    (text(9), text(1), mention)
}

/// Every place a claim of the document known by `doc_key` is stated (its own first) as rows of
/// [`EVIDENCE`].
pub fn evidence_rows(c: &Claim, doc_key: &str) -> Vec<Vec<Cell>> {
    c.all_evidence()
        .into_iter()
        .map(|e| {
            vec![
                Cell::text(&c.claim_id),
                Cell::text(&c.model.ner),
                Cell::text(&c.model.relations),
                Cell::text(&c.doc_id),
                Cell::int(e.sentence_start),
                Cell::int(e.sentence_end),
                Cell::int(e.start),
                Cell::int(e.end),
                Cell::text(doc_key),
            ]
        })
        .collect()
}

/// The key that joins a claim's evidence rows to it: claim id, document key, NER model,
/// relations model.
pub type EvidenceKey = (String, String, String, String);

/// A row of [`EVIDENCE`] back as its [`EvidenceKey`] and the place.
pub fn evidence_from_row(row: &[Cell]) -> Result<(EvidenceKey, Evidence), RowError> {
    let text = |i: usize| row[i].as_text().unwrap_or_default().to_string();
    let int = |i: usize| {
        row[i]
            .as_int()
            .and_then(|v| usize::try_from(v).ok())
            .ok_or_else(|| RowError::MissingOffset {
                claim_id: text(0),
                column: EVIDENCE.columns[i].name,
            })
    };
    Ok((
        (text(0), text(8), text(1), text(2)),
        Evidence {
            sentence_start: int(4)?,
            sentence_end: int(5)?,
            start: int(6)?,
            end: int(7)?,
        },
    ))
}

/// One document's rows for every table.
pub struct DocumentRows {
    /// Its row of [`DOCUMENTS`].
    pub document: Vec<Cell>,
    /// Its mentions, rows of [`ENTITIES`].
    pub entities: Vec<Vec<Cell>>,
    /// Its claims, rows of [`CLAIMS`].
    pub claims: Vec<Vec<Cell>>,
    /// Where its claims are stated, rows of [`EVIDENCE`].
    pub evidence: Vec<Vec<Cell>>,
}

/// A document's output as rows of every table, as every table sink stores it.
pub fn document_rows(doc: &crate::DocumentOutput, run: &RunInfo) -> DocumentRows {
    let key = &doc.record.source.key;
    let ner = doc.models.map_or(&run.ner_model, |m| &m.ner);
    let entities = match &doc.record.doc_id {
        Some(doc_id) => doc
            .entities
            .iter()
            .map(|e| entity_row(key, doc_id, ner, e))
            .collect(),
        None => vec![],
    };
    DocumentRows {
        document: document_row(doc, run),
        entities,
        claims: doc.claims.iter().map(|c| claim_row(c, key)).collect(),
        evidence: doc
            .claims
            .iter()
            .flat_map(|c| evidence_rows(c, key))
            .collect(),
    }
}

/// A document's ledger record, metadata and cleaned text as a row of [`DOCUMENTS`].
pub fn document_row(doc: &crate::DocumentOutput, run: &RunInfo) -> Vec<Cell> {
    let r = doc.record;
    let (ner, relations) = match doc.models {
        Some(m) => (&m.ner, &m.relations),
        None => (&run.ner_model, &run.relations_model),
    };
    let mut row = vec![
        Cell::text(&r.source.path),
        Cell::Int(Some(r.source.line.unwrap_or(0) as i64)),
        Cell::text(ner),
        Cell::text(relations),
        Cell::opt_text(r.doc_id.as_ref()),
        Cell::text(r.status.as_str()),
        Cell::opt_text(r.reason.as_ref()),
        Cell::int(r.sentences),
        Cell::int(r.entities),
        Cell::int(r.claims),
        Cell::text(&r.source.key),
    ];
    row.extend(meta_cells(doc.meta.unwrap_or(&DocumentMeta::default())));
    row.push(Cell::Text(doc.text.map(String::from)));
    row
}

/// The `ON CONFLICT (key) ...` clause of an insert into `table` (plus `run_id`): a row whose key
/// is stored already is left alone, or with `update` replaced (the ledger: a re-run's outcome is
/// the current one). The same text serves SQLite and PostgreSQL.
pub fn on_conflict_sql(table: &Table, update: bool) -> String {
    let action = if update {
        let sets: Vec<String> = table
            .columns
            .iter()
            .map(|c| c.name)
            .chain(["run_id"])
            .filter(|n| !table.key.contains(n))
            .map(|n| format!("{n} = excluded.{n}"))
            .collect();
        format!("DO UPDATE SET {}", sets.join(", "))
    } else {
        "DO NOTHING".to_string()
    };
    format!("ON CONFLICT ({}) {action}", table.key.join(", "))
}

/// A row of [`DOCUMENTS`] read back: the ledger record, its (NER, relations) models, the
/// document's metadata and its cleaned text.
pub struct DocumentRow {
    /// The ledger record.
    pub record: DocumentRecord,
    /// The models of the run that wrote it.
    pub models: ModelIds,
    /// Headline, URL, publication time and the rest.
    pub meta: DocumentMeta,
    /// The cleaned text (processed documents).
    pub text: Option<String>,
}

/// Reads a row of [`DOCUMENTS`] back.
pub fn document_from_row(row: &[Cell]) -> Result<DocumentRow, RowError> {
    let text = |i: usize| row[i].as_text().map(String::from);
    let int = |i: usize| row[i].as_int().unwrap_or(0) as usize;
    let status = text(5).unwrap_or_default();
    let record = DocumentRecord {
        doc_id: text(4),
        source: SourceRef {
            path: text(0).unwrap_or_default(),
            line: Some(int(1) as u64).filter(|&l| l > 0),
            key: text(10).unwrap_or_default(),
        },
        status: DocStatus::parse(&status).ok_or_else(|| RowError::UnknownStatus {
            found: status.clone(),
        })?,
        reason: text(6),
        sentences: int(7),
        entities: int(8),
        claims: int(9),
    };
    let models = ModelIds {
        ner: text(2).unwrap_or_default(),
        relations: text(3).unwrap_or_default(),
    };
    Ok(DocumentRow {
        record,
        models,
        meta: meta_from_cells(row, 11),
        text: row.get(18).and_then(Cell::as_text).map(String::from),
    })
}

/// The `doc_key` a row of `table` stored by schema version 2 (which had no keys) is given when
/// the database is brought to version 3, as an SQL expression over the row (aliased `x`): a
/// document is `v2:SOURCE:LINE`; a mention, claim or evidence row takes the key of the processed
/// document with its id and models (the first, if a v2 database held two), else `v2:DOC_ID`.
pub(crate) fn v2_doc_key_sql(table: &Table) -> String {
    if table.name == DOCUMENTS.name {
        return "'v2:' || x.source || ':' || x.line".into();
    }
    let relations = if table.name == ENTITIES.name {
        ""
    } else {
        " AND d.relations_model = x.relations_model"
    };
    format!(
        "coalesce((SELECT min(d.doc_key) FROM documents d WHERE d.doc_id = x.doc_id \
         AND d.ner_model = x.ner_model{relations} AND d.status = 'processed'), 'v2:' || x.doc_id)"
    )
}

/// The columns of `table` that schema version 2 had: those before `doc_key`, which version 3
/// added together with the columns after it (the documents' metadata and text).
pub(crate) fn v2_columns(table: &Table) -> Vec<&'static str> {
    table
        .columns
        .iter()
        .map(|c| c.name)
        .take_while(|&n| n != "doc_key")
        .collect()
}

/// `CREATE TABLE` and `CREATE INDEX` statements for `table`, with `extra` columns appended (the
/// databases add `run_id`). `types` maps a kind to the engine's type name.
pub fn create_sql(table: &Table, extra: &str, types: fn(Kind) -> &'static str) -> String {
    let mut cols: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            format!(
                "    {} {}{}",
                c.name,
                types(c.kind),
                if c.nullable { "" } else { " NOT NULL" }
            )
        })
        .collect();
    if !extra.is_empty() {
        cols.push(format!("    {extra}"));
    }
    cols.push(format!("    PRIMARY KEY ({})", table.key.join(", ")));
    let mut sql = format!("CREATE TABLE {} (\n{}\n);\n", table.name, cols.join(",\n"));
    for index in table.indexes {
        sql.push_str(&format!(
            "CREATE INDEX {0}_{1} ON {0} ({1});\n",
            table.name, index
        ));
    }
    sql
}

/// Groups table rows back into documents: mentions and claims join their ledger record by
/// document key and models. Used by the readers of every table sink.
pub(crate) fn assemble(
    documents: Vec<Vec<Cell>>,
    entities: Vec<Vec<Cell>>,
    claims: Vec<Vec<Cell>>,
    evidence: Vec<Vec<Cell>>,
) -> std::result::Result<Vec<crate::OwnedDocument>, RowError> {
    use std::collections::HashMap;
    let key_column = CLAIMS
        .columns
        .iter()
        .position(|c| c.name == "doc_key")
        .expect("the claims table has a doc_key column");
    let mut places: HashMap<EvidenceKey, Vec<claimex_core::Evidence>> = HashMap::new();
    for row in &evidence {
        let (key, place) = evidence_from_row(row)?;
        places.entry(key).or_default().push(place);
    }
    let mut mentions: HashMap<(String, String), Vec<EntitySpan>> = HashMap::new();
    for row in &entities {
        let (doc, model, mention) = entity_from_row(row);
        mentions.entry((doc, model)).or_default().push(mention);
    }
    let mut by_doc: HashMap<(String, String, String), Vec<Claim>> = HashMap::new();
    for row in &claims {
        let mut claim = claim_from_row(row)?;
        let doc_key = row[key_column].as_text().unwrap_or_default().to_string();
        let key = (
            claim.claim_id.clone(),
            doc_key.clone(),
            claim.model.ner.clone(),
            claim.model.relations.clone(),
        );
        let own = claim.evidence();
        let mut others: Vec<claimex_core::Evidence> = places
            .remove(&key)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| *p != own)
            .collect();
        others.sort_by_key(|p| (p.start, p.end));
        claim.also_stated = others;
        by_doc
            .entry((
                doc_key,
                claim.model.ner.clone(),
                claim.model.relations.clone(),
            ))
            .or_default()
            .push(claim);
    }
    documents
        .iter()
        .map(|row| {
            let DocumentRow {
                record,
                models,
                meta,
                text,
            } = document_from_row(row)?;
            // Only a processed document owns output.
            let (entities, claims) = if record.status == claimex_core::DocStatus::Processed {
                let key = record.source.key.clone();
                (
                    mentions
                        .get(&(key.clone(), models.ner.clone()))
                        .cloned()
                        .unwrap_or_default(),
                    by_doc
                        .get(&(key, models.ner.clone(), models.relations.clone()))
                        .cloned()
                        .unwrap_or_default(),
                )
            } else {
                (vec![], vec![])
            };
            Ok(crate::OwnedDocument {
                entities,
                claims,
                models,
                record,
                meta,
                text,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_its_tables_columns() {
        let claim: Claim = serde_json::from_str(
            r#"{"claim_id":"c","doc_id":"d","sentence":{"start":0,"end":3,"text":"A b C"},
                "subject":{"text":"A","type":"ORG","start":0,"end":1,"score":0.5},
                "predicate":{"text":"b","lemma":"b","start":2,"end":3},"object":null,
                "relation":null,"modality":"hedged","attribution":{"text":"X","type":null,"cue":"said"},
                "confidence":0.25,"model":{"ner":"n","relations":"r"}}"#,
        )
        .unwrap();
        let row = claim_row(&claim, "doc:1");
        assert_eq!(row.len(), CLAIMS.columns.len());
        assert_eq!(claim_from_row(&row).unwrap(), claim);
        assert_eq!(
            evidence_rows(&claim, "doc:1")[0].len(),
            EVIDENCE.columns.len()
        );
        for (cell, column) in row.iter().zip(CLAIMS.columns) {
            let kind = match cell {
                Cell::Int(_) => Kind::Int,
                Cell::Real(_) => Kind::Real,
                Cell::Text(_) => Kind::Text,
            };
            assert_eq!(kind, column.kind, "{}", column.name);
        }
    }
}
