"""Translations: the gettext catalogs, and the middleware that picks each user's language."""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from catalog.language_cache import LanguageCache
from catalog.services import users
from catalog.uow import UnitOfWork
from locales import LOCALES_DIR, translation

DEFAULT_LANGUAGE = "vi"


class TranslationsMissing(RuntimeError):
    """The ``.mo`` files are not built: ``make i18n`` (or ``make run``) compiles them."""


class ShopI18n(I18n):
    """aiogram's translations, bound to the language every channel reads
    (``locales.translation``): setting one sets the other."""

    def __init__(self, *, path: Path, default_locale: str) -> None:
        super().__init__(path=path, default_locale=default_locale, domain=translation.DOMAIN)
        translation.install(translation.Catalogs.of(self.locales, default_locale))

    @property
    def current_locale(self) -> str:
        return translation.LANGUAGE.get(None) or self.default_locale

    @current_locale.setter
    def current_locale(self, value: str) -> None:
        translation.LANGUAGE.set(value)

    @contextmanager
    def use_locale(self, locale: str) -> Generator[None, None, None]:
        with translation.use_language(locale):
            yield

    @contextmanager
    def context(self) -> Generator[I18n, None, None]:
        # aiogram keeps "the current I18n" per class, and its gettext asks I18n's.
        token = I18n.set_current(self)
        try:
            yield self
        finally:
            I18n.reset_current(token)


def build_i18n(default_locale: str = DEFAULT_LANGUAGE, path: Path = LOCALES_DIR) -> I18n:
    try:
        i18n = ShopI18n(path=path, default_locale=default_locale)
    except RuntimeError as err:
        raise TranslationsMissing(str(err)) from None
    missing = [language for language in users.LANGUAGES if language not in i18n.available_locales]
    if missing:
        raise TranslationsMissing(f"no compiled catalog for {', '.join(missing)} in {path}")
    return i18n


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
        return users.preferred_language(chosen, user.language_code, self.i18n.default_locale)
