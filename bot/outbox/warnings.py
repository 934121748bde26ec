"""What the admins read of a warning (catalog.services.warnings): raised, repeated while it
lasts, resolved. In the locale the caller set; one function per cause, given the notice's
payload (the warning's subject and detail)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from catalog.services.warnings import Cause, State
from storefront.format import esc, when

QUEUES = {
    "groups": __("producers' groups"),
    "customers": __("customers"),
    "admins": __("admins"),
    "zalo": __("staff on Zalo"),
    "messenger": __("customers on Messenger"),
}


def _outbox_stuck(state: State, detail: dict[str, Any], producer: str) -> str:
    subject = str(detail.get("subject", ""))
    queue = str(QUEUES.get(subject, subject))
    if state == State.resolved:
        return _("✅ Messages to {queue} are going out again.").format(queue=queue)
    return _(
        "⚠️ Messages to {queue} are stuck: {count} waiting, the oldest for {minutes} min. "
        "Nobody is told of their orders meanwhile; the bot's log says why."
    ).format(queue=queue, count=detail.get("count", "?"), minutes=detail.get("minutes", "?"))


def _group_unreachable(state: State, detail: dict[str, Any], producer: str) -> str:
    if detail.get("may_not_post"):  # the bot is in the group, without the right to post
        if state == State.resolved:
            return _("✅ The order alerts of {producer} reach their group again.").format(
                producer=producer
            )
        return _(
            "⚠️ The bot may not post in the group of {producer} ({error}). Their order alerts "
            "wait and go out once it may: let members send messages there, or make the bot an "
            "administrator; or link another group (/linkgroup)."
        ).format(producer=producer, error=esc(str(detail.get("error", ""))))
    if state == State.resolved:
        return _("✅ The group of {producer} is linked again.").format(producer=producer)
    if not detail.get("error"):
        return _(
            "⚠️ The bot was removed from the group of {producer}. Their order alerts "
            "wait until a group is linked again (/linkgroup)."
        ).format(producer=producer)
    return _(
        "⚠️ Telegram refuses to reach the group of {producer} ({error}). Their order alerts "
        "wait until a group is linked again (/linkgroup)."
    ).format(producer=producer, error=esc(str(detail["error"])))


def _zalo_unreachable(state: State, detail: dict[str, Any], producer: str) -> str:
    name = esc(str(detail.get("name") or "?"))
    if state == State.resolved:
        return _("✅ {name} is linked on Zalo again.").format(name=name)
    return _(
        "⚠️ Zalo refuses to reach {name} of {producer} ({error}): they are unlinked and get "
        "no more orders. A new code (/linkzalo) links them again."
    ).format(name=name, producer=producer, error=esc(str(detail.get("error", ""))))


def _zalo_quota(state: State, detail: dict[str, Any], producer: str) -> str:
    if state == State.resolved:
        return _(
            "✅ A new month: the Zalo bot's messages are counted afresh, and order alerts to "
            "Zalo go out one by one again."
        )
    return _(
        "⚠️ The Zalo bot has sent {used} of its {quota} messages this month. New order "
        "alerts to Zalo now go out as short digests, and the bot answers only the steps "
        "staff take on orders (no help or lists); at the limit alerts wait for next month. "
        "The Telegram groups are not affected."
    ).format(used=detail.get("used", "?"), quota=detail.get("quota", "?"))


def _redis_lost(state: State, detail: dict[str, Any], producer: str) -> str:
    worker = esc(str(detail.get("subject", "?")))
    if state == State.resolved:
        return _("✅ The worker {worker} reaches Redis again.").format(worker=worker)
    return _(
        "⚠️ The worker {worker} cannot reach Redis ({error}): it cannot share conversations, "
        "locks and the sending budget with the other workers. Check the Redis server."
    ).format(worker=worker, error=esc(str(detail.get("error", ""))))


def _payment_signature(state: State, detail: dict[str, Any], producer: str) -> str:
    provider = esc(str(detail.get("subject", "?")))
    if state == State.resolved:
        return _(
            "✅ Payment notifications from {provider} pass their signature check again."
        ).format(provider=provider)
    text = _(
        "⚠️ Payment notifications from {provider} fail their signature check, so transfers "
        "are not matched to orders. Check the provider's key in the bot's configuration."
    ).format(provider=provider)
    if detail.get("producer_id") is None:
        return text
    return (
        text
        + "\n"
        + _("The last one refused names the account of {producer}.").format(producer=producer)
    )


def _backup_failed(state: State, detail: dict[str, Any], producer: str) -> str:
    if state == State.resolved:
        return _("✅ Scheduled backups are taken again.")
    return _("⚠️ The scheduled backup failed: {error}").format(
        error=esc(str(detail.get("error", "")))
    )


def _messenger_restricted(state: State, detail: dict[str, Any], producer: str) -> str:
    if state == State.resolved:
        return _(
            "✅ The shop's Page sends Messenger messages again: customers get answers, and "
            "the order news that waited goes out."
        )
    return _(
        "⚠️ Facebook has restricted the shop's Page from sending messages: Messenger "
        "customers get no answers and no order news until it is lifted. Check the Page's "
        "quality in Meta Business Suite. ({error})"
    ).format(error=esc(str(detail.get("error", ""))))


TEXTS: dict[Cause, Callable[[State, dict[str, Any], str], str]] = {
    Cause.outbox_stuck: _outbox_stuck,
    Cause.group_unreachable: _group_unreachable,
    Cause.zalo_unreachable: _zalo_unreachable,
    Cause.zalo_quota: _zalo_quota,
    Cause.redis_lost: _redis_lost,
    Cause.payment_signature: _payment_signature,
    Cause.backup_failed: _backup_failed,
    Cause.messenger_restricted: _messenger_restricted,
}


def warning_text(payload: dict[str, Any], producer: str) -> str:
    """A warning's notice (``Telling.payload()``); ``producer``: the name of the producer it
    is about, if any, escaped."""
    state = State(payload["state"])
    text = TEXTS[Cause(payload["cause"])](state, payload, producer)
    if state == State.repeated:
        since = datetime.fromisoformat(str(payload["since"]))
        text += "\n" + _("Still so, since {since}.").format(since=when(since))
    return text
