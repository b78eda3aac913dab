"""claimex: structured, sourced, confidence-scored claims from news articles.

    import claimex
    pipeline = claimex.Pipeline()
    claims = pipeline.extract(["Kazakhstan is in the final stages of joining the Abraham Accords."])
    print(claims[0]["subject"]["text"], claims[0]["predicate"]["lemma"], claims[0]["object"]["text"])

Each claim is the record `claimex run` writes to JSONL, as a dict. Offsets count characters in
the document's text after cleaning (a byte-order mark dropped, CRLF made LF, Unicode NFC, leading
blank lines and boilerplate lines removed): for text that is already clean they index the string
you passed (`text[span["start"]:span["end"]]`); `extract_documents` gives the cleaned text for
the others.
"""

import datetime
import json
import warnings
from collections.abc import Mapping

from ._claimex import ClaimexError, RustPipeline

__all__ = ["ClaimexError", "ClaimexWarning", "Pipeline"]


class ClaimexWarning(UserWarning):
    """Something the pipeline noticed: a model that is not trained, a calibration fitted for
    another method (confidences then uncalibrated), a chunk the model failed on (its documents
    then analysed one by one; one that fails alone is skipped, its record saying why)."""


def _json_value(value):
    # Dates and timestamps (a published_at column) as ISO 8601, which the reader parses.
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _records(items):
    records = []
    for k, item in enumerate(items):
        if isinstance(item, str):
            item = {"text": item}
        elif not isinstance(item, Mapping):
            raise TypeError(
                f"item {k}: expected a str or a mapping with a 'text' field, not {type(item).__name__}")
        try:
            records.append(json.dumps(dict(item), default=_json_value))
        except TypeError as e:
            raise TypeError(f"item {k}: {e}") from None
    return records


class Pipeline:
    """A loaded claimex model and claim builder, reused across calls.

    model: a model directory; None means $CLAIMEX_MODEL, else ./models/default, else the default
    model of the checkout the package was built in. threads: None means all cores. method: "auto"
    (claims from dependency trees when the model has a parser head), "rules" or "tree".
    skip_duplicates: a text repeating one seen before by this pipeline gives no claims again.
    """

    def __init__(self, model=None, threads=None, batch_size=32, int8=False, method="auto",
                 skip_duplicates=True):
        self._rust = RustPipeline(None if model is None else str(model), threads, batch_size, int8,
                                  method, skip_duplicates)

    @property
    def model_id(self):
        """The model's id, `name@hash`."""
        return self._rust.model_id

    @property
    def method(self):
        """The claim-building method id: how `models.relations` on each claim starts (without
        the relation head)."""
        return self._rust.method

    def extract(self, items):
        """Claims of all items, in order: a list of claim dicts (the `claimex run` JSONL records).

        Items are strings, or mappings with `text` and optionally `id`, `title`, `url`,
        `published_at`, `source`, `author`, `language` (the fields of a JSONL input line). Items
        that cannot be read (no text, empty) give no claims; `extract_documents` says why.
        """
        return [claim for doc in self.extract_documents(items) for claim in doc["claims"]]

    def extract_documents(self, items):
        """Per item, a dict: `claims` (its claim dicts), `record` (its ledger record: status
        `processed` with counts, `skipped` with the reason, or `duplicate`) and `text` (the
        cleaned text every offset points into; None when the item was skipped or a duplicate)."""
        results = self._rust.documents_json(_records(items))
        self._warn()
        return [{"claims": json.loads(c), "record": json.loads(r), "text": t}
                for c, t, r in results]

    def extract_entities(self, items):
        """Per item, its entity mentions (text, label, start, end, score, min_score, entity)."""
        results = self._rust.entities_json(_records(items))
        self._warn()
        return [json.loads(e) for e in results]

    def extract_arrow(self, table):
        """A pyarrow Table with a `text` column (and optionally `id`, `title`, `url`,
        `published_at`, `source`, `author`, `language`) in; the claims table out, with the columns
        of `claimex run --out claims.parquet` (read back from that very writer)."""
        import tempfile

        import pyarrow.parquet

        if "text" not in table.column_names:
            raise ValueError(f"the table has no 'text' column (it has {table.column_names})")
        rows = [{k: v for k, v in row.items() if v is not None} for row in table.to_pylist()]
        with tempfile.TemporaryDirectory() as tmp:
            path = f"{tmp}/claims.parquet"
            self._rust.write_parquet(_records(rows), path)
            self._warn()
            return pyarrow.parquet.read_table(path).combine_chunks()

    def _warn(self):
        for message in self._rust.take_warnings():
            warnings.warn(message, ClaimexWarning, stacklevel=3)
