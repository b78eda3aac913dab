"""claimex: structured, sourced, confidence-scored claims from news articles.

    import claimex
    pipeline = claimex.Pipeline()
    claims = pipeline.extract(["Kazakhstan is in the final stages of joining the Abraham Accords."])
    print(claims[0]["subject"]["text"], claims[0]["predicate"]["lemma"], claims[0]["object"]["text"])

Each claim is the record `claimex run` writes to JSONL, as a dict; offsets count characters, so
they index Python strings directly (`text[span["start"]:span["end"]]`).
"""

import json

from ._claimex import ClaimexError, RustPipeline

__all__ = ["ClaimexError", "Pipeline"]


def _record(item, k):
    if isinstance(item, str):
        return json.dumps({"text": item})
    if isinstance(item, dict):
        return json.dumps(item)
    raise TypeError(f"item {k}: expected a str or a dict with a 'text' field, not {type(item).__name__}")


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
        """The claim-building method id, as claims carry it in `models.relations`."""
        return self._rust.method

    def extract(self, items):
        """Claims of all items, in order: a list of claim dicts (the `claimex run` JSONL records).

        Items are strings, or dicts with `text` and optionally `id`, `title`, `url`,
        `published_at`, `source`, `author`, `language` (the fields of a JSONL input line).
        """
        return [claim for claims, _ in self.extract_documents(items) for claim in claims]

    def extract_documents(self, items):
        """Per item: (its claims, its ledger record: status `processed`, `skipped` with the reason,
        or `duplicate`)."""
        records = [_record(item, k) for k, item in enumerate(list(items))]
        return [(json.loads(c), json.loads(r)) for c, r in self._rust.claims_json(records)]

    def extract_entities(self, items):
        """Per item, its entity mentions (text, label, start, end, score, min_score, entity)."""
        records = [_record(item, k) for k, item in enumerate(list(items))]
        return [json.loads(e) for e, _ in self._rust.entities_json(records)]

    def extract_arrow(self, table):
        """A pyarrow Table with a `text` column (and optionally `id`, `title`, `url`,
        `published_at`, `source`, `author`, `language`) in; the claims table out, with the columns
        of `claimex run --out claims.parquet` (read back from that very writer)."""
        import tempfile

        import pyarrow.parquet

        if "text" not in table.column_names:
            raise ValueError(f"the table has no 'text' column (it has {table.column_names})")
        records = [json.dumps({k: v for k, v in row.items() if v is not None})
                   for row in table.to_pylist()]
        with tempfile.TemporaryDirectory() as tmp:
            path = f"{tmp}/claims.parquet"
            self._rust.write_parquet(records, path)
            return pyarrow.parquet.read_table(path).combine_chunks()

    def take_warnings(self):
        """Warnings gathered since the last call."""
        return self._rust.take_warnings()
