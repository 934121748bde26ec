"""Admins and producer managers: the shop's orders (``/orders``, a page at a time) and its
figures (``/stats``); a manager sees their own producer's."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog import rules
from catalog.links import LinkSource
from catalog.models import OrderStatus, utcnow
from catalog.services import figures
from catalog.services import links as link_service
from catalog.services.inventory import Actor
from catalog.services.orders import OrderPage
from catalog.text import N_
from catalog.uow import UnitOfWork
from handlers.access import Acting, refuse
from handlers.callbacks import StaffAction, StaffCb, StaffOrdersCb
from handlers.screens import page_row
from handlers.tools import usage
from storefront.format import (
    esc,
    language,
    money,
    payment_state_label,
    status_label,
    when,
)

PERIODS = ("today", "week", "month")
UNPAID = "unpaid"  # /orders unpaid: waiting for (some of) their transfer


def staff_orders_screen(
    page: OrderPage, status: str, admin: bool
) -> tuple[str, InlineKeyboardMarkup]:
    lang = language()
    builder = InlineKeyboardBuilder()
    header = _("📋 <b>Orders</b> (page {page}/{pages})").format(
        page=page.page + 1, pages=page.pages
    )
    lines = [header]
    if not page.orders:
        lines.append(_("No orders."))
    for order in page.orders:
        line = (
            f"{order.number} · {when(order.created_at)} · {esc(order.producer_name(lang))} · "
            f"{money(order.total)} · {status_label(order.status)}"
        )
        if order.payment_status in rules.UNPAID or order.payment_status in rules.OWED_BACK:
            line += f" · {payment_state_label(order.payment_status)}"
            if order.amount_paid:
                line += " " + _("({paid} received)").format(paid=money(order.amount_paid))
        lines.append(line)
        if admin:
            builder.button(
                text=order.number, callback_data=StaffCb(action=StaffAction.show, id=order.id)
            )
    builder.adjust(4)
    builder.row(*page_row(page.page, page.pages, partial(StaffOrdersCb, status=status)))
    return "\n".join(lines), builder.as_markup()


async def cmd_staff_orders(
    message: Message, command: CommandObject, uow: UnitOfWork, actor: Actor
) -> None:
    argument = (command.args or "").strip().lower()
    if argument and argument not in set(OrderStatus) | {UNPAID}:
        await message.answer(
            usage("/orders [new|accepted|shipped|delivered|cancelled|unpaid]", "/orders unpaid")
        )
        return
    page = await _page(uow, actor, argument)
    text, keyboard = staff_orders_screen(page, argument, actor.is_admin)
    await message.answer(text, reply_markup=keyboard)


async def on_staff_orders_page(
    query: CallbackQuery, callback_data: StaffOrdersCb, uow: UnitOfWork, actor: Actor
) -> None:
    if callback_data.status and callback_data.status not in set(OrderStatus) | {UNPAID}:
        await refuse(query)
        return
    page = await _page(uow, actor, callback_data.status, callback_data.page)
    text, keyboard = staff_orders_screen(page, callback_data.status, actor.is_admin)
    await query.answer()
    if query.message is not None and hasattr(query.message, "edit_text"):
        await query.message.edit_text(text, reply_markup=keyboard)


async def _page(uow: UnitOfWork, actor: Actor, argument: str, page: int = 0) -> OrderPage:
    status = OrderStatus(argument) if argument and argument != UNPAID else None
    return await figures.staff_orders(
        uow, actor=actor, status=status, page=page, unpaid=argument == UNPAID
    )


async def cmd_stats(
    message: Message, command: CommandObject, uow: UnitOfWork, actor: Actor
) -> None:
    period = (command.args or "today").strip().lower()
    if period not in PERIODS:
        await message.answer(usage("/stats [today|week|month]", "/stats week"))
        return
    since = figures.period_start(period, utcnow())
    totals = await figures.stats(uow, actor=actor, since=since)
    lang = language()
    titles = {"today": _("today"), "week": _("this week"), "month": _("this month")}
    lines = [_("📊 <b>Figures for {period}</b>").format(period=titles[period])]
    if not totals:
        lines.append(_("No orders yet."))
    for row in totals:
        lines.append("")
        lines.append(f"🏡 <b>{esc(row.name(lang))}</b>")
        lines.append(
            ngettext(
                "{orders} order ({cancelled} cancelled), revenue {revenue}",
                "{orders} orders ({cancelled} cancelled), revenue {revenue}",
                row.orders,
            ).format(orders=row.orders, cancelled=row.cancelled, revenue=money(row.revenue))
        )
        lines.append(
            _("💰 Received {received} · still to come {outstanding}").format(
                received=money(row.received), outstanding=money(row.outstanding)
            )
        )
        if row.owed_back:
            lines.append(
                _("↩️ To return to customers: {amount}").format(amount=money(row.owed_back))
            )
        if row.best_sellers:
            best = ", ".join(f"{esc(b.name(lang))} × {b.units}" for b in row.best_sellers)
            lines.append(_("Best sellers: {list}").format(list=best))
    lines += await source_lines(uow, actor, since)
    await message.answer("\n".join(lines))


_SOURCE_LABELS = {
    LinkSource.product: N_("Product codes"),
    LinkSource.producer: N_("Producer codes and links"),
    LinkSource.poster: N_("Posters"),
    LinkSource.share: N_("Shared by customers"),
    LinkSource.comment: N_("Comments on the Facebook Page"),
}


async def source_lines(uow: UnitOfWork, actor: Actor, since: datetime) -> list[str]:
    """``/stats``: orders, revenue and links opened (comments answered) per source (nothing
    when all are zero)."""
    figures = await link_service.stats_by_source(uow, actor=actor, since=since)
    if not any(row.source is not None for row in figures):
        return []
    lines = ["", _("🔗 <b>Orders by source</b>")]
    for row in figures:
        label = _(_SOURCE_LABELS[row.source]) if row.source else _("No link")
        orders = ngettext("{count} order", "{count} orders", row.orders).format(count=row.orders)
        line = f"• {label}: {orders}, {money(row.revenue)}"
        if row.source == LinkSource.comment:
            line += " · " + ngettext(
                "{count} comment answered", "{count} comments answered", row.visits
            ).format(count=row.visits)
        elif row.source is not None:
            line += " · " + ngettext(
                "opened {count} time", "opened {count} times", row.visits
            ).format(count=row.visits)
        lines.append(line)
    return lines


def create_router() -> Router:
    """Registered before the customers' ``/orders``: staff get the shop's orders from it."""
    router = Router(name=__name__)
    # In a private chat only; anyone else's /orders goes on to the customers' router.
    router.message.register(
        cmd_staff_orders, F.chat.type == "private", Command("orders"), Acting()
    )
    router.message.register(cmd_stats, Command("stats"), Acting(admins_in_groups=True))
    router.message.register(refuse, Command("stats"))
    router.callback_query.register(on_staff_orders_page, StaffOrdersCb.filter(), Acting())
    router.callback_query.register(refuse, StaffOrdersCb.filter())
    return router
