#!/usr/bin/env bash
# Installs what claimex needs to build and run on a machine that has only the Rust toolchain and
# Python 3.11: libtorch 2.4.0 (CPU) taken from PyPI's torch wheel, into .libtorch/ in this checkout.
# A second run finds the stamp file and returns in well under a second.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.libtorch"
stamp="$dest/.installed-torch-2.4.0"

if [[ -f "$stamp" ]]; then
  exit 0
fi

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "setup: $python not found; install Python 3 with pip (or set PYTHON=/path/to/python3)" >&2
  exit 1
fi

# A fresh checkout needs about 10 GB: libtorch here (2 GB, its 800 MB wheel unpacked through the
# temporary folder, which needs 3 GB) and the debug build in target/ (about 8 GB). Failing here names the shortage;
# pip running out of space halfway prints a long traceback instead.
need_gb="${CLAIMEX_MIN_FREE_GB:-12}"
if [[ ! "$need_gb" =~ ^[0-9]+$ ]]; then
  echo "setup: CLAIMEX_MIN_FREE_GB must be a whole number of gigabytes, not '$need_gb'" >&2
  exit 1
fi
# The checkout needs it all; the temporary folder only holds the wheel being unpacked (3 GB).
tmp_gb=$(( need_gb < 3 ? need_gb : 3 ))
for place_need in "$root:$need_gb" "${TMPDIR:-/tmp}:$tmp_gb"; do
  place="${place_need%:*}"
  need="${place_need##*:}"
  free_kb="$(df -Pk "$place" | awk 'NR == 2 { print $4 }')"
  if (( free_kb < need * 1024 * 1024 )); then
    echo "setup: only $((free_kb / 1024 / 1024)) GB free at $place; it needs about $need GB (libtorch and the build)." >&2
    echo "setup: free some space (old checkouts, cargo's target/ folders), or set CLAIMEX_MIN_FREE_GB to go on anyway" >&2
    exit 1
  fi
done

echo "setup: installing libtorch 2.4.0 (CPU) from PyPI into $dest (about 700 MB, one time)" >&2
rm -rf "$dest.partial"
mkdir -p "$dest.partial"
# The only Linux x86_64 torch 2.4.0 wheel is the CUDA build. --no-deps keeps its 2 GB of CUDA wheels
# out; libtorch_cpu.so still needs the CUDA runtime and CUPTI at load time, so those two small wheels
# come along. The target dir keeps torch/ and nvidia/ side by side for libtorch's $ORIGIN rpath.
"$python" -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --python-version 3.11 --platform manylinux1_x86_64 --target "$dest.partial" \
  torch==2.4.0 nvidia-cuda-runtime-cu12==12.1.105 nvidia-cuda-cupti-cu12==12.1.105

# Without these, torch-sys links libtorch_cuda.so and every binary would need the whole CUDA stack.
lib="$dest.partial/torch/lib"
rm -f "$lib"/libtorch_cuda*.so "$lib"/libc10_cuda.so "$lib"/libcaffe2_nvrtc.so "$lib"/libcusparseLt-*.so*
# Python-only parts that the Rust build never reads.
rm -rf "$dest.partial"/bin "$dest.partial"/functorch "$dest.partial"/torchgen

rm -rf "$dest"
mv "$dest.partial" "$dest"
touch "$stamp"
echo "setup: libtorch ready in $dest ($(du -sh "$dest" | cut -f1))" >&2
