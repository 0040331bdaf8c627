# The health library's commands. `make serve` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# What the site build and the editor commands need; the test stack comes on top for `make test`.
BUILD_STAMP := $(VENV)/.installed-build
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: serve serve-dirty test lint check build release-build published-urls leaflets browser clean bench audit

$(BUILD_STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .
	touch $(BUILD_STAMP)

$(DEV_STAMP): $(BUILD_STAMP) requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	touch $(DEV_STAMP)

## Preview the site with live reload at http://127.0.0.1:$(PORT) (make serve PORT=8001 for another port);
## while a page has a problem, the browser shows the problems with their file and line instead
serve: $(BUILD_STAMP)
	@NO_MKDOCS_2_WARNING=1 $(BIN)/python -m healthpages serve --port $(PORT)

## Large libraries: rebuild only the edited page (other pages' navigation may lag until a restart)
serve-dirty: $(BUILD_STAMP)
	@NO_MKDOCS_2_WARNING=1 $(BIN)/python -m healthpages serve --port $(PORT) --dirty

## Run the whole test suite: lint, types, workflow audit, then pytest (installs Debian's chromium when missing)
test: lint browser
	$(BIN)/python -m pytest

## Lint and format check (ruff), types (mypy) and the GitHub workflows (zizmor)
lint: $(DEV_STAMP)
	BIN=$(BIN) scripts/lint

## Check every page: the strict build, without publishing anything; problems as file:line
check: $(BUILD_STAMP)
	$(BIN)/python -m healthpages check

## Build the static site into site/ (what gets deployed)
build: $(BUILD_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## Build for publishing: refuses drafts, pages overdue for review and pages changed since their review
release-build: $(BUILD_STAMP)
	HEALTHPAGES_RELEASE=true NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## After a release: record every page's address (published-urls.txt), so that check asks for a redirect
## when a page is renamed or moved; commit the file
published-urls: $(BUILD_STAMP)
	$(BIN)/python -m healthpages published-urls

## Build the site with printable leaflets: every topic page links its PDF, printed by Chromium into site/
## (HEALTHPAGES_RELEASE=true make leaflets for the release build; the deploy workflow publishes this)
leaflets: $(DEV_STAMP) browser
	HEALTHPAGES_LEAFLETS=true NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	$(BIN)/python -m healthpages leaflets site

browser:
	scripts/ensure-chromium

## Build-time benchmark against Material's defaults (BENCH_ARGS=--large adds N=3,000)
bench: $(DEV_STAMP)
	$(BIN)/python -m benchmarks.build_bench $(BENCH_ARGS)

## Lighthouse page-speed audit (needs Node.js and npm)
audit: $(DEV_STAMP) browser
	scripts/audit

clean:
	rm -rf $(VENV) site test-output node_modules .cache
