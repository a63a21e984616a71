# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo demo-live test test-quick test-tomorrow lint clean tools

# Create the virtual environment and install the project (again when pyproject.toml changes).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Serve the bundled demo site on 127.0.0.1, crawl it, export feeds and posts, print the paths.
demo: $(STAMP)
	$(BIN)/python demo/run.py

# A live demo site whose outlets publish over time (rates x10), and `scrapy watch` on it; Ctrl-C stops.
demo-live: $(STAMP)
	$(BIN)/python -m demo.live --speed 10 --watch output/demo-live

# Servers and tools the tests use, from Debian's packages where missing (as root, with apt-get).
# Where they cannot be installed their tests skip, except under CI=true, where they fail.
tools:
	@command -v jekyll >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] \
	  || { echo "Installing Jekyll (Debian package jekyll)"; apt-get update -qq >/dev/null \
	       && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jekyll >/dev/null; } \
	  || echo "Jekyll could not be installed: its tests will skip (and fail under CI=true)"
	@command -v redis-server >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] \
	  || { echo "Installing Redis (Debian package redis-server)"; apt-get update -qq >/dev/null \
	       && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; } \
	  || echo "Redis could not be installed: its tests will skip (and fail under CI=true)"
	@command -v newsboat >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] \
	  || { echo "Installing newsboat (Debian package newsboat)"; apt-get update -qq >/dev/null \
	       && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq newsboat >/dev/null; } \
	  || echo "newsboat could not be installed: its tests will skip (and fail under CI=true)"
	@command -v faketime >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] \
	  || { echo "Installing libfaketime (Debian package faketime)"; apt-get update -qq >/dev/null \
	       && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; } \
	  || echo "faketime could not be installed: make test-tomorrow will not run"

# The whole test suite (real crawls on 127.0.0.1).
test: $(STAMP) tools
	$(BIN)/python -m pytest

# The whole suite with the clock a day ahead (libfaketime, installed by `tools`): no test may
# depend on when it runs. The monotonic clock is left alone (faked, timed waits last a day);
# tests/faketime/sitecustomize.py mends time.sleep, which libfaketime then breaks; redis-server
# does not start under libfaketime: tests/redis_server.py starts it with the real clock.
test-tomorrow: $(STAMP) tools
	PYTHONPATH=$(CURDIR)/tests/faketime FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f '+1d' $(BIN)/python -m pytest

# The quick subset: everything but the end-to-end crawls.
test-quick: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check crawler exporters tests demo

clean:
	rm -rf output data .pytest_cache build dist
