# The two commands a newcomer needs: `make run` and `make test`. Both set up what they need first.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

LIBTORCH_STAMP := .libtorch/.installed-torch-2.4.0
BIN := target/debug/claimex
# The trained default model once it exists; until then an untrained random model built locally.
RUN_MODEL := $(if $(wildcard models/default/config.json),models/default,models/tiny-random)

.PHONY: setup run test lint build clean

setup: $(LIBTORCH_STAMP)
	@command -v cargo >/dev/null || { echo "make: cargo not found; install Rust with rustup first" >&2; exit 1; }

$(LIBTORCH_STAMP): scripts/setup.sh
	bash scripts/setup.sh

build: setup
	cargo build --bin claimex

models/tiny-random/model.safetensors: | build
	$(BIN) models init-random --out models/tiny-random

run: build $(if $(filter models/tiny-random,$(RUN_MODEL)),models/tiny-random/model.safetensors)
	$(BIN) run corpus --out out/claims.jsonl --out out/claims.db --model $(RUN_MODEL)

lint: setup
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

test: lint
	cargo test --workspace

clean:
	rm -rf out models/tiny-random
