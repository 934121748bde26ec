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

from catalog.errors import ShopError
from catalog.payments.matching import normalise

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


def find_bank(text: str) -> Bank | None:
    """A bank by its BIN (``970422``), code (``MB``, ``VCB``) or short name (``MBBank``)."""
    key = text.strip()
    found = bank(key)
    if found is not None:
        return found
    folded = normalise(key).replace(" ", "")
    return next(
        (
            each
            for each in banks().values()
            if folded in (normalise(each.code).replace(" ", ""), normalise(each.short_name))
        ),
        None,
    )


@dataclass(frozen=True, slots=True)
class BankDetails:
    """A producer's account: what its VietQR codes carry."""

    bin: str
    account: str
    holder: str


class BadBank(ShopError):
    """``field`` (``bin``, ``account`` or ``holder``) is not acceptable: ``value``."""

    def __init__(self, field: str, value: str) -> None:
        super().__init__(field, value)
        self.field = field
        self.value = value


def check_bank(bin_or_name: str, account: str, holder: str) -> BankDetails:
    """A bank of the VietQR list, an account number of digits, the holder's name as banks
    print it (no accents, upper case); ``BadBank`` names what is wrong."""
    found = find_bank(bin_or_name)
    if found is None:
        raise BadBank("bin", bin_or_name)
    digits = account_digits(account)
    if not is_account_number(digits):
        raise BadBank("account", account)
    printed = " ".join(normalise(holder).split())
    if not printed or len(printed) > MAX_HOLDER_LENGTH or not printed.isascii():
        raise BadBank("holder", holder)
    return BankDetails(found.bin, digits, printed)
