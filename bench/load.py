"""Simulated customers, and the probe that times their taps and counts the SQL behind each.

A customer acts like a person in the emulator: posts one update (a message or a button
press), waits until the bot has finished handling it, looks at what the bot showed, and
picks the next button from it. The latency of a tap is read from the emulator's own log:
from the event that posted the update to the last response the bot made to it (a message
sent, edited or deleted, a button press answered).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlalchemy import Engine, event

from bench.common import Chooser, callback_data, menu_text, nav, product, traffic, unpack
from emulators.telegram import Chat, ChatMessage, Emulator, Person
from storefront.actions import Browse, ChangeCart, ChangeCartPage, ProductAction, View

RESPONSE_KINDS = frozenset({"bot_message", "edited", "deleted", "callback_answer", "error"})
TAP_TIMEOUT = 15.0
Kind = Literal["setup", "browse", "search", "cart", "replay"]

_current_update: ContextVar[int | None] = ContextVar("bench_current_update", default=None)


class HandlerErrors(logging.Handler):
    """Counts the exceptions aiogram logs for updates, by their first line."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        lines = record.getMessage().splitlines()
        self.errors[lines[1] if len(lines) > 1 else lines[0]] += 1


@contextlib.contextmanager
def handler_errors(*, show: bool) -> Iterator[HandlerErrors]:
    """Count the exceptions raised by handlers; print their tracebacks only when ``show``."""
    logger = logging.getLogger("aiogram.event")
    counter = HandlerErrors()
    saved = logger.level, logger.propagate
    logger.addHandler(counter)
    if logger.getEffectiveLevel() > logging.ERROR:
        logger.setLevel(logging.ERROR)
    logger.propagate = show
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.level, logger.propagate = saved


class Probe:
    """Watches a dispatcher: when each update is done, and the SQL run while handling it."""

    def __init__(self) -> None:
        self.sql: dict[int, Counter[str]] = defaultdict(Counter)
        self.sql_outside_updates: Counter[str] = Counter()
        self.handling: dict[int, float] = {}
        self._waiting: dict[int, asyncio.Future[None]] = {}

    def count_sql(self) -> None:
        """Count the statements of every engine in this process: the bot's async engine and
        the thread that runs its short SQLite writes (catalog.db.short_write)."""
        event.listen(Engine, "before_cursor_execute", self._on_statement)

    def stop_counting(self) -> None:
        event.remove(Engine, "before_cursor_execute", self._on_statement)

    def _on_statement(self, *args: Any) -> None:
        statement = str(args[2])
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
        update_id = _current_update.get()
        if update_id is None:
            self.sql_outside_updates[verb] += 1
        else:
            self.sql[update_id][verb] += 1

    def watch(self, dispatcher: Dispatcher) -> None:
        """Wrap this dispatcher's ``feed_update`` (the instance's, not the class's)."""
        original = dispatcher.feed_update

        async def feed_update(bot: Bot, update: Update, **kwargs: Any) -> Any:
            token = _current_update.set(update.update_id)
            started = time.perf_counter()
            try:
                return await original(bot, update, **kwargs)
            finally:
                _current_update.reset(token)
                self.handling[update.update_id] = time.perf_counter() - started
                waiter = self._waiting.pop(update.update_id, None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)

        dispatcher.feed_update = feed_update  # type: ignore[method-assign]

    def expect(self, update_id: int) -> asyncio.Future[None]:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[update_id] = waiter
        return waiter


# What one update carries: ("text", what was typed) or ("data", a pressed button's data).
Sent = tuple[Literal["text", "data"], str]


@dataclass(frozen=True, slots=True)
class Action:
    """One update a customer sends: typed text, or a press of a button on ``message`` (on the
    newest message of the chat when there is none, as in a replay)."""

    label: str
    kind: Kind
    sent: Sent
    message: ChatMessage | None = None


@dataclass(frozen=True, slots=True)
class Tap:
    label: str
    kind: Kind
    is_callback: bool
    latency: float | None  # post → last response; None when the bot never responded
    first_response: float | None
    handling: float | None  # time inside the dispatcher's feed_update
    sql: int
    sql_by_verb: dict[str, int]
    api_errors: int
    # What the bot did in the chat for this tap: new messages, edits, deletes, press answers.
    traffic: dict[str, int] = field(default_factory=dict)


@dataclass
class CustomerLog:
    taps: list[Tap] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    fallbacks: Counter[str] = field(default_factory=Counter)  # steps whose button was missing
    timeouts: int = 0


class Customer:
    """A person in the emulator whose updates are timed."""

    def __init__(self, emulator: Emulator, person: Person, probe: Probe) -> None:
        self.emulator = emulator
        self.person = person
        self.probe = probe
        self.log = CustomerLog()

    @property
    def chat(self) -> Chat:
        return self.person.chat

    async def act(self, action: Action) -> Tap:
        chat = self.chat
        start = len(chat.events)
        what, value = action.sent
        if what == "text":
            self.emulator.post_message(chat, self.person.user, text=value)
        else:
            message = action.message or self._anchor()
            self.emulator.post_callback_query(chat, self.person.user, message, value)
        self.log.sent.append(action.sent)
        update_id = self.emulator.bot.next_update_id - 1
        done = self.probe.expect(update_id)
        try:
            await asyncio.wait_for(done, TAP_TIMEOUT)
        except TimeoutError:
            self.log.timeouts += 1
        posted = chat.events[start]
        responses = [e for e in chat.events[start + 1 :] if e.kind in RESPONSE_KINDS]
        sql = self.probe.sql.pop(update_id, Counter())
        tap = Tap(
            label=action.label,
            kind=action.kind,
            is_callback=what == "data",
            latency=responses[-1].time - posted.time if responses else None,
            first_response=responses[0].time - posted.time if responses else None,
            handling=self.probe.handling.pop(update_id, None),
            sql=sum(sql.values()),
            sql_by_verb=dict(sql),
            api_errors=sum(1 for e in responses if e.kind == "error"),
            traffic=traffic(responses),
        )
        self.log.taps.append(tap)
        return tap

    def _anchor(self) -> ChatMessage:
        """The message a replayed button press is attached to: the newest one in the chat."""
        messages = self.chat.live_messages()
        if not messages:
            raise RuntimeError("no message to press a button on")
        bot_messages = [m for m in messages if m.from_bot]
        return (bot_messages or messages)[-1]

    async def replay(self, sent: list[Sent]) -> CustomerLog:
        """Send exactly what another customer sent (the same mix of texts and presses)."""
        for update in sent:
            await self.act(Action("replay", "replay", update))
        return self.log


# -- the shop's browsing session ----------------------------------------------------------


def any_nav() -> Chooser:
    return lambda data: unpack(Browse, data) is not None


def cart_button() -> Chooser:
    return lambda data: (unpack(ChangeCartPage, data) or unpack(ChangeCart, data)) is not None


@dataclass(frozen=True, slots=True)
class Step:
    label: str
    kind: Kind
    text: str | None = None
    menu: tuple[int, int] | None = None  # (row, column) of a main-menu (reply keyboard) button
    choose: Chooser | None = None
    pick_random: bool = False


# catalog home → by category → a category → a product card → +/− → back → back → home →
# by producer → a producer → a product → add to cart → search → a result → add → cart → search
SESSION: tuple[Step, ...] = (
    Step("/start", "setup", text="/start"),
    Step("catalog home (menu button)", "browse", menu=(0, 0)),
    Step("by category", "browse", choose=nav(View.categories)),
    Step("a category", "browse", choose=nav(View.category), pick_random=True),
    Step("product card (from category)", "browse", choose=product(ProductAction.show),
         pick_random=True),
    Step("stepper +", "browse", choose=product(ProductAction.more)),
    Step("stepper −", "browse", choose=product(ProductAction.less)),
    Step("back to the category", "browse", choose=any_nav()),
    Step("back to categories", "browse", choose=nav(View.categories)),
    Step("back to catalog home", "browse", choose=nav(View.home)),
    Step("by producer", "browse", choose=nav(View.producers)),
    Step("a producer", "browse", choose=nav(View.producer), pick_random=True),
    Step("product card (from producer)", "browse", choose=product(ProductAction.show),
         pick_random=True),
    Step("add to cart", "cart", choose=product(ProductAction.add)),
    Step("search (menu button)", "search", menu=(0, 1)),
    Step("search query typed", "search", text="bat trang"),
    Step("product card (from results)", "browse", choose=product(ProductAction.show),
         pick_random=True),
    Step("add to cart", "cart", choose=product(ProductAction.add)),
    Step("open cart (menu button)", "cart", menu=(1, 0)),
    Step("free-text search", "search", text="tinh dau"),
)  # fmt: skip
FALLBACK = Step("catalog home (fallback)", "browse", menu=(0, 0))


class Shopper(Customer):
    """A customer who browses the shop by reading the screens the bot shows."""

    def __init__(
        self, emulator: Emulator, person: Person, probe: Probe, rng: random.Random
    ) -> None:
        super().__init__(emulator, person, probe)
        self.rng = rng

    def _latest_inline(self) -> ChatMessage | None:
        for message in reversed(self.chat.live_messages()):
            if message.from_bot and message.inline_keyboard:
                return message
        return None

    def plan(self, step: Step) -> Action | None:
        if step.text is not None:
            return Action(step.label, step.kind, ("text", step.text))
        if step.menu is not None:
            text = menu_text(self.chat, *step.menu)
            return Action(step.label, step.kind, ("text", text)) if text else None
        assert step.choose is not None
        message = self._latest_inline()
        if message is None:
            return None
        found = [data for data in callback_data(message) if step.choose(data)]
        if not found:
            return None
        data = self.rng.choice(found) if step.pick_random else found[0]
        return Action(step.label, step.kind, ("data", data), message)

    async def browse(self, taps: int) -> CustomerLog:
        """``taps`` updates: the session once, then again from the catalog home."""
        for number in range(taps):
            index = number if number < len(SESSION) else 1 + (number - 1) % (len(SESSION) - 1)
            action = self.plan(SESSION[index])
            if action is None:  # the button is not there (out of stock, say): start over
                self.log.fallbacks[SESSION[index].label] += 1
                action = self.plan(FALLBACK) or Action("/start", "setup", ("text", "/start"))
            await self.act(action)
        return self.log


async def run_customers(runs: Sequence[Awaitable[CustomerLog]]) -> tuple[list[CustomerLog], float]:
    """Run the customers at once; returns their logs and the wall time."""
    started = time.perf_counter()
    logs = await asyncio.gather(*runs)
    return list(logs), time.perf_counter() - started
