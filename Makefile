# One command to install and run the demo, one to install and run the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/cchc: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/cchc
	$(BIN)/cchc demo

# The layers of the README's architecture (import-linter) and the code's lint (ruff), then every test.
test: lint
	$(BIN)/pytest

lint: $(BIN)/cchc
	$(BIN)/lint-imports
	$(BIN)/ruff check .

bench: $(BIN)/cchc
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) out du-lieu cchc.db cchc.db-wal cchc.db-shm
