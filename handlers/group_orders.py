"""Producers' group chats: order cards and moving orders along, by button or by text command
(``/accept DH00012``…), and the open orders (``/orders``). Said in the group's language
(handlers.producer sets it)."""

from __future__ import annotations

import logging

from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from catalog import rules
from catalog.errors import InvalidTransition, NotAllowed, OrderNotFound, PaymentMissing
from catalog.models import OrderStatus, utcnow
from catalog.services import orders
from catalog.services.fulfilment import LinkedProducer
from catalog.services.orders import CancelReason, OrderPage, OrderView
from catalog.text import fold
from catalog.uow import UnitOfWork
from handlers.access import is_admin, not_allowed, refuse
from handlers.callbacks import StaffAction, StaffCb
from handlers.notifications import (
    cancel_reasons_kb,
    order_alert_kb,
    order_alert_text,
    orders_list_kb,
    ship_unpaid_kb,
    status_footer,
)
from handlers.screens import chat_message
from handlers.settings import Settings
from handlers.tools import usage
from storefront.format import money, status_label

log = logging.getLogger(__name__)

_STEPS = {
    StaffAction.accept: OrderStatus.accepted,
    StaffAction.ship: OrderStatus.shipped,
    StaffAction.ship_unpaid: OrderStatus.shipped,
    StaffAction.deliver: OrderStatus.delivered,
    StaffAction.cancel_with: OrderStatus.cancelled,
}
# Every button has a text form too: a messenger without buttons (a Zalo group) can use them.
TEXT_STEPS = {
    "accept": OrderStatus.accepted,
    "ship": OrderStatus.shipped,
    "deliver": OrderStatus.delivered,
    "cancel": OrderStatus.cancelled,
}


async def _open_orders(uow: UnitOfWork, group: LinkedProducer | None, page: int = 0) -> OrderPage:
    """The open orders of the group's producer (none where no producer has linked it)."""
    if group is None:
        return OrderPage((), 0, 1)
    return await orders.open_orders_for_producer(uow, producer_id=group.id, page=page)


async def cmd_group_orders(
    message: Message, uow: UnitOfWork, group: LinkedProducer | None
) -> None:
    if group is None:
        await message.answer(_("This group is not linked to any producer."))
        return
    page = await _open_orders(uow, group)
    if not page.orders:
        await message.answer(_("No open orders. 🎉"))
        return
    await message.answer(
        _("📋 <b>Open orders</b> (page {page}/{pages})").format(
            page=page.page + 1, pages=page.pages
        ),
        reply_markup=orders_list_kb(page.orders, page.page, page.pages),
    )


async def on_staff_button(
    query: CallbackQuery,
    callback_data: StaffCb,
    uow: UnitOfWork,
    settings: Settings,
    group: LinkedProducer | None,
) -> None:
    message = chat_message(query)
    if message is None:
        await query.answer()
        return
    # Presses count only from the producer's own group, or from an admin anywhere.
    chat_id = message.chat.id if message.chat.type in ("group", "supergroup") else None
    if callback_data.action == StaffAction.page:
        await _show_page(query, message, callback_data, uow, chat_id, group)
        return
    order = await _apply(query, callback_data, uow, chat_id, is_admin(settings, query.from_user))
    if order is not None:
        await _show_result(query, message, callback_data, order, uow, chat_id)


async def _show_page(
    query: CallbackQuery,
    message: Message,
    callback_data: StaffCb,
    uow: UnitOfWork,
    chat_id: int | None,
    group: LinkedProducer | None,
) -> None:
    if chat_id is None:
        await refuse(query)
        return
    page = await _open_orders(uow, group, callback_data.page)
    await query.answer()
    await message.edit_reply_markup(
        reply_markup=orders_list_kb(page.orders, page.page, page.pages)
    )


async def _apply(
    query: CallbackQuery,
    callback_data: StaffCb,
    uow: UnitOfWork,
    chat_id: int | None,
    admin: bool,
) -> OrderView | None:
    """Carry out the press; None when it was refused (the press is answered already)."""
    action = callback_data.action
    try:
        if action not in _STEPS:
            return await orders.get_order_for_staff(
                uow, order_id=callback_data.id, chat_id=chat_id, is_admin=admin
            )
        if action == StaffAction.cancel_with and callback_data.reason not in set(CancelReason):
            raise NotAllowed
        return await orders.change_order_status(
            uow,
            order_id=callback_data.id,
            new_status=_STEPS[action],
            actor_id=query.from_user.id,
            chat_id=chat_id,
            is_admin=admin,
            reason=callback_data.reason,
            actor_name=query.from_user.full_name,
            ship_unpaid=action == StaffAction.ship_unpaid,
        )
    except PaymentMissing as err:
        await query.answer(_not_paid(err), show_alert=True)
        message = chat_message(query)
        if message is not None:
            await message.edit_reply_markup(reply_markup=ship_unpaid_kb(callback_data.id))
    except (NotAllowed, OrderNotFound):
        log.warning(
            "refused staff button %r from user %s in chat %s",
            query.data,
            query.from_user.id,
            chat_id,
        )
        await refuse(query)
    except InvalidTransition as err:
        await query.answer(_already_done(err), show_alert=True)
    return None


async def _show_result(
    query: CallbackQuery,
    message: Message,
    callback_data: StaffCb,
    order: OrderView,
    uow: UnitOfWork,
    chat_id: int | None,
) -> None:
    action = callback_data.action
    if action == StaffAction.cancel:
        if not rules.may_cancel(order.status):
            await query.answer(_("This order can no longer be cancelled."), show_alert=True)
            return
        await query.answer()
        await message.edit_reply_markup(reply_markup=cancel_reasons_kb(order.id))
        return
    text = order_alert_text(order)
    if action in _STEPS:
        text += "\n" + status_footer(
            order.status, query.from_user.full_name, utcnow(), callback_data.reason
        )
        await query.answer(_("Done. The customer has been told."))
    else:
        await query.answer()
    if action == StaffAction.show:
        # From a digest or the /orders list: the card comes as a message of its own.
        sent = await message.answer(text, reply_markup=order_alert_kb(order))
        if chat_id is not None:
            await orders.remember_alert(
                uow, order_id=order.id, chat_id=chat_id, message_id=sent.message_id
            )
        return
    await message.edit_text(text, reply_markup=order_alert_kb(order))


async def cmd_order_step(
    message: Message, command: CommandObject, uow: UnitOfWork, settings: Settings
) -> None:
    """/accept DH00012, /ship DH00012, /deliver DH00012, /cancel DH00012 [reason]."""
    name = command.command.lower()
    parts = (command.args or "").split(maxsplit=1)
    order_id = rules.parse_order_number(parts[0]) if parts else None
    if order_id is None:
        cancel = name == "cancel"
        await message.reply(
            usage(
                f"/{name} ORDER" + (" [REASON]" if cancel else ""),
                f"/{name} DH00012" + (" out_of_stock" if cancel else ""),
            )
        )
        return
    reason = ""
    if name == "cancel":
        reason = parts[1].strip()[:200] if len(parts) > 1 else CancelReason.other.value
    unpaid = name == "ship" and len(parts) > 1 and fold(parts[1]) in rules.SHIP_UNPAID_WORDS
    user = message.from_user
    assert user is not None
    try:
        order = await orders.change_order_status(
            uow,
            order_id=order_id,
            new_status=TEXT_STEPS[name],
            actor_id=user.id,
            chat_id=message.chat.id,
            is_admin=is_admin(settings, user),
            reason=reason,
            actor_name=user.full_name,
            ship_unpaid=unpaid,
        )
    except PaymentMissing as err:
        number = rules.format_order_number(order_id)
        await message.reply(
            _not_paid(err)
            + "\n"
            + _("To ship it anyway: /ship {number} unpaid").format(number=number)
        )
        return
    except (NotAllowed, OrderNotFound):
        log.warning("refused /%s from user %s in chat %s", name, user.id, message.chat.id)
        await message.reply(not_allowed())
        return
    except InvalidTransition as err:
        await message.reply(_already_done(err))
        return
    text = (
        order_alert_text(order)
        + "\n"
        + status_footer(order.status, user.full_name, utcnow(), reason)
    )
    await message.reply(text, reply_markup=order_alert_kb(order))


def _not_paid(err: PaymentMissing) -> str:
    return _(
        "The transfer for this order has not arrived yet ({amount} missing). Ship it only "
        "if you are sure."
    ).format(amount=money(err.missing))


def _already_done(err: InvalidTransition) -> str:
    return _("Already done: this order is {status} now.").format(
        status=status_label(OrderStatus(err.current))
    )
