"""Telegram, observed: each update counted and timed and named in the log lines it causes,
each Bot API call counted by method and answer (bot/metrics.py holds the figures)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.types import Update

from bot import metrics
from catalog import logcontext

if TYPE_CHECKING:
    from aiogram import Bot

# The most specific first: TelegramEntityTooLarge is a network error, for instance.
_CODES: tuple[tuple[type[BaseException], str], ...] = (
    (TelegramRetryAfter, "429"),
    (TelegramEntityTooLarge, "413"),
    (TelegramNetworkError, "network"),
    (TimeoutError, "network"),
    (TelegramBadRequest, "400"),
    (TelegramUnauthorizedError, "401"),
    (TelegramForbiddenError, "403"),
    (TelegramNotFound, "404"),
    (TelegramConflictError, "409"),
    (TelegramServerError, "5xx"),
    (TelegramAPIError, "400"),  # TelegramMigrateToChat: a 400 with the group's new id
)


def answer_code(error: BaseException | None) -> str:
    """How Telegram answered a call, as ``metrics.API_CODES`` names it."""
    if error is None:
        return "200"
    for kind, code in _CODES:
        if isinstance(error, kind):
            return code
    return metrics.OTHER


class ApiMeter(BaseRequestMiddleware):
    """The innermost request middleware: every request that reaches Telegram, once per
    attempt (a 429 and its retry are two calls), after its wait for the sending budget."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        if not metrics.is_on():
            return await make_request(bot, method)
        started = time.perf_counter()
        error: BaseException | None = None
        try:
            return await make_request(bot, method)
        except BaseException as err:
            error = err
            raise
        finally:
            metrics.api_call(
                "telegram",
                method.__api_method__,
                answer_code(error),
                time.perf_counter() - started,
            )


def _people(update: Update, kind: str) -> tuple[int | None, int | None]:
    """Who sent the update and in which chat, where it says."""
    event = getattr(update, kind, None)
    sender = getattr(event, "from_user", None)
    chat = getattr(event, "chat", None)
    if chat is None:
        chat = getattr(getattr(event, "message", None), "chat", None)
    return getattr(sender, "id", None), getattr(chat, "id", None)


@contextmanager
def update_handled(update: Update) -> Iterator[None]:
    """Around one Telegram update: counted and timed; its log lines say which it is."""
    try:
        kind = update.event_type
    except LookupError:
        kind = "unknown"
    person, chat = _people(update, kind)
    with (
        logcontext.about(update_id=update.update_id, channel="telegram", person=person, chat=chat),
        metrics.update_handled("telegram", kind),
    ):
        yield
