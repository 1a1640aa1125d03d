# The README names two commands: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.stamp-install
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install lint translations migration worker beat clean

# WeasyPrint (documents as PDF) loads these Debian libraries; installed when missing and we may
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

$(STAMP): pyproject.toml
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "please install: sudo apt-get install $$missing" >&2; exit 1; fi; fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## run: the platform on the embedded default (SQLite, inline tasks, embedded search), with demo data
run: install
	DISPUTE_HUB_ENV=$${DISPUTE_HUB_ENV:-development} $(BIN)/flask --app dispute_hub init-db
	DISPUTE_HUB_ENV=$${DISPUTE_HUB_ENV:-development} $(BIN)/flask --app dispute_hub seed-demo
	@echo "serving at http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	DISPUTE_HUB_ENV=$${DISPUTE_HUB_ENV:-development} $(BIN)/flask --app dispute_hub run --host $(HOST) --port $(PORT)

## test: the whole suite (PostgreSQL and Redis runs need DISPUTE_HUB_TEST_DATABASE_URL / _REDIS_URL)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check dispute_hub search tests bench

## translations: re-extract interface strings into the catalogues (then fill in the zh msgstr)
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header -o dispute_hub/translations/messages.pot .
	$(BIN)/pybabel update -i dispute_hub/translations/messages.pot -d dispute_hub/translations --no-fuzzy-matching

## migration: autogenerate a migration from model changes (MESSAGE="...")
migration: install
	DISPUTE_HUB_ENV=development $(BIN)/flask --app dispute_hub db migrate -m "$(MESSAGE)"

worker: install
	$(BIN)/celery -A dispute_hub.worker worker --loglevel=info -Q dispute_hub

beat: install
	$(BIN)/celery -A dispute_hub.worker beat --loglevel=info

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
