# vnsearch: the README's two commands are `make serve` and `make test`.
# Both install what they need (system packages via apt-get when missing, a local .venv).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  ?= var/index
HOST   ?= 127.0.0.1
PORT   ?= 8000
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test install lint system-deps browser-deps clean

## serve: install, build the index from seeds/, and serve the site on http://$(HOST):$(PORT)/
serve: $(VENV)/.installed
	@# Our modules' bytecode, written even where Python is told not to write it
	@# (PYTHONDONTWRITEBYTECODE): otherwise each start compiles them again, ~0.2 s of the first answer.
	$(BIN)/python -m compileall -q indexer webui
	$(BIN)/vnsearch build seeds/ --index $(INDEX)
	$(BIN)/vnsearch serve --index $(INDEX) --host $(HOST) --port $(PORT)

## test: install (with test extras and Debian's chromium) and run ruff + the whole test suite
test: $(VENV)/.installed-test browser-deps
	$(BIN)/ruff check .
	VNSEARCH_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q $(PYTEST_ARGS); \
	  status=$$?; if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure here" >&2; fi; \
	  exit $$status

install: $(VENV)/.installed

system-deps:
	@if ! dpkg -s libicu-dev pkg-config >/dev/null 2>&1; then \
	  echo "installing Debian packages libicu-dev pkg-config (needed to build PyICU)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libicu-dev pkg-config; fi
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv; }

browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; fi

$(VENV)/.installed: pyproject.toml | system-deps
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .ruff_cache .hypothesis
