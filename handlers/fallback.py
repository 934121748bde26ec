"""What nothing else understood: a hint instead of silence. Registered last."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.menu import MenuButton, MenuItem, main_menu_kb

COMING_SOON = (MenuItem.catalog, MenuItem.search, MenuItem.cart, MenuItem.orders)


async def on_coming_soon(message: Message) -> None:
    await message.answer(
        _("This part of the shop opens soon. Meanwhile: /help"), reply_markup=main_menu_kb()
    )


async def on_unknown_message(message: Message) -> None:
    if message.text and message.text.startswith("/"):
        text = _("I don't know that command. Use the menu below, or /help.")
    else:
        text = _("I didn't understand that. Use the menu below, or /help.")
    await message.answer(text, reply_markup=main_menu_kb())


async def on_stale_button(query: CallbackQuery) -> None:
    # An unanswered button press leaves the user's spinner turning.
    await query.answer(_("This menu has expired. Send /start for a fresh one."), show_alert=True)


def create_router() -> Router:
    router = Router(name=__name__)
    for item in COMING_SOON:
        router.message.register(on_coming_soon, F.chat.type == "private", MenuButton(item))
    router.message.register(on_unknown_message, F.chat.type == "private")
    router.callback_query.register(on_stale_button)
    return router
