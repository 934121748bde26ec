"""Placing orders straight through the service, with no Telegram: how many a second, oversold none.

    .venv/bin/python -m bench.orders                  # 2,000 checkouts, 50 at a time, SQLite
    .venv/bin/python -m bench.orders --db postgres    # the same on a throw-away PostgreSQL

Each customer has a cart of one to three demo products; a third of them also want one unit
of a "hot" product that has only ``--hot-stock`` units. The carts are filled first; then
every customer confirms at once (``--concurrency`` at a time), each through its own unit of
work, as the bot does. Reports orders/s, checkouts refused for want of stock, and oversold
units (units sold beyond the stock there was: must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from bench.rush_setup import machine, postgres_database
from catalog.db import create_engine, create_session_factory
from catalog.errors import ItemsUnavailable
from catalog.models import Order, OrderLine, PaymentMethod, Product, User
from catalog.services import cart, orders
from catalog.services.orders import DeliveryDetails
from catalog.uow import UnitOfWork

DETAILS = DeliveryDetails(
    recipient_name="Khách", phone="+84912345678", province="Hà Nội",
    ward="Xã Bát Tràng", street="Xóm 2",
)  # fmt: skip


async def prepare(url: str, customers: int, hot_stock: int, seed: int) -> tuple[int, int]:
    """Stock, users and carts; returns the hot product's id and the checkouts to place."""
    engine = create_engine(url)
    factory = create_session_factory(engine)
    rng = random.Random(seed)
    try:
        async with factory() as session:
            ids = list(await session.scalars(select(Product.id).order_by(Product.id)))
            hot = ids[0]
            await session.execute(update(Product).values(stock=1_000_000, active=True))
            await session.execute(update(Product).where(Product.id == hot).values(stock=hot_stock))
            session.add_all(User(id=10_000 + n, first_name=f"Khách {n}") for n in range(customers))
            await session.commit()
        uow = UnitOfWork(factory)
        for n in range(customers):
            for product in rng.sample(ids[1:], rng.randint(1, 3)):
                await cart.add_to_cart(uow, user_id=10_000 + n, product_id=product)
            if n % 3 == 0:
                await cart.add_to_cart(uow, user_id=10_000 + n, product_id=hot)
    finally:
        await engine.dispose()
    return hot, customers


async def place_all(
    url: str, customers: int, concurrency: int, pool_size: int
) -> tuple[float, int, int]:
    engine = create_engine(url, pool_size=pool_size)
    factory = create_session_factory(engine)
    gate = asyncio.Semaphore(concurrency)
    placed = refused = 0

    async def checkout(n: int) -> None:
        nonlocal placed, refused
        async with gate:
            try:
                await orders.place_order(
                    UnitOfWork(factory), user_id=10_000 + n, details=DETAILS,
                    payment=PaymentMethod.cod, idempotency_key=f"bench-{n}",
                )  # fmt: skip
                placed += 1
            except ItemsUnavailable:
                refused += 1

    try:
        started = time.perf_counter()
        await asyncio.gather(*(checkout(n) for n in range(customers)))
        wall = time.perf_counter() - started
    finally:
        await engine.dispose()
    return wall, placed, refused


async def oversold(url: str, hot: int, hot_stock: int) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            sold = await session.scalar(
                select(func.coalesce(func.sum(OrderLine.quantity), 0)).where(
                    OrderLine.product_id == hot
                )
            )
            left = await session.scalar(select(Product.stock).where(Product.id == hot))
            order_rows = await session.scalar(select(func.count(Order.id)))
    finally:
        await engine.dispose()
    return {
        "order_rows": int(order_rows or 0),
        "hot_sold": int(sold or 0),
        "hot_left": int(left or 0),
        "oversold_units": max(0, int(sold or 0) - hot_stock) + max(0, -int(left or 0)),
    }


async def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ocop-orders-") as tmp:
        async with postgres_database(args.db, Path(tmp)) as database:
            await database.prepare(0)
            hot, count = await prepare(database.url, args.customers, args.hot_stock, args.seed)
            wall, placed, refused = await place_all(
                database.url, count, args.concurrency, args.concurrency
            )
            stock = await oversold(database.url, hot, args.hot_stock)
    return {
        "settings": vars(args),
        "machine": machine(),
        "checkouts": count,
        "placed": placed,
        "refused_for_stock": refused,
        "wall_s": round(wall, 2),
        "checkouts_per_s": round(placed / wall, 1),
        **stock,
        "orders_per_s": round(stock["order_rows"] / wall, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.orders", description=__doc__)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--hot-stock", type=int, default=50)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.customers <= 100_000 or not 1 <= args.concurrency <= 500:
        print("bench.orders: 1-100000 customers, concurrency 1-500", file=sys.stderr)
        return 2
    report = asyncio.run(benchmark(args))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(
            f"{report['checkouts']} checkouts on {args.db}, {args.concurrency} at a time: "
            f"{report['placed']} placed, {report['refused_for_stock']} refused for stock, "
            f"{report['wall_s']} s — {report['checkouts_per_s']} checkouts placed/s, "
            f"{report['order_rows']} orders ({report['orders_per_s']}/s, one per producer); "
            f"hot product: {report['hot_sold']} sold of "
            f"{args.hot_stock}, {report['hot_left']} left, oversold {report['oversold_units']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
