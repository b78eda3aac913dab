#!/usr/bin/env bash
# NER speed and memory of a model on a labelled file, for batch sizes 1, 8 and 32 on 1 and 2
# libtorch threads. Each configuration runs in its own process (so peak memory is its own), one at
# a time; speeds are also given as ratios to batch 1 on 1 thread measured in the same run, which
# stay comparable on a noisy machine when absolute numbers do not.
#
#   bench/ner.sh [MODEL] [DATA]      defaults: models/default, ../shared/data/conll2003/test.txt
#
# Writes bench/results/ner.json and prints a table. F1 is printed too: it must not move with the
# batch size or the thread count.
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL=${1:-models/default}
DATA=${2:-../shared/data/conll2003/test.txt}
BIN=target/debug/claimex
OUT=bench/results/ner.json

[[ -f $DATA ]] || { echo "bench/ner.sh: no data file $DATA (pass a CoNLL or fixture file as the second argument)" >&2; exit 1; }
make --no-print-directory build >&2

mkdir -p bench/results
raw=bench/results/ner-runs.jsonl   # kept, so a table error never loses a run
: > "$raw"
for threads in 1 2; do
  for batch in 1 8 32; do
    echo "bench/ner.sh: batch $batch, $threads thread(s)..." >&2
    "$BIN" eval ner --model "$MODEL" --data "$DATA" --batch-size "$batch" --threads "$threads" \
      --errors 0 --json >> "$raw"
  done
done
python3 bench/ner_table.py "$OUT" "bench/ner.sh $MODEL $DATA" < "$raw"
