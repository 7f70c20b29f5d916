# xxgk — the two commands of the README: `make demo` and `make test`.
# Both create .venv if missing and install the pinned, tested versions (constraints.txt).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.xxgk-installed
YEAR   ?= 2023

.PHONY: setup demo test lab clean bench sample docs

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更高版本 (needs Python >= 3.11)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/xxgk build --year $(YEAR)

test: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench

# Regenerate the committed sample workbooks and the rule catalogue from code.
sample: $(STAMP)
	$(BIN)/xxgk sample

docs: $(STAMP)
	$(BIN)/python -m pipeline.docs

# Removes generated outputs only; never touches workbooks/.
clean:
	find outputs -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
