"""The claimex Python package against the shipped model and the `claimex` binary of this checkout.

Run by `make test` (after `make python` installed the package into .venv/):
    .venv/bin/python -m pytest crates/python/tests
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

import claimex

ROOT = Path(__file__).resolve().parents[3]
MODEL = ROOT / "models" / "default"
BINARY = ROOT / "target" / "debug" / "claimex"
SEED = "Kazakhstan is in the final stages of joining the Abraham Accords."


@pytest.fixture(scope="module")
def pipeline():
    return claimex.Pipeline(model=MODEL, threads=2)


def spans_of(claim):
    yield claim["subject"]
    yield claim["predicate"]
    if claim["object"] is not None:
        yield claim["object"]


def test_the_seed_sentence_gives_kazakhstan_join_abraham_accords_in_the_future(pipeline):
    claims = pipeline.extract([SEED])
    claim = claims[0]
    assert claim["subject"]["text"] == "Kazakhstan"
    assert claim["subject"]["type"] == "LOC"
    assert claim["predicate"]["lemma"] == "join"
    assert claim["object"]["text"] == "Abraham Accords"
    assert claim["object"]["type"] == "MISC"
    assert claim["modality"] == "future"
    assert 0.0 < claim["confidence"] <= 1.0
    # Offsets count characters: they index the Python string directly.
    for span in spans_of(claim):
        assert SEED[span["start"]:span["end"]] == span["text"]
    sentence = claim["sentence"]
    assert SEED[sentence["start"]:sentence["end"]] == sentence["text"]


def test_offsets_index_python_strings_beyond_ascii(pipeline):
    text = ("Zürich, 3 März — Die Ärzte said the Société Générale board will sell its stake in "
            "Nordvolt to Maersk, according to Reuters.")
    doc = pipeline.extract_documents([{"id": "umlaut", "text": text}])[0]
    assert doc["record"]["status"] == "processed"
    assert doc["text"] == text  # clean already: the offsets index the string passed in
    assert doc["claims"], "no claim from the sentence"
    for claim in doc["claims"]:
        for span in spans_of(claim):
            assert text[span["start"]:span["end"]] == span["text"]
    for entity in pipeline.extract_entities([{"id": "umlaut-2", "text": text}])[0]:
        assert text[entity["start"]:entity["end"]] == entity["text"]


def test_bad_items_are_records_saying_why_or_errors(pipeline):
    docs = pipeline.extract_documents([
        {"id": "empty", "text": ""},
        {"id": "number", "text": 5},
        {"id": "none"},
        "A plain string is a document too.",
    ])
    reasons = [doc["record"].get("reason") for doc in docs]
    assert reasons[0] == "empty document"
    assert reasons[1] == "field `text` is not a string"
    assert "no `text` field" in reasons[2]
    assert [doc["text"] for doc in docs[:3]] == [None, None, None]
    assert docs[3]["record"]["status"] == "processed"
    with pytest.raises(TypeError, match="item 1"):
        pipeline.extract(["fine", 42])
    with pytest.raises(TypeError, match="item 0: object is not a JSON value"):
        pipeline.extract([{"text": "fine", "source": object()}])
    with pytest.raises(ValueError, match="method"):
        claimex.Pipeline(model=MODEL, method="magic")
    with pytest.raises(claimex.ClaimexError, match="no-such-model"):
        claimex.Pipeline(model="/no-such-model")


def test_a_repeated_text_is_a_duplicate_unless_asked_otherwise():
    text = "Acme Corp said on Monday it would buy Beta Systems for 2 billion dollars."
    once = claimex.Pipeline(model=MODEL, threads=2)
    first, second = once.extract_documents([text, text])
    assert first["record"]["status"] == "processed" and first["claims"]
    assert second["record"]["status"] == "duplicate" and second["claims"] == []
    every = claimex.Pipeline(model=MODEL, threads=2, skip_duplicates=False)
    a, b = every.extract_documents([text, text])
    assert a["record"]["status"] == b["record"]["status"] == "processed"
    assert a["claims"] and a["claims"] == b["claims"]


def test_offsets_point_into_the_cleaned_text_which_extract_documents_gives(pipeline):
    # CRLF line ends, blank lines before the text and a decomposed "ü": cleaning changes them.
    text = "\r\n\r\nZu\u0308rich Insurance said on Monday it would buy Beta Systems.\r\nPrices rose."
    doc = pipeline.extract_documents([text])[0]
    cleaned = doc["text"]
    assert cleaned == "Z\u00fcrich Insurance said on Monday it would buy Beta Systems.\nPrices rose."
    assert doc["claims"]
    for claim in doc["claims"]:
        for span in spans_of(claim):
            assert cleaned[span["start"]:span["end"]] == span["text"]


def test_warnings_of_the_pipeline_are_python_warnings():
    # The shipped calibration was fitted for the tree method: with rules, confidences are raw.
    rules = claimex.Pipeline(model=MODEL, threads=2, method="rules")
    with pytest.warns(claimex.ClaimexWarning, match="uncalibrated"):
        claims = rules.extract([SEED])
    assert claims[0]["predicate"]["lemma"] == "join"


def corpus_items():
    """The sample corpus as `claimex run` reads it: each text file whole, each JSONL line a record."""
    items = []
    for path in sorted((ROOT / "corpus").iterdir()):
        if path.suffix in (".txt", ".md"):
            items.append((path, {"text": path.read_text(encoding="utf-8")}))
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    items.append((path, json.loads(line)))
    return items


def test_the_sample_corpus_gives_the_same_claims_as_claimex_run(tmp_path):
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: build it with `make build` first")
    items = corpus_items()
    # One file at a time, in the order above, so that the documents meet the duplicate filter in
    # the same order as in the Python call.
    out = tmp_path / "claims.jsonl"
    inputs = [str(p) for p in dict.fromkeys(p for p, _ in items)]
    env = dict(os.environ, CLAIMEX_MODEL=str(MODEL))
    subprocess.run([str(BINARY), "run", *inputs, "--out", str(out), "--threads", "2", "--quiet"],
                   check=True, env=env, cwd=tmp_path)
    expected = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # A pipeline of its own, whose duplicate filter has seen nothing else.
    pipeline = claimex.Pipeline(model=MODEL, threads=2)
    got = pipeline.extract([item for _, item in items])
    assert len(got) == len(expected) > 50
    key = lambda c: (c["doc_id"], c["sentence"]["start"], c["claim_id"])
    for ours, theirs in zip(sorted(got, key=key), sorted(expected, key=key)):
        assert ours.keys() == theirs.keys()
        for field in theirs:
            assert ours[field] == theirs[field], (field, ours["claim_id"])


def test_extract_arrow_gives_the_parquet_claims_table_that_pandas_reads():
    import pyarrow as pa

    # A pipeline of its own: the shared one has seen the seed sentence (a duplicate now).
    pipeline = claimex.Pipeline(model=MODEL, threads=2)
    import datetime

    published = [datetime.datetime(2026, 11, 2, 8, 0), None]
    table = pa.table({"id": ["seed", "other"],
                      "text": [SEED, "Acme Corp will buy Beta Systems, the company said."],
                      "published_at": pa.array(published, pa.timestamp("s"))})
    claims = pipeline.extract_arrow(table)
    frame = claims.to_pandas()
    seed = frame[frame["doc_id"] == "seed"].iloc[0]
    # A timestamp column goes in as ISO 8601 and comes out normalised to UTC.
    assert seed["doc_published_at"] == "2026-11-02T08:00:00Z"
    assert (seed["subject_text"], seed["predicate_lemma"], seed["object_text"], seed["modality"]) == (
        "Kazakhstan", "join", "Abraham Accords", "future")
    assert SEED[seed["subject_start"]:seed["subject_end"]] == "Kazakhstan"
    assert set(frame["doc_id"]) == {"seed", "other"}
    with pytest.raises(ValueError, match="no 'text' column"):
        pipeline.extract_arrow(pa.table({"body": [SEED]}))
