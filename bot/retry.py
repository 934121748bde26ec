"""Honour Telegram's flood control on interactive replies: wait ``retry_after``, try again."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)


class RetryAfterMiddleware(BaseRequestMiddleware):
    """aiogram raises on a 429 but never retries; this retries a few times within a budget.

    With the sending budget (bot.sending) a 429 is rare; when one comes, a reply waits for it
    rather than failing the person's step (a checkout in a rush must not end in an apology).
    """

    def __init__(self, attempts: int = 5, max_wait: float = 30.0) -> None:
        self.attempts = attempts
        self.max_wait = max_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as err:
                if attempt == self.attempts or err.retry_after > self.max_wait:
                    raise
                log.warning(
                    "%s: flood control, retrying in %ss", type(method).__name__, err.retry_after
                )
                await asyncio.sleep(err.retry_after)
        raise AssertionError("unreachable")
