"""Catalog spreadsheets against a real database: all or nothing, audited, and round-trip exact."""

import csv
import io
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from support import ordering
from support.catalog_rows import catalog_row, tiny_png

from catalog import migrate
from catalog.db import create_engine, create_session_factory
from catalog.demo.data import PRODUCTS
from catalog.demo.seed import seed_demo_catalog
from catalog.models import (
    Category,
    ChangeReason,
    PaymentMethod,
    Producer,
    ProducerKind,
    Product,
    ProductChange,
)
from catalog.services import cart, orders
from catalog.services.catalog_io import (
    copy_photos_beside,
    export_catalog,
    import_catalog,
    import_spreadsheet,
)
from catalog.snapshot import CatalogCache
from catalog.spreadsheet import (
    COLUMNS,
    CatalogRow,
    ImportProblem,
    Problem,
    RowError,
    SpreadsheetRejected,
    read_catalog,
    write_catalog,
)
from catalog.text import fold
from catalog.uow import UnitOfWork

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64))
PNG = tiny_png()


@pytest.fixture
async def shop(uow: UnitOfWork, media_dir: Path) -> UnitOfWork:
    await seed_demo_catalog(uow, media_dir)
    return uow


@pytest.fixture
async def fresh_uow(engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[UnitOfWork]:
    """A second, empty database of the same kind as ``engine``'s."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    if engine.dialect.name == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/fresh.db"
    else:
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = engine.url.set(database=name).render_as_string(hide_password=False)
    fresh = create_engine(url)
    try:
        await migrate.upgrade(fresh)
        yield UnitOfWork(create_session_factory(fresh))
    finally:
        await fresh.dispose()
        if engine.dialect.name != "sqlite":
            async with engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')


async def count(uow: UnitOfWork, model: type[object]) -> int:
    async with uow:
        return await uow.session.scalar(select(func.count()).select_from(model)) or 0


async def product(uow: UnitOfWork, sku: str) -> Product:
    async with uow:
        found = await uow.session.scalar(select(Product).where(Product.sku == sku))
        assert found is not None
        uow.session.expunge(found)  # readable after the session closes
        return found


async def changes(uow: UnitOfWork) -> list[tuple[str, str, str, str, ChangeReason, int | None]]:
    async with uow:
        rows = await uow.session.execute(
            select(
                Product.sku,
                ProductChange.field,
                ProductChange.old_value,
                ProductChange.new_value,
                ProductChange.reason,
                ProductChange.actor_id,
            )
            .join(Product, Product.id == ProductChange.product_id)
            .order_by(Product.sku, ProductChange.field)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def search_texts(uow: UnitOfWork) -> dict[str, str]:
    async with uow:
        return dict((await uow.session.execute(select(Product.sku, Product.search_text))).all())


def new_row(line: int, sku: str, **changes: object) -> CatalogRow:
    names = {"name_vi": f"Tinh bột nghệ {line}", "name_en": f"Turmeric starch {line}"}
    return catalog_row(line, sku=sku, ocop_granted=date(2022, 3, 15), **{**names, **changes})


def renumbered(rows: Iterable[CatalogRow]) -> list[CatalogRow]:
    return [replace(row, line=line) for line, row in enumerate(rows, start=2)]


def csv_bytes(rows: Sequence[CatalogRow], bad: dict[int, dict[str, str]]) -> bytes:
    """The rows as a CSV file, with some cells replaced by text as a person might type it."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        cells = {
            "sku": row.sku, "producer_code": row.producer_code,
            "producer_name_vi": row.producer_name_vi, "producer_name_en": row.producer_name_en,
            "category_vi": row.category_vi, "category_en": row.category_en,
            "name_vi": row.name_vi, "name_en": row.name_en,
            "description_vi": row.description_vi, "description_en": row.description_en,
            "unit_vi": row.unit_vi, "unit_en": row.unit_en, "price_vnd": str(row.price),
            "stock": str(row.stock), "stock_at_export": "", "ocop_stars": str(row.ocop_stars),
            "ocop_granted": row.ocop_granted.isoformat(), "active": str(row.active).lower(),
            "photo": row.photo or "",
        }  # fmt: skip
        cells.update(bad.get(row.line, {}))
        writer.writerow([cells.get(column, "") for column in COLUMNS])
    return buffer.getvalue().encode("utf-8")


async def producer_id(uow: UnitOfWork, code: str) -> int:
    async with uow:
        found = await uow.session.scalar(select(Producer.id).where(Producer.code == code))
        assert found is not None
        return found


# --- round trip -------------------------------------------------------------------------------


async def test_export_then_import_into_a_fresh_database_gives_the_same_catalog(
    shop: UnitOfWork, fresh_uow: UnitOfWork, media_dir: Path
) -> None:
    rows = await export_catalog(shop)
    assert [row.sku for row in rows] == sorted(p.sku for p in PRODUCTS)
    assert all(row.photo == f"products/{row.sku}.jpg" for row in rows)
    data = write_catalog(rows, "catalog.xlsx")

    report = await import_spreadsheet(
        fresh_uow, data, "catalog.xlsx", actor_id=None, media_dir=media_dir
    )

    assert (report.created, report.updated, report.unchanged) == (len(PRODUCTS), 0, 0)
    assert await export_catalog(fresh_uow) == rows
    # A spreadsheet carries no producer address: only the ward at the end of the text differs.
    seeded = await search_texts(shop)
    fresh = await search_texts(fresh_uow)
    assert fresh.keys() == seeded.keys()
    assert all(seeded[sku].startswith(f"{text} ") for sku, text in fresh.items())
    again = await import_spreadsheet(
        fresh_uow, data, "catalog.xlsx", actor_id=None, media_dir=media_dir
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(PRODUCTS))


async def test_photos_exported_beside_the_file_come_back_into_a_new_media_folder(
    shop: UnitOfWork, fresh_uow: UnitOfWork, media_dir: Path, tmp_path: Path
) -> None:
    spreadsheet = tmp_path / "out" / "catalog.csv"
    spreadsheet.parent.mkdir()
    rows = await export_catalog(shop)
    beside = copy_photos_beside(rows, media_dir=media_dir, spreadsheet=spreadsheet)
    assert beside.copied == len(rows)
    assert beside.rows[0].photo == f"catalog_photos/{rows[0].sku}.jpg"
    spreadsheet.write_bytes(write_catalog(beside.rows, spreadsheet.name))
    new_media = tmp_path / "media"

    await import_spreadsheet(
        fresh_uow,
        spreadsheet.read_bytes(),
        spreadsheet.name,
        actor_id=None,
        media_dir=new_media,
        source_dir=spreadsheet.parent,
    )

    assert await export_catalog(fresh_uow) == rows
    for row in rows:
        assert row.photo is not None
        assert (new_media / row.photo).read_bytes() == (media_dir / row.photo).read_bytes()
    assert not list(new_media.rglob("*.part"))


# --- all or nothing ---------------------------------------------------------------------------


async def test_five_thousand_rows_with_three_unreadable_ones_change_nothing(
    shop: UnitOfWork, tmp_path: Path
) -> None:
    rows = renumbered(new_row(0, f"BABE-X-{n:04d}") for n in range(5000))
    data = csv_bytes(
        rows,
        {17: {"price_vnd": "abc"}, 2500: {"ocop_stars": "7"}, 4999: {"sku": "BABE X"}},
    )
    before = (await product(shop, "BABE-NGHE-500")).stock

    with pytest.raises(SpreadsheetRejected) as rejected:
        await import_spreadsheet(
            shop, data, "catalog.csv", actor_id=1, media_dir=tmp_path, source_dir=tmp_path
        )

    assert rejected.value.errors == [
        RowError(17, "price_vnd", Problem.bad_price, "abc"),
        RowError(2500, "ocop_stars", Problem.bad_stars, "7"),
        RowError(4999, "sku", Problem.bad_sku, "BABE X"),
    ]
    assert await count(shop, Product) == len(PRODUCTS)
    assert (await product(shop, "BABE-NGHE-500")).stock == before


async def test_five_thousand_rows_with_three_the_shop_refuses_change_nothing(
    shop: UnitOfWork, media_dir: Path
) -> None:
    babe = await producer_id(shop, "BABE")
    current = await export_catalog(shop, only_producer_id=babe)
    rows = renumbered(
        [
            *(replace(row, stock=row.stock + 1) for row in current),
            *(new_row(0, f"BABE-X-{n:04d}") for n in range(5000 - len(current))),
        ]
    )
    rows[15] = replace(rows[15], producer_code="THANGLONG")  # line 17
    rows[2498] = replace(rows[2498], photo="products/nowhere.jpg")  # line 2500
    rows[4997] = replace(rows[4997], category_vi="Đồ gỗ", category_en="Woodwork")  # line 4999
    before = (await product(shop, current[0].sku)).stock

    with pytest.raises(SpreadsheetRejected) as rejected:
        await import_catalog(
            shop,
            rows,
            actor_id=1,
            media_dir=media_dir,
            source_dir=None,
            only_producer_id=babe,
        )

    assert rejected.value.errors == [
        RowError(17, "producer_code", ImportProblem.not_your_producer, "THANGLONG"),
        RowError(2500, "photo", Problem.photo_missing, "products/nowhere.jpg"),
        RowError(4999, "category_vi", ImportProblem.unknown_category, "Đồ gỗ"),
    ]
    assert await count(shop, Product) == len(PRODUCTS)
    assert await count(shop, ProductChange) == 0
    assert (await product(shop, current[0].sku)).stock == before


async def test_five_thousand_rows_import_in_one_go_reporting_progress_in_order(
    shop: UnitOfWork, media_dir: Path
) -> None:
    rows = renumbered(
        [
            *(replace(row, stock=row.stock + 1) for row in await export_catalog(shop)),
            *(new_row(0, f"NEW-{n:04d}") for n in range(5000 - len(PRODUCTS))),
        ]
    )
    seen: list[tuple[int, int]] = []

    report = await import_catalog(
        shop,
        rows,
        actor_id=None,
        media_dir=media_dir,
        source_dir=None,
        progress=lambda done, total: seen.append((done, total)),
    )

    assert (report.created, report.updated, report.unchanged) == (5000 - len(PRODUCTS), 46, 0)
    assert await count(shop, Product) == 5000
    assert await count(shop, ProductChange) == 5000
    assert seen[0] == (0, 5000)
    assert seen[-1] == (5000, 5000)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


# --- what an import changes -------------------------------------------------------------------


async def test_an_import_updates_creates_and_records_every_change(
    shop: UnitOfWork, media_dir: Path
) -> None:
    rows = await export_catalog(shop)
    index = next(i for i, row in enumerate(rows) if row.sku == "BABE-NGHE-500")
    old = rows[index]
    rows[index] = replace(old, price=old.price + 5_000, stock=7)
    rows.append(
        new_row(
            0,
            "GOVIET-BAN-01",
            producer_code="GOVIET",
            producer_name_vi="Hợp tác xã Gỗ Việt",
            producer_name_en="Go Viet Cooperative",
            category_vi="Đồ gỗ mỹ nghệ",
            category_en="Woodwork",
            name_vi="Bàn trà gỗ mít",
            name_en="Jackfruit wood tea table",
        )
    )

    report = await import_catalog(
        shop, renumbered(rows), actor_id=42, media_dir=media_dir, source_dir=None
    )

    assert (report.created, report.updated, report.unchanged) == (1, 1, len(PRODUCTS) - 1)
    updated = await product(shop, "BABE-NGHE-500")
    assert (updated.price, updated.stock) == (old.price + 5_000, 7)
    new_price = str(old.price + 5_000)
    assert await changes(shop) == [
        ("BABE-NGHE-500", "price", str(old.price), new_price, ChangeReason.import_, 42),
        ("BABE-NGHE-500", "stock", str(old.stock), "7", ChangeReason.import_, 42),
        ("GOVIET-BAN-01", "created", "", "GOVIET-BAN-01", ChangeReason.import_, 42),
    ]
    async with shop:
        references = set(await shop.session.scalars(select(ProductChange.reference)))
        producer = (
            await shop.session.execute(
                select(Producer.name_en, Producer.kind, Producer.ward, Producer.province).where(
                    Producer.code == "GOVIET"
                )
            )
        ).one()
        category = (
            await shop.session.execute(
                select(Category.id, Category.code, Category.name_en).where(
                    Category.name_vi == "Đồ gỗ mỹ nghệ"
                )
            )
        ).one()
    assert references == {report.reference}
    assert tuple(producer) == ("Go Viet Cooperative", ProducerKind.cooperative, "", "Hà Nội")
    assert tuple(category)[1:] == ("do-go-my-nghe", "Woodwork")
    created = await product(shop, "GOVIET-BAN-01")
    assert created.category_id == category.id
    assert "ban tra go mit" in created.search_text
    assert "hop tac xa go viet" in created.search_text


async def test_an_admin_import_moves_a_product_and_renames_a_producer(
    shop: UnitOfWork, media_dir: Path
) -> None:
    rows = await export_catalog(shop)
    moved = next(i for i, row in enumerate(rows) if row.sku == "VUNART-AO")
    babe = rows[next(i for i, row in enumerate(rows) if row.producer_code == "BABE")]
    rows[moved] = replace(
        rows[moved],
        producer_code="BABE",
        producer_name_vi=babe.producer_name_vi,
        producer_name_en=babe.producer_name_en,
    )
    rows = [
        replace(row, producer_name_vi="Cơ sở Nghệ Bà Bé") if row.producer_code == "BABE" else row
        for row in rows
    ]

    await import_catalog(shop, renumbered(rows), actor_id=1, media_dir=media_dir, source_dir=None)

    assert [(c[0], c[1], c[2], c[3]) for c in await changes(shop)] == [
        ("VUNART-AO", "producer", "VUNART", "BABE")
    ]
    texts = await search_texts(shop)
    assert all(fold("Cơ sở Nghệ Bà Bé") in texts[row.sku] for row in rows if row.sku[:4] == "BABE")
    assert fold("Cơ sở Nghệ Bà Bé") in texts["VUNART-AO"]


async def test_a_manager_may_import_only_their_producers_products(
    shop: UnitOfWork, media_dir: Path
) -> None:
    babe = await producer_id(shop, "BABE")
    own = await export_catalog(shop, only_producer_id=babe)
    assert {row.producer_code for row in own} == {"BABE"}
    other, another = [r for r in await export_catalog(shop) if r.producer_code == "THANGLONG"][:2]
    taken = replace(own[0], sku=another.sku)  # BABE's row claiming THANGLONG's product
    rows = renumbered([replace(own[0], stock=1), other, taken])

    with pytest.raises(SpreadsheetRejected) as rejected:
        await import_catalog(
            shop, rows, actor_id=7, media_dir=media_dir, source_dir=None, only_producer_id=babe
        )

    assert rejected.value.errors == [
        RowError(3, "producer_code", ImportProblem.not_your_producer, "THANGLONG"),
        RowError(4, "sku", ImportProblem.not_your_producer, another.sku),
    ]
    assert await count(shop, ProductChange) == 0
    report = await import_catalog(
        shop, rows[:1], actor_id=7, media_dir=media_dir, source_dir=None, only_producer_id=babe
    )
    assert report.updated == 1
    assert (await product(shop, own[0].sku)).stock == 1


async def test_a_manager_cannot_rename_their_producer_or_a_category(
    shop: UnitOfWork, media_dir: Path
) -> None:
    babe = await producer_id(shop, "BABE")
    (first, *_) = await export_catalog(shop, only_producer_id=babe)
    rows = [
        replace(first, producer_name_en="Renamed"),
        replace(first, line=3, sku="BABE-NEW", category_en="Renamed"),
    ]

    with pytest.raises(SpreadsheetRejected) as rejected:
        await import_catalog(
            shop, rows, actor_id=7, media_dir=media_dir, source_dir=None, only_producer_id=babe
        )

    assert rejected.value.errors == [
        RowError(2, "producer_name_en", Problem.producer_mismatch, "Renamed"),
        RowError(3, "category_en", Problem.category_mismatch, "Renamed"),
    ]


async def test_photos_are_copied_checked_and_kept_when_the_cell_is_empty(
    shop: UnitOfWork, tmp_path: Path
) -> None:
    source, media = tmp_path / "sheet", tmp_path / "media"
    source.mkdir()
    (source / "ban.PNG").write_bytes(PNG)
    (source / "notes.jpg").write_bytes(b"not a picture")
    rows = renumbered(
        [new_row(0, "BABE-P1", photo="ban.PNG"), new_row(0, "BABE-P2", photo="notes.jpg")]
    )

    with pytest.raises(SpreadsheetRejected) as rejected:
        await import_catalog(shop, rows, actor_id=None, media_dir=media, source_dir=source)
    assert rejected.value.errors == [
        RowError(3, "photo", ImportProblem.photo_not_image, "notes.jpg")
    ]
    assert not media.exists()

    await import_catalog(shop, rows[:1], actor_id=None, media_dir=media, source_dir=source)
    assert (await product(shop, "BABE-P1")).photo == "products/BABE-P1.png"
    assert (media / "products" / "BABE-P1.png").read_bytes() == PNG

    async with shop:
        stored = await shop.session.scalar(select(Product).where(Product.sku == "BABE-P1"))
        assert stored is not None
        stored.photo_file_id = "telegram-file-id"
        await shop.commit()
    (source / "ban.PNG").write_bytes(PNG + b"new")
    replaced = await import_catalog(
        shop, rows[:1], actor_id=None, media_dir=media, source_dir=source
    )
    assert replaced.updated == 1
    after = await product(shop, "BABE-P1")
    assert (after.photo, after.photo_file_id) == ("products/BABE-P1.png", None)
    assert (media / "products" / "BABE-P1.png").read_bytes() == PNG + b"new"

    kept = await import_catalog(
        shop, [replace(rows[0], photo=None)], actor_id=None, media_dir=media, source_dir=source
    )
    assert kept.unchanged == 1
    assert (await product(shop, "BABE-P1")).photo == "products/BABE-P1.png"


async def test_a_photo_sent_through_the_bot_must_already_be_in_the_media_folder(
    shop: UnitOfWork, media_dir: Path
) -> None:
    rows = renumbered(
        [
            new_row(0, "BABE-P1", photo="products/BABE-NGHE-500.jpg"),
            new_row(0, "BABE-P2", photo="products/BABE-P2.jpg"),
        ]
    )
    with pytest.raises(SpreadsheetRejected) as rejected:
        await import_catalog(shop, rows, actor_id=None, media_dir=media_dir, source_dir=None)
    assert rejected.value.errors == [
        RowError(3, "photo", Problem.photo_missing, "products/BABE-P2.jpg")
    ]


# --- the catalog customers see ----------------------------------------------------------------


async def test_the_catalog_cache_serves_an_imported_product_without_a_restart(
    engine: AsyncEngine, shop: UnitOfWork, media_dir: Path
) -> None:
    factory = create_session_factory(engine)
    cache = CatalogCache(factory)
    cached_uow = UnitOfWork(factory, cache)
    before = await cache.get()
    assert "BABE-NEW" not in {p.sku for p in before.products.values()}
    rows = await export_catalog(cached_uow)
    rows = renumbered([*(replace(r, price=123_000) for r in rows[:1]), new_row(0, "BABE-NEW")])

    await import_catalog(cached_uow, rows, actor_id=None, media_dir=media_dir, source_dir=None)

    after = await cache.get()
    by_sku = {p.sku: p for p in after.products.values()}
    assert by_sku["BABE-NEW"].name_vi == rows[1].name_vi
    assert by_sku[rows[0].sku].price == 123_000
    assert "BABE-NEW" in [p.sku for p in after.search("tinh bot nghe 0", "vi")]


# --- a sheet sent back later ------------------------------------------------------------------


async def sell(uow: UnitOfWork, sku: str, quantity: int, customer: int = 901) -> None:
    """A customer buys ``quantity`` of ``sku`` through the cart and the checkout."""
    product_id = (await product(uow, sku)).id
    await cart.add_to_cart(uow, user_id=customer, product_id=product_id, quantity=quantity)
    await orders.place_order(
        uow,
        user_id=customer,
        details=ordering.DETAILS,
        payment=PaymentMethod.cod,
        idempotency_key=f"sale-{customer}-{sku}",
    )


async def set_stock(uow: UnitOfWork, sku: str, stock: int) -> None:
    async with uow:
        await uow.session.execute(update(Product).where(Product.sku == sku).values(stock=stock))
        await uow.commit()


def edited_csv(data: bytes, sku: str, column: str, value: str) -> bytes:
    """The exported CSV with one cell of one product's row changed, as a person edits it."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    position = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == sku:
            row[position] = value
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


async def import_changes(uow: UnitOfWork) -> list[tuple[str, str, str, str]]:
    return [
        (sku, field, old, new)
        for sku, field, old, new, reason, _ in await changes(uow)
        if reason == ChangeReason.import_
    ]


@pytest.mark.parametrize("filename", ["catalog.csv", "catalog.xlsx"])
async def test_units_sold_after_the_export_stay_sold_when_the_sheet_comes_back(
    shop: UnitOfWork, media_dir: Path, filename: str
) -> None:
    await set_stock(shop, "BABE-NGHE-500", 10)
    data = write_catalog(await export_catalog(shop), filename)  # 09:00
    await sell(shop, "BABE-NGHE-500", 3)
    assert (await product(shop, "BABE-NGHE-500")).stock == 7
    # 17:00: one price fixed in the morning's file, which comes back.
    rows = read_catalog(data, filename)
    target = next(i for i, row in enumerate(rows) if row.sku == "BABE-NGHE-500")
    rows[target] = replace(rows[target], price=rows[target].price + 1_000)

    report = await import_spreadsheet(
        shop, write_catalog(rows, filename), filename, actor_id=5, media_dir=media_dir
    )

    after = await product(shop, "BABE-NGHE-500")
    assert (after.stock, after.price) == (7, rows[target].price)
    assert (report.updated, report.unchanged) == (1, len(PRODUCTS) - 1)
    assert (report.stock_changes, report.stock_moved, report.stock_as_typed) == (
        len(PRODUCTS), 1, 0
    )  # fmt: skip
    assert [change[:2] for change in await import_changes(shop)] == [("BABE-NGHE-500", "price")]


@pytest.mark.parametrize(("typed", "stock"), [(15, 12), (10, 7), (8, 5), (1, 0), (0, 0)])
async def test_a_stock_typed_into_an_export_is_a_change_to_todays_stock(
    shop: UnitOfWork, media_dir: Path, typed: int, stock: int
) -> None:
    await set_stock(shop, "BABE-NGHE-500", 10)
    exported = write_catalog(await export_catalog(shop), "catalog.csv")
    await sell(shop, "BABE-NGHE-500", 3)

    report = await import_spreadsheet(
        shop,
        edited_csv(exported, "BABE-NGHE-500", "stock", str(typed)),
        "catalog.csv",
        actor_id=5,
        media_dir=media_dir,
    )

    assert (await product(shop, "BABE-NGHE-500")).stock == stock
    assert report.stock_moved == 1
    audited = [c for c in await import_changes(shop) if c[1] == "stock"]
    assert audited == ([] if stock == 7 else [("BABE-NGHE-500", "stock", "7", str(stock))])


async def test_a_sheet_without_the_stock_at_export_sets_the_stock_as_typed(
    shop: UnitOfWork, media_dir: Path
) -> None:
    await set_stock(shop, "BABE-NGHE-500", 10)
    rows = [
        replace(row, stock_at_export=None, stock=15) if row.sku == "BABE-NGHE-500" else row
        for row in await export_catalog(shop)
    ]
    rows.append(new_row(len(rows) + 2, "BABE-NEW", stock=4, stock_at_export=9))
    await sell(shop, "BABE-NGHE-500", 3)

    report = await import_catalog(shop, rows, actor_id=5, media_dir=media_dir, source_dir=None)

    assert (await product(shop, "BABE-NGHE-500")).stock == 15
    # A new product has no stock to change: its stock is as typed, whatever the sheet says.
    assert (await product(shop, "BABE-NEW")).stock == 4
    assert (report.stock_changes, report.stock_moved, report.stock_as_typed) == (
        len(PRODUCTS) - 1, 0, 2
    )  # fmt: skip


# The columns README says a sheet must have, and nothing else (the grant year in its old form).
REQUIRED_ONLY = (
    "sku", "producer_code", "producer_name_vi", "category_vi", "name_vi", "unit_vi",
    "price_vnd", "stock", "ocop_stars", "ocop_year",
)  # fmt: skip


def required_only_csv(rows: Sequence[CatalogRow]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(REQUIRED_ONLY)
    for row in rows:
        writer.writerow(
            [
                row.sku, row.producer_code, row.producer_name_vi, row.category_vi, row.name_vi,
                row.unit_vi, row.price, row.stock, row.ocop_stars, row.ocop_year,
            ]
        )  # fmt: skip
    return buffer.getvalue().encode()


async def test_columns_a_sheet_leaves_out_keep_what_the_shop_has(
    shop: UnitOfWork, media_dir: Path
) -> None:
    babe = await producer_id(shop, "BABE")
    async with shop:
        await shop.session.execute(
            update(Product).where(Product.sku == "BABE-NGHE-500").values(active=False)
        )
        await shop.session.execute(
            update(Product)
            .where(Product.sku == "BABE-SA-10")
            .values(ocop_granted=date(2023, 5, 10))
        )
        await shop.commit()
    before = {row.sku: row for row in await export_catalog(shop)}
    own = [row for row in before.values() if row.producer_code == "BABE"]
    assert all(row.description_vi and row.name_en != row.name_vi for row in own)
    assert own[0].sku != "BABE-SA-10"
    priced = [replace(row, price=row.price + 1_000) if row is own[0] else row for row in own]

    # The producer's manager sends it (nothing of another producer's may change), then an admin.
    first = await import_spreadsheet(
        shop, required_only_csv(priced), "a.csv", actor_id=7, media_dir=media_dir,
        only_producer_id=babe,
    )  # fmt: skip
    again = await import_spreadsheet(
        shop, required_only_csv(priced), "a.csv", actor_id=1, media_dir=media_dir
    )

    assert (first.updated, first.unchanged, again.updated) == (1, len(own) - 1, 0)
    assert first.left_out == (
        "producer_name_en", "category_en", "name_en", "description_vi", "description_en",
        "unit_en", "active",
    )  # fmt: skip
    after = {row.sku: row for row in await export_catalog(shop)}
    assert after == {**before, own[0].sku: replace(own[0], price=own[0].price + 1_000)}
    assert not after["BABE-NGHE-500"].active
    assert after["BABE-SA-10"].ocop_granted == date(2023, 5, 10)  # the sheet said "2023"
    assert [change[:2] for change in await changes(shop)] == [(own[0].sku, "price")]


async def test_new_products_in_a_sheet_of_required_columns_get_the_defaults(
    shop: UnitOfWork, media_dir: Path
) -> None:
    row = new_row(2, "BABE-NEW", description_vi="", name_en="Tinh bột nghệ 2")
    await import_spreadsheet(
        shop, required_only_csv([row]), "new.csv", actor_id=1, media_dir=media_dir
    )
    created = await product(shop, "BABE-NEW")
    assert (created.name_en, created.unit_en) == (row.name_vi, row.unit_vi)
    assert (created.description_vi, created.description_en, created.active) == ("", "", True)
    assert created.ocop_granted == date(2022, 1, 1)


async def test_a_year_in_an_old_sheet_that_differs_is_read_as_its_first_of_january(
    shop: UnitOfWork, media_dir: Path
) -> None:
    rows = [r for r in await export_catalog(shop) if r.sku == "BABE-SA-10"]
    await import_spreadsheet(
        shop,
        required_only_csv([replace(rows[0], ocop_granted=date(2025, 8, 1))]),
        "old.csv",
        actor_id=1,
        media_dir=media_dir,
    )
    assert (await product(shop, "BABE-SA-10")).ocop_granted == date(2025, 1, 1)
