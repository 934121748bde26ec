"""The outbox's services, shared by the Telegram and the Zalo sender: claiming with a lease,
settling rows, spreading them, and the writes that wake the senders."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from support.signals import woken

from catalog import outbox
from catalog.db import create_session_factory
from catalog.models import (
    OutboxMessage,
    OutboxStatus,
    Producer,
    ProducerKind,
    ZaloOutboxMessage,
    ZaloStaff,
    utcnow,
)
from catalog.outbox import AdminEvent, OutboxKind, OutboxSignal
from catalog.services import delivery, fulfilment, warnings
from catalog.services.delivery import Table
from catalog.services.producers import link_group
from catalog.services.warnings import Cause, State
from catalog.uow import UnitOfWork

LEASE = 60.0


@pytest.fixture
def signal() -> OutboxSignal:
    return OutboxSignal()


NewUow = Callable[[], UnitOfWork]


@pytest.fixture
def new_uow(engine: AsyncEngine, signal: OutboxSignal) -> NewUow:
    """A fresh unit of work for each step, as the senders make them."""
    factory = create_session_factory(engine)
    return lambda: UnitOfWork(factory, outbox_signal=signal)


async def add_producer(uow: UnitOfWork, code: str, group: int | None = None) -> int:
    async with uow:
        producer = Producer(
            code=code, name_vi=f"Làng {code}", name_en=f"{code} village",
            kind=ProducerKind.household, ward="Phường Láng", province="Hà Nội",
            group_chat_id=group,
        )  # fmt: skip
        uow.session.add(producer)
        await uow.session.flush()
        await uow.commit()
        return producer.id


async def rows_of(uow: UnitOfWork, table: Table) -> list[SimpleNamespace]:
    """Every row of the table, by id, as it is now."""
    async with uow.reading():
        rows = await uow.session.scalars(select(table).order_by(table.id))
        return [
            SimpleNamespace(
                **{column.key: getattr(row, column.key) for column in table.__table__.columns}
            )
            for row in rows
        ]


async def queue(uow: UnitOfWork, count: int = 3) -> list[int]:
    """``count`` status notices to customers and the same number of Zalo replies."""
    async with uow:
        for n in range(count):
            outbox.to_user(uow, OutboxKind.status_notice, 100 + n, order_id=n)
            outbox.to_zalo_user(uow, OutboxKind.zalo_reply, f"zalo-{n}", text=f"hello {n}")
        await uow.commit()
    return [row.id for row in await rows_of(uow, OutboxMessage)]


async def test_a_write_to_the_outbox_wakes_the_senders_only_once_committed(
    new_uow: NewUow, signal: OutboxSignal
) -> None:
    uow = new_uow()
    async with uow:
        outbox.to_admins(uow, AdminEvent.group_linked, producer_id=1)
    assert not await woken(signal)  # rolled back: nothing to send
    assert await rows_of(uow, OutboxMessage) == []
    async with uow:
        outbox.to_admins(uow, AdminEvent.group_linked, producer_id=1)
        await uow.commit()
    assert await woken(signal)
    assert [row.payload for row in await rows_of(uow, OutboxMessage)] == [
        {"event": AdminEvent.group_linked, "producer_id": 1}
    ]


@pytest.mark.parametrize("table", [OutboxMessage, ZaloOutboxMessage])
async def test_a_claimed_row_is_nobody_elses_until_its_lease_runs_out(
    new_uow: NewUow, table: Table
) -> None:
    await queue(new_uow())
    now = utcnow()
    first = await delivery.claim(new_uow(), table, now=now, lease_seconds=LEASE)
    assert len(first) == 3
    assert [row.kind for row in first] == [
        OutboxKind.status_notice if table is OutboxMessage else OutboxKind.zalo_reply
    ] * 3
    # A second sender, a moment later, gets nothing while the lease holds.
    later = now + timedelta(seconds=LEASE - 1)
    assert await delivery.claim(new_uow(), table, now=later, lease_seconds=LEASE) == []
    # The first sender died without settling them: once the lease is over they go again.
    expired = now + timedelta(seconds=LEASE + 2)
    again = await delivery.claim(new_uow(), table, now=expired, lease_seconds=LEASE)
    assert [row.id for row in again] == [row.id for row in first]


async def test_two_senders_claiming_at_once_share_the_rows_without_overlap(
    new_uow: NewUow,
) -> None:
    await queue(new_uow(), count=10)
    now = utcnow()
    one, two = await asyncio.gather(
        delivery.claim(new_uow(), OutboxMessage, now=now, lease_seconds=LEASE),
        delivery.claim(new_uow(), OutboxMessage, now=now, lease_seconds=LEASE),
    )
    ids = [row.id for row in one + two]
    assert len(ids) == 10
    assert len(set(ids)) == 10


async def test_claiming_takes_at_most_a_batch_oldest_first(new_uow: NewUow) -> None:
    ids = await queue(new_uow(), count=5)
    claimed = await delivery.claim(
        new_uow(), OutboxMessage, now=utcnow(), lease_seconds=LEASE, limit=2
    )
    assert [row.id for row in claimed] == ids[:2]


async def test_alerts_wait_for_a_group_and_zalo_rows_for_a_person(
    new_uow: NewUow,
) -> None:
    unlinked = await add_producer(new_uow(), "NOGROUP")
    linked = await add_producer(new_uow(), "GROUP", group=-500)
    uow = new_uow()
    async with uow:
        outbox.to_producer(uow, OutboxKind.order_alert, unlinked, order_id=1)
        outbox.to_producer(uow, OutboxKind.order_alert, linked, order_id=2)
        await uow.commit()
    now = utcnow()
    telegram = await delivery.claim(new_uow(), OutboxMessage, now=now, lease_seconds=LEASE)
    assert [row.producer_id for row in telegram] == [linked]
    # Zalo rows for a producer are first spread to its staff; none are claimed as they are.
    assert await delivery.claim(new_uow(), ZaloOutboxMessage, now=now, lease_seconds=LEASE) == []


async def test_a_row_marked_sent_is_never_claimed_again_and_its_alert_is_remembered(
    new_uow: NewUow,
) -> None:
    ids = await queue(new_uow(), count=2)
    now = utcnow()
    claimed = await delivery.claim(new_uow(), OutboxMessage, now=now, lease_seconds=LEASE)
    await delivery.mark_sent(new_uow(), OutboxMessage, [claimed[0].id])
    rows = await rows_of(new_uow(), OutboxMessage)
    assert [(row.id, row.status) for row in rows] == [
        (ids[0], OutboxStatus.sent),
        (ids[1], OutboxStatus.pending),
    ]
    assert rows[0].sent_at is not None
    expired = now + timedelta(seconds=LEASE + 2)
    again = await delivery.claim(new_uow(), OutboxMessage, now=expired, lease_seconds=LEASE)
    assert [row.id for row in again] == [ids[1]]


async def test_postponed_rows_are_due_again_at_the_given_time_without_an_attempt(
    new_uow: NewUow,
) -> None:
    ids = await queue(new_uow(), count=2)
    now = utcnow()
    await delivery.claim(new_uow(), ZaloOutboxMessage, now=now, lease_seconds=LEASE)
    zalo_ids = [row.id for row in await rows_of(new_uow(), ZaloOutboxMessage)]
    until = now + timedelta(seconds=10)
    await delivery.postpone(new_uow(), ZaloOutboxMessage, zalo_ids, until)
    before = now + timedelta(seconds=9)
    assert await delivery.claim(new_uow(), ZaloOutboxMessage, now=before, lease_seconds=1) == []
    after = now + timedelta(seconds=11)
    due = await delivery.claim(new_uow(), ZaloOutboxMessage, now=after, lease_seconds=1)
    assert [row.id for row in due] == zalo_ids
    assert all(row.attempts == 0 for row in await rows_of(new_uow(), ZaloOutboxMessage))
    assert len(ids) == 2


async def test_a_passing_failure_is_retried_after_a_doubling_wait(
    new_uow: NewUow,
) -> None:
    [row_id] = await queue(new_uow(), count=1)
    waits = []
    for _attempt in range(3):
        before = utcnow()
        await delivery.retry_later(new_uow(), OutboxMessage, [row_id], "network down")
        [row] = await rows_of(new_uow(), OutboxMessage)
        waits.append(round((row.next_attempt_at - before).total_seconds()))
    assert waits == [2, 4, 8]
    assert (row.attempts, row.last_error, row.status) == (3, "network down", OutboxStatus.pending)


async def test_a_failed_row_stays_failed_and_the_admins_are_told_when_asked(
    new_uow: NewUow, signal: OutboxSignal
) -> None:
    ids = await queue(new_uow(), count=2)
    assert await woken(signal)  # by the rows just queued
    await delivery.fail(new_uow(), OutboxMessage, [ids[0]], "Forbidden: bot was blocked")
    assert not await woken(signal)
    await delivery.fail(
        new_uow(), OutboxMessage, [ids[1]], "chat not found", tell_admins=(101, "chat not found")
    )
    assert await woken(signal)
    rows = await rows_of(new_uow(), OutboxMessage)
    assert [(row.status, row.last_error) for row in rows[:2]] == [
        (OutboxStatus.failed, "Forbidden: bot was blocked"),
        (OutboxStatus.failed, "chat not found"),
    ]
    assert [(row.kind, row.payload) for row in rows[2:]] == [
        (
            OutboxKind.admin_notice,
            {"event": AdminEvent.delivery_failed, "target": 101, "error": "chat not found"},
        )
    ]
    later = utcnow() + timedelta(hours=1)
    claimed = await delivery.claim(new_uow(), OutboxMessage, now=later, lease_seconds=LEASE)
    assert [row.kind for row in claimed] == [OutboxKind.admin_notice]


async def test_a_notice_for_the_admins_becomes_one_row_per_admin(
    new_uow: NewUow,
) -> None:
    uow = new_uow()
    async with uow:
        outbox.to_admins(uow, AdminEvent.group_linked, producer_id=7)
        await uow.commit()
    await delivery.fan_out_admin_notices(new_uow(), [11, 12])
    rows = await rows_of(new_uow(), OutboxMessage)
    assert [(row.user_id, row.status) for row in rows] == [
        (None, OutboxStatus.sent),
        (11, OutboxStatus.pending),
        (12, OutboxStatus.pending),
    ]
    assert all(row.payload == rows[0].payload for row in rows)


async def test_a_zalo_row_for_a_producer_reaches_each_of_its_staff_but_the_actor(
    new_uow: NewUow,
) -> None:
    producer = await add_producer(new_uow(), "ZALO")
    uow = new_uow()
    async with uow:
        for zalo_id in ("a", "b", "c"):
            uow.session.add(ZaloStaff(zalo_id=zalo_id, producer_id=producer, display_name=zalo_id))
        outbox.to_zalo_staff(uow, OutboxKind.status_changed, producer, order_id=1, zalo_actor="b")
        await uow.commit()
    await delivery.fan_out_to_zalo_staff(new_uow())
    await delivery.fan_out_to_zalo_staff(new_uow())  # a second pass changes nothing
    claimed = await delivery.claim(new_uow(), ZaloOutboxMessage, now=utcnow(), lease_seconds=1)
    assert sorted(row.zalo_id or "" for row in claimed) == ["a", "c"]


async def test_producers_whose_orders_wait_for_a_group_are_reported_once(
    new_uow: NewUow,
) -> None:
    producer = await add_producer(new_uow(), "WAITING")
    uow = new_uow()
    async with uow:
        outbox.to_producer_group(uow, OutboxKind.order_alert, producer, order_id=1)
        await uow.commit()
    await delivery.settle_groupless_rows(new_uow())
    await delivery.settle_groupless_rows(new_uow())
    notices = [
        row.payload
        for row in await rows_of(new_uow(), OutboxMessage)
        if row.kind == OutboxKind.admin_notice
    ]
    assert notices == [{"event": AdminEvent.orders_waiting, "producer_id": producer}]


async def test_unlinking_a_group_lets_its_alerts_wait_and_tells_admins_if_the_bot_was_removed(
    new_uow: NewUow,
) -> None:
    kept = await add_producer(new_uow(), "KEPT", group=-601)
    removed = await add_producer(new_uow(), "REMOVED", group=-602)
    assert await fulfilment.unlink_group(new_uow(), chat_id=-601) == kept
    assert await fulfilment.unlink_group(new_uow(), chat_id=-602, bot_removed=True) == removed
    assert await fulfilment.unlink_group(new_uow(), chat_id=-603) is None
    uow = new_uow()
    async with uow.reading():
        groups = list(await uow.session.scalars(select(Producer.group_chat_id)))
    assert groups == [None, None]
    [notice] = [row.payload for row in await rows_of(new_uow(), OutboxMessage)]
    assert notice["event"] == AdminEvent.warning
    assert (notice["cause"], notice["state"]) == (Cause.group_unreachable, State.raised)
    assert (notice["producer_id"], notice["chat_id"], notice["error"]) == (removed, -602, "")
    async with uow:
        outbox.to_producer_group(uow, OutboxKind.order_alert, kept, order_id=1)
        await uow.commit()
    due = await delivery.claim(new_uow(), OutboxMessage, now=utcnow(), lease_seconds=LEASE)
    assert [row.kind for row in due] == [OutboxKind.admin_notice]  # the alert waits


async def admin_notices(uow: UnitOfWork) -> list[dict[str, object]]:
    return [
        row.payload
        for row in await rows_of(uow, OutboxMessage)
        if row.kind == OutboxKind.admin_notice
    ]


def told(notices: list[dict[str, object]]) -> list[tuple[object, ...]]:
    """The warnings among admin notices: (cause, state, producer, chat, error)."""
    return [
        (n["cause"], n["state"], n["producer_id"], n["chat_id"], n["error"])
        for n in notices
        if n["event"] == AdminEvent.warning
    ]


async def test_a_group_that_refuses_the_bot_keeps_its_producer_and_the_admins_hear_once(
    new_uow: NewUow,
) -> None:
    producer = await add_producer(new_uow(), "MUTED", group=-701)
    refused = "Bad Request: not enough rights to send text messages to the chat"
    await fulfilment.group_posts_again(new_uow(), chat_id=-701)  # nothing was wrong
    assert await admin_notices(new_uow()) == []
    for _attempt in range(2):
        assert await fulfilment.group_refuses_posts(new_uow(), chat_id=-701, error=refused) == (
            producer
        )
    raised = (Cause.group_unreachable, State.raised, producer, -701, refused)
    [notice] = await admin_notices(new_uow())
    assert told([notice]) == [raised]
    assert notice["may_not_post"] is True
    # It let the bot post again for a while (resolved); refused again later, the admins hear
    # again.
    await fulfilment.group_posts_again(new_uow(), chat_id=-701)
    await fulfilment.group_refuses_posts(new_uow(), chat_id=-701, error=refused)
    resolved = (Cause.group_unreachable, State.resolved, producer, -701, refused)
    assert told(await admin_notices(new_uow())) == [raised, resolved, raised]
    uow = new_uow()
    async with uow.reading():
        assert await uow.session.scalar(select(Producer.group_chat_id)) == -701


async def test_a_lost_group_is_told_once_while_its_alerts_wait_and_they_go_to_the_next(
    new_uow: NewUow,
) -> None:
    producer = await add_producer(new_uow(), "GONE", group=-702)
    uow = new_uow()
    async with uow:
        outbox.to_producer_group(uow, OutboxKind.order_alert, producer, order_id=1)
        await uow.commit()
    # The sender found the bot removed: the group is released, its alert waits.
    kicked = "Forbidden: bot was kicked from the group chat"
    assert await fulfilment.unlink_group(new_uow(), chat_id=-702, unreachable=kicked) == producer
    await delivery.settle_groupless_rows(new_uow())
    async with uow:
        outbox.to_producer_group(uow, OutboxKind.order_alert, producer, order_id=2)
        await uow.commit()
    await delivery.settle_groupless_rows(new_uow())
    notices = await admin_notices(new_uow())
    assert told(notices) == [(Cause.group_unreachable, State.raised, producer, -702, kicked)]
    assert len(notices) == 1  # no "orders wait for a group" besides
    code = await fulfilment.create_link_code(new_uow(), producer_id=producer, created_by=1)
    await fulfilment.use_link_code(new_uow(), code=code, chat_id=-703)
    due = await delivery.claim(new_uow(), OutboxMessage, now=utcnow(), lease_seconds=LEASE)
    assert [row.payload.get("order_id") for row in due if row.producer_id == producer] == [1, 2]


async def test_a_group_linked_by_the_operator_resolves_the_warning_of_the_one_lost(
    new_uow: NewUow,
) -> None:
    producer = await add_producer(new_uow(), "RELINKED", group=-704)
    await fulfilment.unlink_group(new_uow(), chat_id=-704, bot_removed=True)
    assert [w.subject for w in await warnings.raised(new_uow())] == [str(producer)]
    await link_group(new_uow(), producer_code="RELINKED", chat_id=-705)
    assert await warnings.raised(new_uow()) == []
    raised = (Cause.group_unreachable, State.raised, producer, -704, "")
    resolved = (Cause.group_unreachable, State.resolved, producer, -704, "")
    assert told(await admin_notices(new_uow())) == [raised, resolved]
