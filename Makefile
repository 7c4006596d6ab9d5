# The two commands a new user needs: `make book` and `make test`.
# Everything else here is a convenience. Only python3 (3.11+), make and git are assumed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader shells out to alembic, and the Jupyter tools to each other: our venv comes first.
export PATH := $(abspath $(BIN)):$(PATH)

JB_FLAGS := --warningiserror --nitpick --keep-going

.PHONY: book html test bench serve lab strip clean help public kit
.DEFAULT_GOAL := help

help:
	@echo "make book   build the website into _build/html (sets up .venv first)"
	@echo "make test   run the whole test suite (sets up .venv first)"
	@echo "make lab    open the chapters in JupyterLab"
	@echo "make serve  serve _build/html on http://127.0.0.1:8000"
	@echo "make bench  print benchmarks and write _build/bench.json"
	@echo "make strip  strip outputs from every notebook before committing"
	@echo "make clean  remove _build (keep .venv)"
	@echo "make public write _build/public, the tree to publish as the public repository"
	@echo "make kit    write the student kit alone (make book puts it in the site too)"

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
	@echo "The student kit:    $(abspath _build/html/_downloads/nnlearn-student-kit.zip)"

# Strict build; an unchanged rebuild only re-renders (notebook outputs are cached).
# Changed chapters run first in parallel, one per core, into the same cache
# (book/_ext/preexecute.py); one that fails there is run again by the build, which stops.
# The cache keys on a notebook's code only: when the library the chapters import
# changes, every chapter's stored outputs are stale, so the cache goes.
CACHE := _build/.jupyter_cache/global.db
html:
	@if [ -f $(CACHE) ] && [ -n "$$(find book/nnlearn -name '*.py' -newer $(CACHE) | head -1)" ]; then \
		echo "book/nnlearn changed since the last build: re-running every chapter"; \
		rm -rf _build/.jupyter_cache _build/.doctrees _build/html; fi
	$(BIN)/python book/_ext/preexecute.py _build
	$(BIN)/jupyter-book build . $(JB_FLAGS)

# The site is built first: the suite checks the pages it produced.
test: $(STAMP) html
	$(BIN)/python -m pytest -n auto --dist loadgroup

# ONLY="build pages" runs some sections (demos, build, pages, grading); all by default.
bench: $(STAMP)
	$(BIN)/python -m bench $(ONLY)

serve: $(STAMP)
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

lab: $(STAMP)
	$(BIN)/jupyter lab book/

strip: $(STAMP)
	$(BIN)/nbstripout --keep-id book/*.ipynb solutions/*/*.ipynb exercises/*/*.ipynb

clean:
	rm -rf _build

# The public side (book/for-instructors.md). The site build writes the student kit into
# the site itself (publish/site.py). Both commands fail if a private line got in.
public: $(STAMP)
	$(BIN)/python -m publish.public_tree

kit: $(STAMP)
	$(BIN)/python -m publish.kit
