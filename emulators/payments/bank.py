"""The banks behind the providers: producers' accounts, and customers' transfers to them, with
the transfer content changed the way Vietnamese banks change it.

A bank keeps what the customer typed only in its own way: it drops accents, upper-cases, turns
spaces into dots, adds its own prefix (``MBVCB.8765.``) and suffix (``.CT tu 0123… NAME``),
and sometimes breaks a word with a space. A ``Mangling`` says which of these a transfer
suffers, so that a test chooses the variant it needs and gets the same text every time."""

from __future__ import annotations

import itertools
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from emulators.payments.clock import EmulatedClock


@dataclass(frozen=True)
class BankInfo:
    bin: str  # the NAPAS bank identification number in VietQR codes
    brand: str  # SePay's ``gateway``, Casso's ``bankName``
    abbreviation: str  # Casso's ``bankAbbreviation``


BANKS = {
    bank.bin: bank
    for bank in (
        BankInfo("970422", "MBBank", "MBB"),
        BankInfo("970436", "Vietcombank", "VCB"),
        BankInfo("970416", "ACB", "ACB"),
        BankInfo("970418", "BIDV", "BIDV"),
        BankInfo("970415", "VietinBank", "ICB"),
        BankInfo("970432", "VPBank", "VPB"),
        BankInfo("970426", "MSB", "MSB"),
        BankInfo("970423", "TPBank", "TPB"),
        BankInfo("970407", "Techcombank", "TCB"),
        BankInfo("970405", "Agribank", "VBA"),
    )
}


@dataclass
class Account:
    """A producer's bank account (``owner`` names the producer for the test)."""

    bank: BankInfo
    number: str
    holder: str
    owner: str
    balance: int = 0
    # SePay API v2 names bank accounts by UUID.
    uuid: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class Payer:
    """Who sends the money: the counter account a notification shows."""

    name: str = "NGUYEN VAN A"
    account: str = "0881000458723"
    bin: str = "970436"


@dataclass(frozen=True)
class Mangling:
    """How a bank rewrites the content. In order: ``fold`` drops accents and upper-cases,
    ``dots`` turns spaces into dots, ``break_at`` puts a space that many characters into
    the first word with a digit in it, then ``prefix`` and ``suffix`` are added. Prefix and
    suffix may name ``{seq}`` (a number the bank gives the transfer), ``{payer_account}``
    and ``{payer_name}``."""

    fold: bool = False
    dots: bool = False
    break_at: int = 0
    prefix: str = ""
    suffix: str = ""


class Mangle:
    """The variants a test usually wants."""

    NONE = Mangling()
    FOLDED = Mangling(fold=True)
    DOTS = Mangling(fold=True, dots=True)
    # As MB Bank shows a transfer from Vietcombank: `MBVCB.8765.OCOP.DH00012.CT tu 0881… NAME`.
    MBVCB = Mangling(
        fold=True, dots=True, prefix="MBVCB.{seq}.", suffix=".CT tu {payer_account} {payer_name}"
    )
    # A space inside the order number: `OCOP DH000 12`.
    BROKEN = Mangling(fold=True, break_at=5)
    # Everything at once: `MBVCB.8765.OCOP.DH000 12.CT tu 0881… NAME`.
    WORST = Mangling(
        fold=True,
        dots=True,
        break_at=5,
        prefix="MBVCB.{seq}.",
        suffix=".CT tu {payer_account} {payer_name}",
    )


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


def mangle(content: str, how: Mangling, *, seq: int, payer: Payer) -> str:
    text = fold(content) if how.fold else content
    if how.dots:
        text = ".".join(text.split())
    if how.break_at:
        word = re.search(r"[^\s.]*\d[^\s.]*", text)
        if word is not None and len(word.group()) > how.break_at:
            cut = word.start() + how.break_at
            text = text[:cut] + " " + text[cut:]
    names = {"seq": seq, "payer_account": payer.account, "payer_name": fold(payer.name)}
    return how.prefix.format(**names) + text + how.suffix.format(**names)


@dataclass(frozen=True)
class BankTransaction:
    seq: int
    account: Account
    direction: Literal["in", "out"]
    amount: int
    typed: str  # what the customer typed
    content: str  # what the bank recorded
    reference: str  # the bank's reference, e.g. FT25123000001234
    at: datetime
    balance_after: int
    payer: Payer
    sub_account: str | None = None  # a virtual account of ``account``


class Bank:
    """Every account of every bank, and every transfer made to them."""

    def __init__(self, clock: EmulatedClock) -> None:
        self.clock = clock
        self.accounts: dict[tuple[str, str], Account] = {}
        self.transactions: list[BankTransaction] = []
        self._seq = itertools.count(8765)

    def open_account(self, bank_bin: str, number: str, holder: str, owner: str) -> Account:
        if bank_bin not in BANKS:
            raise ValueError(f"unknown bank BIN {bank_bin!r}")
        if not number.isdigit() or not 6 <= len(number) <= 19:
            raise ValueError(f"an account number is 6-19 digits: {number!r}")
        if (bank_bin, number) in self.accounts:
            raise ValueError(f"account {number} at {bank_bin} already exists")
        account = Account(BANKS[bank_bin], number, fold(holder), owner)
        self.accounts[bank_bin, number] = account
        return account

    def account(self, number: str, bank_bin: str | None = None) -> Account:
        found = [
            account
            for (bin_, num), account in self.accounts.items()
            if num == number and bank_bin in (None, bin_)
        ]
        if len(found) != 1:
            raise LookupError(f"no single account {number} (bank {bank_bin or 'any'})")
        return found[0]

    def transfer(
        self,
        account: Account,
        amount: int,
        content: str,
        *,
        mangling: Mangling = Mangle.NONE,
        payer: Payer | None = None,
        sub_account: str | None = None,
        direction: Literal["in", "out"] = "in",
    ) -> BankTransaction:
        """Money in (a customer's transfer) or out (the producer pays someone)."""
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ValueError(f"a transfer is a positive whole number of dong: {amount!r}")
        if self.accounts.get((account.bank.bin, account.number)) is not account:
            raise LookupError(f"account {account.number} is not at this bank")
        payer = payer or Payer()
        seq = next(self._seq)
        account.balance += amount if direction == "in" else -amount
        now = self.clock.now()
        tx = BankTransaction(
            seq=seq,
            account=account,
            direction=direction,
            amount=amount,
            typed=content,
            content=mangle(content, mangling, seq=seq, payer=payer),
            reference=f"FT{now:%y%j}{seq:09d}",
            at=now,
            balance_after=account.balance,
            payer=payer,
            sub_account=sub_account,
        )
        self.transactions.append(tx)
        return tx
