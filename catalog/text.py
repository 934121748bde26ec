"""Vietnamese text helpers: normalisation and accent-insensitive folding for search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Precomposed form, so that equal-looking strings compare equal."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower case, no tone or vowel marks, ``đ`` as ``d``: "Bát Tràng" → "bat trang"."""
    # NFD splits "ệ" into "e" + marks; đ has no decomposition and needs mapping by hand.
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def clean_line(text: str) -> str:
    """What a person typed, NFC-normalised, with surrounding whitespace removed."""
    return nfc(text).strip()


def search_text(*parts: str | None) -> str:
    """The folded text a search matches against: every name a customer might type."""
    return fold(" ".join(part for part in parts if part))


class Named:
    """Mixin for things named in Vietnamese and English (``name_vi``, ``name_en``)."""

    __slots__ = ()
    name_vi: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_vi


class Described:
    """Mixin for ``description_vi`` / ``description_en``."""

    __slots__ = ()
    description_vi: str
    description_en: str

    def description(self, language: str) -> str:
        return self.description_en if language == "en" else self.description_vi


class Measured:
    """Mixin for ``unit_vi`` / ``unit_en`` (what one unit of a product is)."""

    __slots__ = ()
    unit_vi: str
    unit_en: str

    def unit(self, language: str) -> str:
        return self.unit_en if language == "en" else self.unit_vi
