"""The providers' notifications read and checked as their documentation and published
samples say (Casso's and payOS's vectors re-computed by the shop's own code), the order a
mangled content names, and the payment status an order's sums lead to."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from catalog import rules
from catalog.models import OrderStatus, PaymentMethod, PaymentProvider, PaymentStatus
from catalog.payments import casso, payos, sepay
from catalog.payments.directory import ProducerKeys
from catalog.payments.incoming import Malformed
from catalog.payments.matching import readings

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)

# -- Casso -------------------------------------------------------------------------------------

# CassoHQ/casso-webhook-v2-verify-signature, python.py (php.php and golang.go sign the same).
# javascript.js's vector matches no recipe at all (its data was edited after signing).
CASSO_PYTHON_SAMPLE = (
    {
        "error": 0,
        "data": {
            "id": 0, "reference": "MA_GIAO_DICH_THU_NGHIEM", "description": "giao dich thu nghiem",
            "amount": 599000, "runningBalance": 25000000,
            "transactionDateTime": "2024-10-03 15:06:37", "accountNumber": "88888888",
            "bankName": "VPBank", "bankAbbreviation": "VPB", "virtualAccountNumber": "",
            "virtualAccountName": "", "counterAccountName": "NGUYEN VAN A",
            "counterAccountNumber": "8888888888", "counterAccountBankId": "970415",
            "counterAccountBankName": "VietinBank",
        },
    },
    "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs",
    "t=1727948258788,v1=ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868f"
    "c667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3",
)  # fmt: skip


def test_casso_signature_of_its_published_sample_is_accepted() -> None:
    body, key, header = CASSO_PYTHON_SAMPLE
    assert casso.authentic({"X-Casso-Signature": header}, body, key)
    assert not casso.authentic({"X-Casso-Signature": header}, body, key + "x")
    tampered = {**body, "data": {**body["data"], "amount": 1}}
    assert not casso.authentic({"X-Casso-Signature": header}, tampered, key)
    assert not casso.authentic({}, body, key)


def _sorted(value: Any) -> Any:
    return {k: _sorted(value[k]) for k in sorted(value)} if isinstance(value, dict) else value


@pytest.mark.parametrize(
    "signed",
    [
        lambda b: json.dumps(_sorted(b), separators=(",", ":"), ensure_ascii=False),  # JS
        lambda b: json.dumps(_sorted(b), separators=(",", ":")),  # Python
        lambda b: json.dumps(_sorted(b), separators=(",", ":")).replace("/", "\\/"),  # PHP
    ],
    ids=["javascript", "python", "php"],
)
def test_casso_json_is_accepted_escaped_or_not_as_its_samples_disagree(signed: Any) -> None:
    body = {
        "error": 0,
        "data": {"id": 5, "description": "Thanh toán DH00012 – gốm/sứ", "amount": 250000,
                 "accountNumber": "0123456789", "transactionDateTime": "2026-12-07 10:00:00"},
    }  # fmt: skip
    t = "1765100000000"
    digest = hmac.new(b"key", f"{t}.{signed(body)}".encode(), hashlib.sha512).hexdigest()
    assert casso.authentic({"X-Casso-Signature": f"t={t}, v1={digest}"}, body, "key")
    incoming = casso.read(body)
    assert (incoming.transaction_id, incoming.amount, incoming.incoming) == ("id:5", 250000, True)
    assert casso.read({**body, "data": {**body["data"], "amount": -5}}).incoming is False


# -- payOS -------------------------------------------------------------------------------------

PAYOS_CHECKSUM = "1a54716c8f0efb2744fb28b6e38b25da7f67a925d98bc1c18bd8faaecadd7675"
# payos.vn/docs, "Kiểm tra dữ liệu với signature": the webhook's data and its signature.
PAYOS_SAMPLE = {
    "orderCode": 123, "amount": 3000, "description": "VQRIO123", "accountNumber": "12345678",
    "reference": "TF230204212323", "transactionDateTime": "2023-02-04 18:25:00",
    "currency": "VND", "paymentLinkId": "124c33293c43417ab7879e14c8d9eb18", "code": "00",
    "desc": "Thành công", "counterAccountBankId": "", "counterAccountBankName": "",
    "counterAccountName": "", "counterAccountNumber": "", "virtualAccountName": "",
    "virtualAccountNumber": "",
}  # fmt: skip


def test_payos_data_signature_reproduces_its_published_examples() -> None:
    signed = "412e915d2871504ed31be63c8f62a149a4410d34c4c42affc9006ef9917eaa03"
    assert payos.data_signature(PAYOS_SAMPLE, PAYOS_CHECKSUM) == signed
    body = {"code": "00", "desc": "success", "success": True, "data": PAYOS_SAMPLE}
    assert payos.authentic({**body, "signature": signed}, PAYOS_CHECKSUM)
    assert not payos.authentic({**body, "signature": signed}, "another-key")
    assert not payos.authentic({**body, "data": {**PAYOS_SAMPLE, "amount": 3001},
                                "signature": signed}, PAYOS_CHECKSUM)  # fmt: skip
    # payos-lib-python 1.1.0: an answer with a list of transactions, and a link request.
    listed = {"id": "x", "transactions": [{"b": None, "a": 1}], "canceledAt": None}
    message = 'canceledAt=&id=x&transactions=[{"a":1,"b":null}]'
    expected = hmac.new(b"k", message.encode(), hashlib.sha256).hexdigest()
    assert payos.data_signature(listed, "k") == expected
    created = {"amount": 2000, "description": "Thanh toán đơn hàng", "orderCode": 0,
               "cancelUrl": "http://localhost", "returnUrl": "http://localhost"}  # fmt: skip
    assert payos.request_signature(created, "test_checksum_key") == (
        "d8b7b0e5d19edfe7b1f53dedeb8d1c7c2b62fabd7eb320dbc514c58f13e9e2c5"
    )


def test_a_payos_notification_is_keyed_by_its_reference() -> None:
    incoming = payos.read({"data": PAYOS_SAMPLE})
    assert (incoming.provider, incoming.transaction_id, incoming.code) == (
        PaymentProvider.payos, "TF230204212323", "123",
    )  # fmt: skip
    assert incoming.link_id == "124c33293c43417ab7879e14c8d9eb18"
    with pytest.raises(Malformed):
        payos.read({"data": {**PAYOS_SAMPLE, "amount": "three"}})


# -- SePay -------------------------------------------------------------------------------------

SEPAY = {
    "id": 92704, "gateway": "Vietcombank", "transactionDate": "2023-03-25 14:02:37",
    "accountNumber": "0123499999", "code": None, "content": "chuyen tien OCOP DH00012",
    "transferType": "in", "transferAmount": 2277000, "accumulated": 19077000,
    "subAccount": None, "referenceCode": "MBVCB.3278907687", "description": "",
}  # fmt: skip


def test_sepay_authenticates_by_api_key_or_by_hmac_within_five_minutes() -> None:
    keys = ProducerKeys(PaymentProvider.sepay, sepay_api_key="k3y", sepay_hmac_secret="whsec_s")
    body = json.dumps(SEPAY).encode()
    assert sepay.authentic({"Authorization": "Apikey k3y"}, body, keys, NOW)
    assert sepay.authentic({"Authorization": "apikey k3y"}, body, keys, NOW)
    assert not sepay.authentic({"Authorization": "Apikey k3"}, body, keys, NOW)
    assert not sepay.authentic({"Authorization": "Bearer k3y"}, body, keys, NOW)

    def signed(when: datetime, prefix: str = "sha256=") -> dict[str, str]:
        stamp = str(int(when.timestamp()))
        digest = hmac.new(b"whsec_s", f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
        return {"X-SePay-Timestamp": stamp, "X-SePay-Signature": prefix + digest}

    assert sepay.authentic(signed(NOW), body, keys, NOW)
    assert sepay.authentic(signed(NOW - timedelta(minutes=4), ""), body, keys, NOW)
    assert not sepay.authentic(signed(NOW - timedelta(minutes=6)), body, keys, NOW)
    assert not sepay.authentic(signed(NOW), body + b" ", keys, NOW)
    assert not sepay.authentic({}, body, ProducerKeys(PaymentProvider.sepay), NOW)


@pytest.mark.parametrize(
    ("field", "value", "amount"),
    [
        ("transferAmount", 2277000, 2277000),
        ("transferAmount", 2277000.0, 2277000),
        ("transferAmount", "2277000", 2277000),
        ("transferAmount", "2277000.00", 2277000),
        ("id", "92704", 2277000),
    ],
)
def test_sepay_numbers_are_read_in_the_types_its_documents_show(
    field: str, value: object, amount: int
) -> None:
    incoming = sepay.read({**SEPAY, field: value})
    assert incoming.amount == amount
    assert incoming.transaction_id == "ref:0123499999:MBVCB.3278907687"
    assert incoming.transacted_at is not None
    assert incoming.transacted_at.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    "broken",
    [
        {"transferAmount": "2.277.000"},
        {"transferAmount": True},
        {"transferAmount": 10.5},
        {"transferType": "sideways"},
        {"id": None},
        {"accountNumber": None},
    ],
)
def test_a_sepay_payload_against_its_documentation_is_malformed(broken: dict[str, Any]) -> None:
    with pytest.raises(Malformed):
        sepay.read({**SEPAY, **broken})


def test_without_a_bank_reference_sepays_webhook_id_keys_the_notification() -> None:
    assert sepay.read({**SEPAY, "referenceCode": None}).transaction_id == "id:92704"


# -- the order a content names ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "code", "first"),
    [
        ("MBVCB.8765.OCOP.DH00012.CT tu 0881000458723 NGUYEN VAN A", "", (12,)),
        ("MBVCB.8765.OCOP.DH000 12.CT tu 0881000458723 NGUYEN VAN A", "", (12,)),
        ("ocop dh00012 cam ơn", "", (12,)),
        ("Đơn hàng ĐH00012", "", (12,)),
        ("chuyen tien", "DH00012", (12,)),
        ("OCOPDH000120881000458723", "", (12, 120, 1208)),
        ("D.H.000.12", "", (12,)),
    ],
)
def test_the_order_number_is_read_however_the_bank_wrote_it(
    content: str, code: str, first: tuple[int, ...]
) -> None:
    found = readings(content, code)
    assert found
    assert found[0][: len(first)] == first


def test_a_content_without_an_order_number_names_none() -> None:
    assert readings("CHUYEN TIEN MUA HANG 0881000458723") == []
    assert readings("DH123") == []  # fewer digits than any order number


# -- the payment status -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "status", "paid", "refunded", "expected"),
    [
        (PaymentMethod.cod, OrderStatus.shipped, 0, 0, PaymentStatus.on_delivery),
        (PaymentMethod.cod, OrderStatus.delivered, 100, 0, PaymentStatus.paid),
        (PaymentMethod.bank_transfer, OrderStatus.new, 0, 0, PaymentStatus.awaiting),
        (PaymentMethod.bank_transfer, OrderStatus.new, 40, 0, PaymentStatus.part_paid),
        (PaymentMethod.bank_transfer, OrderStatus.accepted, 100, 0, PaymentStatus.paid),
        (PaymentMethod.bank_transfer, OrderStatus.new, 130, 0, PaymentStatus.over_paid),
        (PaymentMethod.bank_transfer, OrderStatus.new, 130, 30, PaymentStatus.paid),
        (PaymentMethod.bank_transfer, OrderStatus.cancelled, 0, 0, PaymentStatus.awaiting),
        (PaymentMethod.bank_transfer, OrderStatus.cancelled, 100, 0, PaymentStatus.refund_owed),
        (PaymentMethod.bank_transfer, OrderStatus.cancelled, 100, 100, PaymentStatus.refunded),
    ],
)
def test_the_payment_status_follows_from_what_came_and_went_back(
    method: PaymentMethod, status: OrderStatus, paid: int, refunded: int, expected: PaymentStatus
) -> None:
    assert rules.payment_status(method, status, 100, paid, refunded) == expected


def test_a_transfer_order_is_held_from_shipping_until_paid_and_expires_only_unpaid() -> None:
    transfer, cod = PaymentMethod.bank_transfer, PaymentMethod.cod
    assert rules.payment_holds_shipping(transfer, PaymentStatus.part_paid)
    assert not rules.payment_holds_shipping(transfer, PaymentStatus.paid)
    assert not rules.payment_holds_shipping(cod, PaymentStatus.on_delivery)
    assert rules.payment_expires(OrderStatus.accepted, transfer, 0)
    assert not rules.payment_expires(OrderStatus.accepted, transfer, 1)
    assert not rules.payment_expires(OrderStatus.shipped, transfer, 0)
    assert not rules.payment_expires(OrderStatus.new, cod, 0)
    assert rules.amount_owed_back(OrderStatus.cancelled, 100, 100, 40) == 60
    assert rules.amount_owed_back(OrderStatus.new, 100, 130, 0) == 30
    assert len(rules.payos_description(rules.format_order_number(99999))) <= 9
