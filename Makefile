# fulian — make help lists every target.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
BENCH_SCALE ?= 1.0
BENCH_PEOPLE_ROWS ?= 100000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/fulian_bench
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast lint format migrate seed bench messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install fulian with its test tools

migrate: install ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

seed: migrate ## Load the demo city (泰州市妇联); safe to run twice
	$(BIN)/python manage.py seed_demo

run: seed ## Serve the demo city on http://127.0.0.1:8000 and print the demo logins
	@echo "fulian: http://$(HOST)/  (stop with Ctrl-C)"
	$(BIN)/python manage.py runserver $(HOST)

test: install ## Run the whole test suite (DATABASE_URL picks the database; SQLite by default)
	FULIAN_CONN_MAX_AGE=0 $(BIN)/pytest

lint: install ## ruff check and format check; migrations in step with the models
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install ## Update and compile the English catalogue (needs gettext; .mo files are committed)
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=static/vendor --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench: install ## Benchmarks: national org tree and report roll-ups over 10 M values (PostgreSQL), a 100 000-person import
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run.py --scale $(BENCH_SCALE)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/reports.py
	$(BIN)/python bench/people_import.py --rows $(BENCH_PEOPLE_ROWS)

clean: ## Remove the virtual environment and the SQLite database
	rm -rf $(VENV) db.sqlite3
