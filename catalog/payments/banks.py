"""The banks a VietQR code can name, by their NAPAS BIN, and what a producer's account
may look like: the list is data in the repository (``catalog/data/vietqr_banks.json``,
which records its source), read once."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

# What banks print on account numbers: digits only; NAPAS allows up to 19.
_ACCOUNT: Final = re.compile(r"[0-9]{6,19}")
MAX_HOLDER_LENGTH: Final = 100  # producers.bank_account_name


@dataclass(frozen=True, slots=True)
class Bank:
    bin: str
    code: str
    short_name: str
    name: str


@cache
def banks() -> dict[str, Bank]:
    """Every bank of the list, by BIN."""
    text = resources.files("catalog").joinpath("data/vietqr_banks.json").read_text("utf-8")
    return {row["bin"]: Bank(**row) for row in json.loads(text)["banks"]}


def bank(bin_: str) -> Bank | None:
    return banks().get(bin_.strip())


def is_account_number(text: str) -> bool:
    return _ACCOUNT.fullmatch(text) is not None


def account_digits(text: str) -> str:
    """An account number as people write it (``0123 456 789``, ``0123.456.789``): digits."""
    return re.sub(r"[\s.\-]", "", text)
