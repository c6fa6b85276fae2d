# The two commands of README.md: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DEBUG=true

.PHONY: run test install translations messages lint

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core, for the accessibility checks of the browser tests (skipped without npm).
node_modules/.package-lock.json: package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund; \
	else echo "npm not found: the accessibility checks will be skipped"; fi

install: $(BIN)/.installed node_modules/.package-lock.json

# .po files are compiled with Babel so that no system gettext is needed to run.
translations: install
	$(BIN)/pybabel compile --domain django --directory locale --statistics

run: translations
	mkdir -p var
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: translations
	$(BIN)/pytest $(PYTEST_ARGS)

# For developers after changing interface strings (needs GNU gettext).
messages: install
	$(DEV_ENV) $(BIN)/python manage.py makemessages --locale en --locale ar --no-obsolete --add-location file --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(DEV_ENV) $(BIN)/mypy .
