# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test test-quick lint clean

# Create the virtual environment and install the project (again when pyproject.toml changes).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Serve the bundled demo site on 127.0.0.1, crawl it, export feeds and posts, print the paths.
demo: $(STAMP)
	$(BIN)/python demo/run.py

# The whole test suite (real crawls on 127.0.0.1).
test: $(STAMP)
	$(BIN)/python -m pytest

# The quick subset: everything but the end-to-end crawls.
test-quick: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check crawler exporters tests demo

clean:
	rm -rf output data .pytest_cache
