"""Admins and producer managers keep the catalog right: stock, prices, visibility, products.

Every change is written to the audit trail (``product_changes``) with who, when, old → new and
why, and reaches the in-memory catalog on commit.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from catalog.errors import NotAllowed, ShopError
from catalog.models import (
    Category,
    ChangeReason,
    Order,
    OrderLine,
    OrderStatus,
    Producer,
    ProducerManager,
    Product,
    ProductChange,
    User,
    utcnow,
)
from catalog.services.orders import OrderPage, order_page
from catalog.services.producers import ProducerNotFound
from catalog.text import Named, nfc, search_text
from catalog.uow import UnitOfWork

SKU_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,32}")
MAX_PRICE = 1_000_000_000
MAX_STOCK = 1_000_000
STAFF_PAGE_SIZE = 8


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: an admin, the manager of one producer, or (neither) a customer."""

    user_id: int | None
    is_admin: bool = False
    producer_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.is_admin or self.producer_id is not None

    def may_manage(self, producer_id: int) -> bool:
        return self.is_admin or self.producer_id == producer_id


class UnknownSku(ShopError):
    def __init__(self, sku: str, suggestions: list[str]) -> None:
        super().__init__(sku, suggestions)
        self.sku = sku
        self.suggestions = suggestions


class InvalidValue(ShopError):
    """A value outside what the shop accepts (price ≤ 0, stock below zero, …)."""

    def __init__(self, field: str, value: object) -> None:
        super().__init__(field, value)
        self.field = field
        self.value = value


@dataclass(frozen=True, slots=True)
class ProductChangeView(Named):
    sku: str
    name_vi: str
    name_en: str
    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    actor_id: int | None
    field: str
    old: str
    new: str
    reason: ChangeReason
    reference: str


@dataclass(frozen=True, slots=True)
class StockLine(Named):
    sku: str
    name_vi: str
    name_en: str
    stock: int
    active: bool


@dataclass(frozen=True, slots=True)
class BestSeller(Named):
    name_vi: str
    name_en: str
    units: int


@dataclass(frozen=True, slots=True)
class ProducerStats(Named):
    producer_id: int
    name_vi: str
    name_en: str
    orders: int
    cancelled: int
    revenue: int
    best_sellers: tuple[BestSeller, ...]


@dataclass(frozen=True, slots=True)
class ProductDraft:
    name_vi: str
    name_en: str
    price: int
    unit_vi: str
    unit_en: str
    stock: int
    category_id: int
    producer_id: int
    photo: str | None
    description_vi: str = ""
    description_en: str = ""
    ocop_stars: int = 3
    ocop_year: int = 2025


# -- roles ----------------------------------------------------------------------------------


async def actor_for(uow: UnitOfWork, *, user_id: int, is_admin: bool) -> Actor:
    """The role of a Telegram user: admins come from the configuration, managers from here."""
    async with uow.reading():
        producer_id = await uow.session.scalar(
            select(ProducerManager.producer_id).where(ProducerManager.user_id == user_id)
        )
    return Actor(user_id=user_id, is_admin=is_admin, producer_id=producer_id)


async def add_manager(uow: UnitOfWork, *, actor: Actor, user_id: int, producer_code: str) -> str:
    """Bind a Telegram user to one producer (replacing an earlier binding)."""
    if not actor.is_admin:
        raise NotAllowed
    async with uow:
        producer = await uow.session.scalar(
            select(Producer).where(Producer.code == producer_code.upper())
        )
        if producer is None:
            raise ProducerNotFound(producer_code)
        await uow.session.execute(
            delete(ProducerManager).where(ProducerManager.user_id == user_id)
        )
        uow.session.add(
            ProducerManager(user_id=user_id, producer_id=producer.id, added_by=actor.user_id)
        )
        await uow.commit()
        return producer.name_vi


async def remove_manager(uow: UnitOfWork, *, actor: Actor, user_id: int) -> bool:
    if not actor.is_admin:
        raise NotAllowed
    async with uow:
        removed = await uow.session.execute(
            delete(ProducerManager).where(ProducerManager.user_id == user_id)
        )
        await uow.commit()
        return bool(removed.rowcount)  # type: ignore[attr-defined]


async def list_managers(uow: UnitOfWork, *, actor: Actor) -> list[tuple[int, str, str]]:
    """(user id, their name if known, producer code) for every manager."""
    if not actor.is_admin:
        raise NotAllowed
    async with uow.reading():
        rows = await uow.session.execute(
            select(ProducerManager.user_id, User.first_name, Producer.code)
            .join(Producer, Producer.id == ProducerManager.producer_id)
            .outerjoin(User, User.id == ProducerManager.user_id)
            .order_by(Producer.code, ProducerManager.user_id)
        )
        return [(user_id, name or "", code) for user_id, name, code in rows]


# -- products -------------------------------------------------------------------------------


async def _product(uow: UnitOfWork, sku: str, actor: Actor) -> Product:
    if not actor.is_staff:
        raise NotAllowed
    product = await uow.session.scalar(select(Product).where(Product.sku == sku))
    if product is None:
        query = select(Product.sku)
        if not actor.is_admin:
            query = query.where(Product.producer_id == actor.producer_id)
        known = list(await uow.session.scalars(query))
        lowered = {s.lower(): s for s in known}
        close = difflib.get_close_matches(sku.lower(), list(lowered), n=3, cutoff=0.5)
        raise UnknownSku(sku, [lowered[c] for c in close])
    if not actor.may_manage(product.producer_id):
        raise NotAllowed
    return product


def _audit(
    uow: UnitOfWork,
    product: Product,
    actor: Actor,
    field: str,
    old: object,
    new: object,
    reason: ChangeReason = ChangeReason.command,
) -> None:
    uow.session.add(
        ProductChange(
            product_id=product.id,
            actor_id=actor.user_id,
            field=field,
            old_value=str(old)[:500],
            new_value=str(new)[:500],
            reason=reason,
        )
    )


def _change_view(product: Product, field: str, old: object, new: object) -> ProductChangeView:
    return ProductChangeView(
        product.sku, product.name_vi, product.name_en, field, str(old), str(new)
    )


async def set_stock(
    uow: UnitOfWork, *, actor: Actor, sku: str, value: int, relative: bool
) -> ProductChangeView:
    """Set the stock (``relative``: add or take away), never below zero."""
    async with uow:
        product = await _product(uow, sku, actor)
        old = product.stock
        new = old + value if relative else value
        if not 0 <= new <= MAX_STOCK:
            raise InvalidValue("stock", new)
        # Relative to what is stored now: a sale between reading and writing is not lost.
        await uow.session.execute(
            update(Product)
            .where(Product.id == product.id)
            .values(stock=Product.stock + value if relative else value, updated_at=utcnow())
        )
        await uow.session.refresh(product)
        if product.stock < 0:
            raise InvalidValue("stock", product.stock)
        _audit(uow, product, actor, "stock", old, product.stock)
        uow.products_changed([product.id])
        view = _change_view(product, "stock", old, product.stock)
        await uow.commit()
        return view


async def set_price(uow: UnitOfWork, *, actor: Actor, sku: str, price: int) -> ProductChangeView:
    if not 0 < price <= MAX_PRICE:
        raise InvalidValue("price", price)
    async with uow:
        product = await _product(uow, sku, actor)
        old = product.price
        product.price = price
        _audit(uow, product, actor, "price", old, price)
        uow.products_changed([product.id])
        view = _change_view(product, "price", old, price)
        await uow.commit()
        return view


async def set_active(
    uow: UnitOfWork, *, actor: Actor, sku: str, active: bool
) -> ProductChangeView:
    async with uow:
        product = await _product(uow, sku, actor)
        old = product.active
        product.active = active
        _audit(uow, product, actor, "active", old, active)
        uow.products_changed([product.id])
        view = _change_view(product, "active", old, active)
        await uow.commit()
        return view


async def low_stock(uow: UnitOfWork, *, actor: Actor, threshold: int) -> list[StockLine]:
    if not actor.is_staff:
        raise NotAllowed
    async with uow.reading():
        query = (
            select(Product).where(Product.stock <= threshold).order_by(Product.stock, Product.sku)
        )
        if not actor.is_admin:
            query = query.where(Product.producer_id == actor.producer_id)
        return [
            StockLine(p.sku, p.name_vi, p.name_en, p.stock, p.active)
            for p in await uow.session.scalars(query.limit(50))
        ]


async def history(
    uow: UnitOfWork, *, actor: Actor, sku: str, limit: int = 15
) -> tuple[ProductChangeView, list[HistoryEntry]]:
    async with uow.reading():
        product = await _product(uow, sku, actor)
        rows = await uow.session.scalars(
            select(ProductChange)
            .where(ProductChange.product_id == product.id)
            .order_by(ProductChange.id.desc())
            .limit(limit)
        )
        entries = [
            HistoryEntry(
                r.created_at, r.actor_id, r.field, r.old_value, r.new_value, r.reason, r.reference
            )
            for r in rows
        ]
        return _change_view(product, "", "", ""), entries


async def create_product(uow: UnitOfWork, *, actor: Actor, draft: ProductDraft) -> str:
    """Add a product from the wizard; returns its new SKU (producer code and a number)."""
    if not actor.may_manage(draft.producer_id):
        raise NotAllowed
    if not 0 < draft.price <= MAX_PRICE:
        raise InvalidValue("price", draft.price)
    if not 0 <= draft.stock <= MAX_STOCK:
        raise InvalidValue("stock", draft.stock)
    async with uow:
        producer = await uow.session.get(Producer, draft.producer_id)
        category = await uow.session.get(Category, draft.category_id)
        if producer is None or category is None:
            raise NotAllowed
        count = await uow.session.scalar(
            select(func.count()).select_from(Product).where(Product.producer_id == producer.id)
        )
        number = (count or 0) + 1
        sku = f"{producer.code}-{number:03d}"
        while await uow.session.scalar(select(Product.id).where(Product.sku == sku)):
            number += 1
            sku = f"{producer.code}-{number:03d}"
        product = Product(
            sku=sku,
            producer_id=producer.id,
            category_id=category.id,
            name_vi=nfc(draft.name_vi),
            name_en=nfc(draft.name_en) or nfc(draft.name_vi),
            description_vi=nfc(draft.description_vi),
            description_en=nfc(draft.description_en),
            unit_vi=nfc(draft.unit_vi),
            unit_en=nfc(draft.unit_en) or nfc(draft.unit_vi),
            price=draft.price,
            stock=draft.stock,
            ocop_stars=draft.ocop_stars,
            ocop_year=draft.ocop_year,
            photo=draft.photo,
            search_text=search_text(
                draft.name_vi, draft.name_en, sku, producer.name_vi, producer.ward
            ),
        )
        uow.session.add(product)
        await uow.session.flush()
        _audit(uow, product, actor, "created", "", sku, ChangeReason.wizard)
        uow.catalog_changed()
        await uow.commit()
        return sku


# -- orders and figures -----------------------------------------------------------------------


async def staff_orders(
    uow: UnitOfWork, *, actor: Actor, status: OrderStatus | None, page: int = 0
) -> OrderPage:
    """Recent orders, newest first: all for admins, their producer's for managers."""
    if not actor.is_staff:
        raise NotAllowed
    async with uow.reading():
        where = []
        if status is not None:
            where.append(Order.status == status)
        if not actor.is_admin:
            where.append(Order.producer_id == actor.producer_id)
        return await order_page(
            uow, where, [Order.id.desc()], page=page, page_size=STAFF_PAGE_SIZE
        )


async def stats(uow: UnitOfWork, *, actor: Actor, since: datetime) -> list[ProducerStats]:
    """Orders, revenue (cancelled orders excluded) and the three best sellers per producer."""
    if not actor.is_staff:
        raise NotAllowed
    async with uow.reading():
        where = [Order.created_at >= since]
        if not actor.is_admin:
            where.append(Order.producer_id == actor.producer_id)
        kept = Order.status != OrderStatus.cancelled
        rows = await uow.session.execute(
            select(
                Producer.id,
                Producer.name_vi,
                Producer.name_en,
                func.count(Order.id),
                func.sum(func.coalesce(Order.total, 0)).filter(kept),
                func.count(Order.id).filter(Order.status == OrderStatus.cancelled),
            )
            .join(Order, Order.producer_id == Producer.id)
            .where(*where)
            .group_by(Producer.id, Producer.name_vi, Producer.name_en)
            .order_by(Producer.name_vi)
        )
        sellers = await uow.session.execute(
            select(
                Order.producer_id,
                OrderLine.name_vi,
                OrderLine.name_en,
                func.sum(OrderLine.quantity).label("units"),
            )
            .join(Order, Order.id == OrderLine.order_id)
            .where(*where, kept)
            .group_by(Order.producer_id, OrderLine.sku, OrderLine.name_vi, OrderLine.name_en)
            .order_by(func.sum(OrderLine.quantity).desc(), OrderLine.name_vi)
        )
        best: dict[int, list[BestSeller]] = {}
        for producer_id, name_vi, name_en, units in sellers:
            picks = best.setdefault(producer_id, [])
            if len(picks) < 3:
                picks.append(BestSeller(name_vi, name_en, int(units)))
        return [
            ProducerStats(
                pid,
                name_vi,
                name_en,
                orders,
                cancelled,
                int(revenue or 0),
                tuple(best.get(pid, [])),
            )
            for pid, name_vi, name_en, orders, revenue, cancelled in rows
        ]


def period_start(period: str, now: datetime, offset: timedelta) -> datetime:
    """The start of today, this week or this month in the shop's time zone, as UTC."""
    local = (now + offset).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        local -= timedelta(days=local.weekday())
    elif period == "month":
        local = local.replace(day=1)
    return local - offset
