"""Loading the demo catalog: idempotent, and it never overwrites what is already there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from catalog.demo.data import CATEGORIES, PRODUCERS, PRODUCTS, DemoProduct
from catalog.demo.images import render_product_image
from catalog.models import Category, Producer, ProducerKind, Product
from catalog.text import nfc, search_text
from catalog.uow import UnitOfWork


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
        new_producers = new_categories = 0
        for demo_producer in PRODUCERS:
            if demo_producer.code in producers:
                continue
            producer = Producer(
                code=demo_producer.code,
                name_vi=nfc(demo_producer.name_vi),
                name_en=demo_producer.name_en,
                kind=ProducerKind(demo_producer.kind),
                ward=nfc(demo_producer.ward),
                province=nfc(demo_producer.province),
                street=nfc(demo_producer.street),
                description_vi=nfc(demo_producer.description_vi),
                description_en=demo_producer.description_en,
                phone=demo_producer.phone,
                bank_bin=demo_producer.bank_bin,
                bank_account=demo_producer.bank_account,
                bank_account_name=demo_producer.bank_account_name,
            )
            uow.session.add(producer)
            producers[producer.code] = producer
            new_producers += 1
        for demo_category in CATEGORIES:
            if demo_category.code in categories:
                continue
            category = Category(
                code=demo_category.code,
                name_vi=nfc(demo_category.name_vi),
                name_en=demo_category.name_en,
                position=demo_category.position,
            )
            uow.session.add(category)
            categories[category.code] = category
            new_categories += 1
        await uow.flush()

        existing = set(
            await uow.session.scalars(
                select(Product.sku).where(Product.sku.in_([p.sku for p in PRODUCTS]))
            )
        )
        new_products = 0
        for demo in PRODUCTS:
            if demo.sku in existing:
                continue
            producer = producers[demo.producer]
            uow.session.add(
                Product(
                    sku=demo.sku,
                    producer_id=producer.id,
                    category_id=categories[demo.category].id,
                    name_vi=nfc(demo.name_vi),
                    name_en=demo.name_en,
                    description_vi=nfc(demo.description_vi),
                    description_en=demo.description_en,
                    unit_vi=nfc(demo.unit_vi),
                    unit_en=demo.unit_en,
                    price=demo.price,
                    stock=demo.stock,
                    ocop_stars=demo.stars,
                    ocop_year=demo.year,
                    photo=photo_path(demo.sku),
                    search_text=search_text(
                        demo.name_vi, demo.name_en, demo.sku, producer.name_vi, producer.ward
                    ),
                )
            )
            new_products += 1
        await uow.commit()
        return SeedReport(new_producers, new_categories, new_products)
