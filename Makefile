# The two commands of the README. Both (re)build .venv when pyproject.toml or the lock changed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# make test's workers (pytest-xdist): whole files, slow ones first (tests/conftest.py); 0 runs in one process
PYTEST_WORKERS ?= auto
PYTEST_XDIST = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder)

.PHONY: repro test coverage lint docs bench install clean-venv

repro: $(STAMP)  ## run the whole DVC pipeline (dvc repro)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dvc repro

test: $(STAMP)  ## run the test suite
	@$(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS) || { rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests: a broken suite, not a pass" >&2; fi; exit $$rc; }

coverage: $(STAMP)  ## the test suite with line coverage of src/bsgan (in-process code; stage subprocesses not traced)
	$(BIN)/python -m pytest $(PYTEST_XDIST) --cov=bsgan --cov-report=term:skip-covered $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff over the code base
	$(BIN)/ruff check .

docs: $(STAMP)  ## the docs site into site/; fails on a broken link, a missing page or a stale results page
	$(BIN)/python docs/make_results_page.py --check
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

bench: $(STAMP)  ## the benchmark suite: every speed ratio side by side, into bench/results/<device>.{md,json}
	$(BIN)/python bench/run.py $(BENCH_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint requirements.lock --editable '.[dev]'
	touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
