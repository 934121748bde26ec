"""A provider's notification, read: what every provider's payload says in the same terms,
and the checks of the values in it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from catalog.models import PaymentProvider
from catalog.rules import SHOP_TIMEZONE


class Malformed(ValueError):
    """The payload is not what the provider documents (a field missing or of a wrong type)."""


@dataclass(frozen=True, slots=True)
class Incoming:
    provider: PaymentProvider
    # Unique per provider: a repeat of the same transfer carries the same one.
    transaction_id: str
    account_number: str
    incoming: bool
    amount: int  # đồng, positive
    content: str
    code: str = ""  # the order code the provider read (SePay's code, payOS's orderCode)
    reference: str = ""
    transacted_at: datetime | None = None
    sub_account: str = ""  # a virtual account of the account
    link_id: str = ""  # payOS's paymentLinkId
    payload: dict[str, Any] = field(default_factory=dict)


_DECIMAL: Final = re.compile(r"-?[0-9]{1,15}(?:\.0+)?")


def whole_dong(value: object, name: str) -> int:
    """An amount as the providers write it: an integer, a float without a fraction, or a
    string of digits (SePay's older API writes ``"2277000.00"``)."""
    if isinstance(value, bool):
        raise Malformed(name)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        return int(value.strip().split(".")[0])
    raise Malformed(name)


def text(payload: dict[str, Any], name: str, *, required: bool = False) -> str:
    """A string field; null or absent is "" unless ``required``; numbers are written out
    (an account number sent as a number)."""
    value = payload.get(name)
    if value is None:
        if required:
            raise Malformed(name)
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Malformed(name)
    return str(value).strip()


def identifier(payload: dict[str, Any], name: str) -> str:
    """An id: an integer or a non-empty string of at most 64 characters."""
    value = payload.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and 0 < len(value.strip()) <= 64:
        return value.strip()
    raise Malformed(name)


def bank_time(value: object) -> datetime | None:
    """``2024-10-03 15:06:37`` (Vietnam time, as the providers print it), or ISO 8601."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHOP_TIMEZONE)


def body_object(payload: object) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise Malformed("body")
    return payload
