"""The emulators started on loopback: Telegram with an aiogram Bot talking to it, Messenger
with a stand-in for the shop's webhook, and the payment providers with a stand-in for the
shop's receiver."""

from collections.abc import AsyncIterator, Callable

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from support.messenger import APP_SECRET, VERIFY_TOKEN, ImageServer, ShopWebhook
from support.payment_receiver import Receiver

from emulators.messenger import Limits, MessengerEmulator
from emulators.payments import PaymentsEmulator
from emulators.telegram import Emulator, FloodLimits

TOKEN = "4242:TEST-emulator-token"


def make_bot(base_url: str, token: str = TOKEN) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(base_url))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode="HTML"))


async def close_bot(bot: Bot) -> None:
    # AiohttpSession.close() sleeps 0.25 s for TLS shutdown; loopback HTTP has none to wait for.
    assert isinstance(bot.session, AiohttpSession)
    if bot.session._session is not None:
        await bot.session._session.close()


@pytest.fixture
def bot_factory() -> Callable[[str, str], Bot]:
    return make_bot


@pytest.fixture
def bot_closer() -> Callable[[Bot], object]:
    return close_bot


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(flood=FloodLimits.off())
    emulator.add_bot(TOKEN)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    assert emu.base_url is not None
    tg = make_bot(emu.base_url)
    yield tg
    await close_bot(tg)


@pytest.fixture
async def payments() -> AsyncIterator[PaymentsEmulator]:
    """SePay, Casso and payOS on loopback, accepting loopback webhook URLs."""
    emulator = PaymentsEmulator(allow_private_webhooks=True, response_timeout=10.0)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def meta() -> AsyncIterator[MessengerEmulator]:
    """The Messenger emulator with one Page, its Send API rate limit off."""
    emulator = MessengerEmulator(app_secret=APP_SECRET, limits=Limits(send_per_second=None))
    emulator.add_page("OCOP Shop", page_id="101010101010101", username="ocopshop")
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """The shop's side: records the notifications and answers as told."""
    shop = Receiver()
    await shop.start()
    yield shop
    await shop.stop()


@pytest.fixture
async def shop() -> AsyncIterator[ShopWebhook]:
    webhook = ShopWebhook()
    await webhook.start()
    yield webhook
    await webhook.stop()


@pytest.fixture
async def hooked(meta: MessengerEmulator, shop: ShopWebhook) -> MessengerEmulator:
    """The emulator with the shop's webhook verified and the Page subscribed to it."""
    meta.webhook.retry_delays = (0.05,)
    await meta.webhook.subscribe(shop.url, VERIFY_TOKEN)
    meta.subscribe_page()
    return meta


@pytest.fixture
async def images() -> AsyncIterator[ImageServer]:
    server = ImageServer()
    await server.start()
    yield server
    await server.stop()
