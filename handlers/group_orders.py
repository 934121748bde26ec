"""Producers' group chats: order cards and moving orders along, by button or by text command
(``/accept DH00012``…), and the open orders (``/orders``). Said in the group's language
(handlers.producer sets it)."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
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
    STEP_BUTTONS,
    cancel_reasons_kb,
    order_alert_kb,
    order_alert_text,
    orders_list_kb,
    ship_unpaid_kb,
    status_footer,
    step_refused,
)
from handlers.screens import chat_message
from handlers.settings import Settings
from handlers.tools import usage
from storefront.format import esc, money, shorten

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
    await message.answer(_orders_title(page), reply_markup=_orders_kb(page))


def _orders_title(page: OrderPage) -> str:
    return _("📋 <b>Open orders</b> (page {page}/{pages})").format(
        page=page.page + 1, pages=page.pages
    )


def _orders_kb(page: OrderPage) -> InlineKeyboardMarkup:
    return orders_list_kb(page.orders, page.page, page.pages)


def _group_chat(message: Message, group: LinkedProducer | None) -> int | None:
    """The group a press counts for: the producer's group under its id now (a card posted
    before it became a supergroup carries the old one); None outside groups."""
    if message.chat.type not in ("group", "supergroup"):
        return None
    return group.chat_id if group is not None else message.chat.id


async def on_staff_button(
    query: CallbackQuery,
    callback_data: StaffCb,
    uow: UnitOfWork,
    settings: Settings,
    group: LinkedProducer | None,
    bot: Bot,
) -> None:
    message = chat_message(query)
    if message is None:
        await query.answer()
        return
    # Presses count only from the producer's own group, or from an admin anywhere.
    chat_id = _group_chat(message, group)
    card = Card(bot, message, chat_id, uow)
    if callback_data.action == StaffAction.page:
        await _show_page(query, card, callback_data, group)
        return
    order = await _apply(query, callback_data, card, chat_id, is_admin(settings, query.from_user))
    if order is not None:
        await _show_result(query, card, callback_data, order)


class Card:
    """The message a press came from, redrawn in place; one left in a group that has since
    become a supergroup cannot be (Telegram takes no call for the old group), so it comes
    afresh in the supergroup, never as an edit of a message id that means another there."""

    def __init__(self, bot: Bot, message: Message, chat_id: int | None, uow: UnitOfWork) -> None:
        self.bot = bot
        self.message = message
        self.chat_id = chat_id if chat_id is not None else message.chat.id
        self.uow = uow

    @property
    def in_place(self) -> bool:
        return self.message.chat.id == self.chat_id

    async def post(self, text: str, keyboard: InlineKeyboardMarkup | None, order: int) -> None:
        """``order``'s card as a message of its own, remembered as the one to edit later."""
        sent = await self.bot.send_message(self.chat_id, text, reply_markup=keyboard)
        if self.message.chat.type in ("group", "supergroup"):
            await orders.remember_alert(
                self.uow, order_id=order, chat_id=self.chat_id, message_id=sent.message_id
            )

    async def redraw(
        self, text: str | None, keyboard: InlineKeyboardMarkup | None, order: int | None
    ) -> None:
        """Show ``text`` (None: the text as it is) and ``keyboard`` on the card."""
        if self.in_place:
            if text is None:
                await self.message.edit_reply_markup(reply_markup=keyboard)
            else:
                await self.message.edit_text(text, reply_markup=keyboard)
        elif order is not None:
            await self.post(text or self.message.html_text, keyboard, order)
        else:
            await self.bot.send_message(
                self.chat_id, text or self.message.html_text, reply_markup=keyboard
            )


async def _show_page(
    query: CallbackQuery, card: Card, callback_data: StaffCb, group: LinkedProducer | None
) -> None:
    if card.message.chat.type not in ("group", "supergroup"):
        await refuse(query)
        return
    page = await _open_orders(card.uow, group, callback_data.page)
    await query.answer()
    await card.redraw(None if card.in_place else _orders_title(page), _orders_kb(page), None)


async def _apply(
    query: CallbackQuery,
    callback_data: StaffCb,
    card: Card,
    chat_id: int | None,
    admin: bool,
) -> OrderView | None:
    """Carry out the press; None when it was refused (the press is answered already)."""
    action = callback_data.action
    uow = card.uow
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
        await card.redraw(None, ship_unpaid_kb(callback_data.id), callback_data.id)
    except (NotAllowed, OrderNotFound):
        log.warning(
            "refused staff button %r from user %s in chat %s",
            query.data,
            query.from_user.id,
            chat_id,
        )
        await refuse(query)
    except InvalidTransition as err:
        await query.answer(shorten(_refused(err, callback_data.id), 200), show_alert=True)
    return None


async def _show_result(
    query: CallbackQuery, card: Card, callback_data: StaffCb, order: OrderView
) -> None:
    action = callback_data.action
    if action == StaffAction.cancel:
        if not rules.may_cancel(order.status):
            refused = InvalidTransition(order.status.value, OrderStatus.cancelled.value)
            await query.answer(shorten(_refused(refused, order.id), 200), show_alert=True)
            return
        await query.answer()
        text = None if card.in_place else order_alert_text(order)
        await card.redraw(text, cancel_reasons_kb(order.id), order.id)
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
        await card.post(text, order_alert_kb(order), order.id)
        return
    await card.redraw(text, order_alert_kb(order), order.id)


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
        await message.reply(esc(_refused(err, order_id)))
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


# The command that takes an order to each step, for the answer that says which comes first.
STEP_COMMANDS = {status: name for name, status in TEXT_STEPS.items()}


def _refused(err: InvalidTransition, order_id: int) -> str:
    """Plain text (a press's answer is not HTML): what holds, and how to take the step that
    comes first in a group."""
    number = rules.format_order_number(order_id)
    text, first = step_refused(err, number)
    if first is None:
        return text
    label, _action = STEP_BUTTONS[first]
    return (
        text
        + " "
        + _("Send /{command} {number} or press {button}.").format(
            command=STEP_COMMANDS[first], number=number, button=_(label)
        )
    )
