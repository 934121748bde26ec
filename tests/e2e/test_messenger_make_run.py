"""`make run` with the Page configured: the Messenger channel starts beside Telegram's polling
(``pytest -k messenger``)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from support.botprocess import BotProcess, Shop
from support.journeys import start
from support.messenger_shop import connect_page, free_port, messenger_env, running_meta

from emulators.messenger import MessengerEmulator
from emulators.telegram import Emulator

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = Path(__file__).parents[2]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def meta() -> AsyncIterator[MessengerEmulator]:
    async for emulator in running_meta():
        yield emulator


async def test_make_run_with_a_page_serves_messenger_beside_telegram(
    emulator: Emulator, shop: Shop, meta: MessengerEmulator
) -> None:
    port = free_port()
    process = BotProcess(
        emulator,
        shop,
        messenger_env(meta, port),
        command=["make", "--no-print-directory", "run"],
        cwd=ROOT,
    )
    await process.start()
    try:
        await connect_page(meta, port)
        lan = meta.person("Lan")
        await lan.get_started()
        assert ((await lan.next_message()).text or "").startswith("Xin chào! 👋")
        an = emulator.person("An", language_code="vi")
        assert (await start(an)).text.startswith("Xin chào, An!")
    finally:
        await process.stop()
    assert "Traceback" not in process.log_text(), process.log_text()
    assert "messenger: Page" in process.log_text()
