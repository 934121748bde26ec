"""A VietQR (NAPAS 247, EMVCo merchant-presented) payload, as payOS returns in ``qrCode``.

Written from the standard, not taken from the shop: the emulator must not import it."""

from __future__ import annotations

import re
import unicodedata

_NOT_PURPOSE = re.compile(r"[^0-9A-Za-z ]+")


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc


def ascii_purpose(text: str) -> str:
    """What a bank accepts as the purpose: ASCII letters, digits and single spaces."""
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_NOT_PURPOSE.sub(" ", plain).split())[:25].rstrip()


def vietqr_payload(bank_bin: str, account: str, amount: int, purpose: str) -> str:
    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    merchant = _tlv("00", "A000000727") + _tlv("01", beneficiary) + _tlv("02", "QRIBFTTA")
    body = (
        _tlv("00", "01")
        + _tlv("01", "12")
        + _tlv("38", merchant)
        + _tlv("53", "704")
        + _tlv("54", str(amount))
        + _tlv("58", "VN")
        + (_tlv("62", _tlv("08", ascii_purpose(purpose))) if ascii_purpose(purpose) else "")
        + "6304"
    )
    return body + f"{crc16(body.encode('ascii')):04X}"
