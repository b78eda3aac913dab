//! The `claimex` Python package's extension module, `claimex._claimex`: [`claimex::Pipeline`]
//! behind a Python class. Records go in as JSON objects and are read exactly as `claimex run`
//! reads a JSONL line; claims come out as the JSON `claimex run` writes, which the Python side
//! turns into dicts, so the two give the same records field by field.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use claimex::{ClaimMethod, Config, DocumentResult, Pipeline, SourceRef};
use claimex_ingest::{parse_json_record, ReadItem, ReaderConfig};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

pyo3::create_exception!(
    _claimex,
    ClaimexError,
    pyo3::exceptions::PyException,
    "A model that cannot be loaded, or a pipeline that failed."
);

/// The model folder of the checkout this module was built in, the last place a pipeline without
/// a model looks (after `$CLAIMEX_MODEL` and `./models/default`).
const BUILT_MODEL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/default");

fn error(e: impl std::fmt::Display) -> PyErr {
    ClaimexError::new_err(e.to_string())
}

/// A loaded claimex pipeline; see the package's `__init__.pyi`.
#[pyclass(frozen, module = "claimex._claimex")]
struct RustPipeline {
    inner: Mutex<Pipeline>,
    reader: ReaderConfig,
    /// What never changes after loading, read without waiting for a running call.
    model_id: String,
    method: String,
    relations_model: String,
}

impl RustPipeline {
    /// The pipeline; called only with the GIL released, so that a call waiting for another to
    /// finish does not hold every Python thread.
    fn lock(&self) -> MutexGuard<'_, Pipeline> {
        // A panic is turned into an error by `run`; the pipeline's state stays usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Each JSON record as a document (or a skipped record saying why), then the pipeline's
    /// results in input order, without the GIL. A panic inside the pipeline is an error.
    fn run(&self, py: Python<'_>, records: Vec<String>) -> PyResult<Vec<DocumentResult>> {
        let reader = self.reader.clone();
        py.allow_threads(|| {
            let items: Vec<ReadItem> = records
                .iter()
                .enumerate()
                .map(|(k, line)| {
                    let source = SourceRef::new("<python>", Some(k as u64 + 1));
                    parse_json_record(line, source, Vec::new(), &reader)
                })
                .collect();
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.lock().process_items(items)
            }))
            .map_err(|panic| {
                let what = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("no message");
                error(format!(
                    "the pipeline failed inside ({what}); the documents of this call may count as \
                     seen for duplicate detection: build a new Pipeline to run them again"
                ))
            })
        })
    }
}

#[pymethods]
impl RustPipeline {
    #[new]
    #[pyo3(signature = (model=None, threads=None, batch_size=32, int8=false, method="auto", skip_duplicates=true))]
    fn new(
        py: Python<'_>,
        model: Option<PathBuf>,
        threads: Option<usize>,
        batch_size: usize,
        int8: bool,
        method: &str,
        skip_duplicates: bool,
    ) -> PyResult<RustPipeline> {
        let method = match method {
            "auto" => None,
            "rules" => Some(ClaimMethod::Rules),
            "tree" => Some(ClaimMethod::Tree),
            other => {
                return Err(PyValueError::new_err(format!(
                    "method must be 'auto', 'rules' or 'tree', not {other:?}"
                )))
            }
        };
        let model = model.or_else(|| {
            // An empty $CLAIMEX_MODEL counts as unset, as `claimex::resolve_model` reads it.
            let here = std::env::var_os(claimex::MODEL_ENV).is_some_and(|v| !v.is_empty())
                || PathBuf::from(claimex::DEFAULT_MODEL_DIR).is_dir();
            let built = PathBuf::from(BUILT_MODEL);
            (!here && built.is_dir()).then_some(built)
        });
        let config = Config {
            model,
            threads,
            batch_size,
            int8,
            method,
            skip_duplicates,
            ..Config::default()
        };
        let pipeline = py.allow_threads(|| Pipeline::new(config)).map_err(error)?;
        Ok(RustPipeline {
            model_id: pipeline.model_info().id.clone(),
            method: claimex::method_id(pipeline.model_info(), pipeline.method()),
            relations_model: pipeline.model_ids().relations.clone(),
            inner: Mutex::new(pipeline),
            reader: ReaderConfig::default(),
        })
    }

    /// The model's id (`name@hash`).
    #[getter]
    fn model_id(&self) -> String {
        self.model_id.clone()
    }

    /// The claim-building method id: how `models.relations` on each claim starts (without the
    /// relation head).
    #[getter]
    fn method(&self) -> String {
        self.method.clone()
    }

    /// Entity mentions of each JSON record as one JSON array per record.
    fn entities_json(&self, py: Python<'_>, records: Vec<String>) -> PyResult<Vec<String>> {
        self.run(py, records)?
            .iter()
            .map(|r| serde_json::to_string(&r.entities).map_err(error))
            .collect()
    }

    /// Per JSON record: its claims as one JSON array (`claimex run`'s claim lines), its cleaned
    /// text (what every offset points into; `None` for a record skipped or a duplicate) and its
    /// ledger entry as JSON.
    fn documents_json(
        &self,
        py: Python<'_>,
        records: Vec<String>,
    ) -> PyResult<Vec<(String, Option<String>, String)>> {
        self.run(py, records)?
            .iter()
            .map(|r| {
                let claims = serde_json::to_string(&r.claims).map_err(error)?;
                let record = serde_json::to_string(&r.record).map_err(error)?;
                Ok((claims, r.document.as_ref().map(|d| d.text.clone()), record))
            })
            .collect()
    }

    /// Runs the JSON records and writes their claims to the Parquet file `path` exactly as
    /// `claimex run --out PATH` does (with its `.mentions` and `.documents` companions); returns
    /// each record's ledger entry as JSON.
    fn write_parquet(
        &self,
        py: Python<'_>,
        records: Vec<String>,
        path: PathBuf,
    ) -> PyResult<Vec<String>> {
        let results = self.run(py, records)?;
        let run = claimex_export::RunInfo {
            ner_model: self.model_id.clone(),
            relations_model: self.relations_model.clone(),
            config: "claimex Python package: Pipeline.extract_arrow".into(),
            docs_per_transaction: claimex_export::DOCS_PER_TRANSACTION,
            csv_cells: claimex_export::CsvCells::default(),
        };
        py.allow_threads(|| -> claimex_export::Result<()> {
            let mut sink: Box<dyn claimex_export::ClaimSink> =
                Box::new(claimex_export::ParquetSink::create(&path, &run)?);
            for result in &results {
                sink.write_document(&result.output())?;
            }
            sink.finish()
        })
        .map_err(error)?;
        results
            .iter()
            .map(|r| serde_json::to_string(&r.record).map_err(error))
            .collect()
    }

    /// Warnings the pipeline gathered since the last call (an uncalibrated method, a chunk the
    /// model failed on).
    fn take_warnings(&self, py: Python<'_>) -> Vec<String> {
        py.allow_threads(|| self.lock().take_warnings())
    }
}

#[pymodule]
fn _claimex(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RustPipeline>()?;
    m.add("ClaimexError", m.py().get_type::<ClaimexError>())?;
    Ok(())
}
