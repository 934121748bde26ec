"""The storefront on Telegram: what a customer does in a private chat, turned into the
storefront's events (storefront/conversation.py decides what follows), answered through
handlers/output.py.

Two routers: ``create_router`` takes what works whatever the person is doing (/start and
links, the menu, buttons, a search's query) and passes the rest on to the staff's tools;
``create_answers_router``, registered after them, takes the checkout's answers, a search
typed at the main menu and anything not understood.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import CommandObject, CommandStart, Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject, User
from aiogram.utils.i18n import I18n

from catalog.language_cache import LanguageCache
from catalog.services.payments.links import CheckoutPayments
from catalog.snapshot import CatalogCache
from catalog.uow import UnitOfWork
from handlers.links import TelegramLinks
from handlers.menu import private_router
from handlers.output import TelegramOutput
from handlers.screens import PhotoCache, chat_message
from handlers.settings import Settings
from handlers.start import staff_hints
from storefront import conversation
from storefront.actions import decode
from storefront.visit import Contact, Event, Location, Other, Person, Press, Start, Text, Visit

CHANNEL = "telegram"


def person_of(user: User) -> Person:
    return Person(
        user_id=user.id,
        channel=CHANNEL,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
    )


def message_event(message: Message) -> Event:
    if message.contact is not None:
        contact = message.contact
        name = " ".join(filter(None, (contact.first_name, contact.last_name)))
        return Contact(contact.phone_number, name)
    if message.location is not None:
        return Location(message.location.latitude, message.location.longitude)
    if message.text is not None:
        return Text(message.text)
    return Other()


class Visiting:
    """Builds the storefront's visit from what the dispatcher hands an update's handlers."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.uow: UnitOfWork = data["uow"]
        self.state: FSMContext = data["state"]
        self.catalog_cache: CatalogCache = data["catalog_cache"]
        self.settings: Settings = data["settings"]
        self.photos: PhotoCache = data["photos"]
        self.bot: Bot = data["bot"]
        self.i18n: I18n = data["i18n"]
        self.language_cache: LanguageCache = data["language_cache"]
        self.payments: CheckoutPayments = data.get("payments") or CheckoutPayments()

    def visit(self, user: User, query: CallbackQuery | None = None) -> Visit:
        out = TelegramOutput(self.bot, user.id, self.photos, self.settings.media_dir, query)
        return Visit(
            person=person_of(user),
            state=self.state,
            uow=self.uow,
            catalog=self.catalog_cache,
            out=out,
            links=TelegramLinks(self.bot),
            language_cache=self.language_cache,
            media_dir=self.settings.media_dir,
            staff=staff_hints(
                user, self.uow, self.settings, self.catalog_cache, self.bot, self.i18n
            ),
            payments=self.payments,
        )


class VisitingMiddleware(BaseMiddleware):
    """Hands the storefront's handlers ``visiting``, built from what the dispatcher injects."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data["visiting"] = Visiting(data)
        return await handler(event, data)


class StorefrontPress(Filter):
    """A press of one of the storefront's buttons; the handler receives it as ``press``."""

    async def __call__(self, query: CallbackQuery, **_data: Any) -> bool | dict[str, Any]:
        action = decode(query.data)
        if action is None:
            return False
        return {"press": Press(action, on_screen=chat_message(query) is not None)}


async def on_start(message: Message, command: CommandObject, visiting: Visiting) -> None:
    if message.from_user is not None:
        await conversation.first(visiting.visit(message.from_user), Start(command.args))


async def on_message(message: Message, visiting: Visiting) -> None:
    if message.from_user is None:
        raise SkipHandler
    if not await conversation.first(visiting.visit(message.from_user), message_event(message)):
        # Not the storefront's (a staff command, a spreadsheet, a wizard's photo…).
        raise SkipHandler


async def on_press(query: CallbackQuery, press: Press, visiting: Visiting) -> None:
    await conversation.on_press(visiting.visit(query.from_user, query), press)


async def on_answer(message: Message, visiting: Visiting) -> None:
    if message.from_user is not None:
        await conversation.rest(visiting.visit(message.from_user), message_event(message))


def _router(name: str) -> Router:
    router = private_router(name)
    router.message.middleware(VisitingMiddleware())
    router.callback_query.middleware(VisitingMiddleware())
    return router


def create_router() -> Router:
    router = _router(__name__)
    router.message.register(on_start, CommandStart())
    router.message.register(on_message)
    router.callback_query.register(on_press, StorefrontPress())
    return router


def create_answers_router() -> Router:
    router = _router(f"{__name__}.answers")
    router.message.register(on_answer)
    return router
