# The two commands a new user needs: `make book` and `make test`.
# Everything else here is a convenience. Only python3 (3.11+), make and git are assumed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader shells out to alembic, and the Jupyter tools to each other: our venv comes first.
export PATH := $(abspath $(BIN)):$(PATH)

JB_FLAGS := --warningiserror --nitpick --keep-going

.PHONY: book html test bench serve lab strip clean help
.DEFAULT_GOAL := help

help:
	@echo "make book   build the website into _build/html (sets up .venv first)"
	@echo "make test   run the whole test suite (sets up .venv first)"
	@echo "make lab    open the chapters in JupyterLab"
	@echo "make serve  serve _build/html on http://127.0.0.1:8000"
	@echo "make bench  print benchmarks and write _build/bench.json"
	@echo "make strip  strip outputs from every notebook before committing"
	@echo "make clean  remove _build (keep .venv)"

# The environment: made when missing, refreshed when the requirements change.
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 10) else "Python 3.10 or newer is needed; found %d.%d (try make PYTHON=python3.11)" % v[:2])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

book: $(STAMP) html
	@echo "The course website: $(abspath _build/html/index.html)"

# Strict build; an unchanged rebuild only re-renders (notebook outputs are cached).
html:
	$(BIN)/jupyter-book build . $(JB_FLAGS)

# The site is built first: the suite checks the pages it produced.
test: $(STAMP) html
	$(BIN)/python -m pytest -n auto --dist loadgroup

bench: $(STAMP)
	$(BIN)/python -m bench

serve: $(STAMP)
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

lab: $(STAMP)
	$(BIN)/jupyter lab book/

strip: $(STAMP)
	$(BIN)/nbstripout --keep-id book/*.ipynb solutions/*/*.ipynb exercises/*/*.ipynb

clean:
	rm -rf _build
