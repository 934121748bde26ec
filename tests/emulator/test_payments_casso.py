"""The Casso emulator is as strict as developer.casso.vn and Casso's webhook v2 samples: the
body, the X-Casso-Signature header (re-computed here, first on Casso's published example),
retries and duplicates, and the transaction list."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from support.payment_receiver import Receiver

from emulators.payments import CassoBusiness, Mangle, PaymentsEmulator
from emulators.payments.bank import Account

API_KEY = "45e40320-e0b7-11eb-a12c-35cc867f21a0"
CHECKSUM = "g3oZ950pJQ4k6REhOPGkx37RsXgWz9QJ9RCAZ7i0yagLF32XQZtemQ6r3JIo4MCr"


def sorted_deep(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: sorted_deep(value[key]) for key in sorted(value)}
    return value


def v1(key: str, t: str, body: Any, *, ensure_ascii: bool) -> str:
    """Casso's verify sample: HMAC-SHA512 over t + "." + compact JSON, keys sorted."""
    text = json.dumps(sorted_deep(body), separators=(",", ":"), ensure_ascii=ensure_ascii)
    return hmac.new(key.encode(), f"{t}.{text}".encode(), hashlib.sha512).hexdigest()


def parse(header: str) -> tuple[str, str]:
    t, signature = header.split(",")
    assert t.startswith("t=")
    assert signature.startswith("v1=")
    return t[2:], signature[3:]


def test_the_signature_recipe_reproduces_cassos_published_example() -> None:
    """CassoHQ/casso-webhook-v2-verify-signature (python.py, php.php, golang.go)."""
    body = {
        "error": 0,
        "data": {
            "id": 0,
            "reference": "MA_GIAO_DICH_THU_NGHIEM",
            "description": "giao dich thu nghiem",
            "amount": 599000,
            "runningBalance": 25000000,
            "transactionDateTime": "2024-10-03 15:06:37",
            "accountNumber": "88888888",
            "bankName": "VPBank",
            "bankAbbreviation": "VPB",
            "virtualAccountNumber": "",
            "virtualAccountName": "",
            "counterAccountName": "NGUYEN VAN A",
            "counterAccountNumber": "8888888888",
            "counterAccountBankId": "970415",
            "counterAccountBankName": "VietinBank",
        },
    }
    key = "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs"
    assert v1(key, "1727948258788", body, ensure_ascii=True) == (
        "ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7"
        "dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3"
    )


@pytest.fixture
def account(payments: PaymentsEmulator) -> Account:
    return payments.open_account("970432", "88888888", "Chè Thái Nguyên", "che-thai")


def business(
    payments: PaymentsEmulator, account: Account, receiver: Receiver, **settings: Any
) -> CassoBusiness:
    made = payments.casso.add_business(
        API_KEY, webhook_url=receiver.url(), checksum_key=CHECKSUM, **settings
    )
    payments.casso.link(made, account)
    return made


async def test_the_webhook_body_and_signature(
    payments: PaymentsEmulator, account: Account, receiver: Receiver
) -> None:
    business(payments, account, receiver)
    tx = await payments.transfer(account, 599_000, "OCOP DH00012", mangling=Mangle.DOTS)
    (got,) = receiver.received
    body = got.json()
    assert list(body) == ["error", "data"]
    assert body == {
        "error": 0,
        "data": {
            "id": body["data"]["id"],
            "reference": tx.reference,
            "description": "OCOP.DH00012",
            "amount": 599_000,
            "runningBalance": 599_000,
            "transactionDateTime": tx.at.strftime("%Y-%m-%d %H:%M:%S"),
            "accountNumber": "88888888",
            "bankName": "VPBank",
            "bankAbbreviation": "VPB",
            "virtualAccountNumber": "",
            "virtualAccountName": "",
            "counterAccountName": "NGUYEN VAN A",
            "counterAccountNumber": "0881000458723",
            "counterAccountBankId": "970436",
            "counterAccountBankName": "Vietcombank",
        },
    }
    assert type(body["data"]["id"]) is int
    t, signature = parse(got.headers["X-Casso-Signature"])
    assert abs(time.time() * 1000 - int(t)) < 60_000  # milliseconds
    assert signature == v1(CHECKSUM, t, body, ensure_ascii=True)


@pytest.mark.parametrize(
    ("style", "ensure_ascii", "slash"),
    [("javascript", False, "/"), ("python", True, "/"), ("php", True, "\\/")],
)
async def test_non_ascii_is_signed_as_the_chosen_sample_serialises_it(
    payments: PaymentsEmulator,
    account: Account,
    receiver: Receiver,
    style: str,
    ensure_ascii: bool,
    slash: str,
) -> None:
    business(payments, account, receiver, signed_json=style)
    await payments.transfer(account, 50_000, "Chè Thái 1/2 kg DH00012")
    (got,) = receiver.received
    t, signature = parse(got.headers["X-Casso-Signature"])
    text = json.dumps(
        sorted_deep(got.json()), separators=(",", ":"), ensure_ascii=ensure_ascii
    ).replace("/", slash)
    assert (
        signature
        == hmac.new(CHECKSUM.encode(), f"{t}.{text}".encode(), hashlib.sha512).hexdigest()
    )
    others = {v1(CHECKSUM, t, got.json(), ensure_ascii=flag) for flag in (True, False)}
    assert (signature in others) is (style != "php")


async def test_money_out_is_negative_and_can_be_left_out(
    payments: PaymentsEmulator, account: Account, receiver: Receiver
) -> None:
    made = business(payments, account, receiver)
    await payments.transfer(account, 10_000, "DH00001")
    await payments.transfer(account, 4_000, "hoan tien DH00001", direction="out")
    assert [r.json()["data"]["amount"] for r in receiver.received] == [10_000, -4_000]
    assert receiver.received[-1].json()["data"]["runningBalance"] == 6_000
    made.income_only = True
    await payments.transfer(account, 1_000, "phi", direction="out")
    assert len(receiver.received) == 2


async def test_failures_are_retried_on_sepays_schedule(
    payments: PaymentsEmulator, account: Account, receiver: Receiver
) -> None:
    business(payments, account, receiver)
    receiver.answer((500, ""), (404, ""), (502, ""))
    await payments.transfer(account, 1000, "DH00001")
    await payments.advance(timedelta(hours=1))
    (delivery,) = payments.deliveries("casso")
    offsets = [(a.at - delivery.created) / timedelta(minutes=1) for a in delivery.attempts]
    assert offsets == [0, 1, 2, 4]
    assert delivery.delivered
    # Each attempt is signed anew, with its own time.
    assert all(
        parse(r.headers["X-Casso-Signature"])[1]
        == v1(CHECKSUM, parse(r.headers["X-Casso-Signature"])[0], r.json(), ensure_ascii=True)
        for r in receiver.received
    )


async def test_duplicates_carry_the_same_id(
    payments: PaymentsEmulator, account: Account, receiver: Receiver
) -> None:
    business(payments, account, receiver)
    await payments.transfer(account, 1000, "DH00001", copies=3)
    assert len(receiver.received) == 3
    assert len({r.json()["data"]["id"] for r in receiver.received}) == 1


async def test_an_unlinked_account_or_a_business_without_webhook_sends_nothing(
    payments: PaymentsEmulator, account: Account, receiver: Receiver
) -> None:
    quiet = payments.casso.add_business("other-key")
    payments.casso.link(quiet, account)
    await payments.transfer(account, 1000, "DH00001")
    other = payments.open_account("970422", "0999888777", "Gạo Sóc Sơn", "soc-son")
    await payments.transfer(other, 1000, "DH00002")
    assert receiver.received == []
    with pytest.raises(ValueError, match="security key"):
        payments.casso.set_webhook(quiet, receiver.url(), "")


# -- GET /v2/transactions -------------------------------------------------------------------


async def listing(
    payments: PaymentsEmulator, query: str = "", auth: str | None = f"Apikey {API_KEY}"
) -> tuple[int, Any]:
    headers = {"Authorization": auth} if auth else {}
    url = f"{payments.casso.base_url}/v2/transactions?{query}"
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as r:
        return r.status, await r.json()


async def test_the_list_needs_the_api_key_or_the_oauth_token(
    payments: PaymentsEmulator, account: Account, receiver: Receiver
) -> None:
    made = business(payments, account, receiver, access_token="oauth-access-token")
    await payments.transfer(account, 1000, "DH00001")
    assert (await listing(payments, auth=None))[0] == 401
    assert (await listing(payments, auth="Apikey wrong"))[0] == 401
    assert (await listing(payments, auth=f"Bearer {API_KEY}"))[0] == 401
    status, body = await listing(payments, auth="Bearer oauth-access-token")
    assert (status, body["error"], body["data"]["totalRecords"]) == (200, 0, 1)
    assert made.accounts == [account]


async def test_the_list_pages_sorts_and_filters_by_day(
    payments: PaymentsEmulator, account: Account, receiver: Receiver
) -> None:
    business(payments, account, receiver)
    first = await payments.transfer(account, 1000, "DH00001")
    await payments.advance(timedelta(days=1))
    for amount in (2000, 3000, 4000):
        await payments.transfer(account, amount, "DH00002")
    status, body = await listing(payments, "page=2&pageSize=2")
    assert status == 200
    data = body["data"]
    assert (body["error"], body["message"]) == (0, "success")
    assert {k: data[k] for k in ("page", "pageSize", "nextPage", "prevPage", "totalPages")} == {
        "page": 2, "pageSize": 2, "nextPage": None, "prevPage": 1, "totalPages": 2
    }  # fmt: skip
    assert [r["amount"] for r in data["records"]] == [3000, 4000]  # oldest first
    _, newest = await listing(payments, "sort=DESC&pageSize=1")
    assert newest["data"]["records"][0]["amount"] == 4000
    day = first.at.strftime("%Y-%m-%d")
    _, that_day = await listing(payments, f"fromDate={day}&toDate={day}")
    (record,) = that_day["data"]["records"]
    assert record["id"] == payments.casso.transactions[0].id  # the webhook's id
    assert (record["tid"], record["description"]) == (first.reference, "DH00001")
    assert (record["amount"], record["cusum_balance"]) == (1000, 1000)
    assert record["when"] == first.at.strftime("%Y-%m-%dT%H:%M:%S")
    assert record["bankSubAccId"] == "88888888"


async def test_refusals_of_the_list(
    payments: PaymentsEmulator, account: Account, receiver: Receiver
) -> None:
    business(payments, account, receiver)
    for query in ("sort=UP", "page=0", "pageSize=x", "fromDate=03/10/2024"):
        status, body = await listing(payments, query)
        assert (status, body["data"]) == (400, None), query
