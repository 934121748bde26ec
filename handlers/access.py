"""Who may do what: shop admins come from the configuration, managers from the database.

A staff handler is registered with :class:`Acting`, which looks up who is acting once and
hands it to the handler as ``actor``; what does not pass falls through to the next handler
(often :func:`refuse`, registered after it for the same commands).
"""

from __future__ import annotations

from enum import Enum

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject, User
from aiogram.utils.i18n import gettext as _

from catalog.services import inventory
from catalog.services.inventory import Actor
from catalog.uow import UnitOfWork
from handlers.settings import Settings


def is_admin(settings: Settings, user: User | None) -> bool:
    return user is not None and user.id in settings.admin_ids


async def actor_of(uow: UnitOfWork, settings: Settings, user: User) -> Actor:
    """The role of this person: admin, the manager of a producer, or neither."""
    return await inventory.actor_for(uow, user_id=user.id, is_admin=is_admin(settings, user))


class Who(Enum):
    anyone = "anyone"
    staff = "staff"
    admins = "admins"


class Acting(Filter):
    """Passes for ``who`` (by default admins and producer managers), handing the handler the
    acting :class:`Actor` as ``actor``. With ``admins_in_groups``, only an admin passes in
    a group chat: staff tools are not for a producer's group."""

    def __init__(self, who: Who = Who.staff, *, admins_in_groups: bool = False) -> None:
        self.who = who
        self.admins_in_groups = admins_in_groups

    async def __call__(
        self,
        event: TelegramObject,
        uow: UnitOfWork,
        settings: Settings,
        event_from_user: User | None = None,
    ) -> bool | dict[str, Actor]:
        if event_from_user is None:
            return False
        if self.who == Who.admins or (self.admins_in_groups and _in_group(event)):
            # Admins come from the configuration: no query to refuse anyone else.
            admin = is_admin(settings, event_from_user)
            return {"actor": Actor(user_id=event_from_user.id, is_admin=True)} if admin else False
        actor = await actor_of(uow, settings, event_from_user)
        if self.who == Who.staff and not actor.is_staff:
            return False
        return {"actor": actor}


def _in_group(event: TelegramObject) -> bool:
    message = event.message if isinstance(event, CallbackQuery) else event
    return isinstance(message, Message) and message.chat.type != "private"


def not_allowed() -> str:
    return _("That is not allowed.")


async def refuse(event: Message | CallbackQuery) -> None:
    """Says "That is not allowed." (in an alert for a button)."""
    if isinstance(event, CallbackQuery):
        await event.answer(not_allowed(), show_alert=True)
    else:
        await event.answer(not_allowed())
