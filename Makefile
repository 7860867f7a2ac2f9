# Two commands on a fresh machine: `make run` serves the app, `make test` checks it.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_SECRET := instance/dev_secret_key
FLASK := $(BIN)/flask --app app

.PHONY: run test lint format migrate chat clean translations audit bench

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

$(DEV_SECRET):
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $(DEV_SECRET)
	chmod 600 $(DEV_SECRET)

## run: install, migrate the local SQLite database and serve on http://127.0.0.1:5000
run: $(STAMP) $(DEV_SECRET)
	$(FLASK) db upgrade
	$(FLASK) demo-admin
	@echo
	@echo "Record Check is serving on http://127.0.0.1:5000 (this machine only)."
	@echo "Local development: the secret is in $(DEV_SECRET), TWILIO_SKIP_VALIDATION=1"
	@echo "(unsigned /sms requests are accepted) and the debugger is off. Ctrl-C to stop."
	SECRET_KEY="$$(cat $(DEV_SECRET))" TWILIO_SKIP_VALIDATION=1 \
		$(BIN)/gunicorn --bind 127.0.0.1:5000 --workers 2 --access-logfile - app:app

## test: formatting, lint and the whole test suite
test: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(STAMP)
	$(FLASK) db upgrade

## chat: the SMS conversation in the terminal
chat: $(STAMP)
	$(FLASK) chat

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

## translations: refresh the Spanish page catalogue after changing template wording
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l es
	$(BIN)/pybabel compile -d translations -l es

## audit: known vulnerabilities in the pinned dependencies (needs the package index)
audit: $(STAMP)
	$(BIN)/pip-audit -r requirements.txt --no-deps --disable-pip

## bench: the SMS webhook against the floor, and the web chat latency (needs wrk)
bench: $(STAMP)
	$(BIN)/python bench/sms_throughput.py
	$(BIN)/python bench/chat_latency.py
