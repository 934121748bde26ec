"""The receiver of bank notifications against a real database: routed by the account a
notification names and authenticated with that producer's keys (401 and nothing stored
otherwise), stored once, answered as the providers expect, then applied; payOS's test call
answered 2xx and ignored; an account of no producer kept for a person; each notification
counted in the metrics by its outcome, and a provider whose signatures fail told to the
admins once (whichever worker sees it) and resolved when one passes."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select
from support.payments_shop import BABE_ACCOUNT, QV_ACCOUNT, place

from bot import metrics
from bot.payments.receiver import Receiver
from catalog.demo.seed import seed_demo_catalog
from catalog.models import (
    NotificationState,
    Order,
    OutboxMessage,
    PaymentNotification,
    PaymentProvider,
    PaymentStatus,
)
from catalog.outbox import OutboxKind
from catalog.payments.directory import PaymentsDirectory, ProducerKeys
from catalog.payments.payos import data_signature
from catalog.services.payments.notifications import producer_accounts
from catalog.services.warnings import Cause
from catalog.uow import UnitOfWork

SEPAY_KEY = "babe-key"
CASSO_KEY = "quangvinh-checksum"
PAYOS_KEY = "tamhung-checksum"
DIRECTORY = PaymentsDirectory(
    producers={
        "BABE": ProducerKeys(PaymentProvider.sepay, sepay_api_key=SEPAY_KEY),
        "QUANGVINH": ProducerKeys(PaymentProvider.casso, casso_checksum_key=CASSO_KEY),
        "TAMHUNG": ProducerKeys(
            PaymentProvider.payos, payos_client_id="c", payos_api_key="a",
            payos_checksum_key=PAYOS_KEY,
        ),
    }
)  # fmt: skip


@pytest.fixture
async def receiver(uow: UnitOfWork, media_dir: Path) -> Receiver:
    await seed_demo_catalog(uow, media_dir)
    return Receiver(uow._session_factory, DIRECTORY)


def sepay_body(account: str, amount: int, content: str, reference: str) -> bytes:
    return json.dumps(
        {
            "id": 92704, "gateway": "Agribank", "transactionDate": "2026-12-07 10:00:00",
            "accountNumber": account, "code": None, "content": content, "transferType": "in",
            "transferAmount": amount, "accumulated": amount, "subAccount": None,
            "referenceCode": reference, "description": content,
        },
        ensure_ascii=False,
    ).encode()  # fmt: skip


async def notifications(receiver: Receiver) -> int:
    async with receiver.uow().reading() as uow:
        return await uow.session.scalar(select(func.count(PaymentNotification.id))) or 0


async def order_payment(receiver: Receiver, order_id: int) -> tuple[PaymentStatus, int]:
    async with receiver.uow().reading() as uow:
        order = await uow.session.get(Order, order_id)
        assert order is not None
        return order.payment_status, order.amount_paid


async def test_a_sepay_notification_is_answered_stored_once_and_applied(
    receiver: Receiver, uow: UnitOfWork
) -> None:
    order = await place(uow)
    body = sepay_body(BABE_ACCOUNT, order.total, f"OCOP {order.number}", "FT1")
    headers = {"Authorization": f"Apikey {SEPAY_KEY}"}

    first = await receiver.receive(PaymentProvider.sepay, headers, body)
    again = await receiver.receive(PaymentProvider.sepay, headers, body)
    await receiver.settle()

    assert (first.status, json.loads(first.text or "")) == (200, {"success": True})
    assert again.status == 200
    assert await notifications(receiver) == 1
    assert await order_payment(receiver, order.id) == (PaymentStatus.paid, order.total)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Apikey wrong"}, {"Authorization": f"Bearer {SEPAY_KEY}"}],
    ids=["none", "wrong-key", "wrong-scheme"],
)
async def test_a_notification_without_the_producers_key_gets_401_and_nothing_is_stored(
    receiver: Receiver, uow: UnitOfWork, headers: dict[str, str]
) -> None:
    order = await place(uow)
    body = sepay_body(BABE_ACCOUNT, order.total, order.number, "FT2")

    answer = await receiver.receive(PaymentProvider.sepay, headers, body)

    assert answer.status == 401
    assert await notifications(receiver) == 0
    assert await order_payment(receiver, order.id) == (PaymentStatus.awaiting, 0)


async def test_another_producers_key_does_not_open_a_producers_account(
    receiver: Receiver, uow: UnitOfWork
) -> None:
    # QUANGVINH is on Casso: a SePay notification naming its account cannot be checked.
    body = sepay_body(QV_ACCOUNT, 1000, "OCOP DH00001", "FT3")
    answer = await receiver.receive(
        PaymentProvider.sepay, {"Authorization": f"Apikey {SEPAY_KEY}"}, body
    )
    assert answer.status == 401
    assert await notifications(receiver) == 0


async def test_malformed_bodies_get_400_once_authenticated(receiver: Receiver) -> None:
    headers = {"Authorization": f"Apikey {SEPAY_KEY}"}
    assert (await receiver.receive(PaymentProvider.sepay, headers, b"{not json")).status == 400
    broken = json.loads(sepay_body(BABE_ACCOUNT, 1000, "x", "FT4"))
    broken["transferType"] = "sideways"
    answer = await receiver.receive(PaymentProvider.sepay, headers, json.dumps(broken).encode())
    assert answer.status == 400
    assert await notifications(receiver) == 0


async def test_an_account_of_no_producer_signed_with_a_producers_key_waits_for_a_person(
    receiver: Receiver,
) -> None:
    body = sepay_body("9990001112", 50_000, "OCOP DH00001", "FT5")
    answer = await receiver.receive(
        PaymentProvider.sepay, {"Authorization": f"Apikey {SEPAY_KEY}"}, body
    )
    await receiver.settle()
    assert answer.status == 200
    async with receiver.uow().reading() as uow:
        [state] = await uow.session.scalars(select(PaymentNotification.state))
    assert state == NotificationState.unmatched


def casso_headers(body: dict[str, Any], key: str = CASSO_KEY) -> dict[str, str]:
    t = str(int(time.time() * 1000))
    ordered = json.dumps(
        {k: ({i: body[k][i] for i in sorted(body[k])} if isinstance(body[k], dict) else body[k])
         for k in sorted(body)},
        separators=(",", ":"),
    )  # fmt: skip
    digest = hmac.new(key.encode(), f"{t}.{ordered}".encode(), hashlib.sha512).hexdigest()
    return {"X-Casso-Signature": f"t={t},v1={digest}"}


async def test_a_casso_notification_pays_the_producers_order(
    receiver: Receiver, uow: UnitOfWork
) -> None:
    order = await place(uow, "QUANGVINH-SEN-AC")
    body = {
        "error": 0,
        "data": {
            "id": 218897, "reference": "FT24364030863634", "amount": order.total,
            "description": f"Thanh toán {order.number} – gốm", "runningBalance": order.total,
            "transactionDateTime": "2026-12-07 10:00:00", "accountNumber": QV_ACCOUNT,
            "bankName": "BIDV", "bankAbbreviation": "BIDV", "virtualAccountNumber": "",
            "virtualAccountName": "", "counterAccountName": "NGUYEN VAN A",
            "counterAccountNumber": "0881000458723", "counterAccountBankId": "970436",
            "counterAccountBankName": "Vietcombank",
        },
    }  # fmt: skip
    raw = json.dumps(body, ensure_ascii=False).encode()

    refused = await receiver.receive(PaymentProvider.casso, casso_headers(body, "x"), raw)
    answer = await receiver.receive(PaymentProvider.casso, casso_headers(body), raw)
    await receiver.settle()

    assert (refused.status, answer.status) == (401, 200)
    assert await order_payment(receiver, order.id) == (PaymentStatus.paid, order.total)


async def test_payos_test_call_from_confirm_webhook_gets_2xx_and_changes_nothing(
    receiver: Receiver,
) -> None:
    data = {
        "orderCode": 123, "amount": 3000, "description": "VQRIO123", "accountNumber": "12345678",
        "reference": "TF230204212323", "transactionDateTime": "2023-02-04 18:25:00",
        "currency": "VND", "paymentLinkId": "124c33293c43417ab7879e14c8d9eb18", "code": "00",
        "desc": "Thành công", "counterAccountBankId": "", "counterAccountBankName": "",
        "counterAccountName": "", "counterAccountNumber": "", "virtualAccountName": "",
        "virtualAccountNumber": "",
    }  # fmt: skip
    body = {"code": "00", "desc": "success", "success": True, "data": data}
    signed = json.dumps({**body, "signature": data_signature(data, PAYOS_KEY)}).encode()
    forged = json.dumps({**body, "signature": data_signature(data, "other")}).encode()

    assert (await receiver.receive(PaymentProvider.payos, {}, forged)).status == 401
    answer = await receiver.receive(PaymentProvider.payos, {}, signed)
    await receiver.settle()

    assert answer.status == 200
    async with receiver.uow().reading() as uow:
        [state] = await uow.session.scalars(select(PaymentNotification.state))
    assert state == NotificationState.ignored


@pytest.fixture
def counting() -> Iterator[None]:
    metrics.switch_on()
    yield
    metrics.switch_off()


def counted(provider: str, outcome: str) -> float:
    labels = {"provider": provider, "outcome": outcome}
    return REGISTRY.get_sample_value("ocop_payment_notifications_total", labels) or 0.0


async def test_each_notification_is_counted_by_provider_and_outcome(
    receiver: Receiver, uow: UnitOfWork, counting: None
) -> None:
    outcomes = ("matched", "duplicate", "unmatched", "bad_signature")
    before = {outcome: counted("sepay", outcome) for outcome in outcomes}
    order = await place(uow)
    key = {"Authorization": f"Apikey {SEPAY_KEY}"}
    paying = sepay_body(BABE_ACCOUNT, order.total, f"OCOP {order.number}", "FT6")

    await receiver.receive(PaymentProvider.sepay, key, paying)
    await receiver.receive(PaymentProvider.sepay, key, paying)
    await receiver.receive(PaymentProvider.sepay, {"Authorization": "Apikey x"}, paying)
    nobodys = json.loads(sepay_body(BABE_ACCOUNT, 1000, "no number here", "FT7"))
    nobodys["id"] = 92705
    await receiver.receive(PaymentProvider.sepay, key, json.dumps(nobodys).encode())
    await receiver.settle()

    assert {o: counted("sepay", o) - before[o] for o in outcomes} == dict.fromkeys(outcomes, 1)


async def warnings_told(receiver: Receiver) -> list[tuple[str, str, int | None]]:
    """The admins' notices of payment signatures: (provider, state, producer id named)."""
    async with receiver.uow().reading() as uow:
        rows = await uow.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == OutboxKind.admin_notice)
            .order_by(OutboxMessage.id)
        )
        return [
            (row.payload["subject"], row.payload["state"], row.payload.get("producer_id"))
            for row in rows
            if row.payload.get("cause") == Cause.payment_signature
        ]


async def test_a_provider_failing_its_signatures_is_told_to_the_admins_once_until_one_passes(
    receiver: Receiver, uow: UnitOfWork
) -> None:
    order = await place(uow)
    babe = (await producer_accounts(uow))[BABE_ACCOUNT].producer_id
    body = sepay_body(BABE_ACCOUNT, order.total, f"OCOP {order.number}", "FT8")
    forged = {"Authorization": "Apikey not-the-key"}
    another_worker = Receiver(uow._session_factory, DIRECTORY)

    for _retry in range(3):  # SePay tries again, and is refused again
        assert (await receiver.receive(PaymentProvider.sepay, forged, body)).status == 401
    await another_worker.receive(PaymentProvider.sepay, forged, body)
    assert await warnings_told(receiver) == [("sepay", "raised", babe)]

    key = {"Authorization": f"Apikey {SEPAY_KEY}"}
    assert (await receiver.receive(PaymentProvider.sepay, key, body)).status == 200
    await another_worker.receive(PaymentProvider.sepay, key, body)  # already resolved
    await receiver.settle()
    assert await warnings_told(receiver) == [
        ("sepay", "raised", babe),
        ("sepay", "resolved", babe),
    ]
    # Casso's signatures are their own cause.
    assert (await receiver.receive(PaymentProvider.casso, {}, b'{"error": 0}')).status == 401
    assert (await warnings_told(receiver))[-1] == ("casso", "raised", None)
