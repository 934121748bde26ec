"""The demo catalog's rows as a test names them: by SKU and by producer code."""

from __future__ import annotations

from sqlalchemy import select

from catalog.models import Producer, Product
from catalog.uow import UnitOfWork


async def product_id(uow: UnitOfWork, sku: str) -> int:
    async with uow.reading():
        found = await uow.session.scalar(select(Product.id).where(Product.sku == sku))
    assert found is not None, sku
    return found


async def producer_id(uow: UnitOfWork, code: str) -> int:
    async with uow.reading():
        found = await uow.session.scalar(select(Producer.id).where(Producer.code == code))
    assert found is not None, code
    return found
