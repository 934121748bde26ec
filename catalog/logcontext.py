"""What a log line is about: the update, channel, person, chat and order in hand.

Set where each is known — the update's middleware, a sender for the message it delivers, the
order services for the order they place or move — and read by the log formatter
(bot/logs.py). A context variable, so each update's task and each delivery has its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class LogContext:
    update_id: int | str | None = None
    channel: str | None = None
    person: int | str | None = None
    chat: int | str | None = None
    order: str | None = None

    def fields(self) -> dict[str, Any]:
        """The fields that are known."""
        return {
            name: value
            for name in ("update_id", "channel", "person", "chat", "order")
            if (value := getattr(self, name)) is not None
        }


EMPTY = LogContext()
_CONTEXT: ContextVar[LogContext] = ContextVar("ocop_log_context", default=EMPTY)


def current() -> LogContext:
    return _CONTEXT.get()


@contextmanager
def about(**fields: Any) -> Iterator[None]:
    """A fresh context for the work in the block (an update, a delivery)."""
    token = _CONTEXT.set(LogContext(**fields))
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def note(**fields: Any) -> None:
    """Add what has become known (an order's number) to the current context."""
    _CONTEXT.set(replace(_CONTEXT.get(), **fields))
