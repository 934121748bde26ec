"""What producers and admins are told about money: a transfer received (in full, in part,
too much, after the order was cancelled), an expiry, a refund, a transfer that matches no
order, a producer's bank changed. Rendered outside any update (the outbox), in the locale
the caller set; only <b>, <i> and <code> marks, so Zalo's plain text can drop them. (The
customer's news is every channel's: storefront.notices.)"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aiogram.utils.i18n import gettext as _

from catalog.services.orders import OrderView
from catalog.services.payments.ledger import Event
from catalog.services.payments.notifications import Why
from storefront.format import esc, money, when_zoned


def _amount(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name, 0)
    return money(value if isinstance(value, int) else 0)


def payment_alert_text(order: OrderView, payload: Mapping[str, Any]) -> str:
    """To the producer's group and staff."""
    event = payload.get("event")
    values = {
        "number": order.number,
        "amount": _amount(payload, "amount"),
        "missing": _amount(payload, "missing"),
        "owed": _amount(payload, "owed_back"),
    }
    texts: dict[str, str] = {
        Event.paid: _("💰 <b>Paid</b>: order {number}, {amount} received."),
        Event.part: _("⚠️ Order {number}: {amount} received, {missing} still missing."),
        Event.over: _(
            "⚠️ Order {number}: {amount} received, {owed} more than its total. Return it to "
            "the customer, then record it: /refunded {number}"
        ),
        Event.late: _(
            "↩️ Order {number} was cancelled, but {amount} arrived for it. Return {owed} to "
            "the customer, then record it: /refunded {number}"
        ),
        Event.expired: _(
            "⌛ Order {number} was cancelled: it was not paid in time. Its stock is back on sale."
        ),
        Event.refunded: _("↩️ Order {number}: {amount} returned to the customer."),
    }
    text = texts.get(str(event), texts[Event.paid]).format(**values)
    if payload.get("by_hand") and payload.get("actor"):
        text += "\n" + _("Recorded by {name}.").format(name=esc(str(payload["actor"])))
    return text


def _why(note: str) -> str:
    why, _space, orders = note.partition(" ")
    texts = {
        Why.no_number: _("no order number in its content"),
        Why.several: _("it names several orders: {orders}"),
        Why.other_producer: _("it names another producer's order: {orders}"),
        Why.no_account: _("no producer has this account"),
        Why.unknown_link: _("a payOS payment link the shop did not make"),
    }
    return texts.get(why, esc(note)).format(orders=esc(orders))


def transfer_unmatched_text(payload: Mapping[str, Any]) -> str:
    """A transfer nobody's order could be found for: everything a person needs."""
    lines = [
        _("💰 A transfer of {amount} to account {account} matches no order: {why}.").format(
            amount=_amount(payload, "amount"),
            account=esc(str(payload.get("account", ""))),
            why=_why(str(payload.get("note", ""))),
        ),
        _("Content: <code>{content}</code>").format(content=esc(str(payload.get("content", "")))),
    ]
    if payload.get("payer"):
        lines.append(_("From: {name}").format(name=esc(str(payload["payer"]))))
    at = payload.get("at")
    moment = when_zoned(datetime.fromisoformat(at)) if isinstance(at, str) and at else ""
    lines.append(
        _("Reference: {reference} · {provider} · {when}").format(
            reference=esc(str(payload.get("reference") or "—")),
            provider=esc(str(payload.get("provider", ""))),
            when=moment or "—",
        )
    )
    lines.append(
        _(
            "If it pays an order, record it with /paid ORDER AMOUNT, e.g. /paid DH00012 {plain}."
        ).format(plain=payload.get("amount", 0))
    )
    return "\n".join(lines)


def bank_changed_text(payload: Mapping[str, Any], producer: str) -> str:
    """To admins: where a producer's customers pay to changed, and who changed it."""
    if not payload.get("account"):
        return _("🏦 {producer} takes no bank transfers any more (changed by {user}).").format(
            producer=producer, user=payload.get("by") or "?"
        )
    return _(
        "🏦 The bank account of {producer} is now {account} at bank {bin} ({holder}), "
        "changed by {user}."
    ).format(
        producer=producer,
        account=esc(str(payload.get("account", ""))),
        bin=esc(str(payload.get("bin", ""))),
        holder=esc(str(payload.get("holder", ""))),
        user=payload.get("by") or "?",
    )
