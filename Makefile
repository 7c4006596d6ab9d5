# The two commands a new user needs: `make book` and `make test`.
# Everything else here is a convenience. Only python3 (3.10+), make and git are assumed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader shells out to alembic, and the Jupyter tools to each other: our venv comes first.
export PATH := $(abspath $(BIN)):$(PATH)

JB_FLAGS := --warningiserror --nitpick --keep-going

.PHONY: book html test unit lint bench serve lab strip clean help public kit
.DEFAULT_GOAL := help

help:
	@echo "make book   build the website into _build/html (sets up .venv first)"
	@echo "make test   run the whole test suite (sets up .venv first)"
	@echo "make unit   the library, demo and grader tests: no site build, a minute or two"
	@echo "make lint   ruff over the Python files and notebooks (pyproject.toml)"
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
	@# jsonschema (under nbformat, so under every nbgrader command, the grader and the build)
	@# imports rfc3987_syntax when it is installed, which builds 39 lark grammars on import:
	@# 2.2 s of CPU per process, for the "iri" formats no schema here uses. Without it
	@# jsonschema skips those two format checks; everything else validates as before.
	printf 'import sys; sys.modules.setdefault("rfc3987_syntax", None)\n' > \
		"$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/nnl_fast_start.pth"
	touch $(STAMP)

book: $(STAMP) html site-pdf
	@echo "The course website: $(abspath _build/html/index.html)"
	@echo "The student kit:    $(abspath _build/html/_downloads/nnlearn-student-kit.zip)"

# Strict build; an unchanged rebuild only re-renders (notebook outputs are cached).
# Changed chapters run first in parallel, one per core, into the same cache
# (book/_ext/preexecute.py); one that fails there is run again by the build, which stops.
# book/_ext/build.py runs both in one process (and spares jsonschema a slow import).
# The cache keys on a notebook's code only: when the library the chapters import
# changes, every chapter's stored outputs are stale, so the cache goes.
# The stamp is touched after a build that passed: with nothing newer than it among the
# site's inputs (everything under book/, the two YAML files, the environment), Make
# does nothing at all.
CACHE := _build/.jupyter_cache/global.db
SITE_STAMP := _build/html/.built
SITE_INPUTS := _config.yml _toc.yml $(shell find book -type f -not -path '*/__pycache__/*' \
	-not -path '*/.ipynb_checkpoints/*' -not -path '*.egg-info/*')
# The site carries the student kit (publish/site.py): what goes into it is an input too.
SITE_INPUTS += requirements.txt pyproject.toml $(shell find exercises publish -type f \
	-not -path '*/__pycache__/*' -not -path '*/.ipynb_checkpoints/*')

html: $(SITE_STAMP)

$(SITE_STAMP): $(SITE_INPUTS) $(STAMP)
	@mkdir -p _build && touch _build/.built.started   # an edit made during the build is not missed
	@if [ -f $(CACHE) ] && [ -n "$$(find book/nnlearn -name '*.py' -newer $(CACHE) | head -1)" ]; then \
		echo "book/nnlearn changed since the last build: re-running every chapter"; \
		rm -rf _build/.jupyter_cache _build/.doctrees _build/html; fi
	$(BIN)/python book/_ext/build.py _build $(JB_FLAGS)
	@mv _build/.built.started $@

# Lint first (seconds), then the site (the suite checks the pages it produced), then every test.
test: $(STAMP) lint $(SITE_STAMP) site-pdf
	$(BIN)/python -m pytest -n auto --dist loadgroup --durations=20

# The fast loop while writing code: everything that needs neither the built site nor minutes.
unit: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not site" -n auto --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check .

# ONLY="build pages" runs some sections (demos, build, pages, grading); all by default.
bench: $(STAMP)
	$(BIN)/python -m bench $(ONLY)

serve: $(STAMP)
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

# Jupyter refuses to start as root (a container, a sandbox) unless told --allow-root:
# given only then, as the student kit's setup_course.py does.
ALLOW_ROOT = $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ALLOW_ROOT) book/

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

# The whole course as one PDF (_build/pdf, and a copy in the site, which links to it),
# printed by Debian's Chromium from the built site: book/_ext/print_pdf.py.
# `make book` and `make test` print it too when Chromium is there (and the site changed).
.PHONY: pdf site-pdf
pdf: $(STAMP) html
	$(BIN)/python book/_ext/print_pdf.py _build
site-pdf: $(STAMP) html
	$(BIN)/python book/_ext/print_pdf.py _build --if-chromium
