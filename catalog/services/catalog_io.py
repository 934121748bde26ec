"""The catalog as a spreadsheet, in and out of the shop: imports are all or nothing.

An import matches products by SKU (ignoring case; the stored spelling stays), producers by code
and categories by their Vietnamese name (ignoring case), and creates what it does not find.
Products missing from the file are left as they are: an import never deletes or hides; and so
are the facts of a column the file does not have (``CatalogRow.left_out``).

Stock: a row that says the stock it was exported with (``stock_at_export``) changes today's
stock by what the person changed, so units sold between the export and the import stay sold;
a row without it (a sheet made by hand) sets the stock as typed. ``ImportReport`` counts both.
Every row is checked against the database before anything is written; every problem found is
raised together as ``SpreadsheetRejected``.

Photos: an empty cell leaves a product's photo as it is. From the command line (``source_dir``
given) a photo is a file relative to the spreadsheet, copied to ``products/<sku><ext>`` under
the media folder; from the bot (no ``source_dir``) it must already be a file under the media
folder, named as ``export_catalog`` writes it.

A producer manager (``only_producer_id``) may change only their producer's products: the
producer's and categories' names must match the shop's, and no category is created.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from catalog.facts import facts_of
from catalog.models import Category, Producer, Product, utcnow
from catalog.services.catalog_photos import (
    copy_photos_beside,
    discard,
    install,
    plan_photos,
    stage_photos,
)
from catalog.services.catalog_writer import (
    Progress,
    Shop,
    Writer,
    load_shop,
)
from catalog.services.producers import ProducerNotFound
from catalog.spreadsheet import (
    COLUMNS,
    CatalogRow,
    ImportProblem,
    Problem,
    RowError,
    SpreadsheetRejected,
    read_catalog,
)
from catalog.spreadsheet_rows import KEPT_WHEN_LEFT_OUT, error_order
from catalog.uow import UnitOfWork

__all__ = [
    "ImportReport",
    "copy_photos_beside",
    "export_catalog",
    "import_catalog",
    "import_spreadsheet",
]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Products created, changed and left as they were; ``reference`` marks the audit rows.

    Stock: ``stock_changes`` rows said the stock they were exported with, and the stock typed
    was applied as a change to today's (``stock_moved`` of those products had sold or been
    restocked since the export); ``stock_as_typed`` rows (new products, sheets made by hand)
    set it as typed. ``left_out``: columns the file did not have, whose facts were kept.
    """

    created: int
    updated: int
    unchanged: int
    reference: str = ""
    stock_changes: int = 0
    stock_moved: int = 0
    stock_as_typed: int = 0
    left_out: tuple[str, ...] = ()


async def import_spreadsheet(
    uow: UnitOfWork,
    data: bytes,
    filename: str,
    *,
    actor_id: int | None,
    media_dir: Path,
    source_dir: Path | None = None,
    only_producer_id: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read a ``.csv`` or ``.xlsx`` file and import it; ``SpreadsheetRejected`` changes nothing."""
    rows = await asyncio.to_thread(read_catalog, data, filename, base_dir=source_dir)
    return await import_catalog(
        uow,
        rows,
        actor_id=actor_id,
        media_dir=media_dir,
        source_dir=source_dir,
        only_producer_id=only_producer_id,
        progress=progress,
    )


async def import_catalog(
    uow: UnitOfWork,
    rows: list[CatalogRow],
    *,
    actor_id: int | None,
    media_dir: Path,
    source_dir: Path | None,
    only_producer_id: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Create or update every row's product, producer and category, all or nothing."""
    reference = f"import-{utcnow():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    async with uow:
        shop = await load_shop(uow, rows)
        errors = _check_rows(rows)
        if only_producer_id is not None:
            errors += await _check_manager(uow, rows, shop, only_producer_id)
        photos, photo_errors = await asyncio.to_thread(
            plan_photos, rows, shop.products, media_dir, source_dir
        )
        errors += photo_errors
        if errors:
            errors.sort(key=error_order)
            raise SpreadsheetRejected(errors)
        staged = await asyncio.to_thread(stage_photos, photos, media_dir, reference)
        try:
            writer = Writer(uow, shop, actor_id, reference)
            await writer.apply(rows, photos, progress)
            await uow.commit()
        except BaseException:
            # Not in a thread: this must run even when the task is being cancelled.
            discard(staged)
            raise
        # The rows now name these files; until the rename the old picture (if any) is shown.
        await asyncio.to_thread(install, staged)
        return ImportReport(
            writer.created,
            writer.updated,
            writer.unchanged,
            reference,
            stock_changes=writer.stock_changes,
            stock_moved=writer.stock_moved,
            stock_as_typed=writer.stock_as_typed,
            left_out=_left_out(rows),
        )


async def export_catalog(
    uow: UnitOfWork, *, only_producer_id: int | None = None
) -> list[CatalogRow]:
    """Every product (or one producer's) as spreadsheet rows, sorted by SKU."""
    async with uow.reading():
        query = select(Product, Producer, Category).join(Product.producer).join(Product.category)
        if only_producer_id is not None:
            query = query.where(Product.producer_id == only_producer_id)
        # Sorted here, not in SQL: PostgreSQL's collation would order "-" and "." differently.
        found = sorted(await uow.session.execute(query), key=lambda found: found[0].sku)
        return [
            CatalogRow(
                line=line,
                sku=product.sku,
                producer_code=producer.code,
                producer_name_vi=producer.name_vi,
                producer_name_en=producer.name_en,
                category_vi=category.name_vi,
                category_en=category.name_en,
                photo=product.photo,
                stock_at_export=product.stock,
                bank_bin=producer.bank_bin or "",
                bank_account=producer.bank_account or "",
                bank_holder=producer.bank_account_name or "",
                **facts_of(product),
            )
            for line, (product, producer, category) in enumerate(found, start=2)
        ]


def _left_out(rows: Sequence[CatalogRow]) -> tuple[str, ...]:
    # The rows of one file share one set: this is one union, not one per row.
    left_out = frozenset[str]().union(*{row.left_out for row in rows})
    return tuple(column for column in COLUMNS if column in left_out & KEPT_WHEN_LEFT_OUT)


# --- checking ---------------------------------------------------------------------------------


def _check_rows(rows: Sequence[CatalogRow]) -> list[RowError]:
    # read_catalog refuses these already; rows built another way are checked again.
    errors: list[RowError] = []
    seen: set[str] = set()
    for row in rows:
        key = row.sku.lower()
        if key in seen:
            errors.append(RowError(row.line, "sku", Problem.duplicate_sku, row.sku))
        seen.add(key)
    return errors


async def _check_manager(
    uow: UnitOfWork, rows: Sequence[CatalogRow], shop: Shop, producer_id: int
) -> list[RowError]:
    producer = await uow.session.get(Producer, producer_id)
    if producer is None:
        raise ProducerNotFound(producer_id)
    errors: list[RowError] = []
    for row in rows:
        existing = shop.products.get(row.sku.lower())
        if row.producer_code != producer.code:
            errors.append(
                RowError(
                    row.line, "producer_code", ImportProblem.not_your_producer, row.producer_code
                )
            )
        elif existing is not None and existing.producer_id != producer_id:
            errors.append(RowError(row.line, "sku", ImportProblem.not_your_producer, row.sku))
        elif row.producer_name_vi != producer.name_vi:
            errors.append(
                RowError(
                    row.line, "producer_name_vi", Problem.producer_mismatch, row.producer_name_vi
                )
            )
        elif "producer_name_en" not in row.left_out and row.producer_name_en != (
            producer.name_en or producer.name_vi
        ):
            errors.append(
                RowError(
                    row.line, "producer_name_en", Problem.producer_mismatch, row.producer_name_en
                )
            )
        category = shop.categories.get(row.category_vi.casefold())
        if category is None:
            errors.append(
                RowError(row.line, "category_vi", ImportProblem.unknown_category, row.category_vi)
            )
        elif "category_en" not in row.left_out and row.category_en != (
            category.name_en or category.name_vi
        ):
            errors.append(
                RowError(row.line, "category_en", Problem.category_mismatch, row.category_en)
            )
    return errors
