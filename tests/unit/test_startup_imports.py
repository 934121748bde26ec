"""What the running bot loads: ``ocop-bot run`` leaves out the libraries that only other
commands or rarely used features need, and writes money and days without Babel's locale
data: each would stay resident in every worker (bench/memory.py measures the bot's memory)."""

import json
import subprocess
import sys
from pathlib import Path

# Loaded by what uses them: migrating (Alembic, which brings Mako and Pygments), spreadsheets
# (openpyxl), pictures, labels and QR codes (Pillow, segno), several workers (Redis), the
# Messenger channel (when its Page is configured), the demo catalog (`catalog seed-demo`),
# PostgreSQL's dialect (with a PostgreSQL database; this one is SQLite).
DEFERRED = (
    "alembic", "mako", "pygments", "openpyxl", "PIL", "segno", "fpdf", "redis",
    "bot.messenger", "catalog.demo", "sqlalchemy.dialects.postgresql", "asyncpg",
)  # fmt: skip

BUILD_THE_BOT = """
import json, sys
from pathlib import Path
from babel import localedata

# Babel's locale data (CLDR) for a language, loaded when Babel formats something in it.
loaded_locales = []
load = localedata.load
localedata.load = lambda name, *args, **kwargs: (
    loaded_locales.append(name), load(name, *args, **kwargs))[1]
import bot.cli  # everything the ocop-bot command imports
from bot.config import load_config
from bot.factory import build_bot, build_dispatcher
from bot.i18n import build_i18n
from bot.messengers import build_messenger_channel
from bot.zalo.runner import build_zalo_channel
from catalog.db import create_engine, create_session_factory

environ = {"BOT_TOKEN": "123456:test-token", "DATABASE_URL": sys.argv[1]}
config = load_config(Path(sys.argv[2]), environ)
i18n = build_i18n(config.shop.default_language)
sessions = create_session_factory(create_engine(config.database.url))
build_bot(config)
dispatcher = build_dispatcher(config, session_factory=sessions, i18n=i18n)
signal = dispatcher["outbox_signal"]
assert build_zalo_channel(config, sessions, i18n, telegram_signal=signal) is None
assert build_messenger_channel(config, sessions, dispatcher) is None

# What every screen does: money and days in both languages (Babel would load its data).
from datetime import date, datetime, timezone
from catalog.money import format_vnd
from locales.translation import use_language
from storefront.format import day, when
for language in ("vi", "en"):
    with use_language(language):
        format_vnd(250_000, language), day(date(2025, 3, 5)), when(datetime.now(timezone.utc))
print(json.dumps({"modules": sorted(sys.modules), "locales": loaded_locales}))
"""


def test_the_running_bot_loads_no_library_it_does_not_use(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text("", encoding="utf-8")
    found = json.loads(
        subprocess.run(
            [sys.executable, "-c", BUILD_THE_BOT, f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}",
             str(config)],
            check=True, capture_output=True, text=True, cwd=Path(__file__).parents[2],
        ).stdout
    )  # fmt: skip
    loaded = found["modules"]
    assert "aiogram" in loaded  # what was built is the bot
    assert "handlers" in loaded
    assert [d for d in DEFERRED if any(n == d or n.startswith(f"{d}.") for n in loaded)] == []
    assert found["locales"] == []
