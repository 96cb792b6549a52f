# Työkyky: `make run` serves the app on the embedded default; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test test-fast bench install messages lint format lock worker beat clean

# The virtual environment is rebuilt when the lock file changes.
$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -r requirements.txt
	$(BIN)/pip check
	@touch $@

# The real OpenID provider that the single sign-on tests run (Node, tests/oidc_provider):
# its pinned packages. Without npm those tests are skipped (outside CI).
OIDC_PROVIDER := tests/oidc_provider
$(OIDC_PROVIDER)/node_modules/.installed: $(OIDC_PROVIDER)/package-lock.json
	@if command -v npm >/dev/null; then \
	  cd $(OIDC_PROVIDER) && npm ci --no-audit --no-fund --silent && touch node_modules/.installed; \
	else echo "npm is missing: the single sign-on tests will be skipped (install Node 20 or later)"; fi

install: $(VENV)/.installed $(OIDC_PROVIDER)/node_modules/.installed

messages: install
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: install gettext (apt-get install gettext)"; exit 1; }
	$(MANAGE) compilemessages --ignore '.venv/*' -v0

run: install messages
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

test: install messages
	scripts/test

# The quick part for a developer: everything but the schema fuzzer, the browser tests and
# the benchmarks (`make test` runs the first two as well; CI runs `make test`). Serial on
# purpose: on two cores pytest-xdist's `-n 2` took 11 and 18 minutes where one process
# took 8.5 (the access matrix's module-wide world keeps one worker busy to the end).
test-fast: install messages
	scripts/test -m "not fuzz and not e2e and not benchmark"

# Speed benchmarks (tests/benchmarks/): ratios measured in one run, printed; not in `make test`.
bench: install messages
	scripts/test -m benchmark -s tests/benchmarks

# Style, types (mypy: pyproject's [tool.mypy]) and the apps' layers (import-linter:
# [tool.importlinter]), then migrations in step with the models.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-resolve the dependencies of pyproject.toml and pin them all in requirements.txt.
lock:
	rm -rf $(VENV)-lock && $(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/pip install --quiet --upgrade pip
	$(VENV)-lock/bin/pip install --quiet '.[test]'
	$(VENV)-lock/bin/pip freeze --exclude tyokyky > requirements.txt
	rm -rf $(VENV)-lock

# The full stack's background processes, against REDIS_URL (see README).
worker: install
	$(BIN)/celery -A config worker --loglevel=INFO

beat: install
	$(BIN)/celery -A config beat --loglevel=INFO --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache
