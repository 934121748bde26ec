"""The Page's Messenger profile: the Get Started button (its tap starts the conversation, with
an m.me link's ref when one opened the thread), the greeting shown before it, and the
persistent menu — in Vietnamese (the default) and English. Set in one call at start-up: the
Messenger Profile API allows 10 calls per 10 minutes per Page."""

from __future__ import annotations

from typing import Any

from bot.messenger.drawing import cut
from bot.messenger.events import GET_STARTED
from locales.translation import gettext as _
from locales.translation import use_language
from storefront.actions import OpenMenu
from storefront.menu import LAYOUT, MENU

MAX_GREETING = 160
MAX_MENU_TITLE = 30
# Messenger's locales for each of the shop's languages; "default" is the shop's default.
LOCALES = {"vi": ("vi_VN",), "en": ("en_US", "en_GB")}
FIELDS = ("messages", "messaging_postbacks", "messaging_referrals", "feed")


def greeting_text() -> str:
    return cut(
        _(
            "Products of Hanoi's craft villages and cooperatives, OCOP-certified. "
            "Press Get Started to browse and order."
        ),
        MAX_GREETING,
    )


def menu_items() -> list[dict[str, Any]]:
    return [
        {
            "type": "postback",
            "title": cut(MENU[item].text(), MAX_MENU_TITLE),
            "payload": OpenMenu(item=item).pack(),
        }
        for row in LAYOUT
        for item in row
    ]


def profile(default_language: str = "vi") -> dict[str, Any]:
    """The Messenger Profile API's fields, every locale at once."""
    greetings: list[dict[str, Any]] = []
    menus: list[dict[str, Any]] = []
    languages = [("default", default_language)] + [
        (locale, language)
        for language, locales in LOCALES.items()
        if language != default_language
        for locale in locales
    ]
    for locale, language in languages:
        with use_language(language):
            greetings.append({"locale": locale, "text": greeting_text()})
            menus.append(
                {
                    "locale": locale,
                    "composer_input_disabled": False,
                    "call_to_actions": menu_items(),
                }
            )
    return {
        "get_started": {"payload": GET_STARTED},
        "greeting": greetings,
        "persistent_menu": menus,
    }
