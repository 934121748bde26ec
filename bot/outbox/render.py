"""Rendering claimed outbox rows into Telegram messages: pure functions of the rows, what
they are about (catalog.services.recipients) and the groups' sending windows.

Rendered outside any update, so each text is written with its recipient's locale set
explicitly (lazy strings raise LookupError otherwise).
"""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.outbox.pacing import as_digest
from bot.outbox.warnings import warning_text
from catalog.models import OrderStatus
from catalog.outbox import AdminEvent, OutboxKind
from catalog.services.delivery import Claimed
from catalog.services.orders import OrderView
from catalog.services.recipients import ProducerCard, TelegramRecipients
from catalog.text import N_
from handlers import notifications, payment_notices
from storefront.format import esc
from storefront.notices import CUSTOMER_NEWS, customer_news

log = logging.getLogger(__name__)


@dataclass
class Outgoing:
    """One message to send, and the outbox rows it settles."""

    chat_id: int
    text: str
    rows: list[int]
    keyboard: InlineKeyboardMarkup | None = None
    alert_for: int | None = None  # the order whose alert this is
    edit_alert: tuple[int, int, str] | None = None  # (chat, message, text) to update too


@dataclass
class Destination:
    chat_id: int
    is_group: bool
    messages: list[Outgoing] = field(default_factory=list)
    # A group whose producer's admins were told its alerts wait: a message getting through
    # ends that.
    admins_told_it_waits: bool = False

    @property
    def rows(self) -> list[int]:
        return [row for message in self.messages for row in message.rows]


@dataclass
class Rendered:
    destinations: list[Destination]
    unrenderable: list[int]  # rows that raised while rendering: they fail, the rest go on


@contextlib.contextmanager
def locale(i18n: I18n, language: str) -> Iterator[None]:
    with i18n.context(), i18n.use_locale(language):
        yield


def render(
    rows: Sequence[Claimed],
    about: TelegramRecipients,
    i18n: I18n,
    *,
    group_remaining: Callable[[int], int],
    now: datetime,
) -> Rendered:
    """The messages for ``rows``, by chat; a group's new-order alerts go as one digest when
    there are more than its window (``group_remaining(chat)``) lets through."""
    destinations: dict[int, Destination] = {}

    def destination(chat_id: int, *, is_group: bool) -> Destination:
        if chat_id not in destinations:
            destinations[chat_id] = Destination(chat_id, is_group)
        return destinations[chat_id]

    group_alerts: dict[int, list[tuple[Claimed, OrderView]]] = defaultdict(list)
    unrenderable: list[int] = []
    for row in rows:
        try:
            routed = _route(row, about, i18n, now, group_alerts)
        except Exception:
            # One row that cannot be rendered must not hold up all the others.
            log.exception("outbox row %s cannot be rendered", row.id)
            unrenderable.append(row.id)
            continue
        if routed is not None:
            is_group, message = routed
            destination(message.chat_id, is_group=is_group).messages.append(message)
    for chat_id, items in group_alerts.items():
        language = about.producers[items[0][0].producer_id or -1].group_language
        with locale(i18n, language):
            destination(chat_id, is_group=True).messages.extend(
                alert_messages(chat_id, items, group_remaining(chat_id))
            )
    for producer in about.producers.values():
        if producer.group_chat_id in destinations:
            destinations[
                producer.group_chat_id
            ].admins_told_it_waits = producer.admins_told_it_waits
    return Rendered(list(destinations.values()), unrenderable)


def _route(  # noqa: PLR0911 - one return per kind of row
    row: Claimed,
    about: TelegramRecipients,
    i18n: I18n,
    now: datetime,
    group_alerts: dict[int, list[tuple[Claimed, OrderView]]],
) -> tuple[bool, Outgoing] | None:
    """One row's message and whether it goes to a group; None when it waits (or gathers
    with the group's other new orders)."""
    order = about.orders.get(row.payload.get("order_id", -1))
    if row.kind == OutboxKind.admin_notice:
        admin_id = row.user_id or 0
        language = about.languages.get(admin_id, i18n.default_locale)
        with locale(i18n, language):
            text = admin_text(row.payload, about.producers, language)
        return False, Outgoing(admin_id, text, [row.id])
    producer = about.producers.get(row.producer_id or -1)
    if row.kind == OutboxKind.transfer_unmatched:
        if producer is None or producer.group_chat_id is None:
            return None
        with locale(i18n, producer.group_language):
            text = payment_notices.transfer_unmatched_text(row.payload)
        return True, Outgoing(producer.group_chat_id, text, [row.id])
    if order is None:
        return False, Outgoing(0, "", [row.id])  # the order is gone: nothing to say
    if row.user_id is not None and row.kind in CUSTOMER_NEWS:
        with locale(i18n, about.languages.get(row.user_id, order.locale)):
            text = customer_news(order, row.kind, row.payload)
        return False, Outgoing(row.user_id, text, [row.id])
    if row.kind == OutboxKind.order_alert and order.status != OrderStatus.new:
        # Moved on (on Zalo, or cancelled) before its alert went out: where it is now is
        # what matters, and the group's /orders shows it.
        return False, Outgoing(0, "", [row.id])
    if producer is None or producer.group_chat_id is None:
        return None  # unlinked since it was claimed: it waits for the next group
    alert = about.alerts.get(order.id)
    if alert is not None and alert[0] != producer.group_chat_id:
        # The card is in another chat (the group before it became a supergroup, whose message
        # ids mean other messages in the supergroup): it is left as it is.
        alert = None
    with locale(i18n, producer.group_language):
        if row.kind == OutboxKind.payment_alert:
            return True, money_moved(row, order, producer, alert)
        if row.kind == OutboxKind.order_alert:
            group_alerts[producer.group_chat_id].append((row, order))
            return None
        if row.kind == OutboxKind.order_cancelled:
            text = notifications.customer_cancelled_text(order)
            edit = (*alert, notifications.order_alert_text(order)) if alert else None
            return True, Outgoing(producer.group_chat_id, text, [row.id], edit_alert=edit)
        if row.kind == OutboxKind.status_changed:
            return True, changed_on_zalo(row, order, producer, alert, now)
    raise ValueError(f"no way to deliver a {row.kind!r} row")


def money_moved(
    row: Claimed, order: OrderView, producer: ProducerCard, alert: tuple[int, int] | None
) -> Outgoing:
    """Money came (or went back) for an order: the group is told, with the order's card
    anew as it stands now (💰 Paid, its buttons for the next step); the old card loses its
    buttons, so nobody acts on it. In the group's locale."""
    assert producer.group_chat_id is not None
    card = notifications.order_alert_text(order)
    text = payment_notices.payment_alert_text(order, row.payload) + "\n\n" + card
    return Outgoing(
        producer.group_chat_id,
        text,
        [row.id],
        keyboard=notifications.order_alert_kb(order),
        alert_for=order.id,
        edit_alert=(*alert, card) if alert else None,
    )


def changed_on_zalo(
    row: Claimed,
    order: OrderView,
    producer: ProducerCard,
    alert: tuple[int, int] | None,
    now: datetime,
) -> Outgoing:
    """Staff moved the order along on Zalo: the group gets the card anew (its buttons as they
    are now), and the old card loses its buttons, so nobody acts on it. In the group's
    locale."""
    assert producer.group_chat_id is not None
    old_text = notifications.order_alert_text(order)
    text = _("Changed on Zalo:") + "\n" + old_text + "\n" + notifications.status_footer(
        order.status, str(row.payload.get("actor") or "?"), now,
        str(row.payload.get("reason", "")),
    )  # fmt: skip
    return Outgoing(
        producer.group_chat_id,
        text,
        [row.id],
        keyboard=notifications.order_alert_kb(order),
        alert_for=order.id,
        edit_alert=(*alert, old_text) if alert else None,
    )


def alert_messages(
    chat_id: int, items: list[tuple[Claimed, OrderView]], remaining: int
) -> list[Outgoing]:
    """A group's new orders: one alert each, or one digest when they are more than
    ``remaining`` lets through. In the group's locale.

    A digest comes in parts, each with its own orders' buttons and settling their rows, so
    that a digest the group's budget cuts short goes on later where it stopped."""
    if as_digest(len(items), remaining):
        rows: dict[int, list[int]] = defaultdict(list)
        for row, order in items:
            rows[order.id].append(row.id)
        views = {order.id: order for _, order in items}  # an order once, whatever its rows
        parts = notifications.digest_parts(list(views.values()))
        return [
            Outgoing(
                chat_id,
                text,
                [row_id for order in shown for row_id in rows.pop(order.id, [])],
                keyboard=notifications.digest_kb(shown),
            )
            for text, shown in parts
        ]
    return [
        Outgoing(
            chat_id,
            notifications.order_alert_text(order),
            [row.id],
            keyboard=notifications.order_alert_kb(order),
            alert_for=order.id,
        )
        for row, order in items
    ]


# What admins are told, by event (a warning's texts are bot.outbox.warnings); every text
# takes the fields ``admin_text`` fills in.
ADMIN_TEXTS = {
    AdminEvent.group_linked: N_(
        "🔗 The group of {producer} is linked: their order alerts go there now."
    ),
    AdminEvent.zalo_linked: N_(
        "🔗 {name} linked their Zalo account: the orders of {producer} go there too."
    ),
    AdminEvent.orders_waiting: N_(
        "⚠️ {producer} has new orders but no linked group: the alerts wait. "
        "Link one with /linkgroup."
    ),
    AdminEvent.delivery_failed: N_("⚠️ A message could not be delivered to {target}: {error}"),
}


def admin_text(payload: dict[str, Any], producers: dict[int, ProducerCard], language: str) -> str:
    """A notice to an admin, in ``language`` (the locale the caller set)."""
    producer = producers.get(payload.get("producer_id", -1))
    name = esc(producer.name(language) if producer else "?")
    event = payload.get("event")
    if event == AdminEvent.warning:
        return warning_text(payload, name)
    if event == AdminEvent.transfer_unmatched:
        return payment_notices.transfer_unmatched_text(payload)
    if event == AdminEvent.bank_changed:
        return payment_notices.bank_changed_text(payload, name)
    template = ADMIN_TEXTS.get(str(event), ADMIN_TEXTS[AdminEvent.delivery_failed])
    return _(template).format(
        producer=name,
        name=esc(str(payload.get("name", ""))),
        target=esc(str(payload.get("target", "?"))),
        error=esc(str(payload.get("error", ""))),
    )
