"""Producers' group chats: linking the group, order cards, moving orders along."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatMemberStatus
from aiogram.filters import (
    IS_MEMBER,
    IS_NOT_MEMBER,
    ChatMemberUpdatedFilter,
    Command,
    CommandObject,
)
from aiogram.types import CallbackQuery, ChatMemberUpdated, InaccessibleMessage, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Config
from catalog import rules
from catalog.errors import InvalidTransition, NotAllowed, OrderNotFound
from catalog.models import OrderStatus, utcnow
from catalog.services import fulfilment
from catalog.services.fulfilment import CancelReason, LinkCodeRefused, LinkProblem
from catalog.services.orders import OrderView
from catalog.uow import UnitOfWork
from handlers.access import is_admin
from handlers.callbacks import GroupLanguageCb, Language, StaffAction, StaffCb
from handlers.format import esc, status_label
from handlers.language import AUTONYMS
from handlers.notifications import (
    cancel_reasons_kb,
    order_alert_kb,
    order_alert_text,
    orders_list_kb,
    status_footer,
)

log = logging.getLogger(__name__)

GROUPS = F.chat.type.in_({"group", "supergroup"})
_STEPS = {
    StaffAction.accept: OrderStatus.accepted,
    StaffAction.ship: OrderStatus.shipped,
    StaffAction.deliver: OrderStatus.delivered,
    StaffAction.cancel_with: OrderStatus.cancelled,
}


async def _group_language(uow: UnitOfWork, chat_id: int, fallback: str) -> str:
    producer = await fulfilment.producer_for_chat(uow, chat_id)
    return producer.language if producer else fallback


async def cmd_link(message: Message, command: CommandObject, uow: UnitOfWork, i18n: I18n) -> None:
    code = (command.args or "").strip()
    if not code:
        await message.reply(
            _(
                "Send /link followed by the code an admin got with /linkgroup, "
                "for example: /link K7MX2QPA"
            )
        )
        return
    try:
        link = await fulfilment.use_link_code(uow, code=code[:32], chat_id=message.chat.id)
    except LinkCodeRefused as err:
        texts = {
            LinkProblem.unknown: _(
                "That code is not valid. Ask an admin for a new one (/linkgroup)."
            ),
            LinkProblem.used: _(
                "That code has already been used. Ask an admin for a new one (/linkgroup)."
            ),
            LinkProblem.expired: _(
                "That code has expired (codes last 15 minutes). Ask an admin "
                "for a new one (/linkgroup)."
            ),
        }
        log.info("refused /link in chat %s: %s", message.chat.id, err.problem)
        await message.reply(texts[err.problem])
        return
    with i18n.use_locale(link.language):
        await message.answer(_linked_text(link.producer_name(link.language)))


def _linked_text(producer: str) -> str:
    return _(
        "✅ This group now receives the orders of {producer}. Each order arrives here "
        "with buttons to accept, ship, deliver or cancel it (or type /accept, /ship, "
        "/deliver, /cancel with its number). /orders lists the open ones; "
        "/language changes the language of the alerts."
    ).format(producer=esc(producer))


async def _may_manage_group(message: Message, bot: Bot, config: Config) -> bool:
    if is_admin(config, message.from_user):
        return True
    if message.from_user is None:
        return False
    member = await bot.get_chat_member(message.chat.id, message.from_user.id)
    return member.status in (ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR)


async def cmd_unlink(message: Message, uow: UnitOfWork, bot: Bot, config: Config) -> None:
    if not await _may_manage_group(message, bot, config):
        await message.reply(_("Only the group's administrators or a shop admin can do that."))
        return
    producer_id = await fulfilment.unlink_group(uow, chat_id=message.chat.id)
    if producer_id is None:
        await message.reply(_("This group is not linked to any producer."))
    else:
        await message.reply(
            _(
                "This group no longer receives orders. New order alerts will wait until a group "
                "is linked again."
            )
        )


async def cmd_group_orders(message: Message, uow: UnitOfWork, i18n: I18n) -> None:
    language = await _group_language(uow, message.chat.id, i18n.current_locale)
    page = await fulfilment.open_orders_for_chat(uow, chat_id=message.chat.id)
    with i18n.use_locale(language):
        if not page.orders:
            producer = await fulfilment.producer_for_chat(uow, message.chat.id)
            if producer is None:
                text = _("This group is not linked to any producer.")
            else:
                text = _("No open orders. 🎉")
            await message.answer(text)
            return
        await message.answer(
            _("📋 <b>Open orders</b> (page {page}/{pages})").format(
                page=page.page + 1, pages=page.pages
            ),
            reply_markup=orders_list_kb(page.orders, page.page, page.pages),
        )


async def cmd_group_language(message: Message, uow: UnitOfWork, i18n: I18n) -> None:
    language = await _group_language(uow, message.chat.id, i18n.current_locale)
    builder = InlineKeyboardBuilder()
    for code, label in AUTONYMS.items():
        builder.button(text=label, callback_data=GroupLanguageCb(code=code))
    with i18n.use_locale(language):
        await message.answer(
            _("Language of this group's order alerts:"), reply_markup=builder.as_markup()
        )


async def on_group_language(
    query: CallbackQuery, callback_data: GroupLanguageCb, uow: UnitOfWork, i18n: I18n
) -> None:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        await query.answer()
        return
    changed = await fulfilment.set_group_language(
        uow, chat_id=query.message.chat.id, language=callback_data.code.value
    )
    with i18n.use_locale(callback_data.code.value):
        if not changed:
            await query.answer(_("This group is not linked to any producer."), show_alert=True)
            return
        text = (
            _("Order alerts here are now in English.")
            if callback_data.code == Language.en
            else _("Order alerts here are now in Vietnamese.")
        )
        await query.answer(text)
        await query.message.edit_text(text)


async def on_staff_button(
    query: CallbackQuery,
    callback_data: StaffCb,
    uow: UnitOfWork,
    config: Config,
    i18n: I18n,
) -> None:
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        await query.answer()
        return
    # Presses count only from the producer's own group, or from an admin anywhere.
    chat_id = message.chat.id if message.chat.type in ("group", "supergroup") else None
    language = i18n.current_locale
    if chat_id is not None:
        language = await _group_language(uow, chat_id, language)
    with i18n.use_locale(language):
        if callback_data.action == StaffAction.page:
            await _show_page(query, message, callback_data, uow, chat_id)
            return
        order = await _apply(query, callback_data, uow, chat_id, is_admin(config, query.from_user))
        if order is not None:
            await _show_result(query, message, callback_data, order, uow, chat_id)


async def _show_page(
    query: CallbackQuery,
    message: Message,
    callback_data: StaffCb,
    uow: UnitOfWork,
    chat_id: int | None,
) -> None:
    if chat_id is None:
        await query.answer(_("That is not allowed."), show_alert=True)
        return
    page = await fulfilment.open_orders_for_chat(uow, chat_id=chat_id, page=callback_data.page)
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
            return await fulfilment.get_order_for_staff(
                uow, order_id=callback_data.id, chat_id=chat_id, is_admin=admin
            )
        if action == StaffAction.cancel_with and callback_data.reason not in set(CancelReason):
            raise NotAllowed
        return await fulfilment.change_order_status(
            uow,
            order_id=callback_data.id,
            new_status=_STEPS[action],
            actor_id=query.from_user.id,
            chat_id=chat_id,
            is_admin=admin,
            reason=callback_data.reason,
            actor_name=query.from_user.full_name,
        )
    except (NotAllowed, OrderNotFound):
        log.warning(
            "refused staff button %r from user %s in chat %s",
            query.data,
            query.from_user.id,
            chat_id,
        )
        await query.answer(_("That is not allowed."), show_alert=True)
    except InvalidTransition as err:
        await query.answer(
            _("Already done: this order is {status} now.").format(
                status=status_label(OrderStatus(err.current))
            ),
            show_alert=True,
        )
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
            await fulfilment.remember_alert(
                uow, order_id=order.id, chat_id=chat_id, message_id=sent.message_id
            )
        return
    await message.edit_text(text, reply_markup=order_alert_kb(order))


async def on_bot_added(event: ChatMemberUpdated, uow: UnitOfWork, i18n: I18n) -> None:
    producer = await fulfilment.producer_for_chat(uow, event.chat.id)
    if producer is not None:
        name = producer.name(producer.language)
        with i18n.use_locale(producer.language):
            # "Again" only when the shop has been here before; a group linked by an
            # operator (the playground's) meets the bot for the first time.
            if await fulfilment.worked_in_group(uow, event.chat.id):
                text = _("Hello again! This group receives the orders of {producer}.").format(
                    producer=esc(name)
                )
            else:
                text = _linked_text(name)
            await event.answer(text)
        return
    await event.answer(
        _(
            "Hello! I bring this group the orders of an OCOP producer. A shop admin gets a code "
            "with /linkgroup; send it here as /link CODE."
        )
    )


async def on_bot_removed(event: ChatMemberUpdated, uow: UnitOfWork) -> None:
    producer_id = await fulfilment.unlink_group(uow, chat_id=event.chat.id, bot_removed=True)
    if producer_id is not None:
        log.warning("removed from group %s of producer %s", event.chat.id, producer_id)


async def on_group_migrated(message: Message, uow: UnitOfWork) -> None:
    """The group became a supergroup (a new chat id): the producer's link follows it."""
    assert message.migrate_to_chat_id is not None
    await fulfilment.follow_group_migration(
        uow, old_chat_id=message.chat.id, new_chat_id=message.migrate_to_chat_id
    )


# Every button has a text form too: a messenger without buttons (a Zalo group) can use them.
_TEXT_STEPS = {
    "accept": OrderStatus.accepted,
    "ship": OrderStatus.shipped,
    "deliver": OrderStatus.delivered,
    "cancel": OrderStatus.cancelled,
}


async def cmd_order_step(
    message: Message, command: CommandObject, uow: UnitOfWork, config: Config, i18n: I18n
) -> None:
    """/accept DH00012, /ship DH00012, /deliver DH00012, /cancel DH00012 [reason]."""
    name = command.command.lower()
    parts = (command.args or "").split(maxsplit=1)
    order_id = rules.parse_order_number(parts[0]) if parts else None
    language = await _group_language(uow, message.chat.id, i18n.current_locale)
    with i18n.use_locale(language):
        if order_id is None:
            usage = f"/{name} DH00012" + (" out_of_stock" if name == "cancel" else "")
            await message.reply(
                _("Usage: {usage}\nFor example: {example}").format(
                    usage=esc(f"/{name} ORDER" + (" [REASON]" if name == "cancel" else "")),
                    example=esc(usage),
                )
            )
            return
        reason = ""
        if name == "cancel":
            reason = parts[1].strip()[:200] if len(parts) > 1 else CancelReason.other.value
        user = message.from_user
        assert user is not None
        try:
            order = await fulfilment.change_order_status(
                uow,
                order_id=order_id,
                new_status=_TEXT_STEPS[name],
                actor_id=user.id,
                chat_id=message.chat.id,
                is_admin=is_admin(config, user),
                reason=reason,
                actor_name=user.full_name,
            )
        except (NotAllowed, OrderNotFound):
            log.warning("refused /%s from user %s in chat %s", name, user.id, message.chat.id)
            await message.reply(_("That is not allowed."))
            return
        except InvalidTransition as err:
            await message.reply(
                _("Already done: this order is {status} now.").format(
                    status=status_label(OrderStatus(err.current))
                )
            )
            return
        text = (
            order_alert_text(order)
            + "\n"
            + status_footer(order.status, user.full_name, utcnow(), reason)
        )
        await message.reply(text, reply_markup=order_alert_kb(order))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(GROUPS)
    router.message.register(cmd_order_step, Command(*_TEXT_STEPS))
    router.message.register(on_group_migrated, F.migrate_to_chat_id)
    router.message.register(cmd_link, Command("link"))
    router.message.register(cmd_unlink, Command("unlink"))
    router.message.register(cmd_group_orders, Command("orders"))
    router.message.register(cmd_group_language, Command("language"))
    router.callback_query.register(on_group_language, GroupLanguageCb.filter())
    router.callback_query.register(on_staff_button, StaffCb.filter())
    router.my_chat_member.register(
        on_bot_added, GROUPS, ChatMemberUpdatedFilter(IS_NOT_MEMBER >> IS_MEMBER)
    )
    router.my_chat_member.register(
        on_bot_removed, GROUPS, ChatMemberUpdatedFilter(IS_MEMBER >> IS_NOT_MEMBER)
    )
    return router
