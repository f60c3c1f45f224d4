# Two commands a new user needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint test-real bench clean datasets

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/toolkit metrics --out reports
	$(BIN)/toolkit run --out reports

test: $(STAMP)
	$(BIN)/ruff check toolkit tests bench
	$(BIN)/pytest

datasets: $(STAMP)
	$(BIN)/python -m toolkit.datasets_build

bench: $(STAMP)
	$(BIN)/python bench/bench_optimize.py

clean:
	rm -rf $(VENV) .pytest_cache
