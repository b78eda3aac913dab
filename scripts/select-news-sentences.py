#!/usr/bin/env python3
"""Chooses the sentences of the real-news claims test set from CoNLL-2003 dev and test (Reuters
news) and writes where they are, never their text (the text is Reuters copyright and stays in
../shared): tests/fixtures/news-claims/selection.jsonl, one line per sentence with its id, file,
document and sentence index (0-based, documents split at -DOCSTART-, as claimex's CoNLL reader
does), token count and split ("develop": looked at while developing; "test": scored only when a
change is done).

    python3 scripts/select-news-sentences.py                 # writes the selection
    python3 scripts/select-news-sentences.py --show ID...    # prints sentences with token indices

A sentence qualifies when it reads as a news sentence that can carry a claim: 10 to 40 tokens,
ending with a full stop, with a verb, a named entity, at most three numbers, and not a headline
in capitals. The choice is random.Random(2026).sample over the qualifying sentences, dev first,
in file order, then test; the first 50 chosen are the develop split.
"""

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONLL = ROOT.parent / "shared" / "data" / "conll2003"
OUT = ROOT / "tests" / "fixtures" / "news-claims" / "selection.jsonl"
SEED = 2026
COUNT = 150
DEVELOP = 50


def documents(path):
    """Documents of a CoNLL file: lists of sentences, each a list of (token, pos, ner)."""
    docs, sentence = [], []

    def flush():
        if sentence:
            if not docs:
                docs.append([])
            docs[-1].append(list(sentence))
            sentence.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            flush()
            docs.append([])
        elif not line.strip():
            flush()
        else:
            cols = line.split()
            sentence.append((cols[0], cols[1], cols[-1]))
    flush()
    return [d for d in docs if d]


def qualifies(sentence):
    tokens = [t for t, _, _ in sentence]
    letters = [t for t in tokens if t.isalpha()]
    capitals = sum(1 for t in letters if t.isupper() and len(t) > 1)
    return (
        10 <= len(tokens) <= 40
        and tokens[-1] == "."
        and any(pos.startswith("VB") for _, pos, _ in sentence)
        and any(ner != "O" for _, _, ner in sentence)
        and sum(1 for _, pos, _ in sentence if pos == "CD") <= 3
        and capitals * 2 < max(len(letters), 1)
    )


def candidates():
    out = []
    for name in ("dev.txt", "test.txt"):
        path = CONLL / name
        if not path.is_file():
            sys.exit(f"select-news-sentences: {path} not found (the CoNLL-2003 copy in ../shared)")
        for d, doc in enumerate(documents(path)):
            for s, sentence in enumerate(doc):
                if qualifies(sentence):
                    out.append({"file": name, "doc": d, "sentence": s, "tokens": len(sentence)})
    return out


def select():
    chosen = random.Random(SEED).sample(candidates(), COUNT)
    for i, ref in enumerate(chosen):
        ref["id"] = f"nw-{i + 1:03d}"
        ref["split"] = "develop" if i < DEVELOP else "test"
    return chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", nargs="*", metavar="ID", help="print these sentences (all if none)")
    args = parser.parse_args()
    chosen = select()
    if args.show is None:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        with OUT.open("w", encoding="utf-8") as f:
            for ref in chosen:
                keys = ("id", "split", "file", "doc", "sentence", "tokens")
                f.write(json.dumps({k: ref[k] for k in keys}) + "\n")
        print(f"select-news-sentences: {len(chosen)} sentences in {OUT.relative_to(ROOT)}")
        return
    docs = {name: documents(CONLL / name) for name in ("dev.txt", "test.txt")}
    for ref in chosen:
        if args.show and ref["id"] not in args.show:
            continue
        sentence = docs[ref["file"]][ref["doc"]][ref["sentence"]]
        print(ref["id"], ref["split"], " ".join(f"{i}:{t}" for i, (t, _, _) in enumerate(sentence)))


if __name__ == "__main__":
    main()
