"""Data access for the services: queries only, never a commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.models import Category, Producer, Product, User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    def add(self, user: User) -> None:
        self.session.add(user)


class CatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count_products(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(Product)) or 0

    async def producers_by_code(self) -> dict[str, Producer]:
        rows = await self.session.scalars(select(Producer))
        return {producer.code: producer for producer in rows}

    async def categories_by_code(self) -> dict[str, Category]:
        rows = await self.session.scalars(select(Category))
        return {category.code: category for category in rows}

    async def existing_skus(self, skus: Sequence[str]) -> set[str]:
        rows = await self.session.scalars(select(Product.sku).where(Product.sku.in_(skus)))
        return set(rows)

    def add(self, item: Producer | Category | Product) -> None:
        self.session.add(item)
