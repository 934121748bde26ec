"""Deep links: who came through which link, and which orders followed.

Every link opened is a row in ``link_visits``. A user created by a link keeps its source as
how they first found the shop; an order takes the source of the latest link its customer
opened in the week before ordering (``ATTRIBUTION``), so a poster scanned at a stall on
Saturday still counts for the order placed on Monday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from catalog.errors import NotAllowed
from catalog.links import LinkSource
from catalog.models import LinkVisit, Order, OrderStatus, User, utcnow
from catalog.services.inventory import Actor
from catalog.text import nfc
from catalog.uow import UnitOfWork

ATTRIBUTION = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Visitor:
    """The person opening a link, as their messenger describes them."""

    user_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    # Known to the shop only since this very link was opened (a channel that numbers its
    # people as they arrive: Messenger's Get Started with an m.me link).
    new: bool = False


@dataclass(frozen=True, slots=True)
class SourceFigures:
    """Orders and link opens of one source; ``source`` None: orders that followed no link."""

    source: LinkSource | None
    orders: int
    revenue: int
    visits: int


async def record_visit(
    uow: UnitOfWork,
    *,
    visitor: Visitor,
    source: LinkSource,
    producer_id: int,
    product_id: int | None = None,
) -> bool:
    """Note that a link was opened; True when it is how the user first reached the shop."""
    async with uow:
        user = await uow.session.get(User, visitor.user_id)
        first_contact = user is None or visitor.new
        if user is not None and visitor.new and user.source is None:
            user.source = source.value
        if user is None:
            uow.session.add(
                User(
                    id=visitor.user_id,
                    first_name=nfc(visitor.first_name)[:200],
                    last_name=nfc(visitor.last_name)[:200] if visitor.last_name else None,
                    username=visitor.username,
                    telegram_language=(visitor.language_code or "")[:16] or None,
                    source=source.value,
                )
            )
            await uow.flush()
        uow.session.add(
            LinkVisit(
                user_id=visitor.user_id,
                source=source.value,
                producer_id=producer_id,
                product_id=product_id,
                first_contact=first_contact,
            )
        )
        await uow.commit()
        return first_contact


async def order_source(
    uow: UnitOfWork, *, user_id: int, now: datetime | None = None
) -> LinkSource | None:
    """The source an order placed now is counted under: the customer's latest link opened
    within ``ATTRIBUTION``, or None."""
    since = (now or utcnow()) - ATTRIBUTION
    async with uow.reading():
        source = await uow.session.scalar(
            select(LinkVisit.source)
            .where(LinkVisit.user_id == user_id, LinkVisit.created_at >= since)
            .order_by(LinkVisit.created_at.desc(), LinkVisit.id.desc())
            .limit(1)
        )
    return _source(source)


def _source(value: str | None) -> LinkSource | None:
    return LinkSource(value) if value in set(LinkSource) else None


async def stats_by_source(
    uow: UnitOfWork, *, actor: Actor, since: datetime
) -> list[SourceFigures]:
    """Orders (revenue without cancelled ones) and link opens per source since ``since``:
    the whole shop for admins, their producer's for managers. Sources with neither are left
    out; orders without a link come last."""
    if not actor.is_staff:
        raise NotAllowed
    orders_where = [Order.created_at >= since]
    visits_where = [LinkVisit.created_at >= since]
    if not actor.is_admin:
        orders_where.append(Order.producer_id == actor.producer_id)
        visits_where.append(LinkVisit.producer_id == actor.producer_id)
    async with uow.reading():
        order_rows = await uow.session.execute(
            select(
                Order.source,
                func.count(Order.id),
                func.sum(Order.total).filter(Order.status != OrderStatus.cancelled),
            )
            .where(*orders_where)
            .group_by(Order.source)
        )
        visit_rows = await uow.session.execute(
            select(LinkVisit.source, func.count(LinkVisit.id))
            .where(*visits_where)
            .group_by(LinkVisit.source)
        )
        orders = {_source(s): (int(n), int(revenue or 0)) for s, n, revenue in order_rows}
        visits = {_source(s): int(n) for s, n in visit_rows}
    figures = []
    for source in (*LinkSource, None):
        count, revenue = orders.get(source, (0, 0))
        opened = visits.get(source, 0)
        if count or opened:
            figures.append(SourceFigures(source, count, revenue, opened))
    return figures
