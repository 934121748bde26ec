"""Vietnamese text helpers: normalisation and accent-insensitive folding for search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# What other keyboards and copied text put where a Vietnamese letter belongs: the Icelandic
# eth Ð/ð and the African D Ɖ/ɖ look exactly like Đ/đ; zero-width characters and soft
# hyphens are invisible. NFKC then turns full-width letters and digits into plain ones.
_LOOKALIKES = str.maketrans(
    {
        "\u00d0": "Đ",  # Ð LATIN CAPITAL LETTER ETH
        "\u00f0": "đ",  # ð
        "\u0189": "Đ",  # Ɖ LATIN CAPITAL LETTER AFRICAN D
        "\u0256": "đ",  # ɖ
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "\u2060": None,  # word joiner
        "\ufeff": None,  # zero-width no-break space (BOM)
    }
)
# A hyphen or dash between two words: "Bát-Tràng", "Văn Miếu - Quốc Tử Giám".
_HYPHENS = re.compile(r"[-\u2010-\u2015\u2212]+")


def nfc(text: str) -> str:
    """Precomposed form, so that equal-looking strings compare equal."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower case, no tone or vowel marks, ``đ`` as ``d``: "Bát Tràng" → "bat trang".

    Look-alike letters (Ð, Ɖ), full-width forms, invisible characters and hyphens between
    words fold as what they look like: "Bát-Tràng" and "ＢＡＴ ＴＲＡＮＧ" → "bat trang".
    """
    plain = unicodedata.normalize("NFKC", text.translate(_LOOKALIKES)).casefold()
    plain = _HYPHENS.sub(" ", plain.replace("đ", "d"))
    # NFD splits "ệ" into "e" + marks; đ has no decomposition and was mapped by hand above.
    decomposed = unicodedata.normalize("NFD", plain)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()


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


def N_(msgid: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return msgid
