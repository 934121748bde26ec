"""Loading the demo catalog: idempotent, and it never overwrites what is already there."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, select

from catalog.demo.data import (
    CATEGORIES,
    PRODUCERS,
    PRODUCTS,
    DemoCategory,
    DemoProducer,
    DemoProduct,
)
from catalog.demo.images import render_product_image
from catalog.models import Category, Producer, ProducerKind, Product
from catalog.photos import fit_in_place
from catalog.text import nfc, search_text
from catalog.uow import UnitOfWork

D = TypeVar("D")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class SeedReport:
    producers: int
    categories: int
    products: int
    skipped: bool = False


def photo_path(sku: str) -> str:
    return f"products/{sku}.jpg"


def write_demo_images(media_dir: Path, products: tuple[DemoProduct, ...] = PRODUCTS) -> int:
    """Draw the demo products' pictures that are not on disk yet; returns how many."""
    written = 0
    for product in products:
        target = media_dir / photo_path(product.sku)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_product_image(product))
        fit_in_place(target)
        written += 1
    return written


async def seed_demo_catalog(
    uow: UnitOfWork, media_dir: Path, *, only_if_empty: bool = False
) -> SeedReport:
    """Add the demo producers, categories and products that are missing."""
    write_demo_images(media_dir)
    async with uow:
        if only_if_empty and await uow.session.scalar(select(func.count()).select_from(Product)):
            return SeedReport(0, 0, 0, skipped=True)
        producers = {p.code: p for p in await uow.session.scalars(select(Producer))}
        categories = {c.code: c for c in await uow.session.scalars(select(Category))}
        new_producers = _add_missing(uow, PRODUCERS, producers, lambda d: d.code, _producer)
        producers.update((producer.code, producer) for producer in new_producers)
        new_categories = _add_missing(uow, CATEGORIES, categories, lambda d: d.code, _category)
        categories.update((category.code, category) for category in new_categories)
        await uow.flush()

        existing = set(
            await uow.session.scalars(
                select(Product.sku).where(Product.sku.in_([p.sku for p in PRODUCTS]))
            )
        )
        new_products = _add_missing(
            uow,
            PRODUCTS,
            existing,
            lambda d: d.sku,
            lambda d: _product(d, producers[d.producer], categories[d.category]),
        )
        await uow.commit()
        return SeedReport(len(new_producers), len(new_categories), len(new_products))


def _add_missing(
    uow: UnitOfWork,
    demos: Iterable[D],
    present: Container[str],
    code: Callable[[D], str],
    build: Callable[[D], R],
) -> list[R]:
    """Add a row for each demo item whose code is not ``present`` yet, in order; the rows added."""
    added = []
    for demo in demos:
        if code(demo) in present:
            continue
        row = build(demo)
        uow.session.add(row)
        added.append(row)
    return added


def _producer(demo: DemoProducer) -> Producer:
    return Producer(
        code=demo.code,
        name_vi=nfc(demo.name_vi),
        name_en=demo.name_en,
        kind=ProducerKind(demo.kind),
        ward=nfc(demo.ward),
        province=nfc(demo.province),
        street=nfc(demo.street),
        description_vi=nfc(demo.description_vi),
        description_en=demo.description_en,
        phone=demo.phone,
        bank_bin=demo.bank_bin,
        bank_account=demo.bank_account,
        bank_account_name=demo.bank_account_name,
    )


def _category(demo: DemoCategory) -> Category:
    return Category(
        code=demo.code,
        name_vi=nfc(demo.name_vi),
        name_en=demo.name_en,
        position=demo.position,
    )


def _product(demo: DemoProduct, producer: Producer, category: Category) -> Product:
    return Product(
        sku=demo.sku,
        producer_id=producer.id,
        category_id=category.id,
        name_vi=nfc(demo.name_vi),
        name_en=demo.name_en,
        description_vi=nfc(demo.description_vi),
        description_en=demo.description_en,
        unit_vi=nfc(demo.unit_vi),
        unit_en=demo.unit_en,
        price=demo.price,
        stock=demo.stock,
        ocop_stars=demo.stars,
        ocop_granted=date(demo.year, 1, 1),
        photo=photo_path(demo.sku),
        search_text=search_text(
            demo.name_vi, demo.name_en, demo.sku, producer.name_vi, producer.ward
        ),
    )
