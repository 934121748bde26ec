"""Money: whole đồng, formatted for the reader's locale."""

from __future__ import annotations

from babel.numbers import format_currency

_BABEL_LOCALES = {"vi": "vi_VN", "en": "en"}


def format_vnd(amount: int, locale: str) -> str:
    """``250000`` → ``250.000 ₫`` (vi) or ``₫250,000`` (en)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("money is an integer number of đồng")
    return format_currency(amount, "VND", locale=_BABEL_LOCALES.get(locale, locale))
