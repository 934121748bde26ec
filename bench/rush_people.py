"""People in a rush: each arrives, reads what the bot shows, pauses like a person, and buys.

A customer finds buttons by what they do (their callback data), not by their labels, so the
same session works in Vietnamese and in English. The time of a tap is read from the
emulator's own log: from the posted update to the response the person waits for (the new
screen, or the answer to a press); the press's answer is timed on its own.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from bench.common import Chooser, callback_data, menu_text, nav, product, traffic, unpack
from catalog.links import LinkSource, product_link
from emulators.telegram import ChatMessage, Emulator, Event
from storefront.actions import (
    CartAction,
    ChangeCart,
    ChangeCartPage,
    Checkout,
    CheckoutAction,
    ProductAction,
    View,
)

Kind = Literal["browse", "write", "checkout", "confirm"]
WAIT = 30.0  # seconds a person waits for a screen before giving up on the step
NAMES = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hương", "Khánh", "Lan", "Minh", "Ngọc")


@dataclass
class Tap:
    label: str
    kind: Kind
    at: float  # seconds after the run started that it was posted (for the replay)
    text: str | None = None
    data: str | None = None
    latency: float | None = None  # posted → the response the person waited for
    answered: float | None = None  # posted → the press answered (presses only)


def cart(action: CartAction) -> Chooser:
    """A cart button: on the product card, or on a page of the cart."""

    def choose(data: str) -> bool:
        pressed = unpack(ChangeCart, data) or unpack(ChangeCartPage, data)
        return pressed is not None and pressed.action == action

    return choose


def checkout(action: CheckoutAction) -> Chooser:
    return lambda data: (cb := unpack(Checkout, data)) is not None and cb.action == action


def _shows(choose: Chooser) -> Callable[[Event], bool]:
    def test(event: Event) -> bool:
        return (
            event.kind in ("bot_message", "edited")
            and event.message is not None
            and any(choose(data) for data in callback_data(event.message))
        )

    return test


def _is_message(event: Event) -> bool:
    return event.kind == "bot_message"


def _is_screen(event: Event) -> bool:
    return event.kind in ("bot_message", "edited")


def _is_answer(event: Event) -> bool:
    return event.kind == "callback_answer"


@dataclass(frozen=True)
class Step:
    label: str
    kind: Kind
    done: Callable[[Event], bool]
    choose: Chooser | None = None
    text: Callable[[], str | None] | None = None
    pick: bool = False  # a random one of the matching buttons, else the first


# What the bot did in a person's chat during a journey, as Telegram sees it.


@dataclass
class Rusher:
    emulator: Emulator
    seed: int
    arrival: float  # loop time at which the person opens the bot
    number: int
    # With a SKU, a returning customer: after the first order, a second one from a link to it.
    comes_back_for: str | None = None
    taps: list[Tap] = field(default_factory=list)
    gave_up: str | None = None
    ordered: bool = False
    # Per journey ("new", "returning"): new messages, edits, deletes and press answers.
    journeys: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.person = self.emulator.person(
            f"{self.rng.choice(NAMES)} {self.number}",
            language_code="en" if self.rng.random() < 0.2 else "vi",
        )
        self.chat = self.person.chat
        self._start = self.arrival

    # -- acting ---------------------------------------------------------------------------

    async def _pause(self) -> None:
        await asyncio.sleep(self.rng.uniform(0.3, 2.0))

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    async def _wait(self, after: int, test: Callable[[Event], bool]) -> Event | None:
        events = self.chat.events

        def probe() -> Event | None:
            for event in events[after:]:
                if test(event):
                    return event
            return None

        return await self.emulator.wait_until(probe, WAIT, chat_id=self.chat.id)

    async def _act(
        self,
        label: str,
        kind: Kind,
        done: Callable[[Event], bool],
        *,
        text: str | None = None,
        choose: Chooser | None = None,
        pick_random: bool = False,
    ) -> bool:
        """One tap; False when the button is not there or the bot did not respond."""
        start = len(self.chat.events)
        tap = Tap(label, kind, self._now() - self._base, text=text)
        if text is not None:
            self.emulator.post_message(self.chat, self.person.user, text=text)
        else:
            found = self._find(choose) if choose is not None else None
            if found is None:
                self.gave_up = self.gave_up or f"no button for {label}"
                return False
            message, options = found
            tap.data = self.rng.choice(options) if pick_random else options[0]
            self.emulator.post_callback_query(self.chat, self.person.user, message, tap.data)
        posted = self.chat.events[start]
        event = await self._wait(start + 1, done)
        if event is not None:
            tap.latency = event.time - posted.time
        if text is None:
            answer = await self._wait(start + 1, _is_answer)
            if answer is not None:
                tap.answered = answer.time - posted.time
        self.taps.append(tap)
        if event is None:
            self.gave_up = self.gave_up or f"no response to {label}"
        return event is not None

    def _find(self, choose: Chooser) -> tuple[ChatMessage, list[str]] | None:
        for message in reversed(self.chat.live_messages()):
            if message.from_bot and message.inline_keyboard:
                options = [data for data in callback_data(message) if choose(data)]
                if options:
                    return message, options
        return None

    def _latest_bot_message(self) -> ChatMessage | None:
        for message in reversed(self.chat.live_messages()):
            if message.from_bot:
                return message
        return None

    def _menu(self, row: int, column: int) -> str | None:
        return menu_text(self.chat, row, column)

    # -- the session ----------------------------------------------------------------------

    async def shop(self, base: float) -> None:
        self._base = base
        await asyncio.sleep(max(0.0, self.arrival - self._now()))
        phone = f"0912{self.rng.randrange(1_000_000):06d}"
        province, cash, confirm = (
            checkout(CheckoutAction.province),
            checkout(CheckoutAction.cash),
            checkout(CheckoutAction.confirm),
        )
        steps: list[Step] = [
            Step("/start", "write", _is_message, text=lambda: "/start"),
            Step("typed search", "write", _is_message, text=lambda: "bat trang"),
            Step("catalog (menu)", "browse", _is_message, text=lambda: self._menu(0, 0)),
            Step("by category", "browse", _is_screen, choose=nav(View.categories)),
            Step("a category", "browse", _is_screen, choose=nav(View.category), pick=True),
            Step("product card", "browse", _is_screen, product(ProductAction.show), pick=True),
            Step("add to cart", "write", _is_answer, choose=product(ProductAction.add)),
            Step("open cart (menu)", "browse", _is_message, text=lambda: self._menu(1, 0)),
            Step("checkout", "checkout", _shows(province), choose=cart(CartAction.checkout)),
            Step("province", "checkout", _is_screen, choose=province),
            Step("ward", "checkout", _is_message, text=lambda: "3 Quảng An, Phường Tây Hồ"),
            Step("phone", "checkout", _shows(cash), text=lambda: f"Khách {self.number} {phone}"),
            Step("payment", "checkout", _shows(confirm), choose=cash),
            Step("confirm", "confirm", _is_message, choose=confirm),
        ]
        if not await self._journey("new", steps):
            return
        self.ordered = True
        if self.comes_back_for is not None:
            await self._pause()
            await self._journey("returning", self._returning(self.comes_back_for))

    def _returning(self, sku: str) -> list[Step]:
        """From a product link to a placed order with the saved details: buttons only."""
        payload = product_link(sku, LinkSource.product).payload
        return [
            Step("product link", "browse", _shows(product(ProductAction.add)),
                 text=lambda: f"/start {payload}"),
            Step("add to cart", "write", _is_answer, choose=product(ProductAction.add)),
            Step("cart (card)", "browse", _shows(cart(CartAction.checkout)),
                 choose=cart(CartAction.show)),
            Step("checkout", "checkout", _shows(checkout(CheckoutAction.use_saved)),
                 choose=cart(CartAction.checkout)),
            Step("deliver there", "checkout", _shows(checkout(CheckoutAction.confirm)),
                 choose=checkout(CheckoutAction.use_saved)),
            Step("confirm", "confirm", _is_message, choose=checkout(CheckoutAction.confirm)),
        ]  # fmt: skip

    def _count(self, journey: str, since: int) -> None:
        self.journeys[journey] = traffic(self.chat.events[since:])

    async def _journey(self, name: str, steps: list[Step]) -> bool:
        """The steps in turn, pausing between them; their messages counted once all done."""
        since = len(self.chat.events)
        for number, step in enumerate(steps):
            if number:
                await self._pause()
            text = step.text() if step.text is not None else None
            if step.text is not None and text is None:
                self.gave_up = self.gave_up or f"no menu button for {step.label}"
                return False
            if not await self._act(
                step.label, step.kind, step.done, text=text, choose=step.choose,
                pick_random=step.pick,
            ):  # fmt: skip
                return False
            if step.label == "ward" and not await self._ward_offered():
                return False
        self._count(name, since)
        return True

    async def _ward_offered(self) -> bool:
        """Where the bot offers matching wards as buttons, the person takes the first."""
        offered = self._latest_bot_message()
        if offered is None or not offered.inline_keyboard:
            return True
        await self._pause()
        return await self._act("ward chosen", "checkout", _is_message, choose=lambda _data: True)


async def replay(emulator: Emulator, rusher: Rusher, base: float, number: int) -> list[Tap]:
    """The same updates at the same moments, to another bot; timed to its first response."""
    person = emulator.person(f"Replay {number}", language_code=rusher.person.user.language_code)
    chat = person.chat
    loop = asyncio.get_running_loop()
    taps: list[Tap] = []
    for original in rusher.taps:
        await asyncio.sleep(max(0.0, base + original.at - loop.time()))
        start = len(chat.events)
        if original.text is not None:
            emulator.post_message(chat, person.user, text=original.text)
        else:
            anchor = chat.live_messages()[-1]
            emulator.post_callback_query(chat, person.user, anchor, str(original.data))
        posted = chat.events[start]
        tap = Tap(original.label, original.kind, original.at, original.text, original.data)

        def probe(after: int = start + 1) -> Event | None:
            for event in chat.events[after:]:
                if event.kind in ("bot_message", "callback_answer"):
                    return event
            return None

        event = await emulator.wait_until(probe, WAIT, chat_id=chat.id)
        if event is not None:
            tap.latency = event.time - posted.time
            if original.data is not None:
                tap.answered = tap.latency
        taps.append(tap)
    return taps
