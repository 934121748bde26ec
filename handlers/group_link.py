"""Producers' group chats: linking a group to its producer (``/link CODE``, ``/unlink``), the
bot joining and leaving, a group becoming a supergroup, and the language of its alerts."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.enums import ChatMemberStatus
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from catalog.services import fulfilment
from catalog.services.fulfilment import LinkCodeRefused, LinkedProducer, LinkProblem
from catalog.uow import UnitOfWork
from handlers.access import is_admin
from handlers.callbacks import GroupLanguageCb
from handlers.language import language_kb
from handlers.screens import chat_message
from handlers.settings import Settings
from storefront.actions import Language
from storefront.format import esc

log = logging.getLogger(__name__)


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


async def _may_manage_group(message: Message, bot: Bot, settings: Settings) -> bool:
    if is_admin(settings, message.from_user):
        return True
    if message.from_user is None:
        return False
    member = await bot.get_chat_member(message.chat.id, message.from_user.id)
    return member.status in (ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR)


async def cmd_unlink(message: Message, uow: UnitOfWork, bot: Bot, settings: Settings) -> None:
    if not await _may_manage_group(message, bot, settings):
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


async def cmd_group_language(message: Message) -> None:
    await message.answer(
        _("Language of this group's order alerts:"), reply_markup=language_kb(GroupLanguageCb)
    )


async def on_group_language(
    query: CallbackQuery, callback_data: GroupLanguageCb, uow: UnitOfWork, i18n: I18n
) -> None:
    message = chat_message(query)
    if message is None:
        await query.answer()
        return
    changed = await fulfilment.set_group_language(
        uow, chat_id=message.chat.id, language=callback_data.code.value
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
        await message.edit_text(text)


async def on_bot_added(
    event: ChatMemberUpdated, uow: UnitOfWork, group: LinkedProducer | None
) -> None:
    if group is not None:
        name = group.name(group.language)
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


async def on_supergroup_migrated(message: Message, uow: UnitOfWork) -> None:
    """The same, as the supergroup tells it."""
    assert message.migrate_from_chat_id is not None
    await fulfilment.follow_group_migration(
        uow, old_chat_id=message.migrate_from_chat_id, new_chat_id=message.chat.id
    )
