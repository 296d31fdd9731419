# policytext: `make demo` and `make test` work on a fresh machine (they create .venv when missing).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# The tests also run search by meaning (the embeddings extra), which needs torch: its CPU build,
# installed first, or pip pulls a CUDA one (> 6 GB). Where no local wheel of torch+cpu is found,
# give pip PyTorch's CPU index: make test TORCH='torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu'
TORCH ?= torch==2.13.0
DEMO_CORPUS ?= corpus/demo
SHARED_DATA ?= ../shared/data

.PHONY: demo test install install-test bench eval reference clean-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dask]'
	touch $(STAMP)

# The tests' install: CPU torch, then the embeddings extra (demo and install stay without it).
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e '.[test,dask,embeddings]'
	@if $(BIN)/python -m pip list 2>/dev/null | grep -i '^nvidia-'; then \
		echo "Error: the embeddings extra pulled CUDA packages (above); install CPU torch first (see TORCH in the Makefile)" >&2; exit 1; fi
	touch $(TEST_STAMP)

install: $(STAMP)

install-test: $(TEST_STAMP)

demo: $(STAMP)
	bash scripts/demo.sh "$(DEMO_CORPUS)"

test: $(TEST_STAMP)
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
