# Two commands do everything on a fresh machine:
#   make book   build the website into _build/html (warnings are errors)
#   make test   lint + unit tests + nbval over every chapter notebook
# Other targets: make execute (re-run notebooks in place, record timings),
# make bench (speed targets), make site-check (headless-browser check of the
# built pages), make data, make vendor, make clean.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
VENDOR := _build/vendor-site/vendor
NOTEBOOKS := $(wildcard chapters/*.ipynb)
PYTEST_NB := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout 600

.PHONY: help venv data vendor book test lint unit nbval execute bench clean site-check install-test linkcheck

help:
	@sed -n '1,6p' Makefile

# ---------------------------------------------------------------- environment
$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

venv: $(STAMP)

# Fashion-MNIST: Debian's package when we are root with apt (works offline
# but for the package registries), else the loader downloads it.
data: $(STAMP)
	@bash scripts/get-data.sh $(PY)

# ------------------------------------------------------------------- website
$(VENDOR)/.done: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cp -r node_modules/mathjax $(VENDOR)/mathjax
	rm -rf $(VENDOR)/mathjax/es5/sre/mathmaps/*.json.map
	@touch $@

vendor: $(VENDOR)/.done

book: $(STAMP) $(VENDOR)/.done
	$(VENV)/bin/jupyter-book build . --warningiserror --nitpick --keep-going
	@$(PY) scripts/check_offline.py _build/html

# --------------------------------------------------------------------- tests
test: lint data
	PYTHONHASHSEED=0 $(PY) -m pytest tests $(NOTEBOOKS) $(PYTEST_NB)

# ruff (rules and line length in pyproject.toml) over the package, tests,
# benchmarks, scripts and the chapter notebooks
lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Build the wheel, install it with only its declared dependencies into a fresh
# virtual environment, import every module and execute chapter 1 there.
install-test: $(STAMP) data
	bash scripts/install-test.sh $(PY)

unit: $(STAMP)
	$(PY) -m pytest tests

nbval: $(STAMP) data
	PYTHONHASHSEED=0 $(PY) -m pytest $(NOTEBOOKS) $(PYTEST_NB)

# Re-run every notebook in place (stores outputs) and record timings on the
# status page. NB=chapters/01_neuron.ipynb runs one notebook.
execute: $(STAMP) data
	$(PY) scripts/execute.py $(or $(NB),$(NOTEBOOKS))

bench: $(STAMP) data
	$(PY) benchmarks/run.py

# Every link of the book: internal ones must work, external ones are reported
# (the build machines are offline but for package registries).
linkcheck: $(STAMP) $(VENDOR)/.done
	$(VENV)/bin/jupyter-book build . --builder linkcheck --path-output _build/links >/dev/null 2>&1 || true
	$(PY) scripts/check_links.py _build/links/_build/html/output.json

clean:
	rm -rf _build

# Look at the built website as a reader would (scripts/screenshot.mjs): every
# chapter page in headless Chromium, served from a local HTTP server with every
# other request blocked, at 390 px and 1300 px: math typeset, every demo
# responds without a kernel, both sidebar toggles open and close, no console
# error, no failed request, no sideways scrolling on a phone; page weight and
# first paint on a simulated Fast-3G connection (<= 3 MB, <= 5 s). Prints one
# table; screenshots go to _build/screenshots/.
site-check: book
	@command -v $${CHROMIUM:-chromium} >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -d node_modules/playwright-core || npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	node scripts/screenshot.mjs _build/html _build/screenshots
