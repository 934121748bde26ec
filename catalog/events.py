"""What happened in the shop, told to whoever listens once it is committed: the running bot
counts it (bot/metrics.py). The shop knows no listener; without one, telling costs nothing.

Listeners are per process and must be quick: they run right after a commit, on the task of
whoever committed (``UnitOfWork.happened`` notes an event for its transaction).
"""

from __future__ import annotations

import enum
from collections.abc import Callable


class ShopEvent(enum.StrEnum):
    order_placed = "order_placed"
    order_cancelled = "order_cancelled"
    # An order paid in full: by transfers (the providers' notifications, or recorded by
    # hand), or cash collected at delivery.
    order_paid = "order_paid"
    # The in-memory catalog read again: everything, or a few products' rows.
    catalog_loaded = "catalog_loaded"
    catalog_refreshed = "catalog_refreshed"


Listener = Callable[[ShopEvent, int], None]

_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def unlisten(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def tell(event: ShopEvent, count: int = 1) -> None:
    """``count`` times ``event`` happened (and was committed, when it is a transaction's)."""
    for listener in _listeners:
        listener(event, count)
