# Two commands a new user needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint test-real bench bench-sweep clean datasets

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/toolkit metrics --out reports
	@# exit status 3 = a policy case cannot be met: a finding (diagnosed in the
	@# report), not a failure of the run
	$(BIN)/toolkit run --out reports || [ $$? -eq 3 ]

test: $(STAMP)
	$(BIN)/ruff check toolkit tests bench
	$(BIN)/pytest -m 'not real'

# Real programs: LibreOffice opens the templates and reports, Chromium renders the brief.
REAL_PKGS := libreoffice-calc-nogui chromium fonts-dejavu-core
test-real: $(STAMP)
	@command -v soffice >/dev/null && command -v chromium >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	   --no-install-recommends $(REAL_PKGS) >/dev/null) || \
	  echo "warning: could not install $(REAL_PKGS); the real-program tests will skip"
	$(BIN)/pytest -m real

datasets: $(STAMP)
	$(BIN)/python -m toolkit.datasets_build

bench: $(STAMP)
	$(BIN)/python bench/bench_optimize.py
	$(BIN)/python bench/bench_milp.py
	$(BIN)/python bench/bench_run.py
	$(BIN)/python bench/bench_reports.py
	$(BIN)/python bench/bench_chokepoints.py

# 1,000 sampled worlds of the default model with 1 and 2 Dask workers (several minutes)
bench-sweep: $(STAMP)
	$(BIN)/python bench/bench_sweep.py

clean:
	rm -rf $(VENV) .pytest_cache
