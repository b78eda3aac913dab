#!/usr/bin/env python3
"""The Python package's `Pipeline.extract` on a JSONL file of documents, timed as `claimex run`
times itself (model loading excluded): run by bench/compare.py with the checkout's .venv/python
(where `make python` installed the package), one JSON object on stdout.

  .venv/bin/python bench/python_extract.py --data docs.jsonl --model models/default [--threads 2] [--batch 32]
"""
import argparse
import json
import time

import claimex


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    a = ap.parse_args()
    with open(a.data, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    pipeline = claimex.Pipeline(model=a.model, threads=a.threads, batch_size=a.batch)
    started = time.perf_counter()
    documents = pipeline.extract_documents(records)
    seconds = time.perf_counter() - started
    sentences = sum(d["record"].get("sentences", 0) for d in documents)
    claims = sum(len(d["claims"]) for d in documents)
    print(json.dumps({"documents": len(documents), "sentences": sentences, "claims": claims,
                      "seconds": seconds, "sents_per_s": sentences / seconds}))


if __name__ == "__main__":
    main()
