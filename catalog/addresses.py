"""Delivery addresses after the July 2025 reform: 34 provinces and cities, no districts."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from catalog.collation import vi_sort_key
from catalog.errors import ShopError
from catalog.text import clean_line, fold

MAX_STREET_LENGTH = 300

# The nine centrally-run cities: Hà Nội first as the shop's home, the five others of the 2025
# reform, then the three made cities in 2026, by the date it took effect (Đồng Nai 30/04,
# Quảng Ninh 01/09, Bắc Ninh 20/09).
CITIES: Final = (
    "Hà Nội",
    "Huế",
    "Hải Phòng",
    "Đà Nẵng",
    "Cần Thơ",
    "Thành phố Hồ Chí Minh",
    "Đồng Nai",
    "Quảng Ninh",
    "Bắc Ninh",
)
_PROVINCES: Final = (
    "Tuyên Quang",
    "Cao Bằng",
    "Lai Châu",
    "Lào Cai",
    "Thái Nguyên",
    "Điện Biên",
    "Lạng Sơn",
    "Sơn La",
    "Phú Thọ",
    "Hưng Yên",
    "Ninh Bình",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Quảng Trị",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đắk Lắk",
    "Tây Ninh",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "An Giang",
)
PROVINCES: Final = CITIES + tuple(sorted(_PROVINCES, key=vi_sort_key))

# Words around a name: "Thành phố Hà Nội", "TP. HCM", "tỉnh Bắc Ninh", "Ho Chi Minh City".
_PREFIXES: Final = ("thanh pho ", "tp ", "tinh ")
_SUFFIXES: Final = (" city ", " province ")
_PUNCTUATION: Final = re.compile(r"[\W_]+")
_ALIASES: Final = {
    "hn": "Hà Nội",
    "hcm": "Thành phố Hồ Chí Minh",
    "hcmc": "Thành phố Hồ Chí Minh",
    "tphcm": "Thành phố Hồ Chí Minh",
    "saigon": "Thành phố Hồ Chí Minh",
    "sg": "Thành phố Hồ Chí Minh",
    "hp": "Hải Phòng",
    "thuathienhue": "Huế",
    "daclac": "Đắk Lắk",
}


class AddressProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


class InvalidAddress(ShopError):
    def __init__(self, reason: AddressProblem, *, max_length: int | None = None) -> None:
        super().__init__(reason, max_length)
        self.reason = reason
        self.max_length = max_length


def _compact(text: str) -> str:
    words = " " + _PUNCTUATION.sub(" ", fold(text)).strip() + " "
    for prefix in _PREFIXES:
        if words.startswith(" " + prefix):
            words = words[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if words.endswith(suffix):
            words = words[: -len(suffix) + 1]
            break
    return words.replace(" ", "")


def _build_index() -> dict[str, str]:
    index = {_compact(name): name for name in PROVINCES}
    for alias, name in _ALIASES.items():
        index.setdefault(alias, name)
    return index


_INDEX: Final = _build_index()


def match_province(text: str) -> str | None:
    """The canonical name of the province or city a person typed, or None."""
    return _INDEX.get(_compact(text))


# Words that begin the part of an address a courier finds a door by (folded): a house, a lane,
# a street, a hamlet, a block…
_STREET_WORDS: Final = frozenset(
    {"so", "nha", "ngo", "ngach", "hem", "kiet", "duong", "pho", "lo", "km", "thon", "xom"}
    | {"ap", "to", "doi", "bon", "buon", "ban", "lang", "cum", "khu", "toa", "tang", "phong"}
)


def looks_like_street(text: str) -> bool:
    """Whether text typed beside a ward can stand for the street: it has a number, or a word
    such as "ngõ", "phố", "thôn". "Tràng Thi" alone has neither: the house is asked for."""
    if any(character.isdigit() for character in text):
        return True
    return any(word in _STREET_WORDS for word in fold(text).replace(".", " ").split())


def format_address(street: str, ward: str, province: str) -> str:
    """One delivery address, as every screen and export shows it: street, ward, province."""
    return ", ".join(part for part in (street.strip(), ward.strip(), province.strip()) if part)


def validate_address_part(text: str, *, max_length: int) -> str:
    """A part of an address as typed, NFC-normalised and trimmed; markup and emoji are kept."""
    cleaned = clean_line(text)
    if not cleaned:
        raise InvalidAddress(AddressProblem.EMPTY)
    if len(cleaned) > max_length:
        raise InvalidAddress(AddressProblem.TOO_LONG, max_length=max_length)
    return cleaned
