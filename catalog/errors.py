"""Domain errors. They carry data, never display text: the caller words them."""

from __future__ import annotations


class ShopError(Exception):
    """Base class of the errors a person's action can run into."""


class UnsupportedLanguage(ShopError):
    def __init__(self, language: str) -> None:
        super().__init__(language)
        self.language = language
