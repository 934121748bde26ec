"""What Zalo users read: plain text within Zalo's 2,000 characters, in their language.

The order alert is the Telegram one without its HTML, so both channels say the same thing.
Call these inside ``i18n.use_locale(...)``: they read the language from the context.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from aiogram.utils.i18n import gettext as _

from bot.zalo.client import MAX_TEXT
from catalog import rules
from catalog.errors import InvalidTransition
from catalog.models import OrderStatus
from catalog.services.orders import OrderView
from handlers import notifications
from storefront.format import money, status_label

_TAG = re.compile(r"<[^>]+>")
# Room for the "(2/3) " in front of each part of a long message.
_PART_LABEL = 10


def plain(text: str) -> str:
    """An HTML message as plain text (the shop's own tags go; escaped text comes back)."""
    return html.unescape(_TAG.sub("", text))


def split_message(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, cut between lines where it can,
    each numbered when there is more than one."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    room = limit - _PART_LABEL
    parts: list[str] = []
    current = ""
    for whole in text.split("\n"):
        line = whole
        while len(line) > room:  # a line longer than a part: cut it at a space if possible
            cut = line.rfind(" ", 0, room)
            cut = cut if cut > room // 2 else room
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > room:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    parts = [part.strip("\n") for part in parts if part.strip()]
    return [f"({number}/{len(parts)}) {part}" for number, part in enumerate(parts, 1)]


def _step_hint(step: OrderStatus, number: str) -> str:
    """How staff take an order to ``step``, in the words the Zalo commands read."""
    if step == OrderStatus.accepted:
        return _("To accept: nhan {number}").format(number=number)
    if step == OrderStatus.shipped:
        return _("When it leaves: giao {number}").format(number=number)
    return _("When it has arrived: xong {number}").format(number=number)


def step_refused_text(err: InvalidTransition, number: str) -> str:
    """A refused command: what holds (``notifications.step_refused``), and the command for
    the step that comes first."""
    text, first = notifications.step_refused(err, number)
    return f"{text}\n{_step_hint(first, number)}" if first is not None else text


def commands_hint(order: OrderView) -> str:
    """The commands that move this order along from where it is."""
    hints = []
    step = rules.next_step(order.status)
    if step is not None:
        hints.append(_step_hint(step, order.number))
    if rules.may_cancel(order.status):
        hints.append(_("to cancel: huy {number} REASON").format(number=order.number))
    return " · ".join(hints)


def alert_text(order: OrderView, footer: str = "") -> str:
    """The order in full, who last moved it (``footer``), and the commands for the next step."""
    text = plain(notifications.order_alert_text(order))
    if footer:
        text += "\n" + footer
    hint = commands_hint(order)
    return f"{text}\n\n{hint}" if hint else text


def digest_text(orders: Sequence[OrderView]) -> str:
    """Several new orders in one message, to spare the month's quota."""
    lines = [
        _(
            "🛎 {count} new orders (shortened: this month's Zalo messages are nearly used up):"
        ).format(count=len(orders))
    ]
    lines += [
        f"• {order.number} · {money(order.total)} · {order.details.recipient_name}"
        for order in orders
    ]
    lines.append(_("Send “don” for the open orders, “nhan DH…” to accept one."))
    return "\n".join(lines)


def status_changed_text(
    order: OrderView, status: OrderStatus, actor: str, reason: str, *, on_zalo: bool
) -> str:
    """Someone else moved the order along: what it is now, and who did it where."""
    where = _("on Zalo") if on_zalo else _("on Telegram")
    text = _("Order {number}: {status} by {name} {where}.").format(
        number=order.number, status=status_label(status), name=actor or "?", where=where
    )
    if reason:
        text += "\n" + plain(
            _("Reason: {reason}").format(reason=notifications.reason_label(reason))
        )
    hint = commands_hint(order)
    return f"{text}\n{hint}" if hint else text


def customer_cancelled_text(order: OrderView) -> str:
    return plain(notifications.customer_cancelled_text(order))


def open_orders_text(orders: Sequence[OrderView], total_pages: int) -> str:
    if not orders:
        return _("No open orders. 🎉")
    lines = [_("📋 Open orders:")]
    lines += [
        f"• {order.number} · {money(order.total)} · {status_label(order.status)}"
        for order in orders
    ]
    if total_pages > 1:
        lines.append(_("…and more: handle these first."))
    lines.append(_("Send the number with a command, e.g. “nhan DH00012”."))
    return "\n".join(lines)


def help_text(linked_to: str | None) -> str:
    if linked_to is None:
        return _(
            "Hello! This is the OCOP shop's Zalo bot for producers' staff. To get your "
            "producer's orders here, send the link code your shop admin or manager got "
            "with /linkzalo in Telegram (for example: K7MX2QPA)."
        )
    return _(
        "You get the orders of {producer} here. Commands (with or without accents):\n"
        "• don — the open orders\n"
        "• nhan DH00012 — accept (/accept)\n"
        "• giao DH00012 — shipped (/ship)\n"
        "• xong DH00012 — delivered (/deliver)\n"
        "• huy DH00012 REASON — cancel (/cancel)\n"
        "• language en / ngon ngu vi — the language of these messages\n"
        "• huy lien ket — stop getting orders here (/unlink)"
    ).format(producer=linked_to)


def usage_text(verb: str) -> str:
    example = {"accept": "nhan", "ship": "giao", "deliver": "xong", "cancel": "huy"}[verb]
    extra = " REASON" if verb == "cancel" else ""
    return _("Write the order number too, for example: {example}").format(
        example=f"{example} DH00012{extra}"
    )
