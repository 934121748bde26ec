"""Producers' group chats: the router, and the language the bot speaks there.

A group linked to a producer gets its alerts, order cards and answers in the language it
chose (``/language``), whoever writes; :func:`group_language` sets it for the handlers of
handlers.group_orders and the bot's greeting. Linking and choosing the language answer in
the new language themselves (handlers.group_link).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import F, Router
from aiogram.filters import (
    IS_MEMBER,
    IS_NOT_MEMBER,
    ChatMemberUpdatedFilter,
    Command,
)
from aiogram.types import Chat, TelegramObject
from aiogram.utils.i18n import I18n

from catalog.services import fulfilment
from catalog.uow import UnitOfWork
from handlers import group_link, group_orders, payments
from handlers.callbacks import GroupLanguageCb, StaffCb

GROUPS = F.chat.type.in_({"group", "supergroup"})


Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


async def group_language(handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
    """A middleware: in a producer's group, the group's language, and its producer handed on
    as ``group`` (None where no producer has linked the group, or outside groups; then the
    person's own language stays)."""
    chat: Chat | None = data.get("event_chat")
    uow: UnitOfWork = data["uow"]
    producer = None
    if chat is not None and chat.type in ("group", "supergroup"):
        producer = await fulfilment.producer_for_chat(uow, chat.id)
    data["group"] = producer
    if producer is None:
        return await handler(event, data)
    i18n: I18n = data["i18n"]
    with i18n.use_locale(producer.language):
        return await handler(event, data)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(GROUPS)
    # Telegram tells it twice (in the supergroup, then in the group): either one is enough.
    router.message.register(group_link.on_group_migrated, F.migrate_to_chat_id)
    router.message.register(group_link.on_supergroup_migrated, F.migrate_from_chat_id)
    router.message.register(group_link.cmd_link, Command("link"))
    router.message.register(group_link.cmd_unlink, Command("unlink"))
    router.callback_query.register(group_link.on_group_language, GroupLanguageCb.filter())
    router.my_chat_member.register(
        group_link.on_bot_removed, GROUPS, ChatMemberUpdatedFilter(IS_MEMBER >> IS_NOT_MEMBER)
    )

    in_group_language = Router(name=f"{__name__}.in_group_language")
    for observer in (
        in_group_language.message,
        in_group_language.callback_query,
        in_group_language.my_chat_member,
    ):
        observer.middleware(group_language)
    in_group_language.message.register(
        group_orders.cmd_order_step, Command(*group_orders.TEXT_STEPS)
    )
    in_group_language.message.register(group_orders.cmd_group_orders, Command("orders"))
    in_group_language.message.register(payments.cmd_record_in_group, Command(*payments.RECORDERS))
    in_group_language.message.register(group_link.cmd_group_language, Command("language"))
    in_group_language.callback_query.register(group_orders.on_staff_button, StaffCb.filter())
    in_group_language.my_chat_member.register(
        group_link.on_bot_added, GROUPS, ChatMemberUpdatedFilter(IS_NOT_MEMBER >> IS_MEMBER)
    )
    router.include_router(in_group_language)
    return router
