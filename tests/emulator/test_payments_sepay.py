"""The SePay emulator is as strict as developer.sepay.vn: the webhook payload and its
authentication, retries on the documented schedule, and API v2's transaction list. Every
signature is re-computed here from the documented algorithm, not taken from the emulator."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
import uuid
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from support.payment_receiver import HANG, Receiver

from emulators.payments import (
    ApiKeyAuth,
    HmacAuth,
    Mangle,
    NoAuth,
    PaymentCode,
    PaymentsEmulator,
    SePayCompany,
    WebhookUrlRefused,
)
from emulators.payments.bank import Account

TOKEN = "SEPAYTOKEN0123456789ABCDEF"
DH = PaymentCode(prefix="DH", min_length=5, max_length=5)


@pytest.fixture
def account(payments: PaymentsEmulator) -> Account:
    return payments.open_account("970422", "0123456789", "HTX Gốm Tân Thịnh", "gom-tan-thinh")


@pytest.fixture
def company(payments: PaymentsEmulator, account: Account) -> SePayCompany:
    company = payments.sepay.add_company(TOKEN, payment_code=DH)
    payments.sepay.link(company, account)
    return company


def minutes(payments: PaymentsEmulator, index: int = 0) -> list[float]:
    delivery = payments.deliveries("sepay")[index]
    return [(a.at - delivery.created) / timedelta(minutes=1) for a in delivery.attempts]


async def test_the_payload_has_the_documented_fields_and_types(
    payments: PaymentsEmulator, account: Account, company: SePayCompany, receiver: Receiver
) -> None:
    payments.sepay.add_webhook(company, receiver.url(), ApiKeyAuth("shop-key"))
    tx = await payments.transfer(account, 250_000, "OCOP DH00012", mangling=Mangle.MBVCB)

    (got,) = receiver.received
    assert got.headers["Authorization"] == "Apikey shop-key"
    assert got.headers["Content-Type"] == "application/json"
    payload = got.json()
    assert payload == {
        "id": payload["id"],
        "gateway": "MBBank",
        "transactionDate": tx.at.strftime("%Y-%m-%d %H:%M:%S"),
        "accountNumber": "0123456789",
        "code": "DH00012",
        "content": f"MBVCB.{tx.seq}.OCOP.DH00012.CT tu 0881000458723 NGUYEN VAN A",
        "transferType": "in",
        "transferAmount": 250_000,
        "accumulated": 250_000,
        "subAccount": None,
        "referenceCode": tx.reference,
        "description": payload["description"],
    }
    assert type(payload["id"]) is int
    assert isinstance(payload["description"], str)
    assert payments.deliveries("sepay")[0].delivered


async def test_the_code_is_found_only_as_the_payment_code_setting_says(
    payments: PaymentsEmulator, account: Account, company: SePayCompany, receiver: Receiver
) -> None:
    payments.sepay.add_webhook(company, receiver.url(), NoAuth())
    await payments.transfer(account, 1000, "ocop dh00012 cam on")
    await payments.transfer(account, 1000, "OCOP DH00012", mangling=Mangle.BROKEN)
    await payments.transfer(account, 1000, "OCOP DH000123")  # six digits: not a code
    codes = [r.json()["code"] for r in receiver.received]
    assert codes == ["dh00012", None, None]
    assert "Authorization" not in receiver.received[0].headers


async def test_hmac_signs_the_timestamp_and_the_raw_body(
    payments: PaymentsEmulator, account: Account, company: SePayCompany, receiver: Receiver
) -> None:
    secret = "whsec_3f9a1c2e7b"
    payments.sepay.add_webhook(company, receiver.url(), HmacAuth(secret))
    await payments.transfer(account, 90_000, "Đơn hàng DH00007 – chè Thái")

    (got,) = receiver.received
    timestamp = got.headers["X-SePay-Timestamp"]
    assert abs(time.time() - int(timestamp)) < 300
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + got.body, hashlib.sha256)
    assert got.headers["X-SePay-Signature"] == "sha256=" + expected.hexdigest()
    assert "Authorization" not in got.headers
    # The raw body is compact JSON: a receiver that re-serialises it cannot check it.
    assert b'{"id":' in got.body
    assert got.json()["content"] == "Đơn hàng DH00007 – chè Thái"


async def test_failures_are_retried_at_0_1_2_4_7_12_20_33_minutes_until_a_2xx(
    payments: PaymentsEmulator, account: Account, company: SePayCompany, receiver: Receiver
) -> None:
    payments.sepay.add_webhook(company, receiver.url(), ApiKeyAuth("k"))
    receiver.answer(*[(500, "oops")] * 6)
    await payments.transfer(account, 1000, "DH00001")
    await payments.advance(minutes=10)
    assert minutes(payments) == [0, 1, 2, 4, 7]
    await payments.advance(minutes=60)
    assert minutes(payments) == [0, 1, 2, 4, 7, 12, 20]
    delivery = payments.deliveries("sepay")[0]
    assert delivery.delivered
    assert [a.status for a in delivery.attempts] == [500] * 6 + [200]
    assert delivery.last.answer_json() == {"success": True}
    assert len({r.body for r in receiver.received}) == 1  # the same notification each time


async def test_eight_failures_end_the_retries(
    payments: PaymentsEmulator, account: Account, company: SePayCompany, receiver: Receiver
) -> None:
    payments.sepay.add_webhook(company, receiver.url(), ApiKeyAuth("k"))
    receiver.answer(*[(401, '{"success": false}')] * 20)
    await payments.transfer(account, 1000, "DH00001")
    await payments.advance(timedelta(hours=6))
    assert minutes(payments) == [0, 1, 2, 4, 7, 12, 20, 33]
    assert payments.deliveries("sepay")[0].state == "failed"
    assert len(receiver.received) == 8


async def test_a_retry_can_be_switched_off(
    payments: PaymentsEmulator, account: Account, company: SePayCompany, receiver: Receiver
) -> None:
    payments.sepay.add_webhook(company, receiver.url(), ApiKeyAuth("k"), retry=False)
    receiver.answer((503, ""))
    await payments.transfer(account, 1000, "DH00001")
    await payments.advance(minutes=60)
    assert len(receiver.received) == 1
    assert payments.deliveries("sepay")[0].state == "failed"


async def test_no_answer_in_time_and_no_connection_are_failures(
    account: Account, receiver: Receiver
) -> None:
    async with PaymentsEmulator(allow_private_webhooks=True, response_timeout=0.3) as payments:
        payments.sepay.link(payments.sepay.add_company(TOKEN, DH), account_for(payments))
        company = payments.sepay.companies[0]
        payments.sepay.add_webhook(company, receiver.url(), NoAuth())
        payments.sepay.add_webhook(company, "http://127.0.0.1:9/closed", NoAuth())
        receiver.answer(HANG)
        await payments.transfer(company.accounts[0], 1000, "DH00001")
        slow, closed = payments.deliveries("sepay")
        assert (slow.last.status, slow.last.error) == (None, "timeout: no answer within 0.3 s")
        assert closed.last.status is None
        assert closed.last.error.startswith("connection error")
        payments.queue.timeout = 10.0  # the next answer must not lose a race with the load
        await payments.advance(minutes=1)
        assert slow.delivered
        assert [len(slow.attempts), len(closed.attempts)] == [2, 2]


def account_for(payments: PaymentsEmulator) -> Account:
    return payments.open_account("970416", "257678859", "Lụa Vạn Phúc", "lua-van-phuc")


async def test_a_2xx_without_success_true_still_ends_the_retries(
    payments: PaymentsEmulator, account: Account, company: SePayCompany, receiver: Receiver
) -> None:
    payments.sepay.add_webhook(company, receiver.url(), ApiKeyAuth("k"))
    receiver.answer((204, ""))
    await payments.transfer(account, 1000, "DH00001")
    await payments.advance(minutes=60)
    delivery = payments.deliveries("sepay")[0]
    assert delivery.delivered
    assert (len(delivery.attempts), delivery.last.answer_json()) == (1, None)


async def test_duplicates_on_demand(
    payments: PaymentsEmulator, account: Account, company: SePayCompany, receiver: Receiver
) -> None:
    payments.sepay.add_webhook(company, receiver.url(), ApiKeyAuth("k"))
    await payments.transfer(account, 1000, "DH00001", copies=2)
    first = payments.deliveries("sepay")[0]
    again = await payments.send_again(first)
    assert again.duplicate_of is first
    assert len(receiver.received) == 3
    assert len({r.body for r in receiver.received}) == 1


async def test_webhook_conditions_filter_what_is_sent(
    payments: PaymentsEmulator, account: Account, company: SePayCompany, receiver: Receiver
) -> None:
    other = payments.open_account("970436", "1012345678", "Tinh dầu Gia Lâm", "gia-lam")
    payments.sepay.link(company, other)
    payments.sepay.add_webhook(company, receiver.url("/in"), NoAuth(), skip_without_code=True)
    payments.sepay.add_webhook(company, receiver.url("/out"), NoAuth(), event="out")
    payments.sepay.add_webhook(
        company, receiver.url("/other"), NoAuth(), event="all", account_numbers=("1012345678",)
    )
    await payments.transfer(account, 1000, "no code here")
    await payments.transfer(account, 1000, "DH00003")
    await payments.transfer(account, 400, "refund DH00003", direction="out")
    await payments.transfer(other, 2000, "DH00004", sub_account="VQRQ00012")
    got = [(r.path, r.json()["transferType"], r.json()["code"]) for r in receiver.received]
    assert got == [
        ("/in", "in", "DH00003"),
        ("/out", "out", "DH00003"),
        ("/in", "in", "DH00004"),
        ("/other", "in", "DH00004"),
    ]
    assert receiver.received[-1].json()["subAccount"] == "VQRQ00012"


async def test_unlinked_accounts_are_not_watched(
    payments: PaymentsEmulator, company: SePayCompany, receiver: Receiver
) -> None:
    payments.sepay.add_webhook(company, receiver.url(), NoAuth())
    await payments.transfer(account_for(payments), 1000, "DH00001")
    assert receiver.received == []


async def test_webhook_urls_must_be_https_at_a_public_address(account: Account) -> None:
    strict = PaymentsEmulator()
    company = strict.sepay.add_company(TOKEN)
    for url in ("http://shop.example.vn/pay", "https://127.0.0.1/pay", "https://10.0.0.4/p"):
        with pytest.raises(WebhookUrlRefused):
            strict.sepay.add_webhook(company, url, NoAuth())
    strict.sepay.add_webhook(company, "https://shop.example.vn/payments/sepay", NoAuth())


# -- API v2 ---------------------------------------------------------------------------------


async def api(
    payments: PaymentsEmulator, query: str = "", token: str | None = TOKEN
) -> tuple[int, dict[str, Any], Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{payments.sepay.base_url}/v2/transactions?{query}", headers=headers) as r,
    ):
        return r.status, dict(r.headers), await r.json()


@pytest.fixture
def unlimited(payments: PaymentsEmulator) -> PaymentsEmulator:
    payments.sepay.api.per_second = None
    return payments


async def test_the_list_needs_the_company_bearer_token(
    unlimited: PaymentsEmulator, account: Account, company: SePayCompany
) -> None:
    await unlimited.transfer(account, 1000, "DH00001")
    other = unlimited.sepay.add_company("OTHER-TOKEN")
    unlimited.sepay.link(other, account_for(unlimited))
    await unlimited.transfer(other.accounts[0], 5000, "DH00002")
    assert (await api(unlimited, token=None))[0] == 401
    status, _, body = await api(unlimited, token="wrong")
    assert (status, body["status"]) == (401, "error")
    _, _, mine = await api(unlimited)
    _, _, theirs = await api(unlimited, token="OTHER-TOKEN")
    assert [r["amount_in"] for r in mine["data"]] == [1000]
    assert [r["amount_in"] for r in theirs["data"]] == [5000]


async def test_the_list_has_the_documented_shape(
    unlimited: PaymentsEmulator, account: Account, company: SePayCompany
) -> None:
    tx = await unlimited.transfer(account, 250_000, "OCOP DH00012", mangling=Mangle.MBVCB)
    status, _, body = await api(unlimited)
    assert status == 200
    (row,) = body["data"]
    assert row == {
        "id": row["id"],
        "transaction_date": tx.at.strftime("%Y-%m-%d %H:%M:%S"),
        "account_number": "0123456789",
        "va": "",
        "transfer_type": "in",
        "amount_in": 250_000,
        "amount_out": 0,
        "accumulated": 250_000,
        "transaction_content": tx.content,
        "reference_number": tx.reference,
        "code": "DH00012",
        "bank_brand_name": "MBBank",
        "bank_account_id": account.uuid,
        "va_id": None,
        "webhook_success": 0,
    }
    assert str(uuid.UUID(row["id"])) == row["id"]
    assert body["status"] == "success"
    assert body["meta"]["pagination"] == {
        "total": 1, "per_page": 20, "current_page": 1, "last_page": 1, "has_more": False
    }  # fmt: skip


async def test_pages_filters_and_since_id(
    unlimited: PaymentsEmulator, account: Account, company: SePayCompany
) -> None:
    for amount in (1000, 2000, 3000, 4000, 5000):
        await unlimited.transfer(account, amount, f"DH0000{amount // 1000}")
        await unlimited.advance(minutes=30)
    _, _, page = await api(unlimited, "per_page=2&page=2")
    assert [r["amount_in"] for r in page["data"]] == [3000, 2000]  # newest first
    assert page["meta"]["pagination"]["last_page"] == 3
    assert page["meta"]["pagination"]["has_more"] is True
    _, _, oldest = await api(
        unlimited, "transaction_date_sort=asc&amount_in_min=2000&amount_in_max=4000"
    )
    assert [r["amount_in"] for r in oldest["data"]] == [2000, 3000, 4000]
    second = oldest["data"][0]
    _, _, newer = await api(unlimited, f"since_id={second['id']}&transaction_date_sort=asc")
    assert [r["amount_in"] for r in newer["data"]] == [3000, 4000, 5000]
    start = second["transaction_date"]
    _, _, window = await api(unlimited, f"transaction_date_from={start}&per_page=100")
    assert sorted(r["amount_in"] for r in window["data"]) == [2000, 3000, 4000, 5000]


async def test_refusals_of_the_list(unlimited: PaymentsEmulator, company: SePayCompany) -> None:
    for query in ("per_page=101", "page=0", "amount_in_min=abc", "since_id=nope",
                  "transaction_date_from=yesterday"):  # fmt: skip
        status, _, body = await api(unlimited, query)
        assert (status, body["status"]) == (422, "error"), query
    assert (await api(unlimited, "per_page=100"))[0] == 200


async def test_more_than_three_requests_a_second_get_429_with_retry_after(
    payments: PaymentsEmulator, company: SePayCompany
) -> None:
    now = [1000.0]
    payments.sepay.api.monotonic = lambda: now[0]  # a loaded machine must not spread them
    answers = await asyncio.gather(*(api(payments) for _ in range(5)))
    assert sorted(status for status, _, _ in answers) == [200, 200, 200, 429, 429]
    _, headers, body = next(answer for answer in answers if answer[0] == 429)
    assert (headers["Retry-After"], headers["X-RateLimit-Limit"]) == ("1", "3")
    assert headers["X-RateLimit-Remaining"] == "0"
    assert body["status"] == "error"
    now[0] += 0.9
    assert (await api(payments))[0] == 429
    now[0] += 0.2
    assert (await api(payments))[0] == 200


async def test_webhook_success_shows_in_the_list(
    unlimited: PaymentsEmulator, account: Account, company: SePayCompany, receiver: Receiver
) -> None:
    unlimited.sepay.add_webhook(company, receiver.url(), NoAuth())
    receiver.answer((500, ""))
    await unlimited.transfer(account, 1000, "DH00001")
    assert (await api(unlimited))[2]["data"][0]["webhook_success"] == 0
    await unlimited.advance(minutes=1)
    assert (await api(unlimited))[2]["data"][0]["webhook_success"] == 1
