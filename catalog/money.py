"""Money: whole đồng, formatted for the reader's locale."""

from __future__ import annotations

import re

from babel.numbers import format_currency

_BABEL_LOCALES = {"vi": "vi_VN", "en": "en"}


def format_vnd(amount: int, locale: str) -> str:
    """``250000`` → ``250.000 ₫`` (vi) or ``₫250,000`` (en)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("money is an integer number of đồng")
    return format_currency(amount, "VND", locale=_BABEL_LOCALES.get(locale, locale))


_GROUPED = re.compile(r"\d{1,3}(?:([.,  ])\d{3})(?:\1\d{3})*")


def parse_vnd(text: str) -> int | None:
    """What people type for an amount of đồng: ``180000``, ``180.000``, ``180,000``, ``180 000``
    (and a trailing ``đ``/``₫``/``VND``). None when it is not a whole amount."""
    cleaned = text.strip().removesuffix("VND").removesuffix("vnd").rstrip(" đ₫").strip()
    if cleaned.isdigit():
        return int(cleaned) if len(cleaned) <= 15 else None
    if _GROUPED.fullmatch(cleaned):
        return int(re.sub(r"\D", "", cleaned))
    return None
