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
