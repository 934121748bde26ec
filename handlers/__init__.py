"""Telegram events in, service calls out: one router per conversation area."""

from __future__ import annotations

from aiogram import Router

from handlers import fallback, language, start


def create_routers() -> list[Router]:
    """Fresh routers, in the order they must be tried."""
    return [
        start.create_router(),
        language.create_router(),
        # Last: it answers whatever the routers above did not take.
        fallback.create_router(),
    ]
