# The health library's commands. `make serve` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve serve-dirty test check build release-build browser clean bench audit

# Create the virtual environment and install the pinned packages (again only when they change).
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

## Preview the site with live reload at http://127.0.0.1:8000
serve: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

## Large libraries: rebuild only the edited page (other pages' navigation may lag until a restart)
serve-dirty: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload --dirty

## Run the whole test suite (installs Debian's chromium for the browser tests when missing)
test: $(STAMP) browser
	$(BIN)/python -m pytest

## Check every page without building: front matter, FAQ, reviewers, dates, links, readability
check: $(STAMP)
	$(BIN)/python -m healthpages check

## Build the static site into site/ (what gets deployed)
build: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## Build for publishing: refuses drafts and pages overdue for review
release-build: $(STAMP)
	$(BIN)/python -m healthpages check --release --quiet
	HEALTHPAGES_RELEASE=true NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

browser:
	scripts/ensure-chromium

## Build-time benchmark against Material's defaults (BENCH_ARGS=--large adds N=3,000)
bench: $(STAMP)
	$(BIN)/python -m benchmarks.build_bench $(BENCH_ARGS)

## Lighthouse page-speed audit of four pages (needs Node.js and npm)
audit: $(STAMP) browser
	scripts/audit

clean:
	rm -rf $(VENV) site test-output node_modules
