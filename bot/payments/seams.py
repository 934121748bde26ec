"""Where the outcome of every notification, and every signature check, is known: counted in
the metrics (``ocop_payment_notifications_total`` by provider and outcome), logged, and a
provider whose notifications fail their signature check made the admins' warning
(``Cause.payment_signature``), resolved when one passes again.

Outcomes, as the metrics count them (``kind``): ``matched`` (paid, part-paid, over-paid, or
money for a cancelled order), ``duplicate`` (a provider's retry or repeat), ``unmatched``
(waits for a person, or ignored: money out, payOS's test call), ``bad_signature`` (refused,
401), ``error`` (stored, not applied yet: the sweeper applies it later, and it is counted
again then). Orders paid are counted where the money is (``ShopEvent.order_paid``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot import metrics
from catalog.services import warnings
from catalog.services.payments.notifications import Outcome
from catalog.services.warnings import Cause, Telling
from catalog.uow import UnitOfWork

log = logging.getLogger("bot.payments")

MATCHED = frozenset({"paid", "part", "over", "late"})
# Seconds this process trusts what it last told of a provider's signatures: a passing
# notification costs no query meanwhile, nor a failing one once the warning is raised.
TRUSTED_FOR = 60.0


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
    in full), ``part``, ``over``, ``late``, ``unmatched``, ``ignored``, ``duplicate`` or
    ``error``; ``via`` is webhook, sweeper or reconcile."""
    metrics.payment_notification(provider, kind(outcome.result))
    if outcome.result == "unmatched":
        log.warning("%s notification (%s) waits for a person: %s", provider, via, outcome.note)
    elif outcome.result == "error":
        log.warning("%s notification (%s) not applied yet: %s", provider, via, outcome.note)
    else:
        log.info("%s notification (%s): %s %s", provider, via, outcome.result, outcome.order_id)


class SignatureWatch:
    """Tells the admins when a provider's notifications fail their signature check (a key
    changed at the provider but not here, or forged notifications), and when they pass again.

    Whether the admins hear of it is decided in the database (``catalog.services.warnings``:
    once, again every ``repeat`` while it lasts, "resolved" once, whichever worker sees it);
    this process only keeps from asking more than every ``TRUSTED_FOR`` seconds a provider."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        *,
        repeat: timedelta = warnings.HOURLY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._uow = uow
        self.repeat = repeat
        self._clock = clock
        self._warned_at: dict[str, float] = {}  # provider -> when this process last warned
        self._passed_at: dict[str, float] = {}  # provider -> when it last cleared

    async def checked(
        self, provider: str, *, passed: bool, producer_id: int | None = None, reason: str = ""
    ) -> None:
        """One notification's authentication passed, or failed (401): ``producer_id``, the
        producer whose account it names, when known; ``reason``, for the log."""
        now = self._clock()
        if passed:
            self._warned_at.pop(provider, None)
            if now - self._passed_at.get(provider, -math.inf) < TRUSTED_FOR:
                return
            self._passed_at[provider] = now
            await self._tell(
                provider, warnings.clear(self._uow(), Cause.payment_signature, provider)
            )
            return
        metrics.payment_notification(provider, "bad_signature")
        log.warning("%s notification refused: %s", provider, reason)
        self._passed_at.pop(provider, None)
        if now - self._warned_at.get(provider, -math.inf) < TRUSTED_FOR:
            return
        self._warned_at[provider] = now
        detail: dict[str, Any] = {} if producer_id is None else {"producer_id": producer_id}
        await self._tell(
            provider,
            warnings.warn(
                self._uow(), Cause.payment_signature, provider, repeat=self.repeat, **detail
            ),
        )

    async def _tell(self, provider: str, telling: Awaitable[Telling | None]) -> None:
        try:
            await telling
        except SQLAlchemyError as err:  # the database away a moment
            # The provider's answer does not wait on it: the next check asks again.
            log.warning("payments: the signature warning could not be recorded: %s", err)
            self._warned_at.pop(provider, None)
            self._passed_at.pop(provider, None)
