"""VietQR (NAPAS 247) bank-transfer QR codes: the EMVCo payload and its PNG image."""

from __future__ import annotations

import re
import unicodedata

from catalog.printing.qr import qr_png

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
MAX_PURPOSE_LENGTH = 25

_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
_NOT_PURPOSE = re.compile(r"[^0-9A-Za-z ]+")
_SPACES = re.compile(r" {2,}")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_FIELD_HEADER = re.compile(r"[0-9]{4}")
_CRC_TAG = "6304"
# Templates whose values are TLV lists themselves: merchant account (38), its beneficiary
# (38.01), and additional data (62).
_TEMPLATES = frozenset({"38", "38.01", "62"})


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def build_payload(*, bank_bin: str, account: str, amount: int | None, purpose: str) -> str:
    """The text a banking app scans: static without an amount, dynamic with one.

    The purpose goes through :func:`purpose_text`; if nothing is left, field 62 is left out.
    """
    if not _BIN.fullmatch(bank_bin):
        raise ValueError("bank_bin", bank_bin)
    if not _ACCOUNT.fullmatch(account):
        raise ValueError("account", account)
    if amount is not None and (
        isinstance(amount, bool)
        or not isinstance(amount, int)
        or amount <= 0
        or len(str(amount)) > 13
    ):
        raise ValueError("amount", amount)

    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    merchant_account = (
        _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", SERVICE_TO_ACCOUNT)
    )
    fields = [
        _tlv("00", "01"),
        _tlv("01", "11" if amount is None else "12"),
        _tlv("38", merchant_account),
        _tlv("53", CURRENCY_VND),
    ]
    if amount is not None:
        fields.append(_tlv("54", str(amount)))
    fields.append(_tlv("58", COUNTRY_VN))
    clean_purpose = purpose_text(purpose)
    if clean_purpose:
        fields.append(_tlv("62", _tlv("08", clean_purpose)))
    body = "".join(fields) + _CRC_TAG
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def purpose_text(purpose: str) -> str:
    """``"Đơn hàng #1024 – Bát Tràng"`` → ``"Don hang 1024 Bat Trang"``: what banks accept."""
    decomposed = unicodedata.normalize("NFD", purpose.replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    spaced = _NOT_PURPOSE.sub(" ", ascii_only)
    return _SPACES.sub(" ", spaced).strip()[:MAX_PURPOSE_LENGTH].rstrip()


def parse_payload(payload: str) -> dict[str, str]:
    """What a banking app reads: ``{"38.01.00": "970416", "54": "10000", ...}``; checks the CRC."""
    if payload[-8:-4] != _CRC_TAG:
        raise ValueError("crc_missing", payload)
    crc_text = payload[-4:]
    if not _HEX4.fullmatch(crc_text):
        raise ValueError("crc_malformed", crc_text)
    expected = crc16_ccitt_false(payload[:-4].encode("utf-8"))
    if int(crc_text, 16) != expected:
        raise ValueError("crc_mismatch", crc_text, f"{expected:04X}")
    fields: dict[str, str] = {}
    _decode(payload, "", fields)
    # The trailing "6304" must be a field of its own, not bytes inside another field's value.
    if list(fields)[-1] != "63":
        raise ValueError("crc_not_last", payload)
    return fields


def render_qr_png(payload: str, *, box_size: int = 8) -> bytes:
    """The payload as a PNG QR code (error correction M, the standard 4-module quiet zone)."""
    return qr_png(payload, scale=box_size, error="m")


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError("field_too_long", tag, value)
    return f"{tag}{len(value):02d}{value}"


def _decode(data: str, prefix: str, into: dict[str, str]) -> None:
    seen: set[str] = set()
    position = 0
    while position < len(data):
        header = data[position : position + 4]
        if not _FIELD_HEADER.fullmatch(header):
            raise ValueError("bad_field_header", prefix, position)
        tag, length = prefix + header[:2], int(header[2:])
        value = data[position + 4 : position + 4 + length]
        if len(value) != length:
            raise ValueError("field_overruns_payload", tag)
        if tag in seen:
            raise ValueError("duplicate_field", tag)
        seen.add(tag)
        if tag in _TEMPLATES:
            _decode(value, tag + ".", into)
        else:
            into[tag] = value
        position += 4 + length
