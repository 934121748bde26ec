"""The README's own command: `BOT_TOKEN=… TELEGRAM_API_BASE=… make run` answers /start."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from support.botprocess import BotProcess, Shop
from support.journeys import start

from catalog import migrate
from emulators.telegram import Emulator

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = Path(__file__).parents[2]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def make_run(emulator: Emulator, shop: Shop) -> AsyncIterator[BotProcess]:
    process = BotProcess(emulator, shop, command=["make", "--no-print-directory", "run"], cwd=ROOT)
    await process.start()
    yield process
    await process.stop()
    assert "Traceback" not in process.log_text(), process.log_text()


async def test_make_run_with_a_token_answers_start_in_both_languages(
    emulator: Emulator, make_run: BotProcess
) -> None:
    an = emulator.person("An", language_code="vi")
    assert (await start(an)).text.startswith("Xin chào, An!")
    mary = emulator.person("Mary", language_code="en")
    assert (await start(mary)).text.startswith("Hello, Mary!")
    assert f"database at {migrate.head_revision()}" in make_run.log_text()
