# Two commands do everything on a fresh Debian machine with Python 3.11:
#   make run    set up, then transcribe the bundled samples
#   make test   set up, then run the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EVAL_DIR ?= ../shared/eval
OUT ?= out
# `make bench` / `make bench-long`: recording lengths (minutes) run through the pipeline and the naive baseline,
# lengths run through the pipeline only (memory), and where the assembled recordings are cached.
MINUTES ?= 10 30 60
RSS_MINUTES ?= 120
LONG_DIR ?= build/long
LONG_ARGS = --eval-dir $(EVAL_DIR) --out-dir $(LONG_DIR) --minutes $(MINUTES) --rss-minutes $(RSS_MINUTES) \
	$(if $(MODEL),--model $(MODEL))
# pip takes the CPU build of torch 2.13.0 from this machine's wheel store; a bare `torch` would pull CUDA.
TORCH := torch==2.13.0

.PHONY: setup models run test bench bench-long bench-redact bench-summary bench-risk bench-risk-classifier bench-actions bench-service bench-web screenshots up lint clean

setup: $(STAMP) models

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip wheel
	$(BIN)/pip install --quiet --disable-pip-version-check $(TORCH)
	$(BIN)/pip install --quiet --disable-pip-version-check -c <(echo $(TORCH)) -e '.[dev]'
	# Every PyPI torchaudio wheel links CUDA and fails to import beside CPU torch; pyannote only uses its
	# pure-Python parts (kaldi fbank), which work once the compiled extensions are removed.
	rm -f $(VENV)/lib/python3*/site-packages/torchaudio/lib/*.so
	$(BIN)/python -c "import torchaudio.compliance.kaldi, transcribe.runtime, pyannote.audio, faster_whisper" 2>/dev/null
	touch $(STAMP)

models: $(STAMP)
	$(BIN)/transcribe models install

run: setup
	$(BIN)/transcribe run samples/*.wav --out $(OUT)
	@echo "Word files: $$(ls $(OUT)/*/transcript.docx | tr '\n' ' ')"

test: setup
	$(BIN)/pytest

bench: setup  # the short set (`transcribe bench`), then bench-long; rewrites docs/PERFORMANCE.md and docs/performance.png
	$(BIN)/python -m benchmarks.bench_long --short $(LONG_ARGS)

bench-long: setup  # long recordings only (assembled from EVAL_DIR into LONG_DIR); MINUTES="1 2" RSS_MINUTES=3 for a quick check
	$(BIN)/python -m benchmarks.bench_long $(LONG_ARGS)

bench-redact: setup
	$(BIN)/python benchmarks/bench_redact.py $(EVAL_DIR)/pii

bench-summary: setup
	$(BIN)/python benchmarks/bench_summary.py

bench-risk: setup  # FILE=transcribe/data/risk_training/writer1.json: the set the cues were grown from
	$(BIN)/python benchmarks/bench_risk.py $(FILE)

bench-risk-classifier: setup  # each window writer scored by a classifier trained without it (about 30 min)
	cd benchmarks && ../$(BIN)/python bench_risk_classifier.py

bench-actions: $(STAMP)
	$(BIN)/python benchmarks/bench_actions.py

bench-service: setup  # the same recordings through the service with 1 and 2 worker processes (about 10 min)
	$(BIN)/python benchmarks/bench_service.py

bench-web: setup  # 20 signed-in sessions browsing and downloading for 5 minutes; prints median and p95 page times
	PT_LOAD_SECONDS=$${PT_LOAD_SECONDS:-300} $(BIN)/pytest -q -p no:cacheprovider tests/test_web_load.py

screenshots: setup  # refresh docs/screenshots/ from the browser test (needs Debian's chromium)
	PT_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots PT_REQUIRE_BROWSER=1 $(BIN)/pytest -q tests/test_web_browser.py

up: setup  # the whole service: drop recordings in $${PT_DATA_DIR:-~/.local/share/probation-transcribe/service}/inbox/<account>/
	$(BIN)/transcribe up

lint: $(STAMP)
	$(BIN)/ruff check transcribe workers tests benchmarks

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
