"""Producers without a Telegram group: their alerts wait for one, unless their staff are on
Zalo (then no Telegram row is kept, so a group linked later gets no stale backlog), and the
first staff member linked on Zalo gets what waited."""

from __future__ import annotations

from sqlalchemy import select

from catalog.models import OutboxMessage, OutboxStatus, PaymentMethod, Producer, Product
from catalog.models import ZaloOutboxMessage as ZaloRow
from catalog.outbox import AdminEvent, OutboxKind
from catalog.services import cart, delivery, orders, zalo_staff
from catalog.services.orders import DeliveryDetails
from catalog.services.producers import link_group
from catalog.uow import UnitOfWork

DETAILS = DeliveryDetails("Khách", "+84912345678", "Hà Nội", "Phường Láng", "1 Láng")


async def checkout(uow: UnitOfWork, customer: int, *skus: str) -> dict[str, int]:
    """One checkout of one unit of each of ``skus``: the order of each producer, by code."""
    async with uow.reading():
        found = await uow.session.execute(
            select(Product.sku, Product.id).where(Product.sku.in_(skus))
        )
        products = {sku: product_id for sku, product_id in found}
    for sku in skus:
        await cart.add_to_cart(uow, user_id=customer, product_id=products[sku])
    placed = await orders.place_order(
        uow, user_id=customer, details=DETAILS, payment=PaymentMethod.cod,
        idempotency_key=f"groupless-{customer}",
    )  # fmt: skip
    codes = await producer_codes(uow)
    return {codes[order.producer_id]: order.id for order in placed.orders}


async def producer_codes(uow: UnitOfWork) -> dict[int, str]:
    async with uow.reading():
        found = await uow.session.execute(select(Producer.id, Producer.code))
        return {producer_id: code for producer_id, code in found}


async def telegram_rows(uow: UnitOfWork, status: OutboxStatus) -> list[tuple[str, str, int]]:
    """(producer code, kind, order) of the Telegram rows for producers in ``status``."""
    codes = await producer_codes(uow)
    async with uow.reading():
        rows = await uow.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.producer_id.is_not(None), OutboxMessage.status == status)
            .order_by(OutboxMessage.id)
        )
        return [(codes[r.producer_id or 0], r.kind, r.payload["order_id"]) for r in rows]


async def zalo_alerts(uow: UnitOfWork) -> list[tuple[str, int]]:
    codes = await producer_codes(uow)
    async with uow.reading():
        rows = await uow.session.scalars(
            select(ZaloRow).where(ZaloRow.kind == OutboxKind.order_alert).order_by(ZaloRow.id)
        )
        return [(codes[r.producer_id or 0], r.payload["order_id"]) for r in rows]


async def test_an_order_for_a_producer_served_only_on_zalo_keeps_no_telegram_row(
    shop: UnitOfWork,
) -> None:
    await zalo_staff.link_zalo_staff(shop, producer_code="BABE", zalo_id="z-be", display_name="Bé")
    await link_group(shop, producer_code="QUANGVINH", chat_id=-900)
    placed = await checkout(shop, 31, "BABE-SA-10", "QUANGVINH-SEN-AC", "TAMHUNG-GAO-5KG")

    # The group gets its producer's; the producer with neither keeps its alert waiting.
    assert await telegram_rows(shop, OutboxStatus.pending) == [
        ("QUANGVINH", OutboxKind.order_alert, placed["QUANGVINH"]),
        ("TAMHUNG", OutboxKind.order_alert, placed["TAMHUNG"]),
    ]
    assert sorted(await zalo_alerts(shop)) == sorted(placed.items())


async def test_what_waited_for_a_group_goes_to_the_first_staff_member_linked_on_zalo(
    shop: UnitOfWork,
) -> None:
    first = await checkout(shop, 41, "TAMHUNG-GAO-5KG")
    taken_back = await checkout(shop, 42, "TAMHUNG-NEP-2KG")
    await orders.cancel_order_by_customer(shop, user_id=42, order_id=taken_back["TAMHUNG"])
    # As the senders' rounds do: nobody on Zalo had them, and the admins hear they wait.
    await delivery.fan_out_to_zalo_staff(shop)
    await delivery.settle_groupless_rows(shop)
    async with shop.reading():
        notices = list(
            await shop.session.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.kind == OutboxKind.admin_notice)
            )
        )
    assert [n["event"] for n in notices] == [AdminEvent.orders_waiting]

    async with shop.reading():
        tamhung = await shop.session.scalar(select(Producer.id).where(Producer.code == "TAMHUNG"))
    assert tamhung is not None
    code = await zalo_staff.create_zalo_link_code(shop, producer_id=tamhung, created_by=1)
    await zalo_staff.use_zalo_link_code(shop, code=code, zalo_id="z-lan", display_name="Lan")
    await delivery.settle_groupless_rows(shop)

    # The alerts that waited now go to Zalo (nobody had them), and no Telegram row is kept
    # for a group that may come one day.
    assert await telegram_rows(shop, OutboxStatus.pending) == []
    settled = await telegram_rows(shop, OutboxStatus.sent)
    assert ("TAMHUNG", OutboxKind.order_alert, first["TAMHUNG"]) in settled
    assert ("TAMHUNG", OutboxKind.order_cancelled, taken_back["TAMHUNG"]) in settled
    async with shop.reading():
        handed = list(
            await shop.session.scalars(
                select(ZaloRow.payload).where(
                    ZaloRow.kind == OutboxKind.order_alert, ZaloRow.status == OutboxStatus.pending
                )
            )
        )
    assert sorted(p["order_id"] for p in handed) == sorted(
        [first["TAMHUNG"], taken_back["TAMHUNG"]]
    )
