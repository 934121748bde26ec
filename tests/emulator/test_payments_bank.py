"""The emulated bank: accounts, transfers, and the transfer content changed the way
Vietnamese banks change it, the same way every time a test asks for a variant."""

from __future__ import annotations

import pytest

from emulators.payments import EmulatedClock, Mangle, Mangling, Payer
from emulators.payments.bank import Bank
from emulators.payments.vietqr import vietqr_payload


@pytest.fixture
def bank() -> Bank:
    return Bank(EmulatedClock())


@pytest.mark.parametrize(
    ("mangling", "expected"),
    [
        (Mangle.NONE, "Đơn hàng OCOP DH00012"),
        (Mangle.FOLDED, "DON HANG OCOP DH00012"),
        (Mangle.DOTS, "DON.HANG.OCOP.DH00012"),
        (Mangle.BROKEN, "DON HANG OCOP DH000 12"),
        (Mangle.MBVCB, "MBVCB.8765.DON.HANG.OCOP.DH00012.CT tu 0881000458723 TRAN THI BINH"),
        (Mangle.WORST, "MBVCB.8765.DON.HANG.OCOP.DH000 12.CT tu 0881000458723 TRAN THI BINH"),
        (
            Mangling(prefix="{seq}-", suffix=" GD {payer_account}"),
            "8765-Đơn hàng OCOP DH00012 GD 0881000458723",
        ),
    ],
)
def test_banks_rewrite_the_content_as_the_variant_says(
    bank: Bank, mangling: Mangling, expected: str
) -> None:
    account = bank.open_account("970422", "0123456789", "HTX Gốm", "gom")
    tx = bank.transfer(
        account, 250_000, "Đơn hàng OCOP DH00012", mangling=mangling, payer=Payer("Trần Thị Bình")
    )
    assert tx.content == expected
    assert tx.typed == "Đơn hàng OCOP DH00012"


def test_transfers_keep_the_balance_and_a_reference(bank: Bank) -> None:
    account = bank.open_account("970436", "1012345678", "Tinh dầu", "tinh-dau")
    first = bank.transfer(account, 100_000, "DH00001")
    second = bank.transfer(account, 30_000, "hoan tien", direction="out")
    assert (first.balance_after, second.balance_after) == (100_000, 70_000)
    assert first.reference != second.reference
    assert first.reference.startswith("FT")
    assert account.holder == "TINH DAU"
    assert bank.account("1012345678") is account


def test_accounts_and_amounts_are_checked(bank: Bank) -> None:
    with pytest.raises(ValueError, match="BIN"):
        bank.open_account("123456", "0123456789", "X", "x")
    with pytest.raises(ValueError, match="digits"):
        bank.open_account("970422", "01234-56789", "X", "x")
    account = bank.open_account("970422", "0123456789", "X", "x")
    with pytest.raises(ValueError, match="already"):
        bank.open_account("970422", "0123456789", "Y", "y")
    for amount in (0, -5, 10.5, True):
        with pytest.raises(ValueError, match="positive"):
            bank.transfer(account, amount, "DH00001")  # type: ignore[arg-type]
    with pytest.raises(LookupError):
        bank.account("999999")


def test_payos_qr_codes_follow_the_vietqr_standard() -> None:
    # DOMAIN.md's worked example: ACB, account 257678859, 10,000 ₫, "Chuyen tien".
    assert vietqr_payload("970416", "257678859", 10000, "Chuyển tiền") == (
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
        "53037045405100005802VN62150811Chuyen tien630453E6"
    )
