"""Warnings to the admins: told once however often the cause is seen, by however many
processes; again at most after the repeat interval; resolved once; and what waits in the
outbox, per queue, as the warnings and the readiness check read it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from catalog import outbox
from catalog.db import create_session_factory
from catalog.models import (
    OutboxMessage,
    OutboxStatus,
    Producer,
    ProducerKind,
    ZaloStaff,
    utcnow,
)
from catalog.outbox import AdminEvent, OutboxKind
from catalog.services import warnings
from catalog.services.backlog import outbox_backlog
from catalog.services.warnings import Cause, State
from catalog.uow import UnitOfWork


def fresh(engine: AsyncEngine) -> UnitOfWork:
    return UnitOfWork(create_session_factory(engine))


async def notices(uow: UnitOfWork) -> list[tuple[str, str, str]]:
    async with uow.reading():
        payloads = await uow.session.scalars(
            select(OutboxMessage.payload)
            .where(OutboxMessage.kind == OutboxKind.admin_notice)
            .order_by(OutboxMessage.id)
        )
        return [(p["cause"], p["subject"], p["state"]) for p in payloads]


async def test_a_cause_seen_again_and_again_is_told_once_then_resolved_once(
    engine: AsyncEngine,
) -> None:
    for _ in range(3):
        await warnings.warn(fresh(engine), Cause.payment_signature, "sepay")
    await warnings.warn(fresh(engine), Cause.payment_signature, "casso")
    assert sorted(w.subject for w in await warnings.raised(fresh(engine))) == ["casso", "sepay"]
    assert (await warnings.clear(fresh(engine), Cause.payment_signature, "sepay")) is not None
    assert (await warnings.clear(fresh(engine), Cause.payment_signature, "sepay")) is None
    assert await notices(fresh(engine)) == [
        ("payment_signature", "sepay", State.raised),
        ("payment_signature", "casso", State.raised),
        ("payment_signature", "sepay", State.resolved),
    ]
    # Seen again after it was resolved: news again.
    told = await warnings.warn(fresh(engine), Cause.payment_signature, "sepay")
    assert told is not None
    assert told.state == State.raised


async def test_a_lasting_cause_is_told_again_after_the_repeat_interval_only(
    engine: AsyncEngine,
) -> None:
    uow = fresh(engine)
    start = utcnow()
    hour = timedelta(hours=1)
    told = []
    for minutes in (0, 10, 59, 61, 90, 125):
        async with uow:
            telling = await warnings.raise_warning(
                uow, Cause.outbox_stuck, "groups", now=start + timedelta(minutes=minutes),
                repeat=hour, count=minutes,
            )  # fmt: skip
            await uow.commit()
        if telling is not None:
            told.append((minutes, telling.state, telling.since == start))
    assert told == [
        (0, State.raised, True),
        (61, State.repeated, True),
        (125, State.repeated, True),
    ]


async def test_of_workers_seeing_the_same_cause_at_once_one_tells(engine: AsyncEngine) -> None:
    tellings = await asyncio.gather(
        *(warnings.warn(fresh(engine), Cause.redis_lost, "web-1:8081") for _ in range(6))
    )
    assert len([t for t in tellings if t is not None]) == 1
    resolved = await asyncio.gather(
        *(warnings.clear(fresh(engine), Cause.redis_lost, "web-1:8081") for _ in range(6))
    )
    assert len([t for t in resolved if t is not None]) == 1
    assert len(await notices(fresh(engine))) == 2


async def test_told_directly_a_warning_queues_nothing(engine: AsyncEngine) -> None:
    told = await warnings.warn(fresh(engine), Cause.outbox_stuck, "zalo", by_outbox=False, count=4)
    assert told is not None
    assert told.payload()["count"] == 4
    assert await notices(fresh(engine)) == []


async def test_the_backlog_counts_what_a_sender_is_to_deliver_by_queue(
    engine: AsyncEngine,
) -> None:
    uow = fresh(engine)
    async with uow:
        place = {"kind": ProducerKind.cooperative, "ward": "Phường Láng", "province": "Hà Nội"}
        linked = Producer(code="LINKED", name_vi="A", name_en="A", group_chat_id=-5, **place)
        waiting = Producer(code="WAITING", name_vi="B", name_en="B", **place)
        uow.session.add_all([linked, waiting])
        await uow.session.flush()
        uow.session.add(ZaloStaff(zalo_id="z1", producer_id=linked.id))
        outbox.to_producer(uow, OutboxKind.order_alert, linked.id, order_id=1)
        # No group yet: waits for one (the admins were told); nobody on Zalo: nobody waits.
        outbox.to_producer(uow, OutboxKind.order_alert, waiting.id, order_id=2)
        outbox.to_user(uow, OutboxKind.status_notice, 42, order_id=1)
        outbox.to_user(uow, OutboxKind.status_notice, 43, order_id=1)
        outbox.to_user(uow, OutboxKind.status_notice, 44, order_id=1)
        outbox.to_admins(uow, AdminEvent.group_linked, producer_id=linked.id)
        await uow.commit()
    async with uow:
        # One customer's notice went out already; another's is parked for a day.
        await uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.user_id == 43)
            .values(status=OutboxStatus.sent)
        )
        await uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.user_id == 44)
            .values(next_attempt_at=utcnow() + timedelta(days=1))
        )
        await uow.commit()
    later = utcnow() + timedelta(minutes=11)
    backlog = await outbox_backlog(fresh(engine), later)
    assert {queue: b.waiting for queue, b in backlog.items()} == {
        "groups": 1,
        "customers": 1,
        "admins": 1,
        "zalo": 1,
    }
    assert all(660 <= b.oldest_seconds < 700 for b in backlog.values())
