# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DEBUG ?= 1

.PHONY: run test install migrate seed lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py seed_demo --si-vide

run: seed
	@echo ""
	@echo "Mission Centres Sociaux : http://127.0.0.1:8000"
	@echo "Comptes de démonstration (mot de passe « demo ») : responsable, agent, regisseur, elu, caf, departement"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# One worker per core, each with its own test database; a module stays on one worker, so that
# its shared data (tests/partage.py) is built once. `make test XDIST=-n0` runs in one process.
XDIST ?= -n auto --dist loadscope

test: install
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --check templates
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var
