# Set-up and everyday commands. Everything installs into ./.venv; nothing is downloaded at run time.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo run test test-server unit bench bench-scale eval-open fit-reader clean

$(BIN)/rag: pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(BIN)/rag

setup: $(BIN)/rag

# Ingest the bundled corpus and ask a few questions in Chinese and English.
demo: setup
	$(BIN)/rag ingest data --store .rag
	$(BIN)/rag ask "How much incentive money has Dalian handed out for the Mayor's Quality Award?" --store .rag
	$(BIN)/rag ask "湖里区标准化奖励资金共计多少?" --store .rag
	$(BIN)/rag ask "瀋陽今年主導或參與制修訂國際標準多少項？" --store .rag
	$(BIN)/rag eval eval_questions.jsonl --store .rag --out eval_out --quiet

# The chat UI on the bundled corpus, http://127.0.0.1:7860
run: setup
	$(BIN)/rag serve --store .rag

# The whole test suite. pytest's exit code 5 (no tests collected) counts as a failure.
test: setup
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; \
	if [ $$rc -ne 0 ]; then exit $$rc; fi; $(MAKE) --no-print-directory test-server

# The same suite with every store on a real Chroma server (`chroma run`, started by the tests on
# 127.0.0.1); commands run as subprocesses, and the browser, are covered by the first pass.
test-server: setup
	TEST_CHROMA_SERVER=1 $(BIN)/python -m pytest -q --ignore=tests/ui/test_cli.py --ignore=tests/ui/test_browser.py \
		--ignore=tests/faults; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

# Unit tests only: no model is loaded (the integration tests are marked slow).
unit: setup
	$(BIN)/python -m pytest -m "not slow"; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

bench: setup
	$(BIN)/python benchmarks/bench_small.py

# 100k+ chunks from the shared news corpus (about 35 minutes on 2 cores)
bench-scale: setup
	$(BIN)/python benchmarks/bench_scale.py --corpus ../shared/corpora/xinhua --chunk-tokens 180 --out benchmarks/scale.json

# The open reading-comprehension sets in ../shared/devsets (val split; about 10 minutes on 2 cores)
eval-open: setup
	$(BIN)/python benchmarks/eval_open.py --split val --out benchmarks/open.json

# Refit the span ranker on the open sets' dev split; prints dev and val figures, writes rag/reader_model.json
fit-reader: setup
	$(BIN)/python benchmarks/fit_reader.py --write

clean:
	rm -rf .rag eval_out benchmarks/out
