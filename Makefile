# The two commands of the README, and a few more for working on the template.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=
ANSWERS ?=

.PHONY: help demo test test-quick lint lock clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/.installed: requirements-dev.txt
	scripts/system-packages.sh build
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r requirements-dev.txt
	touch $@

demo: $(BIN)/.installed  ## render the Scheduler Service with a demo account and sample data, serve it on 127.0.0.1:$(PORT), no services needed
	$(BIN)/python scripts/demo.py --port $(PORT) $(addprefix --answer ,$(ANSWERS))

test: $(BIN)/.installed  ## the whole suite: renders, hooks, generated suites on SQLite and MariaDB + Redis, browser
	scripts/system-packages.sh test
	scripts/start-services.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-quick: $(BIN)/.installed  ## the quick loop: rendering, hooks and lint only
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

lint: $(BIN)/.installed  ## ruff on the template's own Python
	$(BIN)/ruff check hooks tests scripts
	$(BIN)/ruff format --check hooks tests scripts

clean:  ## remove renders, caches and virtualenvs
	rm -rf build .cache artifacts $(VENV)

lock: $(BIN)/.installed  ## re-pin requirements-dev.txt (with hashes) from requirements-dev.in
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --no-annotate \
		--generate-hashes --custom-compile-command "make lock" requirements-dev.in -o requirements-dev.txt
