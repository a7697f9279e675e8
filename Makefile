# `make run` and `make test` set everything up on a fresh machine: a virtualenv with the
# pinned dependencies (constraints.txt), then run the bot / the checks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run chat test lint typecheck pytest bench profiles lock clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python bot.py

chat: $(STAMP)
	$(BIN)/python bot.py chat

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# On every core (pytest-xdist): most of the suite's time is real processes, browsers and
# databases waiting on each other, not one CPU.
pytest: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

bench: $(STAMP)
	$(BIN)/python bench/bench_faq_dev.py
	$(BIN)/python bench/bench_match_latency.py
	$(BIN)/python bench/bench_ask_latency.py
	$(BIN)/python bench/bench_arbanking77.py

# Rebuild the five committed profiles from the associations' guides (profiles/<slug>/guide.txt).
profiles: $(STAMP)
	for slug in little-hearts takatuf qader alhuda health-coop; do \
		$(BIN)/python bot.py faq build profiles/$$slug/guide.txt --out profiles/$$slug --slug $$slug || exit 1; \
	done

# Re-pin: resolve pyproject's ranges in a scratch venv and write constraints.txt.
lock:
	rm -rf /tmp/tawasul-lock && $(PYTHON) -m venv /tmp/tawasul-lock
	/tmp/tawasul-lock/bin/pip install --quiet ".[dev]"
	/tmp/tawasul-lock/bin/pip freeze --exclude tawasul > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
