# policytext: `make demo` and `make test` work on a fresh machine (they create .venv when missing).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_CORPUS ?= corpus/demo
SHARED_DATA ?= ../shared/data

.PHONY: demo test install bench eval reference clean-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dask]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	bash scripts/demo.sh "$(DEMO_CORPUS)"

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,dask,bench]'
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

# The generated references; tests/cli/test_reference.py fails when they are stale.
reference: $(STAMP)
	$(BIN)/python -m policytext.cli.reference commands > docs/commands.md
	$(BIN)/python -m policytext.cli.reference settings > docs/settings.md

clean-demo:
	rm -rf "$(DEMO_CORPUS)"
