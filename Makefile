# The README names two commands: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.stamp-install
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-system-packages install lint translations migration worker beat clean

# WeasyPrint (documents as PDF) loads these Debian libraries; installed when missing and we may
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# the browser journeys drive Debian's Chromium (a browser download is never needed); a CJK font makes the
# Chinese pages legible in their screenshots. Without them (and not root) those tests skip, except under CI.
TEST_SYSTEM_PACKAGES := chromium chromium-driver fonts-wqy-microhei
# where the browser journeys save their screenshots
ARTIFACTS ?= $(or $(DISPUTE_HUB_TEST_ARTIFACTS),test-artifacts/screenshots)

# $(call apt_ensure,PACKAGES,ON_FAILURE): apt-get install the missing Debian packages when root; ON_FAILURE
# runs when they cannot be installed
define apt_ensure
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  then :; else echo "please install: sudo apt-get install $$missing" >&2; $(2); fi; fi
endef

$(STAMP): pyproject.toml
	$(call apt_ensure,$(SYSTEM_PACKAGES),exit 1)
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

## test: the whole suite (PostgreSQL and Redis runs need DISPUTE_HUB_TEST_DATABASE_URL / _REDIS_URL);
## browser journeys' screenshots go to $(ARTIFACTS)
test: install test-system-packages
	DISPUTE_HUB_TEST_ARTIFACTS=$(ARTIFACTS) $(BIN)/python -m pytest $(PYTEST_ARGS)

test-system-packages:
	$(call apt_ensure,$(TEST_SYSTEM_PACKAGES),if [ -n "$$CI" ]; then exit 1; fi)

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
