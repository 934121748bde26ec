"""The language of what is being written, and its gettext catalogs, for every channel.

One context variable holds the language of the update (or outbox message) in hand; every
part of the program reads it from here, whatever channel it serves: the channel-free
storefront calls :func:`gettext`, and the Telegram side's aiogram ``I18n`` is bound to the
same variable (bot/i18n.py), so the two never disagree.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from locales import LOCALES_DIR

DOMAIN = "messages"

LANGUAGE: ContextVar[str] = ContextVar("language")


class Catalogs:
    """The compiled catalogs (``<language>/LC_MESSAGES/messages.mo``) of a directory."""

    def __init__(self, path: Path = LOCALES_DIR, default: str = "vi") -> None:
        self.path = path
        self.default = default
        self.languages: dict[str, _gettext.GNUTranslations] = {}
        for folder in sorted(path.iterdir()):
            mo = folder / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if mo.is_file():
                with mo.open("rb") as file:
                    self.languages[folder.name] = _gettext.GNUTranslations(file)

    @classmethod
    def of(cls, languages: Mapping[str, _gettext.GNUTranslations], default: str) -> Catalogs:
        """Catalogs already loaded (by aiogram's ``I18n``), shared rather than read again."""
        catalogs = cls.__new__(cls)
        catalogs.path = LOCALES_DIR
        catalogs.default = default
        catalogs.languages = dict(languages)
        return catalogs


_installed: Catalogs | None = None


def install(catalogs: Catalogs) -> None:
    """The catalogs every :func:`gettext` reads from now on (the program loads them once)."""
    global _installed  # noqa: PLW0603 - one set of catalogs per process, loaded at start
    _installed = catalogs


def _catalogs() -> Catalogs:
    if _installed is None:
        install(Catalogs())
    assert _installed is not None
    return _installed


def default_language() -> str:
    return _catalogs().default


def language() -> str:
    """The language being written in: the person's, the group's, or the shop's default."""
    return LANGUAGE.get(None) or _catalogs().default


@contextmanager
def use_language(code: str) -> Iterator[None]:
    token = LANGUAGE.set(code)
    try:
        yield
    finally:
        LANGUAGE.reset(token)


def gettext(msgid: str, *, language_code: str | None = None) -> str:
    translations = _catalogs().languages.get(language_code or language())
    return translations.gettext(msgid) if translations else msgid


def ngettext(singular: str, plural: str, count: int) -> str:
    translations = _catalogs().languages.get(language())
    if translations is None:
        return singular if count == 1 else plural
    return translations.ngettext(singular, plural, count)


def languages() -> tuple[str, ...]:
    """The languages there are catalogs for."""
    return tuple(_catalogs().languages)
