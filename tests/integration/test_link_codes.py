"""Link codes against a real database: a group's or a Zalo account's code links once, within
15 minutes, to the producer it was made for; a wrong, spent or stale code changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from catalog.db import create_session_factory
from catalog.models import (
    GroupLinkCode,
    OutboxMessage,
    OutboxStatus,
    Producer,
    ZaloLinkCode,
    ZaloStaff,
    utcnow,
)
from catalog.outbox import AdminEvent, OutboxKind
from catalog.services import fulfilment, zalo_staff
from catalog.services.fulfilment import GroupLink, LinkCodeRefused, LinkProblem
from catalog.services.producers import ProducerNotFound, link_group
from catalog.uow import UnitOfWork

LIFETIME = timedelta(minutes=15)
ADMIN = 7
T = TypeVar("T")


async def producer(uow: UnitOfWork, code: str) -> Row[tuple[int, str, str, str, int | None]]:
    """The producer's id, names, group language and group, as stored now."""
    async with uow.reading():
        return (
            await uow.session.execute(
                select(
                    Producer.id,
                    Producer.name_vi,
                    Producer.name_en,
                    Producer.group_language,
                    Producer.group_chat_id,
                ).where(Producer.code == code)
            )
        ).one()


async def group_of(uow: UnitOfWork, code: str) -> int | None:
    return (await producer(uow, code)).group_chat_id


async def refused(uow: UnitOfWork, code: str, chat_id: int, now: datetime) -> LinkProblem:
    with pytest.raises(LinkCodeRefused) as refusal:
        await fulfilment.use_link_code(uow, code=code, chat_id=chat_id, now=now)
    return refusal.value.problem


async def admin_notices(uow: UnitOfWork) -> list[dict[str, object]]:
    async with uow.reading():
        rows = await uow.session.scalars(
            select(OutboxMessage.payload)
            .where(OutboxMessage.kind == OutboxKind.admin_notice)
            .order_by(OutboxMessage.id)
        )
        return list(rows)


async def race(
    engine: AsyncEngine,
    use: Callable[[UnitOfWork, T], Awaitable[object]],
    contenders: tuple[T, T],
) -> list[object]:
    """Each contender uses the code at the same moment, in a unit of work of its own; what
    each got, or why it was refused."""
    factory = create_session_factory(engine)

    async def attempt(contender: T) -> object:
        try:
            return await use(UnitOfWork(factory), contender)
        except LinkCodeRefused as refusal:
            return refusal.problem

    return list(await asyncio.gather(*(attempt(contender) for contender in contenders)))


async def test_a_group_code_links_its_producer_once_and_tells_the_admins(shop: UnitOfWork) -> None:
    babe = await producer(shop, "BABE")
    code = await fulfilment.create_link_code(shop, producer_id=babe.id, created_by=ADMIN)

    linked = await fulfilment.use_link_code(shop, code=f"  {code.lower()} ", chat_id=-100)

    assert linked == GroupLink(babe.id, babe.name_vi, babe.name_en, ADMIN, babe.group_language)
    assert await group_of(shop, "BABE") == -100
    assert await refused(shop, code, -101, utcnow()) == LinkProblem.used
    assert await group_of(shop, "BABE") == -100
    async with shop.reading():
        spent = (
            await shop.session.execute(
                select(GroupLinkCode.used_at, GroupLinkCode.used_in_chat).where(
                    GroupLinkCode.code == code
                )
            )
        ).one()
    assert spent.used_at is not None
    assert spent.used_in_chat == -100
    assert await admin_notices(shop) == [
        {
            "event": AdminEvent.group_linked,
            "producer_id": babe.id,
            "chat_id": -100,
            "created_by": ADMIN,
        }
    ]


async def test_a_group_code_works_until_fifteen_minutes_have_passed(shop: UnitOfWork) -> None:
    babe = await producer(shop, "BABE")
    made = utcnow() - timedelta(hours=1)
    stale = await fulfilment.create_link_code(
        shop, producer_id=babe.id, created_by=ADMIN, now=made
    )
    fresh = await fulfilment.create_link_code(
        shop, producer_id=babe.id, created_by=ADMIN, now=made
    )

    assert await refused(shop, stale, -200, made + LIFETIME) == LinkProblem.expired
    assert await group_of(shop, "BABE") is None
    linked = await fulfilment.use_link_code(
        shop, code=fresh, chat_id=-200, now=made + LIFETIME - timedelta(seconds=1)
    )
    assert linked.producer_id == babe.id
    assert await group_of(shop, "BABE") == -200


@pytest.mark.parametrize("code", ["AAAA2222", "", "   "])
async def test_a_wrong_group_code_is_unknown_and_links_nothing(
    shop: UnitOfWork, code: str
) -> None:
    babe = await producer(shop, "BABE")
    await fulfilment.create_link_code(shop, producer_id=babe.id, created_by=ADMIN)

    assert await refused(shop, code, -300, utcnow()) == LinkProblem.unknown
    async with shop.reading():
        linked = await shop.session.scalar(
            select(func.count()).select_from(Producer).where(Producer.group_chat_id.is_not(None))
        )
    assert linked == 0
    assert await admin_notices(shop) == []


async def test_a_code_for_a_producer_that_does_not_exist_is_not_made(shop: UnitOfWork) -> None:
    with pytest.raises(ProducerNotFound):
        await fulfilment.create_link_code(shop, producer_id=999_999, created_by=ADMIN)
    with pytest.raises(ProducerNotFound):
        await zalo_staff.create_zalo_link_code(shop, producer_id=999_999, created_by=ADMIN)
    async with shop.reading():
        group_codes = await shop.session.scalar(select(func.count()).select_from(GroupLinkCode))
        zalo_codes = await shop.session.scalar(select(func.count()).select_from(ZaloLinkCode))
    assert (group_codes, zalo_codes) == (0, 0)


async def test_a_group_linked_to_another_producer_moves_and_waiting_alerts_fall_due(
    shop: UnitOfWork,
) -> None:
    await link_group(shop, producer_code="QUANGVINH", chat_id=-400)
    babe = await producer(shop, "BABE")
    later = utcnow() + timedelta(hours=1)
    async with shop:
        # An alert waiting for the group, and one already sent.
        shop.session.add_all(
            [
                OutboxMessage(
                    kind=OutboxKind.order_alert,
                    producer_id=babe.id,
                    payload={},
                    next_attempt_at=later,
                ),
                OutboxMessage(
                    kind=OutboxKind.order_alert,
                    producer_id=babe.id,
                    payload={},
                    status=OutboxStatus.sent,
                    next_attempt_at=later,
                ),
            ]
        )
        await shop.commit()
    code = await fulfilment.create_link_code(shop, producer_id=babe.id, created_by=ADMIN)
    now = utcnow()

    await fulfilment.use_link_code(shop, code=code, chat_id=-400, now=now)

    assert await group_of(shop, "BABE") == -400
    assert await group_of(shop, "QUANGVINH") is None
    async with shop.reading():
        due = list(
            await shop.session.execute(
                select(OutboxMessage.status, OutboxMessage.next_attempt_at)
                .where(OutboxMessage.producer_id == babe.id)
                .order_by(OutboxMessage.id)
            )
        )
    assert [tuple(row) for row in due] == [
        (OutboxStatus.pending, now),
        (OutboxStatus.sent, later),
    ]


async def test_a_zalo_code_works_until_fifteen_minutes_have_passed(shop: UnitOfWork) -> None:
    babe = await producer(shop, "BABE")
    made = utcnow() - timedelta(hours=1)
    stale, fresh = [
        await zalo_staff.create_zalo_link_code(
            shop, producer_id=babe.id, created_by=ADMIN, now=made
        )
        for _ in range(2)
    ]

    with pytest.raises(LinkCodeRefused) as expired:
        await zalo_staff.use_zalo_link_code(
            shop, code=stale, zalo_id="z1", display_name="Hoa", now=made + LIFETIME
        )
    member = await zalo_staff.use_zalo_link_code(
        shop,
        code=fresh,
        zalo_id="z1",
        display_name="Hoa",
        now=made + LIFETIME - timedelta(seconds=1),
    )

    assert expired.value.problem == LinkProblem.expired
    assert (member.zalo_id, member.producer_id) == ("z1", babe.id)


async def test_a_linked_zalo_account_moves_to_the_producer_of_its_new_code(
    shop: UnitOfWork,
) -> None:
    babe = await producer(shop, "BABE")
    quangvinh = await producer(shop, "QUANGVINH")
    for producer_id in (babe.id, quangvinh.id):
        code = await zalo_staff.create_zalo_link_code(
            shop, producer_id=producer_id, created_by=ADMIN
        )
        await zalo_staff.use_zalo_link_code(
            shop, code=code, zalo_id="z-mai", display_name="Mai", language="en"
        )

    member = await zalo_staff.staff_member(shop, "z-mai")
    assert member is not None
    assert (member.producer_id, member.code, member.language) == (quangvinh.id, "QUANGVINH", "en")
    assert await zalo_staff.staff_of_producer(shop, babe.id) == []
    assert await zalo_staff.staff_of_producer(shop, quangvinh.id) == [member]


async def test_a_zalo_code_beyond_the_plans_accounts_is_refused_and_kept(
    shop: UnitOfWork,
) -> None:
    babe = await producer(shop, "BABE")
    for number in range(zalo_staff.MAX_LINKED_STAFF):
        await zalo_staff.link_zalo_staff(
            shop, producer_code="BABE", zalo_id=f"z{number}", display_name=f"Staff {number}"
        )
    code = await zalo_staff.create_zalo_link_code(shop, producer_id=babe.id, created_by=ADMIN)

    with pytest.raises(zalo_staff.TooManyStaff):
        await zalo_staff.use_zalo_link_code(shop, code=code, zalo_id="z-new", display_name="")
    # Someone already linked may still use it: they take no new place.
    member = await zalo_staff.use_zalo_link_code(
        shop, code=code, zalo_id="z0", display_name="Renamed"
    )

    assert member.display_name == "Renamed"
    assert await zalo_staff.staff_member(shop, "z-new") is None
    async with shop.reading():
        linked = await shop.session.scalar(select(func.count()).select_from(ZaloStaff))
    assert linked == zalo_staff.MAX_LINKED_STAFF


async def test_of_two_racing_with_one_code_one_group_and_one_zalo_account_win(
    shop: UnitOfWork, engine: AsyncEngine
) -> None:
    babe = await producer(shop, "BABE")
    group_code = await fulfilment.create_link_code(shop, producer_id=babe.id, created_by=ADMIN)
    zalo_code = await zalo_staff.create_zalo_link_code(shop, producer_id=babe.id, created_by=ADMIN)

    groups = await race(
        engine,
        lambda uow, chat_id: fulfilment.use_link_code(uow, code=group_code, chat_id=chat_id),
        (-501, -502),
    )
    accounts = await race(
        engine,
        lambda uow, zalo_id: zalo_staff.use_zalo_link_code(
            uow, code=zalo_code, zalo_id=zalo_id, display_name=zalo_id
        ),
        ("z-a", "z-b"),
    )

    assert len([result for result in groups if isinstance(result, GroupLink)]) == 1
    assert LinkProblem.used in groups
    assert await group_of(shop, "BABE") in {-501, -502}
    assert [notice["event"] for notice in await admin_notices(shop)] == [
        AdminEvent.group_linked,
        AdminEvent.zalo_linked,
    ]
    linked = [result for result in accounts if isinstance(result, zalo_staff.StaffMember)]
    assert [member.zalo_id for member in linked] in (["z-a"], ["z-b"])
    assert LinkProblem.used in accounts
    found = [await zalo_staff.staff_member(shop, zalo_id) for zalo_id in ("z-a", "z-b")]
    assert sum(member is not None for member in found) == 1
