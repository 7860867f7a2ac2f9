# Two commands on a fresh machine: `make run` serves the app, `make test` checks it.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
DEV_SECRET := instance/dev_secret_key
DEV_PHONE_KEY := instance/dev_phone_hash_key
DEV_AUDIT_KEY := instance/dev_audit_key
DEV_ENV = RECORD_CHECK_ENV=development SECRET_KEY="$$(cat $(DEV_SECRET))" \
	PHONE_HASH_KEY="$$(cat $(DEV_PHONE_KEY))" AUDIT_KEY="$$(cat $(DEV_AUDIT_KEY))"
FLASK := $(BIN)/flask --app app

.PHONY: help run test lint typecheck format migrate chat clean translations audit bench
.DEFAULT_GOAL := help

## help: this list
help:
	@awk '/^## / { sub(/^## /, ""); name = $$0; sub(/: .*/, "", name); sub(/^[^:]*: /, ""); printf "  make %-13s %s\n", name, $$0 }' $(MAKEFILE_LIST)

# The runtime alone for `make run` and deployments; the tools on top for `make test`.
$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(DEV_STAMP)

$(DEV_SECRET):
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $(DEV_SECRET)
	chmod 600 $(DEV_SECRET)

$(DEV_PHONE_KEY):
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $(DEV_PHONE_KEY)
	chmod 600 $(DEV_PHONE_KEY)

$(DEV_AUDIT_KEY):
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $(DEV_AUDIT_KEY)
	chmod 600 $(DEV_AUDIT_KEY)

## run: install, migrate the local SQLite database and serve on http://127.0.0.1:5000 (with the text worker)
run: $(STAMP) $(DEV_SECRET) $(DEV_PHONE_KEY) $(DEV_AUDIT_KEY)
	$(FLASK) db upgrade
	$(DEV_ENV) $(FLASK) demo-admin
	@echo
	@echo "Record Check is serving on http://127.0.0.1:5000 (this machine only)."
	@echo "Local development (RECORD_CHECK_ENV=development): the secrets are in $(DEV_SECRET),"
	@echo "$(DEV_PHONE_KEY) and $(DEV_AUDIT_KEY), TWILIO_SKIP_VALIDATION=1 (unsigned /sms"
	@echo "requests are accepted), REQUIRE_MFA is off (admins still set up a second factor)"
	@echo "and the debugger is off. The text worker (huey, queue in instance/jobs.db) runs"
	@echo "beside the server. Ctrl-C to stop both."
	@export $(DEV_ENV) TWILIO_SKIP_VALIDATION=1; \
	$(BIN)/huey_consumer worker.huey --workers 2 --worker-type thread & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --bind 127.0.0.1:5000 --workers 2 app:app

## test: formatting, lint, type checks and the whole test suite
test: $(DEV_STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

## typecheck: mypy over bot/ and app.py
typecheck: $(DEV_STAMP)
	$(BIN)/mypy

## format: rewrite the code in the house style and fix what ruff can
format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## migrate: bring the local database to the code's revision
migrate: $(STAMP)
	$(FLASK) db upgrade

## chat: the SMS conversation in the terminal
chat: $(STAMP)
	$(FLASK) chat

## clean: remove the virtualenv and caches
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

## translations: refresh the Spanish page catalogue after changing template wording
translations: $(DEV_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l es
	$(BIN)/pybabel compile -d translations -l es

## audit: known vulnerabilities in the pinned dependencies (needs the package index)
audit: $(DEV_STAMP)
	$(BIN)/pip-audit -r requirements.txt --no-deps --disable-pip

## bench: the SMS webhook against the floor, and the web chat latency (needs wrk)
bench: $(DEV_STAMP)
	$(BIN)/python bench/sms_throughput.py
	$(BIN)/python bench/chat_latency.py
