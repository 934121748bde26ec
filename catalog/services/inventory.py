"""Admins and producer managers keep the catalog right: stock, prices, visibility, products.

Every change is written to the audit trail (``product_changes``) with who, when, old → new and
why, and reaches the in-memory catalog on commit. The limits are the shop's (``catalog.rules``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update

from catalog import rules
from catalog.errors import NotAllowed, ShopError
from catalog.models import (
    Category,
    ChangeReason,
    Producer,
    ProducerManager,
    Product,
    ProductChange,
    utcnow,
)
from catalog.text import Named, nfc, search_text
from catalog.uow import UnitOfWork

# The texts a product has in Vietnamese and English.
_TEXTS = ("name", "description", "unit")


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


@dataclass(eq=False)  # an exception stays hashable and compares by identity
class UnknownSku(ShopError):
    """No product has this SKU; ``suggestions`` are the closest ones the actor may see."""

    sku: str
    suggestions: list[str]


@dataclass(eq=False)
class InvalidValue(ShopError):
    """A value outside what the shop accepts (price ≤ 0, stock below zero, …)."""

    field: str
    value: object


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
class ProductDraft:
    name_vi: str
    name_en: str
    price: int
    unit_vi: str
    unit_en: str
    stock: int
    ocop_stars: int
    ocop_granted: date
    category_id: int
    producer_id: int
    photo: str | None
    description_vi: str = ""
    description_en: str = ""


# -- roles ----------------------------------------------------------------------------------


async def actor_for(uow: UnitOfWork, *, user_id: int, is_admin: bool) -> Actor:
    """The role of a Telegram user: admins come from the configuration, managers from here."""
    async with uow.reading():
        producer_id = await uow.session.scalar(
            select(ProducerManager.producer_id).where(ProducerManager.user_id == user_id)
        )
    return Actor(user_id=user_id, is_admin=is_admin, producer_id=producer_id)


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
        if not rules.stock_allowed(new, old):
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
    if not rules.price_allowed(price):
        raise InvalidValue("price", price)
    return await _set_field(uow, actor, sku, "price", price)


async def set_active(
    uow: UnitOfWork, *, actor: Actor, sku: str, active: bool
) -> ProductChangeView:
    return await _set_field(uow, actor, sku, "active", active)


async def _set_field(
    uow: UnitOfWork, actor: Actor, sku: str, field: str, value: object
) -> ProductChangeView:
    async with uow:
        product = await _product(uow, sku, actor)
        old = getattr(product, field)
        setattr(product, field, value)
        _audit(uow, product, actor, field, old, value)
        uow.products_changed([product.id])
        view = _change_view(product, field, old, value)
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
    if not rules.price_allowed(draft.price):
        raise InvalidValue("price", draft.price)
    if not rules.stock_allowed(draft.stock):
        raise InvalidValue("stock", draft.stock)
    if not rules.stars_allowed(draft.ocop_stars):
        raise InvalidValue("ocop_stars", draft.ocop_stars)
    if not rules.grant_date_allowed(draft.ocop_granted, rules.shop_now()):
        raise InvalidValue("ocop_granted", draft.ocop_granted)
    async with uow:
        producer = await uow.session.get(Producer, draft.producer_id)
        category = await uow.session.get(Category, draft.category_id)
        if producer is None or category is None:
            raise NotAllowed
        sku = await _new_sku(uow, producer)
        texts = {
            f"{text}_{language}": nfc(getattr(draft, f"{text}_{language}"))
            for text in _TEXTS
            for language in ("vi", "en")
        }
        # An empty English name or unit takes the Vietnamese; a description stays empty.
        texts["name_en"] = texts["name_en"] or texts["name_vi"]
        texts["unit_en"] = texts["unit_en"] or texts["unit_vi"]
        product = Product(
            sku=sku,
            producer_id=producer.id,
            category_id=category.id,
            price=draft.price,
            stock=draft.stock,
            ocop_stars=draft.ocop_stars,
            ocop_granted=draft.ocop_granted,
            photo=draft.photo,
            search_text=search_text(
                draft.name_vi, draft.name_en, sku, producer.name_vi, producer.ward
            ),
            **texts,
        )
        uow.session.add(product)
        await uow.session.flush()
        _audit(uow, product, actor, "created", "", sku, ChangeReason.wizard)
        uow.catalog_changed()
        await uow.commit()
        return sku


async def _new_sku(uow: UnitOfWork, producer: Producer) -> str:
    """The producer's code and the next number no product has taken: ``BABE-007``."""
    count = await uow.session.scalar(
        select(func.count()).select_from(Product).where(Product.producer_id == producer.id)
    )
    number = (count or 0) + 1
    sku = f"{producer.code}-{number:03d}"
    while await uow.session.scalar(select(Product.id).where(Product.sku == sku)):
        number += 1
        sku = f"{producer.code}-{number:03d}"
    return sku
