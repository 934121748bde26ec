"""payOS (payos.vn/docs, SDK payOSHQ/payos-lib-python): payment links for orders, their
webhook checked and read, and a link's payments read back for reconciliation.

payOS's webhook carries no authentication header: ``signature`` is hex HMAC-SHA256 of the
``data`` object with the producer's checksum key, over ``key=value`` pairs of its keys in
alphabetical order joined by ``&``, values not URL-encoded, null/"null"/"undefined" as "",
booleans as ``true``/``false``, arrays as compact JSON with sorted keys [documented, and the
SDK's]. Answers of its API are signed the same way. One link may be paid by several
transfers, each with its own ``reference``: the key of a notification.

``POST /confirm-webhook`` makes payOS post a test notification (its sample data, an
``orderCode`` that is not the shop's) that must be answered 2xx; it is recorded as ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import aiohttp

from catalog.models import PaymentProvider
from catalog.payments.directory import ProducerKeys
from catalog.payments.incoming import (
    Incoming,
    Malformed,
    bank_time,
    body_object,
    identifier,
    text,
    whole_dong,
)
from catalog.payments.sepay import ApiFailed

TIMEOUT = aiohttp.ClientTimeout(total=8)


def _value(value: Any) -> str:
    if value is None or value in ("null", "undefined"):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        items = [
            {key: item[key] for key in sorted(item)} if isinstance(item, dict) else item
            for item in value
        ]
        return json.dumps(items, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return str(value)


def data_signature(data: dict[str, Any], checksum_key: str) -> str:
    message = "&".join(f"{key}={_value(data[key])}" for key in sorted(data))
    return hmac.new(checksum_key.encode(), message.encode(), hashlib.sha256).hexdigest()


def authentic(body: object, checksum_key: str) -> bool:
    """Whether the body's ``signature`` signs its ``data`` with this checksum key."""
    if not isinstance(body, dict) or not checksum_key:
        return False
    data, given = body.get("data"), body.get("signature")
    if not isinstance(data, dict) or not isinstance(given, str):
        return False
    expected = data_signature(data, checksum_key)
    return hmac.compare_digest(given.strip().lower().encode(), expected.encode())


def read(payload: object) -> Incoming:
    body = body_object(payload)
    data = body_object(body.get("data"))
    amount = whole_dong(data.get("amount"), "amount")
    if amount < 0:
        raise Malformed("amount")
    order_code = identifier(data, "orderCode")
    link_id = text(data, "paymentLinkId")
    reference = text(data, "reference")
    moment = text(data, "transactionDateTime")
    key = reference or f"{link_id}:{moment}:{amount}"
    return Incoming(
        provider=PaymentProvider.payos,
        transaction_id=key[:64],
        account_number=text(data, "accountNumber"),
        incoming=True,
        amount=amount,
        content=text(data, "description"),
        code=order_code,
        reference=reference,
        transacted_at=bank_time(moment),
        sub_account=text(data, "virtualAccountNumber"),
        link_id=link_id,
        payload=body,
    )


def request_signature(body: dict[str, Any], checksum_key: str) -> str:
    """``POST /v2/payment-requests``: five fields in alphabetical order."""
    fields = ("amount", "cancelUrl", "description", "orderCode", "returnUrl")
    message = "&".join(f"{name}={_value(body.get(name))}" for name in fields)
    return hmac.new(checksum_key.encode(), message.encode(), hashlib.sha256).hexdigest()


def _headers(keys: ProducerKeys) -> dict[str, str]:
    return {"x-client-id": keys.payos_client_id, "x-api-key": keys.payos_api_key}


async def _call(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    keys: ProducerKeys,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """payOS's answer ``data``, its signature checked; ``ApiFailed`` otherwise."""
    try:
        async with session.request(
            method, url, json=body, headers=_headers(keys), timeout=TIMEOUT
        ) as reply:
            answer = await reply.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as err:
        raise ApiFailed(f"payOS API: {err}") from err
    if not isinstance(answer, dict) or answer.get("code") != "00":
        code = answer.get("code") if isinstance(answer, dict) else None
        desc = answer.get("desc") if isinstance(answer, dict) else None
        raise ApiFailed(f"payOS API: {code} {desc}")
    data = answer.get("data")
    signature = answer.get("signature")
    if (
        not isinstance(data, dict)
        or not isinstance(signature, str)
        or not hmac.compare_digest(
            signature.lower().encode(), data_signature(data, keys.payos_checksum_key).encode()
        )
    ):
        raise ApiFailed("payOS API: an answer without a valid signature")
    return data


async def create_link(
    session: aiohttp.ClientSession,
    base_url: str,
    keys: ProducerKeys,
    *,
    order_code: int,
    amount: int,
    description: str,
    return_url: str,
) -> dict[str, Any]:
    """A payment link: ``qrCode`` (a VietQR payload), ``checkoutUrl``, ``paymentLinkId``."""
    body: dict[str, Any] = {
        "orderCode": order_code,
        "amount": amount,
        "description": description,
        "cancelUrl": return_url,
        "returnUrl": return_url,
    }
    body["signature"] = request_signature(body, keys.payos_checksum_key)
    data = await _call(session, "POST", f"{base_url.rstrip('/')}/v2/payment-requests", keys, body)
    if not isinstance(data.get("qrCode"), str) or not data.get("paymentLinkId"):
        raise ApiFailed("payOS API: a link without its QR code")
    return data


async def link_payments(
    session: aiohttp.ClientSession, base_url: str, keys: ProducerKeys, link_id: str
) -> tuple[dict[str, Any], list[Incoming]]:
    """A link's information and its payments, as the webhook would have told them."""
    url = f"{base_url.rstrip('/')}/v2/payment-requests/{link_id}"
    data = await _call(session, "GET", url, keys)
    found = []
    for row in data.get("transactions") or []:
        if not isinstance(row, dict):
            continue
        listed = {
            "orderCode": data.get("orderCode"),
            "paymentLinkId": data.get("id", link_id),
            **row,
        }
        try:
            found.append(read({"data": listed}))
        except Malformed:
            continue
    return data, found
