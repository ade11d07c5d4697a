# The two commands a newcomer needs: `make site` and `make test`.
# Both set up everything on a fresh Debian machine: a venv with the package, and
# Graphviz (and, for tests, Chromium) from apt-get when missing and we are root.

VENV      ?= .venv
PYTHON    ?= python3
BIN       := $(VENV)/bin
INSTALLED := $(VENV)/.installed
APT_STAMP := $(VENV)/.apt-updated

.PHONY: site test test-fast serve screenshots translations setup graphviz chromium bench bench-setup bench-scale lint clean wheel

# The demo's quarters are replayed from demo/history/ into a throwaway git repository
# with real tags, so the site shows every version the way a real repository would.
DEMO_REPO := build/demo

site: setup graphviz
	$(BIN)/python demo/replay.py $(DEMO_REPO)
	$(BIN)/stratmap build $(DEMO_REPO) --out output

# Preview the demo while editing it: content/ and stratmap.yaml here are what it shows
# (opened on the draft, rebuilt and reloaded on every save). `make site` builds a copy.
serve: setup graphviz
	$(BIN)/stratmap serve .

# docs/screenshots/: the demo's main pages on a phone and a desktop, for the README
screenshots: site chromium
	$(BIN)/python demo/screenshots.py output --out docs/screenshots

# After changing a template's words: extract them, update every catalog, compile the .mo
translations: setup
	$(BIN)/python themes/default/locale/refresh.py

# The sdist and wheel a strategy repository's CI can install: dist/stratmap-*.whl
wheel: setup
	$(BIN)/pip install --quiet build
	$(BIN)/python -m build --outdir dist .

test: setup graphviz chromium
	$(BIN)/pytest

# Everything but the browser tests, on every core: the loop to run while working. The
# tests write some 30,000 small files; where the machine has a tmpfs they go there, since on
# a VM's disk making and deleting them costs a quarter of the run. A failed run's files
# stay there to look at; a passing run's are removed.
FAST_TMP := $(if $(wildcard /dev/shm/.),/dev/shm/stratmap-test-fast,)
test-fast: setup graphviz
	$(BIN)/pytest -m "not browser" -n auto -q $(if $(FAST_TMP),--basetemp=$(FAST_TMP) && rm -rf $(FAST_TMP))

setup: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# apt-get update once per venv: package lists on a fresh machine are empty or old.
$(APT_STAMP):
	@mkdir -p $(VENV)
	apt-get update -qq
	touch $@

graphviz:
	@command -v dot >/dev/null 2>&1 || $(MAKE) --no-print-directory apt-install PACKAGE=graphviz TOOL=dot

chromium:
	@test -x /usr/bin/chromium || $(MAKE) --no-print-directory apt-install PACKAGE=chromium TOOL=chromium

apt-install:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(APT_STAMP) && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PACKAGE) >/dev/null; \
	else \
		echo "$(TOOL) is missing: install the '$(PACKAGE)' package (e.g. sudo apt-get install $(PACKAGE))"; \
		exit 2; \
	fi

bench: bench-setup
	$(BIN)/python bench/run.py

# what the benchmarks compare us with, installed here only (never by `make test`):
# MkDocs from PyPI into the venv, Hugo from Debian
bench-setup: setup graphviz
	$(BIN)/pip install --quiet -e '.[bench]'
	@command -v hugo >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		apt-get install -y -q hugo >/dev/null; } || { echo "install Hugo (apt-get install hugo)"; exit 1; }

bench-scale: bench-setup
	$(BIN)/python bench/scale.py

lint: setup
	$(BIN)/pip install --quiet -e '.[lint]'
	$(BIN)/ruff check generator tests bench demo
	$(BIN)/mypy generator/stratmap

clean:
	rm -rf output .stratmap-cache
