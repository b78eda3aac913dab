//! Reading a claimex database (SQLite or PostgreSQL) back as documents, a page at a time, so that
//! `claimex export` holds one page in memory whatever the size of the database.

use claimex_core::ModelIds;

use crate::rows::{Cell, Table, CLAIMS, DOCUMENTS, DOCUMENT_MODELS, ENTITIES, EVIDENCE};
use crate::{Error, OwnedDocument, Result};

/// Where a page of documents ends: (source, line, document key), the order pages are read in.
pub type PageKey = (String, u64, String);

/// A query parameter.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
}

/// How a database spells its query parameters.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Dialect {
    /// `?1`, `?2`, ...
    Sqlite,
    /// `$1`, `$2`, ...
    Postgres,
}

impl Dialect {
    /// The n-th parameter (1-based).
    fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => format!("${n}"),
        }
    }
}

/// What a database backend does for the reader: run `SELECT <columns of table> FROM <table>
/// <tail>` with parameters written in its dialect.
pub(crate) trait Select {
    fn select(&mut self, table: &Table, tail: &str, params: &[Param]) -> Result<Vec<Vec<Cell>>>;
    fn dialect(&self) -> Dialect;
    /// The database, for messages (a PostgreSQL URL without its password).
    fn name(&self) -> String;
}

/// A claimex database opened for reading, checked to be at the current schema version.
pub struct DatabaseReader {
    backend: Box<dyn Select>,
}

impl DatabaseReader {
    /// A reader over `backend` (the backends are chosen by [`DatabaseReader::open`], next to
    /// [`crate::open_sink`]).
    pub(crate) fn new(backend: Box<dyn Select>) -> Self {
        DatabaseReader { backend }
    }

    /// The model pairs the database holds documents of, in order.
    pub fn model_pairs(&mut self) -> Result<Vec<ModelIds>> {
        let rows = self.backend.select(
            &DOCUMENT_MODELS,
            "GROUP BY ner_model, relations_model ORDER BY ner_model, relations_model",
            &[],
        )?;
        rows.into_iter()
            .map(|row| match (&row[0], &row[1]) {
                (Cell::Text(Some(ner)), Cell::Text(Some(relations))) => Ok(ModelIds {
                    ner: ner.clone(),
                    relations: relations.clone(),
                }),
                _ => Err(self.corrupt("a document without its models".into())),
            })
            .collect()
    }

    /// Up to `limit` documents of `models` after `after` in (source, line, key) order, each with
    /// its mentions and claims. An empty page means there are no more.
    pub fn page(
        &mut self,
        models: &ModelIds,
        after: Option<&PageKey>,
        limit: usize,
    ) -> Result<Vec<OwnedDocument>> {
        let dialect = self.backend.dialect();
        let p = |n| dialect.placeholder(n);
        let mut params = vec![
            Param::Text(models.ner.clone()),
            Param::Text(models.relations.clone()),
        ];
        let mut filter = format!("WHERE ner_model = {} AND relations_model = {}", p(1), p(2));
        if let Some((source, line, key)) = after {
            filter += &format!(
                " AND (source > {0} OR (source = {0} AND (line > {1} OR (line = {1} AND doc_key > {2}))))",
                p(3),
                p(4),
                p(5)
            );
            params.push(Param::Text(source.clone()));
            params.push(Param::Int(*line as i64));
            params.push(Param::Text(key.clone()));
        }
        let documents = self.backend.select(
            &DOCUMENTS,
            &format!(
                "{filter} ORDER BY source, line, doc_key LIMIT {}",
                limit.max(1)
            ),
            &params,
        )?;
        // The page's documents by key, for the rows that hang off them.
        let doc_column = DOCUMENTS.columns.iter().position(|c| c.name == "doc_key");
        let mut ids: Vec<String> = documents
            .iter()
            .filter_map(|row| match doc_column.map(|i| &row[i]) {
                Some(Cell::Text(Some(id))) => Some(id.clone()),
                _ => None,
            })
            .collect();
        ids.sort();
        ids.dedup();
        let (entities, claims, evidence) = if ids.is_empty() {
            (vec![], vec![], vec![])
        } else {
            // `doc_key IN (...)` over the page's keys, numbered after `before` other parameters.
            let count = ids.len();
            let in_page = |before: usize| {
                let list: Vec<String> = (1..=count).map(|i| p(before + i)).collect();
                format!("doc_key IN ({})", list.join(", "))
            };
            let ids = ids.into_iter().map(Param::Text);
            // Mentions are keyed by the NER model only; claims and evidence by both models.
            let ner_params: Vec<Param> = std::iter::once(Param::Text(models.ner.clone()))
                .chain(ids.clone())
                .collect();
            let both_params: Vec<Param> = params[..2].iter().cloned().chain(ids).collect();
            let both = format!(
                "WHERE ner_model = {} AND relations_model = {} AND {}",
                p(1),
                p(2),
                in_page(2)
            );
            (
                self.backend.select(
                    &ENTITIES,
                    &format!(
                        "WHERE ner_model = {} AND {} ORDER BY doc_key, mention_start, mention_end",
                        p(1),
                        in_page(1)
                    ),
                    &ner_params,
                )?,
                self.backend.select(
                    &CLAIMS,
                    &format!("{both} ORDER BY doc_key, claim_id"),
                    &both_params,
                )?,
                self.backend.select(
                    &EVIDENCE,
                    &format!("{both} ORDER BY claim_id, span_start, span_end"),
                    &both_params,
                )?,
            )
        };
        crate::rows::assemble(documents, entities, claims, evidence).map_err(|source| Error::Row {
            path: self.backend.name().into(),
            source,
        })
    }

    /// Calls `each` with every page of `limit` documents of `models`, in (source, line, key)
    /// order.
    pub fn each_page<E: From<Error>>(
        &mut self,
        models: &ModelIds,
        limit: usize,
        mut each: impl FnMut(Vec<OwnedDocument>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut after: Option<PageKey> = None;
        loop {
            let page = self.page(models, after.as_ref(), limit)?;
            let Some(last) = page.last() else {
                return Ok(());
            };
            let source = &last.record.source;
            after = Some((
                source.path.clone(),
                source.line.unwrap_or(0),
                source.key.clone(),
            ));
            each(page)?;
        }
    }

    /// Every document of every model pair, in (source, line, models) order: for tests and small
    /// databases (`claimex export` reads page by page).
    pub fn read_all(mut self) -> Result<Vec<OwnedDocument>> {
        let mut all = Vec::new();
        for models in self.model_pairs()? {
            self.each_page(&models, 1000, |page| {
                all.extend(page);
                Ok::<(), Error>(())
            })?;
        }
        fn key(d: &OwnedDocument) -> (&str, Option<u64>, &str, &str, &str) {
            (
                &d.record.source.path,
                d.record.source.line,
                &d.record.source.key,
                &d.models.ner,
                &d.models.relations,
            )
        }
        all.sort_by(|a, b| key(a).cmp(&key(b)));
        Ok(all)
    }

    fn corrupt(&self, reason: String) -> Error {
        Error::Corrupt {
            path: self.backend.name().into(),
            reason,
        }
    }
}
