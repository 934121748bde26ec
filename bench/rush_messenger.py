"""The rush on Messenger (``bench.rush --channel messenger``): the same customers — arrivals,
pauses and steps drawn from the same seed — each a person on the shop's Facebook Page,
through the project's Messenger emulator (Meta's Send API rate limit of 300 calls a second
per Page on). The bot is ``ocop-bot run`` with the Page configured, as in production: its
webhook takes Meta's signed POSTs, its answers go through the Graph API.

People find buttons and quick replies by what they do (their payloads, the storefront's
actions), and the Page's ☰ menu for the catalog and the cart. A tap is timed on the
emulator's clock from the person's message or postback to the Page's message the person waits
for (the one that shows what to do next: a card with "View", the product's card, the cart's
"Checkout", the payment's choices…) — Messenger has no answer to a press, and a screen may be
several messages.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import Chooser, nav, product, unpack
from bench.rush_people import NAMES, WAIT, Kind, Tap, cart, checkout
from bench.rush_setup import BotProcess, Database
from emulators.messenger import MessengerEmulator, ThreadMessage, WebhookVerificationError
from emulators.telegram import Emulator
from storefront.actions import (
    CartAction,
    CheckoutAction,
    MenuItem,
    OpenMenu,
    PickWard,
    ProductAction,
    View,
)

PAGE_ID = "101010101010101"
VERIFY_TOKEN = "bench-rush-verify-token"

Done = Callable[[ThreadMessage], bool]


def payloads(message: ThreadMessage) -> list[str]:
    """The payloads a person can tap on a Page's message: its quick replies, its buttons and
    its cards' buttons, in reading order."""
    content = message.content
    found = [b.payload for b in content.buttons if b.type == "postback"]
    found += [b.payload for e in content.elements for b in e.buttons if b.type == "postback"]
    found += [q.payload for q in content.quick_replies if q.content_type == "text"]
    return [payload for payload in found if payload]


def _any(_message: ThreadMessage) -> bool:
    return True


def _shows(choose: Chooser) -> Done:
    return lambda message: any(choose(data) for data in payloads(message))


def _ward(data: str) -> bool:
    return unpack(PickWard, data) is not None


def _typed_answer(data: str) -> bool:
    return data.startswith("@")  # a ready answer's quick reply: its text


def menu(item: MenuItem) -> Chooser:
    return lambda data: (cb := unpack(OpenMenu, data)) is not None and cb.item == item


@dataclass(frozen=True)
class Step:
    label: str
    kind: Kind
    done: Done
    choose: Chooser | None = None
    text: str | None = None
    pick: bool = False
    start: bool = False
    menu: MenuItem | None = None  # an item of the Page's ☰ menu: a postback like a button


class MessengerShop(BotProcess):
    """``ocop-bot run`` with the Page configured: Telegram polls the idle Bot API emulator,
    Messenger's webhook listens on a port of its own."""

    def __init__(
        self, root: Path, emulator: Emulator, token: str, database: Database,
        meta: MessengerEmulator,
    ) -> None:  # fmt: skip
        super().__init__(root, emulator, token, database, command="messenger", paced=False)
        self.meta = meta
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])

    def argv(self, config: Path) -> list[str]:
        ocop_bot = str(Path(sys.executable).with_name("ocop-bot"))
        return [ocop_bot, "--config", str(config), "run"]

    def environment(self) -> dict[str, str]:
        return {
            "MESSENGER_PAGE_ID": PAGE_ID,
            "MESSENGER_PAGE_TOKEN": self.meta.page.token,
            "MESSENGER_APP_SECRET": self.meta.app_secret,
            "MESSENGER_VERIFY_TOKEN": VERIFY_TOKEN,
            "MESSENGER_API_BASE": self.meta.base_url,
            "MESSENGER_WEBHOOK_PORT": str(self.port),
        }

    async def start(self) -> None:
        await super().start()
        # The App Dashboard's step, once the webhook listens; then the shop's own set-up.
        url = f"http://127.0.0.1:{self.port}/messenger/webhook"
        for _ in range(200):
            try:
                await self.meta.webhook.subscribe(url, VERIFY_TOKEN)
                break
            except WebhookVerificationError:  # not listening yet
                await asyncio.sleep(0.05)
        page = self.meta.page
        ready = await self.meta.wait_until(
            lambda: True if "get_started" in page.profile and page.subscribed_fields else None, 30
        )
        if not ready:
            raise RuntimeError(f"the Page was not set up:\n{self.log_text()}")


@dataclass
class MessengerRusher:
    emulator: MessengerEmulator
    seed: int
    arrival: float  # loop time at which the person opens the Page's thread
    number: int
    taps: list[Tap] = field(default_factory=list)
    gave_up: str | None = None
    ordered: bool = False
    last_seen: list[str] = field(default_factory=list)  # the thread when they gave up
    # A journey finished: the Page's messages in the thread (Rusher.journeys' shape).
    journeys: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        # The same draws as the Telegram customer of this seed: a name, then the language
        # (Messenger's people choose theirs with 🌐; the rush keeps the Page's Vietnamese).
        name = f"{self.rng.choice(NAMES)} {self.number}"
        self.rng.random()
        self.person = self.emulator.person(name, phone=None)
        self.user = self.person.user

    async def _pause(self) -> None:
        await asyncio.sleep(self.rng.uniform(0.3, 2.0))

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _find(self, choose: Chooser) -> list[tuple[str, str, bool]]:
        """(title, payload, quick reply?) of the choices the person sees that ``choose``
        takes: the quick replies under the latest message, or else the buttons of the newest
        message showing any."""
        replies = [
            (reply.title or "", reply.payload, True)
            for reply in self.person.quick_reply_options()
            if reply.content_type == "text" and reply.payload and choose(reply.payload)
        ]
        if replies:
            return replies
        for message in reversed(self.person.messages):
            content = message.content
            buttons = [*content.buttons, *(b for e in content.elements for b in e.buttons)]
            found = [
                (button.title, button.payload, False)
                for button in buttons
                if button.type == "postback" and button.payload and choose(button.payload)
            ]
            if found:
                return found
        return []

    def _menu_item(self, item: MenuItem) -> tuple[str, str] | None:
        menus = {m["locale"]: m for m in self.person.page.profile.get("persistent_menu", [])}
        for entry in menus.get("default", {}).get("call_to_actions", []):
            if menu(item)(str(entry.get("payload", ""))):
                return str(entry["title"]), str(entry["payload"])
        return None

    async def _act(self, step: Step) -> bool:
        after = len(self.user.thread)
        emulator, user = self.emulator, self.user
        if step.start:
            posted = emulator.person_postback(
                user, "Get Started", str(self.person.page.profile["get_started"]["payload"])
            )
        elif step.menu is not None:
            item = self._menu_item(step.menu)
            if item is None:
                self.gave_up = self.gave_up or f"no menu item for {step.label}"
                return False
            posted = emulator.person_postback(user, *item)
        elif step.text is not None:
            posted = emulator.person_writes(user, step.text)
        else:
            assert step.choose is not None
            found = self._find(step.choose)
            if not found:
                self.gave_up = self.gave_up or f"no button for {step.label}"
                return False
            title, payload, quick = self.rng.choice(found) if step.pick else found[0]
            if quick:
                reply = next(r for r in self.person.quick_reply_options() if r.payload == payload)
                posted = emulator.person_taps_quick_reply(user, reply)
            else:
                posted = emulator.person_postback(user, title, payload)
        tap = Tap(step.label, step.kind, self._now() - self._base, text=step.text)
        tap.data = posted.payload

        def probe() -> ThreadMessage | None:
            for message in self.user.thread[after + 1 :]:
                if message.from_page and step.done(message):
                    return message
            return None

        answer = await emulator.wait_until(probe, WAIT, chat_id=user.psid)
        if answer is not None:
            tap.latency = (answer.timestamp - posted.timestamp) / 1000
        self.taps.append(tap)
        if answer is None:
            self.gave_up = self.gave_up or f"no response to {step.label}"
            self.last_seen = [m.describe() for m in self.user.thread[after:]][-4:]
        return answer is not None

    async def shop(self, base: float) -> None:
        self._base = base
        await asyncio.sleep(max(0.0, self.arrival - self._now()))
        phone = f"0912{self.rng.randrange(1_000_000):06d}"
        cash, confirm = checkout(CheckoutAction.cash), checkout(CheckoutAction.confirm)
        province = checkout(CheckoutAction.province)
        steps = [
            Step("get started", "write", _any, start=True),
            Step("typed search", "write", _shows(product(ProductAction.show)), text="bat trang"),
            Step("catalog (menu)", "browse", _shows(nav(View.categories)), menu=MenuItem.catalog),
            Step("by category", "browse", _shows(nav(View.category)), nav(View.categories)),
            Step("a category", "browse", _shows(product(ProductAction.show)), nav(View.category),
                 pick=True),
            Step("product card", "browse", _shows(product(ProductAction.share)),
                 product(ProductAction.show), pick=True),
            Step("add to cart", "write", _any, product(ProductAction.add)),
            Step("open cart (menu)", "browse", _shows(cart(CartAction.checkout)),
                 menu=MenuItem.cart),
            Step("checkout", "checkout", _shows(province), cart(CartAction.checkout)),
            Step("province", "checkout", _any, province),
            Step("ward", "checkout", _any, text="3 Quảng An, Phường Tây Hồ"),
            Step("phone", "checkout", _shows(cash), text=f"Khách {self.number} {phone}"),
            Step("payment", "checkout", _shows(confirm), cash),
            Step("confirm", "confirm", _any, confirm),
        ]  # fmt: skip
        since = len(self.user.thread)
        for number, step in enumerate(steps):
            if number:
                await self._pause()
            if not await self._act(step):
                return
            if step.label == "ward" and not await self._ward():
                return
        self.ordered = True
        # Messenger cannot edit or delete, and has no answer to a press: every screen is new.
        new = sum(1 for message in self.user.thread[since:] if message.from_page)
        self.journeys["new"] = {"new": new, "edits": 0, "deletes": 0, "answers": 0}

    async def _ward(self) -> bool:
        """Where the bot offers matching wards as buttons, the person takes the first."""
        if not self._find(_ward):
            return True
        await self._pause()
        return await self._act(Step("ward chosen", "checkout", _any, _ward))


async def run_messenger(
    args: Any, root: Path, database: Database, emulator: Emulator, token: str
) -> tuple[list[MessengerRusher], dict[str, Any]]:
    """The rush on Messenger: the shop process, the Page, the same customers as Telegram's."""
    meta = MessengerEmulator(app_secret=secrets.token_hex(16))
    meta.add_page("OCOP Shop", page_id=PAGE_ID, username="ocopshop")
    await meta.start("127.0.0.1")
    shop = MessengerShop(root, emulator, token, database, meta)
    try:
        await shop.start()
        loop = asyncio.get_running_loop()
        rng = random.Random(args.seed)
        arrivals = sorted(rng.uniform(0, args.arrivals) for _ in range(args.customers))
        started = loop.time()
        rushers = [
            MessengerRusher(meta, rng.randrange(1 << 30), started + at, number)
            for number, at in enumerate(arrivals)
        ]
        await asyncio.gather(*(rusher.shop(started) for rusher in rushers))
        process = {
            "peak_rss_mb": shop.peak_rss_mb(),
            "cpu_s": shop.cpu_seconds(),
            "wall_s": round(loop.time() - started, 1),
            "graph_errors": {
                f"{code}/{sub}" if sub else str(code): count
                for (code, sub), count in meta.stats.errors.items()
            },
            "messages_sent": meta.stats.messages_sent,
        }
    finally:
        await shop.stop()
        await meta.stop()
    process["log_tracebacks"] = shop.log_text().count("Traceback")
    process["log_warnings"] = shop.log_text().count(" WARNING ")
    return rushers, process
