# Two commands on a fresh machine: `make run` and `make test`. Everything else builds on the venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint package bench calendars clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's requirements changed.
$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ib-terminal $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} $(BIN)/pytest $(PYTEST_ARGS)

package: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/ib-terminal.spec

bench: $(STAMP)
	QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} $(BIN)/python -m benchmarks

# Rewrite resources/exchange_calendars.json from the exchange_calendars library (after upgrading it).
calendars: $(STAMP)
	$(BIN)/python -c 'from terminal_app.paths import resources_dir; from terminal_app.simulator import holidays; holidays.write_table(resources_dir() / holidays.TABLE_FILE)'

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
