"""The customer's orders: a paginated list, a detail view, cancelling a new order."""

from __future__ import annotations

from functools import partial

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog.errors import InvalidTransition, NotAllowed, OrderNotFound
from catalog.services import orders as order_service
from catalog.services.orders import OrderPage, OrderView
from catalog.uow import UnitOfWork
from handlers.access import refuse
from handlers.callbacks import OrderAction, OrderCb
from handlers.format import (
    delivery_text,
    fit_text,
    language,
    line_name,
    money,
    payment_label,
    status_label,
    when_zoned,
)
from handlers.menu import MenuItem, menu_command, private_router
from handlers.screens import page_row, show_text


def orders_screen(page: OrderPage) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    if not page.orders:
        return _("📦 You have no orders yet."), builder.as_markup()
    for order in page.orders:
        builder.row(
            InlineKeyboardButton(
                text=f"{order.number} · {money(order.total)} · {status_label(order.status)}",
                callback_data=OrderCb(action=OrderAction.show, id=order.id, page=page.page).pack(),
            )
        )
    builder.row(
        *page_row(
            page.page,
            page.pages,
            partial(OrderCb, action=OrderAction.list),
            back=_("◀️ Newer"),
            forward=_("Older ▶️"),
        )
    )
    text = _("📦 <b>My orders</b> (page {page}/{pages})").format(
        page=page.page + 1, pages=page.pages
    )
    return text, builder.as_markup()


def order_text(order: OrderView) -> str:
    lang = language()
    head = [
        _("📦 <b>Order {number}</b>").format(number=order.number),
        f"🕒 {when_zoned(order.created_at)}",
        f"🏡 {line_name(order.producer_name(lang))}",
        _("Status: {status}").format(status=status_label(order.status)),
        "",
    ]
    lines = [
        f"• {line_name(line.name(lang))} × {line.quantity} — {money(line.line_total)}"
        for line in order.lines
    ]
    tail = [
        _("<b>Total: {amount}</b>").format(amount=money(order.total)),
        f"💳 {payment_label(order.payment_method)}",
        "",
        delivery_text(order.details),
    ]
    return fit_text(head, lines, tail)


def order_kb(order: OrderView, page: int, *, confirm_cancel: bool = False) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if order.customer_may_cancel:
        if confirm_cancel:
            builder.button(
                text=_("Yes, cancel it"),
                callback_data=OrderCb(action=OrderAction.cancel_confirmed, id=order.id, page=page),
            )
            builder.button(
                text=_("No, keep it"),
                callback_data=OrderCb(action=OrderAction.show, id=order.id, page=page),
            )
        else:
            builder.button(
                text=_("✖️ Cancel this order"),
                callback_data=OrderCb(action=OrderAction.cancel, id=order.id, page=page),
            )
    builder.button(text=_("⬅️ Back"), callback_data=OrderCb(action=OrderAction.list, page=page))
    builder.adjust(2 if confirm_cancel else 1)
    return builder.as_markup()


async def cmd_orders(message: Message, uow: UnitOfWork, state: FSMContext) -> None:
    await state.set_state(None)
    page = await order_service.list_orders(uow, user_id=message.chat.id)
    text, keyboard = orders_screen(page)
    await message.answer(text, reply_markup=keyboard)


async def on_order(query: CallbackQuery, callback_data: OrderCb, uow: UnitOfWork) -> None:
    user_id = query.from_user.id
    action = callback_data.action
    if action == OrderAction.list:
        await query.answer()
        page = await order_service.list_orders(uow, user_id=user_id, page=callback_data.page)
        await show_text(query, *orders_screen(page))
        return
    try:
        if action == OrderAction.cancel_confirmed:
            order = await order_service.cancel_order_by_customer(
                uow, user_id=user_id, order_id=callback_data.id
            )
            await query.answer(_("Order {number} is cancelled.").format(number=order.number))
        else:
            order = await order_service.get_order(uow, user_id=user_id, order_id=callback_data.id)
            await query.answer()
    except OrderNotFound:
        await query.answer(_("This order is no longer available."), show_alert=True)
        return
    except NotAllowed:
        await refuse(query)
        return
    except InvalidTransition:
        order = await order_service.get_order(uow, user_id=user_id, order_id=callback_data.id)
        await query.answer(
            _(
                "The producer has already taken this order in hand: it can no longer be "
                "cancelled here. Please contact them."
            ),
            show_alert=True,
        )
    confirm = action == OrderAction.cancel and order.customer_may_cancel
    await show_text(
        query, order_text(order), order_kb(order, callback_data.page, confirm_cancel=confirm)
    )


def create_router() -> Router:
    router = private_router(__name__)
    router.message.register(cmd_orders, menu_command(MenuItem.orders))
    router.callback_query.register(on_order, OrderCb.filter())
    return router
