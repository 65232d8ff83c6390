# HRC Watch: `make run` starts the bot, `make test` runs ruff and the tests. Both build .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= config.toml

.PHONY: run poll status test lint format clean demo score soak bench

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/activate

run: $(BIN)/activate
	$(BIN)/python -m bot run --config $(CONFIG)

poll: $(BIN)/activate
	$(BIN)/python -m bot poll --config $(CONFIG)

status: $(BIN)/activate
	$(BIN)/python -m bot status --config $(CONFIG)

lint: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/activate
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

score: $(BIN)/activate
	$(BIN)/python scripts/score_real_texts.py --verbose

demo: $(BIN)/activate
	$(BIN)/python demo/run.py

# Four workers on two cores: most tests wait on a real peer or process (the soak, 80 s, mostly waits).
test: lint
	PTB_TIMEDELTA=true $(BIN)/python -m pytest -q -n 4

# The long soak: 50 SIGKILLs with every peer failing (about 15 minutes; docs/RELIABILITY.md).
soak: $(BIN)/activate
	PTB_TIMEDELTA=true $(BIN)/python -u -m tests.soak_long

# The benchmark against urlwatch on the kit's real-size listings (docs/PERFORMANCE.md).
bench: $(BIN)/activate
	$(BIN)/python bench/run.py --urlwatch

clean:
	rm -rf $(VENV) var/ .pytest_cache
