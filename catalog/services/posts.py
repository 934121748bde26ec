"""The Facebook Page's posts tied to products: an admin ties a post (a livestream's, say) to
the products it shows, so that "chốt" or "mua" under it is answered with exactly those.

The shop's side only: the Messenger channel (bot/messenger/comments.py) reads the ties when a
comment comes, and the admins' command (handlers/posts.py) writes them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from catalog import rules
from catalog.errors import NotAllowed, ShopError
from catalog.models import PostProduct, Product, utcnow
from catalog.services.inventory import Actor, UnknownSku
from catalog.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class TiedPost:
    post_id: str
    product_ids: tuple[int, ...]  # in the order they are offered
    tied_at: datetime


@dataclass(eq=False)
class TooManyProducts(ShopError):
    """More products than one answer can show (a carousel of ten cards)."""

    limit: int = rules.MAX_POST_PRODUCTS


async def tie_post(uow: UnitOfWork, *, actor: Actor, post_id: str, skus: list[str]) -> TiedPost:
    """Tie ``post_id`` to the products of ``skus`` (letter case ignored, repeats once), in
    that order, instead of what it was tied to. Admins only."""
    if not actor.is_admin:
        raise NotAllowed
    wanted = list(dict.fromkeys(sku.casefold() for sku in skus))
    if not wanted:
        raise ValueError("a post is tied to one product at least")
    if len(wanted) > rules.MAX_POST_PRODUCTS:
        raise TooManyProducts()
    async with uow:
        rows = await uow.session.execute(
            select(func.lower(Product.sku), Product.id).where(func.lower(Product.sku).in_(wanted))
        )
        found = {sku.casefold(): product_id for sku, product_id in rows}
        missing = next((sku for sku in wanted if sku not in found), None)
        if missing is not None:
            known = list(await uow.session.scalars(select(Product.sku)))
            lowered = {sku.lower(): sku for sku in known}
            close = difflib.get_close_matches(missing, list(lowered), n=3, cutoff=0.5)
            original = next(sku for sku in skus if sku.casefold() == missing)
            raise UnknownSku(original, [lowered[c] for c in close])
        now = utcnow()
        await uow.session.execute(delete(PostProduct).where(PostProduct.post_id == post_id))
        uow.session.add_all(
            PostProduct(
                post_id=post_id,
                product_id=found[sku],
                position=position,
                tied_by=actor.user_id,
                tied_at=now,
            )
            for position, sku in enumerate(wanted)
        )
        await uow.commit()
    return TiedPost(post_id, tuple(found[sku] for sku in wanted), now)


async def untie_post(uow: UnitOfWork, *, actor: Actor, post_id: str) -> bool:
    """The post answers buying words with the welcome again; False when it was not tied."""
    if not actor.is_admin:
        raise NotAllowed
    async with uow:
        removed = await uow.session.execute(
            delete(PostProduct).where(PostProduct.post_id == post_id)
        )
        await uow.commit()
    return bool(removed.rowcount)  # type: ignore[attr-defined]


async def tied_posts(uow: UnitOfWork, *, actor: Actor, limit: int = 20) -> list[TiedPost]:
    """The posts tied most recently (at most ``limit``), newest first. Admins only."""
    if not actor.is_admin:
        raise NotAllowed
    async with uow.reading():
        newest = (
            select(PostProduct.post_id, func.max(PostProduct.tied_at).label("at"))
            .group_by(PostProduct.post_id)
            .order_by(func.max(PostProduct.tied_at).desc(), PostProduct.post_id)
            .limit(limit)
            .subquery()
        )
        rows = await uow.session.execute(
            select(PostProduct.post_id, PostProduct.product_id, newest.c.at)
            .join(newest, newest.c.post_id == PostProduct.post_id)
            .order_by(newest.c.at.desc(), PostProduct.post_id, PostProduct.position)
        )
        posts: dict[str, TiedPost] = {}
        for post_id, product_id, at in rows:
            known = posts.get(post_id)
            ids = (*known.product_ids, product_id) if known else (product_id,)
            posts[post_id] = TiedPost(post_id, ids, at)
    return list(posts.values())


async def products_of_post(uow: UnitOfWork, post_id: str) -> list[int]:
    """The products ``post_id`` is tied to, in the order they are offered (none: untied)."""
    async with uow.reading():
        found = await uow.session.scalars(
            select(PostProduct.product_id)
            .where(PostProduct.post_id == post_id)
            .order_by(PostProduct.position)
        )
        return list(found)
