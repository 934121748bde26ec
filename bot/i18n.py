"""Translations: the gettext catalogs, and the middleware that picks each user's language."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from catalog.services import users
from catalog.uow import UnitOfWork
from locales import LOCALES_DIR

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


def N_(msgid: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return msgid


class TranslationsMissing(RuntimeError):
    """The ``.mo`` files are not built: ``make i18n`` (or ``make run``) compiles them."""


def build_i18n(default_locale: str = DEFAULT_LANGUAGE, path: Path = LOCALES_DIR) -> I18n:
    try:
        i18n = I18n(path=path, default_locale=default_locale, domain="messages")
    except RuntimeError as err:
        raise TranslationsMissing(str(err)) from None
    missing = [language for language in LANGUAGES if language not in i18n.available_locales]
    if missing:
        raise TranslationsMissing(f"no compiled catalog for {', '.join(missing)} in {path}")
    return i18n


def telegram_language(user: User | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Telegram's language_code when we speak it (``vi``, ``en-GB`` → ``en``), else the default."""
    code = (user.language_code or "") if user else ""
    base = code.split("-")[0].lower()
    return base if base in LANGUAGES else default


class LanguageCache:
    """What this process knows of each user: the chosen language and the registration.

    A tap then costs no query, and a returning user's /start no write. Bounded, least
    recently used out. Written through by whoever changes a language in this process.
    """

    _UNKNOWN = ""

    def __init__(self, size: int = 50_000) -> None:
        self._size = size
        self._items: OrderedDict[int, tuple[str, users.Registration | None]] = OrderedDict()

    def get(self, user_id: int) -> str | None:
        """The chosen language; ``""`` if the user chose none; None if not cached."""
        item = self._items.get(user_id)
        if item is None:
            return None
        self._items.move_to_end(user_id)
        return item[0]

    def registration(self, user_id: int) -> users.Registration | None:
        """The registration last written or read, if this process knows it."""
        item = self._items.get(user_id)
        return item[1] if item else None

    def put(
        self,
        user_id: int,
        language: str | None,
        registration: users.Registration | None = None,
    ) -> None:
        if registration is None and user_id in self._items:
            registration = self._items[user_id][1]
        self._items[user_id] = (language or self._UNKNOWN, registration)
        self._items.move_to_end(user_id)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def remember(self, user_id: int, known: users.KnownUser | None) -> str:
        """Keep what the database said; returns the chosen language (or ``""``)."""
        if known is None:
            self.put(user_id, None)
        else:
            self.put(user_id, known.language, known.registration)
        return self.get(user_id) or self._UNKNOWN


class UserLanguageMiddleware(I18nMiddleware):
    """The saved language, else Telegram's when it is vi or en, else Vietnamese."""

    def __init__(self, i18n: I18n, cache: LanguageCache) -> None:
        super().__init__(i18n)
        self.cache = cache

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: User | None = data.get("event_from_user")
        if user is None:
            return self.i18n.default_locale
        chosen = self.cache.get(user.id)
        uow: UnitOfWork | None = data.get("uow")
        if chosen is None and uow is not None:
            chosen = self.cache.remember(user.id, await users.known_user(uow, user.id))
        return chosen or telegram_language(user, self.i18n.default_locale)
