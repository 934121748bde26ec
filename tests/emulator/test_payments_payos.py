"""The payOS emulator is as strict as payos.vn/docs and payOS's SDK: the merchant API and its
refusals, the data signature (re-computed here, first on payOS's published examples), the
VietQR code of a link, a link's life from PENDING to PAID, and the webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from support.payment_receiver import Receiver

from emulators.payments import Mangle, PaymentsEmulator, PayOSMerchant, WebhookUrlRefused
from emulators.payments.bank import Account

CLIENT, API_KEY = "1d2c3b4a-client", "9f8e7d6c-api-key"
CHECKSUM = "1a54716c8f0efb2744fb28b6e38b25da7f67a925d98bc1c18bd8faaecadd7675"


def text(value: Any) -> str:
    if value is None or value in ("null", "undefined"):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        items = [dict(sorted(v.items())) if isinstance(v, dict) else v for v in value]
        return json.dumps(items, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def signature(data: dict[str, Any], key: str = CHECKSUM) -> str:
    """payOS: sorted keys, k=v joined by &, not URL-encoded, HMAC-SHA256 in hex."""
    message = "&".join(f"{k}={text(data[k])}" for k in sorted(data))
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def request_signature(body: dict[str, Any], key: str = CHECKSUM) -> str:
    fields = ("amount", "cancelUrl", "description", "orderCode", "returnUrl")
    message = "&".join(f"{f}={body[f]}" for f in fields)
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def test_the_signature_recipe_reproduces_payos_published_examples() -> None:
    # payos.vn/docs, "Kiểm tra dữ liệu với signature": the webhook sample.
    docs = {
        "orderCode": 123, "amount": 3000, "description": "VQRIO123", "accountNumber": "12345678",
        "reference": "TF230204212323", "transactionDateTime": "2023-02-04 18:25:00",
        "currency": "VND", "paymentLinkId": "124c33293c43417ab7879e14c8d9eb18", "code": "00",
        "desc": "Thành công", "counterAccountBankId": "", "counterAccountBankName": "",
        "counterAccountName": "", "counterAccountNumber": "", "virtualAccountName": "",
        "virtualAccountNumber": "",
    }  # fmt: skip
    assert signature(docs) == "412e915d2871504ed31be63c8f62a149a4410d34c4c42affc9006ef9917eaa03"
    # payos-lib-python 1.1.0, tests/_crypto/testCases.json (key "test_checksum_key").
    paid = {
        "id": "payment-link-id", "orderCode": 0, "amount": 2000, "amountPaid": 2000,
        "amountRemaining": 0, "status": "PAID", "createdAt": "2025-12-12T09:00:00+07:00",
        "transactions": [{
            "accountNumber": "0123456789", "amount": 2000, "counterAccountBankId": "01202001",
            "counterAccountBankName": None, "counterAccountName": "NGUYEN VAN A",
            "counterAccountNumber": "9876543210", "description": "TRANSACTION DESCRIPTION",
            "reference": "FT-REFERENCE", "transactionDateTime": "2025-12-12T09:00:00+07:00",
            "virtualAccountName": None, "virtualAccountNumber": None,
        }],
        "canceledAt": None, "cancellationReason": None,
    }  # fmt: skip
    assert signature(paid, "test_checksum_key") == (
        "6af5e2c9a28256c140169ed624114b43295915d7b6e2fa6278b17a7c43aadefd"
    )
    created = {"amount": 2000, "description": "Thanh toán đơn hàng", "orderCode": 0,
               "cancelUrl": "http://localhost", "returnUrl": "http://localhost"}  # fmt: skip
    assert request_signature(created, "test_checksum_key") == (
        "d8b7b0e5d19edfe7b1f53dedeb8d1c7c2b62fabd7eb320dbc514c58f13e9e2c5"
    )


def crc16(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc


def tlv(payload: str) -> dict[str, str]:
    fields, position = {}, 0
    while position < len(payload):
        tag, length = payload[position : position + 2], int(payload[position + 2 : position + 4])
        fields[tag] = payload[position + 4 : position + 4 + length]
        position += 4 + length
    return fields


@pytest.fixture
def account(payments: PaymentsEmulator) -> Account:
    return payments.open_account("970416", "257678859", "Gốm Bát Tràng", "gom-bat-trang")


@pytest.fixture
def merchant(payments: PaymentsEmulator, account: Account) -> PayOSMerchant:
    return payments.payos.add_merchant(account, CLIENT, API_KEY, CHECKSUM, name="Gốm Bát Tràng")


async def call(
    payments: PaymentsEmulator,
    method: str,
    path: str,
    body: Any = None,
    *,
    client: str = CLIENT,
    api_key: str = API_KEY,
) -> tuple[int, dict[str, Any]]:
    headers = {"x-client-id": client, "x-api-key": api_key}
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method, payments.payos.base_url + path, json=body, headers=headers
        ) as reply,
    ):
        return reply.status, await reply.json()


def order(order_code: int = 12, amount: int = 250_000, description: str = "DH00012") -> Any:
    body = {
        "orderCode": order_code,
        "amount": amount,
        "description": description,
        "cancelUrl": "https://shop.example.vn/cancel",
        "returnUrl": "https://shop.example.vn/paid",
    }
    return {**body, "signature": request_signature(body)}


async def create(payments: PaymentsEmulator, **fields: Any) -> dict[str, Any]:
    status, answer = await call(payments, "POST", "/v2/payment-requests", order(**fields))
    assert (status, answer["code"]) == (200, "00"), answer
    assert answer["signature"] == signature(answer["data"])
    return dict(answer["data"])


async def test_a_payment_link_is_answered_as_documented(
    payments: PaymentsEmulator, merchant: PayOSMerchant
) -> None:
    data = await create(payments)
    assert data == {
        "bin": "970416",
        "accountNumber": "257678859",
        "accountName": "GOM BAT TRANG",
        "amount": 250_000,
        "description": "DH00012",
        "orderCode": 12,
        "currency": "VND",
        "paymentLinkId": data["paymentLinkId"],
        "status": "PENDING",
        "expiredAt": None,
        "checkoutUrl": f"{payments.payos.base_url}/web/{data['paymentLinkId']}",
        "qrCode": data["qrCode"],
    }
    qr = data["qrCode"]
    assert f"{crc16(qr[:-4].encode()):04X}" == qr[-4:]
    fields = tlv(qr)
    account = tlv(tlv(fields["38"])["01"])
    assert (fields["00"], fields["01"], fields["53"], fields["58"]) == ("01", "12", "704", "VN")
    assert (account["00"], account["01"], fields["54"]) == ("970416", "257678859", "250000")
    assert tlv(fields["62"])["08"] == "DH00012"


async def test_refusals_of_a_payment_link(
    payments: PaymentsEmulator, merchant: PayOSMerchant
) -> None:
    status, answer = await call(payments, "POST", "/v2/payment-requests", order(), api_key="x")
    assert (status, answer["data"]) == (401, None)
    forged = {**order(), "amount": 1000}
    status, answer = await call(payments, "POST", "/v2/payment-requests", forged)
    assert (status, answer) == (
        200,
        {"code": "201", "desc": "Mã kiểm tra(signature) không hợp lệ", "data": None},
    )
    await create(payments)
    status, answer = await call(payments, "POST", "/v2/payment-requests", order(amount=9000))
    assert (answer["code"], answer["desc"]) == ("231", "Đơn thanh toán đã tồn tại")
    for bad in (
        order(description="OCOP DH00012"),  # ten characters: this account allows nine
        order(order_code=0),
        {**order(), "amount": "250000"},
        {**order(), "orderCode": 2**53},
    ):
        status, answer = await call(payments, "POST", "/v2/payment-requests", bad)
        assert (status, answer["code"], answer["data"]) == (200, "20", None), bad
    _, answer = await call(payments, "POST", "/v2/payment-requests", order(description="A" * 10))
    assert "Mô tả tối đa 9 kí tự" in answer["desc"]


async def test_an_account_linked_through_payos_allows_25_characters(
    payments: PaymentsEmulator, account: Account
) -> None:
    other = payments.open_account("970422", "0333444555", "Lụa Vạn Phúc", "lua")
    payments.payos.add_merchant(other, "c2", "k2", "s2", linked_through_payos=True)
    body = {**order(description="OCOP DH00012 Lua Van Phuc")}
    body["signature"] = request_signature(body, "s2")
    _, answer = await call(
        payments, "POST", "/v2/payment-requests", body, client="c2", api_key="k2"
    )
    assert answer["code"] == "00"
    body = {**order(description="OCOP DH00012 Lua Van Phuc!")}
    body["signature"] = request_signature(body, "s2")
    _, answer = await call(
        payments, "POST", "/v2/payment-requests", body, client="c2", api_key="k2"
    )
    assert answer["code"] == "20"


async def info(payments: PaymentsEmulator, key: Any) -> dict[str, Any]:
    status, answer = await call(payments, "GET", f"/v2/payment-requests/{key}")
    assert (status, answer["code"]) == (200, "00"), answer
    assert answer["signature"] == signature(answer["data"])
    return dict(answer["data"])


async def confirm(payments: PaymentsEmulator, receiver: Receiver) -> dict[str, Any]:
    _, answer = await call(payments, "POST", "/confirm-webhook", {"webhookUrl": receiver.url()})
    return answer


async def test_confirm_webhook_sends_a_test_call_that_must_get_a_2xx(
    payments: PaymentsEmulator, merchant: PayOSMerchant, receiver: Receiver
) -> None:
    receiver.answer((500, ""))
    refused = await confirm(payments, receiver)
    assert (refused["code"], merchant.webhook_url) == ("20", "")
    answer = await confirm(payments, receiver)
    assert answer["code"] == "00"
    assert answer["data"] == {
        "webhookUrl": receiver.url(),
        "accountName": "GOM BAT TRANG",
        "accountNumber": "257678859",
        "name": "Gốm Bát Tràng",
        "shortName": "ACB",
    }
    test_call = receiver.received[-1].json()
    assert test_call["data"]["orderCode"] == 123
    assert test_call["signature"] == signature(test_call["data"])
    await payments.advance(minutes=60)
    assert len(receiver.received) == 2  # the test call is not retried


async def test_confirm_webhook_refuses_private_addresses(account: Account) -> None:
    async with PaymentsEmulator() as strict:
        own = strict.open_account("970416", "257678859", "Gốm", "gom")
        strict.payos.add_merchant(own, CLIENT, API_KEY, CHECKSUM)
        _, answer = await call(
            strict, "POST", "/confirm-webhook", {"webhookUrl": "http://127.0.0.1:1/x"}
        )
        assert (answer["code"], answer["desc"]) == ("20", "Webhook url invalid")
        with pytest.raises(WebhookUrlRefused):
            strict.payos.add_merchant(
                strict.open_account("970422", "0333444555", "Lụa", "lua"), "c2", "k2", "s2",
                webhook_url="http://127.0.0.1:1/x",
            )  # fmt: skip


async def test_transfers_pay_a_link_in_parts_and_each_is_notified(
    payments: PaymentsEmulator, account: Account, merchant: PayOSMerchant, receiver: Receiver
) -> None:
    await confirm(payments, receiver)
    link = await create(payments)
    first = await payments.transfer(account, 100_000, "DH00012", mangling=Mangle.MBVCB)
    middle = await info(payments, 12)
    assert middle == {
        "id": link["paymentLinkId"],
        "orderCode": 12,
        "amount": 250_000,
        "amountPaid": 100_000,
        "amountRemaining": 150_000,
        "status": "UNDERPAID",
        "createdAt": middle["createdAt"],
        "transactions": [
            {
                "reference": first.reference,
                "amount": 100_000,
                "accountNumber": "257678859",
                "description": first.content,
                "transactionDateTime": first.at.isoformat(),
                "virtualAccountName": "",
                "virtualAccountNumber": "",
                "counterAccountBankId": "970436",
                "counterAccountBankName": "Vietcombank",
                "counterAccountName": "NGUYEN VAN A",
                "counterAccountNumber": "0881000458723",
            }
        ],
        "canceledAt": None,
        "cancellationReason": None,
    }
    assert middle["createdAt"].endswith("+07:00")
    await payments.transfer(account, 150_000, "dh 00012", mangling=Mangle.BROKEN)
    done = await info(payments, link["paymentLinkId"])
    assert (done["status"], done["amountPaid"], done["amountRemaining"]) == ("PAID", 250_000, 0)
    webhooks = [r.json() for r in receiver.received[1:]]
    assert [w["data"]["amount"] for w in webhooks] == [100_000, 150_000]
    for webhook in webhooks:
        assert (webhook["code"], webhook["desc"], webhook["success"]) == ("00", "success", True)
        assert webhook["signature"] == signature(webhook["data"])
        assert webhook["data"]["orderCode"] == 12
        assert webhook["data"]["paymentLinkId"] == link["paymentLinkId"]
    assert webhooks[0]["data"]["transactionDateTime"] == first.at.strftime("%Y-%m-%d %H:%M:%S")
    assert len({w["data"]["reference"] for w in webhooks}) == 2


async def test_an_overpayment_is_paid_and_unmatched_transfers_are_not_notified(
    payments: PaymentsEmulator, account: Account, merchant: PayOSMerchant, receiver: Receiver
) -> None:
    await confirm(payments, receiver)
    await create(payments, amount=100_000)
    await payments.transfer(account, 50_000, "chuyen tien DH00099")  # no such link
    await payments.transfer(account, 120_000, "DH00012")
    paid = await info(payments, 12)
    assert (paid["status"], paid["amountPaid"], paid["amountRemaining"]) == ("PAID", 120_000, 0)
    await payments.transfer(account, 10_000, "DH00012")  # the link is paid: nothing matches
    assert [r.json()["data"]["amount"] for r in receiver.received[1:]] == [120_000]


async def test_webhooks_are_retried_and_can_be_duplicated(
    payments: PaymentsEmulator, account: Account, merchant: PayOSMerchant, receiver: Receiver
) -> None:
    await confirm(payments, receiver)
    await create(payments)
    receiver.answer((500, ""), (500, ""))
    await payments.transfer(account, 250_000, "DH00012", copies=2)
    await payments.advance(minutes=1)
    deliveries = payments.deliveries("payos")[1:]
    assert [len(d.attempts) for d in deliveries] == [2, 2]
    assert all(d.delivered for d in deliveries)
    await payments.send_again(deliveries[0])
    assert len({r.body for r in receiver.received[1:]}) == 1
    assert len(receiver.received) == 6


async def test_cancel_and_expiry(
    payments: PaymentsEmulator, account: Account, merchant: PayOSMerchant, receiver: Receiver
) -> None:
    await confirm(payments, receiver)
    await create(payments)
    status, answer = await call(
        payments, "POST", "/v2/payment-requests/12/cancel", {"cancellationReason": "het hang"}
    )
    assert (status, answer["code"]) == (200, "00")
    assert answer["signature"] == signature(answer["data"])
    assert answer["data"]["status"] == "CANCELLED"
    assert answer["data"]["cancellationReason"] == "het hang"
    await payments.transfer(account, 250_000, "DH00012")
    assert (await info(payments, 12))["amountPaid"] == 0
    _, again = await call(payments, "POST", "/v2/payment-requests/12/cancel")
    assert again["code"] != "00"
    _, missing = await call(payments, "GET", "/v2/payment-requests/999")
    assert (missing["code"] != "00", missing["data"]) == (True, None)

    soon = int((payments.clock.now() + timedelta(minutes=15)).timestamp())
    body = {**order(order_code=13, description="DH00013"), "expiredAt": soon}
    _, made = await call(payments, "POST", "/v2/payment-requests", body)
    assert made["data"]["expiredAt"] == soon
    await payments.advance(minutes=16)
    assert (await info(payments, 13))["status"] == "EXPIRED"
    await payments.transfer(account, 250_000, "DH00013")
    assert (await info(payments, 13))["amountPaid"] == 0
    assert len(receiver.received) == 1  # only the test call of confirm-webhook


async def test_links_belong_to_their_merchant(
    payments: PaymentsEmulator, account: Account, merchant: PayOSMerchant
) -> None:
    await create(payments)
    other = payments.open_account("970422", "0333444555", "Lụa", "lua")
    payments.payos.add_merchant(other, "c2", "k2", "s2")
    status, answer = await call(
        payments, "GET", "/v2/payment-requests/12", client="c2", api_key="k2"
    )
    assert (status, answer["data"]) == (200, None)
    await payments.transfer(other, 250_000, "DH00012")
    assert (await info(payments, 12))["amountPaid"] == 0


async def test_pay_this_order_reaches_the_provider_watching_the_account(
    payments: PaymentsEmulator, account: Account, merchant: PayOSMerchant, receiver: Receiver
) -> None:
    await confirm(payments, receiver)
    await create(payments)
    tx = await payments.pay("257678859", 250_000, "OCOP DH00012")
    assert tx.content.startswith("MBVCB.")
    assert (await info(payments, 12))["status"] == "PAID"
    with pytest.raises(LookupError):
        await payments.pay("000000", 1000, "DH00001")
