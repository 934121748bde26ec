"""What the running bot loads: ``ocop-bot run`` leaves out the libraries that only other
commands or rarely used features need, each of which would stay resident in every worker
(bench/memory.py measures the bot's memory; the import of each is deferred to its use)."""

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
assert build_zalo_channel(config, sessions, i18n, telegram_signal=dispatcher["outbox_signal"]) is None
assert build_messenger_channel(config, sessions, dispatcher) is None
print(json.dumps(sorted(sys.modules)))
"""


def test_the_running_bot_loads_no_library_it_does_not_use(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text("", encoding="utf-8")
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", BUILD_THE_BOT, f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}",
             str(config)],
            check=True, capture_output=True, text=True, cwd=Path(__file__).parents[2],
        ).stdout
    )  # fmt: skip
    assert "aiogram" in loaded  # what was built is the bot
    assert "handlers" in loaded
    assert [d for d in DEFERRED if any(n == d or n.startswith(f"{d}.") for n in loaded)] == []
