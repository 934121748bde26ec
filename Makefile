# Two commands matter: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCALES := locales
PO := $(wildcard $(LOCALES)/*/LC_MESSAGES/messages.po)
# The offline playground's port: make run PORT=8081
PORT ?= 8080
MO := $(PO:.po=.mo)

.PHONY: run test install test-deps lint typecheck pytest i18n translations migrate seed clean

# With a bot token (BOT_TOKEN or bot.toml): the bot on Telegram. Without: the offline playground.
run: install translations
	$(BIN)/ocop-bot db upgrade
	$(BIN)/ocop-bot catalog seed-demo --if-empty
	$(BIN)/ocop-bot start --port $(PORT)

test: install translations test-deps lint typecheck pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

translations: $(MO)

$(LOCALES)/%/LC_MESSAGES/messages.mo: $(LOCALES)/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --domain messages --input-file $< --output-file $@ --locale $*

# Extract every msgid, merge it into both catalogs, compile. Translate what is new in between.
i18n: install
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords N_ --keywords __ \
		--add-comments TRANSLATORS: --add-location file --sort-by-file \
		--project ocop-shop-bot --copyright-holder "OCOP shop bot" \
		--output-file $(LOCALES)/messages.pot .
	$(BIN)/pybabel update --domain messages --input-file $(LOCALES)/messages.pot \
		--output-dir $(LOCALES) --ignore-obsolete --no-fuzzy-matching
	$(MAKE) translations

test-deps:
	bash tests/setup/install-postgres.sh
	bash tests/setup/install-redis.sh
	bash tests/setup/install-chromium.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install translations
	$(BIN)/pytest

migrate: install
	$(BIN)/ocop-bot db upgrade

seed: migrate
	$(BIN)/ocop-bot catalog seed-demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(MO)
