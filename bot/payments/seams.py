"""Where the outcome of every notification, and every refusal, is known: the two places
metrics and admin warnings hook in. Each logs one line today."""

from __future__ import annotations

import logging

from catalog.services.payments.notifications import Outcome

log = logging.getLogger("bot.payments")


def notification_settled(provider: str, outcome: Outcome, *, via: str = "webhook") -> None:
    """A notification came to ``outcome`` (paid, part, over, late, unmatched, ignored)."""
    if outcome.result == "unmatched":
        log.warning("%s notification (%s) waits for a person: %s", provider, via, outcome.note)
    else:
        log.info("%s notification (%s): %s %s", provider, via, outcome.result, outcome.order_id)


def signature_refused(provider: str, producer_code: str | None, reason: str) -> None:
    """A notification failed authentication (401): a wrong key, or not the provider."""
    log.warning("%s notification refused (%s): %s", provider, producer_code or "?", reason)
