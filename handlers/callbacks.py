"""Callback data of every inline button: short prefixes, ids, enums (at most 64 bytes)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class Language(StrEnum):
    vi = "vi"
    en = "en"


class LanguageCb(CallbackData, prefix="lang"):
    code: Language
