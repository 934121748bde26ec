"""Where the outcome of every notification, and every signature check, is known: the two
places where metrics and the admins' warnings hook in. Each logs one line today.

Outcomes, as metrics count them (``kind``): ``matched`` (paid, part-paid, over-paid, or
money for a cancelled order), ``duplicate`` (a provider's retry or repeat, or found again
by reconciliation), ``unmatched`` (waits for a person, or ignored: money out, payOS's test
call), ``error`` (stored, not applied yet: the sweeper tries again).
"""

from __future__ import annotations

import logging

from catalog.services.payments.notifications import Outcome

log = logging.getLogger("bot.payments")

MATCHED = frozenset({"paid", "part", "over", "late"})


def kind(result: str) -> str:
    """``matched``, ``duplicate``, ``unmatched`` or ``error``."""
    if result in MATCHED:
        return "matched"
    if result in ("duplicate", "done"):
        return "duplicate"
    if result == "error":
        return "error"
    return "unmatched"


def notification_settled(provider: str, outcome: Outcome, *, via: str = "webhook") -> None:
    """A notification came to ``outcome``: ``outcome.result`` is ``paid`` (the order is paid
    in full: the shop's "order paid" event), ``part``, ``over``, ``late``, ``unmatched``,
    ``ignored``, ``duplicate`` or ``error``; ``via`` is webhook, sweeper or reconcile."""
    if outcome.result == "unmatched":
        log.warning("%s notification (%s) waits for a person: %s", provider, via, outcome.note)
    elif outcome.result == "error":
        log.warning("%s notification (%s) not applied yet: %s", provider, via, outcome.note)
    else:
        log.info("%s notification (%s): %s %s", provider, via, outcome.result, outcome.order_id)


async def signature_checked(
    provider: str, producer_code: str | None, *, passed: bool, reason: str = ""
) -> None:
    """A notification's authentication passed or failed (401). A failing provider is the
    admins' warning to raise, and one that passes again clears it."""
    if not passed:
        log.warning("%s notification refused (%s): %s", provider, producer_code or "?", reason)
