"""Button presses: each answered exactly once and at once; out-of-date screens not drawn.

Telegram shows a spinner on a pressed button until the bot answers the press, and forgets
the press after about 15 seconds. A person's updates are handled one at a time, in order,
so a press can wait behind that person's earlier taps. Three things keep presses prompt:

- Before the bot sends or edits anything for a press, the press is answered (empty), so a
  message queued behind the sending budget never holds the spinner.
- A press still unanswered ``answer_within`` seconds after it arrived is answered anyway,
  whatever its update is waiting for; after its handler, an unanswered press is answered.
  The answer a handler gives itself (an alert such as "Only 2 left") wins when it comes
  first; whatever comes second is not sent, so a press is never answered twice.
- When a person taps faster than the bot draws, a navigation press whose screen (the same
  message) has a newer navigation press waiting is not drawn: only the newest one is; nor
  is one that would draw the very screen the message shows (Telegram refuses an edit that
  changes nothing). Presses that change something (add to cart, confirm) are never skipped.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from aiogram import BaseMiddleware, Dispatcher
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
    RequestMiddlewareType,
)
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, GetUpdates, Response, TelegramMethod
from aiogram.types import CallbackQuery, InaccessibleMessage, TelegramObject, Update

from bot.middlewares import Handler
from bot.observe import ApiMeter, update_handled
from bot.sending import KeepResponseTypes, SendingBudget

if TYPE_CHECKING:
    from aiogram import Bot

    from bot.health import Readiness

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Press:
    query_id: str
    # (person, message) for a navigation press, which a newer one on that message replaces.
    screen: tuple[int, int] | None
    data: str = ""
    answered: bool = False
    timer: asyncio.TimerHandle | None = field(default=None, repr=False)


# The press whose update is being handled in this task, if any.
_CURRENT: ContextVar[Press | None] = ContextVar("current_press", default=None)


class PressKeeper:
    MAX_SCREENS = 50_000

    def __init__(
        self,
        *,
        answer_within: float = 0.7,
        is_navigation: Callable[[str], bool] = lambda _data: False,
        remember_screens: bool = True,
    ) -> None:
        self.answer_within = answer_within
        self.remember_screens = remember_screens
        self.is_navigation = is_navigation
        self._pending: dict[str, Press] = {}
        self._newest: dict[tuple[int, int], Press] = {}
        # The navigation press each message shows: the same press again changes nothing.
        # (What this process drew: with several workers, another may have drawn since.)
        self._drawn: OrderedDict[tuple[int, int], str] = OrderedDict()
        self._late: set[asyncio.Task[None]] = set()

    def arrived(self, bot: Bot, query: CallbackQuery) -> Press:
        message = query.message
        data = query.data or ""
        screen = None
        if message is not None and not isinstance(message, InaccessibleMessage):
            on = (query.from_user.id, message.message_id)
            if self.is_navigation(data):
                screen = on
            else:
                self._drawn.pop(on, None)  # something else may redraw this message
        press = Press(query.id, screen, data)
        self._pending[query.id] = press
        if screen is not None:
            self._newest[screen] = press
        press.timer = asyncio.get_running_loop().call_later(
            self.answer_within, self._overdue, bot, press
        )
        return press

    def superseded(self, press: Press) -> bool:
        """A newer navigation press on the same message is waiting, or this screen is shown."""
        if press.screen is None:
            return False
        if self._newest.get(press.screen) is not press:
            return True
        return self.remember_screens and self._drawn.get(press.screen) == press.data

    def drawn(self, press: Press) -> None:
        if press.screen is None:
            return
        self._drawn[press.screen] = press.data
        self._drawn.move_to_end(press.screen)
        while len(self._drawn) > self.MAX_SCREENS:
            self._drawn.popitem(last=False)

    def claim(self, query_id: str) -> bool:
        """True when an answer to this press may go out (the first one); marks it answered."""
        press = self._pending.get(query_id)
        if press is None:
            return True  # not one we are handling (another process's, or a test's)
        if press.answered:
            return False
        press.answered = True
        if press.timer is not None:
            press.timer.cancel()
        return True

    async def finish(self, bot: Bot, press: Press) -> None:
        try:
            if not press.answered:
                await self.answer(bot, press)
        finally:
            if press.timer is not None:
                press.timer.cancel()
            self._pending.pop(press.query_id, None)
            if press.screen is not None and self._newest.get(press.screen) is press:
                del self._newest[press.screen]

    async def answer(self, bot: Bot, press: Press) -> None:
        """The empty answer: the spinner stops, nothing is shown."""
        try:
            await bot.answer_callback_query(press.query_id)
        except TelegramAPIError as err:
            log.warning("could not answer a button press: %s", err)

    def _overdue(self, bot: Bot, press: Press) -> None:
        if press.answered:
            return
        log.info("a button press waited %.1f s: answered before its turn", self.answer_within)
        task = asyncio.create_task(self.answer(bot, press))
        self._late.add(task)
        task.add_done_callback(self._late.discard)


def _result(answered: bool) -> Response[Any]:
    """What answerCallbackQuery returns. aiogram types a request middleware's result as a
    Response, but its sessions pass the bare result along the chain."""
    return cast(Response[Any], answered)


class AnswerOnceMiddleware(BaseRequestMiddleware):
    """Answers a press before the first message sent for it; never answers one twice."""

    def __init__(self, keeper: PressKeeper) -> None:
        self.keeper = keeper

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        if isinstance(method, AnswerCallbackQuery):
            if not self.keeper.claim(method.callback_query_id):
                return _result(True)
            try:
                return await make_request(bot, method)
            except TelegramBadRequest as err:
                # Too late (Telegram keeps a press ~15 s), or answered by another worker that
                # got the same update again: the spinner has stopped; the handler goes on.
                log.warning("could not answer a button press: %s", err.message)
                return _result(False)
        press = _CURRENT.get()
        if press is not None and not press.answered and not isinstance(method, GetUpdates):
            await self.keeper.answer(bot, press)
        return await make_request(bot, method)


class SkipSupersededScreens(BaseMiddleware):
    """Outer callback-query middleware: runs after the person's earlier updates are done."""

    def __init__(self, keeper: PressKeeper) -> None:
        self.keeper = keeper

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        press = _CURRENT.get()
        if press is None:
            return await handler(event, data)
        if self.keeper.superseded(press):
            return None  # a newer screen is on its way; this press is answered on the way out
        result = await handler(event, data)
        self.keeper.drawn(press)
        return result


class ShopDispatcher(Dispatcher):
    """aiogram's Dispatcher, keeping track of each button press from its arrival; each
    update is counted, timed and named in its log lines (bot/observe.py)."""

    def __init__(self, *, presses: PressKeeper, budget: SendingBudget, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.presses = presses
        self.budget = budget
        # What /health/ready answers (set by bot.factory).
        self.readiness: Readiness | None = None
        self.callback_query.outer_middleware(SkipSupersededScreens(presses))
        self.startup.register(self.attach)

    async def attach(self, bot: Bot) -> None:
        """Put the bot's requests under this dispatcher's presses and sending budget.

        Order matters: a press is answered before anything waits for the budget, a request
        retried after a 429 takes a slot again, and each attempt is counted as it leaves.
        """
        session = bot.session.middleware
        if any(isinstance(m, AnswerOnceMiddleware) for m in session):
            return
        others = list(session)
        for middleware in others:
            session.unregister(middleware)
        chain: list[RequestMiddlewareType] = [
            KeepResponseTypes(),
            AnswerOnceMiddleware(self.presses),
            *others,
            self.budget.middleware,
            ApiMeter(),
        ]
        for middleware in chain:
            session.register(middleware)

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        with update_handled(update):
            return await self._feed_update(bot, update, **kwargs)

    async def _feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        query = update.callback_query
        if query is None:
            return await super().feed_update(bot, update, **kwargs)
        await self.attach(bot)
        press = self.presses.arrived(bot, query)
        token = _CURRENT.set(press)
        try:
            return await super().feed_update(bot, update, **kwargs)
        finally:
            _CURRENT.reset(token)
            await self.presses.finish(bot, press)
