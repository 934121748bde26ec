"""The payment receiver under load: notifications posted at a steady rate, each answered,
stored once and applied once, by several worker processes at once.

    .venv/bin/python -m bench.payments                    # 500/s for 10 s, 2 workers, SQLite
    .venv/bin/python -m bench.payments --db postgres      # the same on a throw-away PostgreSQL
    .venv/bin/python -m bench.payments --rate 800 --workers 1 --duplicates 0.5

Bank-transfer orders of one producer are written first, one per distinct transfer. Then
``--workers`` receivers start, each a process of its own serving the shop's receiver
(``bot.payments.receiver``, as ``ocop-bot run`` serves it), and the client posts SePay
notifications (API-key authentication) open-loop at ``--rate`` a second, spread over the
workers in turn; ``--duplicates`` of them are a transfer posted a second time at the same
moment to another worker (a provider's duplicate delivery). Reported: what was answered
and how fast, the seconds until every notification was applied, and the double-applied
(orders that took more than their transfer, history rows beyond one per transfer): 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import insert, select

from bench.rush_setup import Database, machine, postgres_database
from catalog.db import create_engine, create_session_factory, dispose
from catalog.models import (
    Checkout,
    Order,
    OrderStatus,
    PaymentMethod,
    PaymentProvider,
    PaymentStatus,
    Producer,
    User,
    utcnow,
)
from catalog.payments.directory import PaymentsDirectory, ProducerKeys

PRODUCER = "BABE"
KEY = "bench-sepay-key"
TOTAL = 75_000
FIRST_USER = 700_000


# -- a worker ----------------------------------------------------------------------------------


async def serve(url: str, port: int) -> None:
    """One receiver, as a worker of ``ocop-bot run`` serves it, until SIGTERM."""
    from bot.payments.receiver import Receiver  # noqa: PLC0415 - only the worker needs it

    engine = create_engine(url, pool_size=20)
    directory = PaymentsDirectory(
        producers={PRODUCER: ProducerKeys(PaymentProvider.sepay, sepay_api_key=KEY)}
    )
    receiver = Receiver(create_session_factory(engine), directory)
    runner = web.AppRunner(receiver.app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()
    await receiver.settle()
    await dispose(engine)


# -- the shop's side -------------------------------------------------------------------------


async def write_orders(url: str, count: int) -> tuple[str, list[int]]:
    """``count`` bank-transfer orders of the producer, waiting for their transfer."""
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            producer = await session.scalar(select(Producer).where(Producer.code == PRODUCER))
            assert producer is not None
            assert producer.bank_account
            users = range(FIRST_USER, FIRST_USER + count)
            await session.execute(insert(User), [{"id": u, "first_name": "Khách"} for u in users])
            await session.execute(
                insert(Checkout), [{"user_id": u, "idempotency_key": f"pay-{u}"} for u in users]
            )
            checkouts = dict((await session.execute(select(Checkout.user_id, Checkout.id))).all())
            now = utcnow()
            await session.execute(
                insert(Order),
                [
                    {
                        "checkout_id": checkouts[u],
                        "user_id": u,
                        "producer_id": producer.id,
                        "status": OrderStatus.new,
                        "payment_method": PaymentMethod.bank_transfer,
                        "payment_status": PaymentStatus.awaiting,
                        "recipient_name": "Khách",
                        "phone": "+84912345678",
                        "address_province": "Hà Nội",
                        "address_ward": "Phường Láng",
                        "address_street": "1 Láng",
                        "total": TOTAL,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for u in users
                ],
            )
            await session.commit()
            ids = list(await session.scalars(select(Order.id).order_by(Order.id)))
            return producer.bank_account, ids
    finally:
        await dispose(engine)


def notification(account: str, order_id: int, seq: int) -> bytes:
    """What SePay posts for a customer's transfer, content mangled as MB Bank writes it."""
    return json.dumps(
        {
            "id": 500_000 + seq, "gateway": "Agribank", "transactionDate": "2026-12-07 10:00:00",
            "accountNumber": account, "code": None,
            "content": f"MBVCB.{seq}.OCOP.DH{order_id:05d}.CT tu 0881000458723 NGUYEN VAN A",
            "transferType": "in", "transferAmount": TOTAL, "accumulated": TOTAL,
            "subAccount": None, "referenceCode": f"FT26341{seq:09d}", "description": "",
        }
    ).encode()  # fmt: skip


# -- the providers' side ---------------------------------------------------------------------


async def post_all(
    ports: list[int], bodies: list[bytes], duplicated: set[int], rate: float
) -> tuple[list[float], dict[int, int], float]:
    """Post every notification at its moment (``rate`` a second); the latencies of the
    answers, their statuses, and how long sending took."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    headers = {"Authorization": f"Apikey {KEY}", "Content-Type": "application/json"}
    # Kept-alive connections, as a provider's sender keeps them (a new one per post would
    # measure the handshake).
    connector = aiohttp.TCPConnector(limit=100)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def post(port: int, body: bytes) -> None:
            started = time.perf_counter()
            url = f"http://127.0.0.1:{port}/payments/sepay"
            try:
                async with session.post(url, data=body, headers=headers) as reply:
                    await reply.read()
                    status = reply.status
            except aiohttp.ClientError:
                status = 0
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

        async def at(moment: float, sends: list[tuple[int, bytes]]) -> None:
            await asyncio.sleep(max(0.0, moment - time.perf_counter()))
            await asyncio.gather(*(post(port, body) for port, body in sends))

        start = time.perf_counter() + 0.5
        tasks = []
        for n, body in enumerate(bodies):
            sends = [(ports[n % len(ports)], body)]
            if n in duplicated:  # the same notification, to another worker at once
                sends.append((ports[(n + 1) % len(ports)], body))
            tasks.append(asyncio.create_task(at(start + n / rate, sends)))
        await asyncio.gather(*tasks)
        sending = time.perf_counter() - start
    return latencies, statuses, sending


async def settled(database: Database, unique: int, limit: float) -> float:
    """Seconds until every distinct notification is applied (or ``limit``)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        done = await database.scalar(
            "SELECT count(*) FROM payment_notifications WHERE state != 'received'"
        )
        if int(done or 0) >= unique:
            break
        await asyncio.sleep(0.2)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_workers(
    url: str, count: int
) -> tuple[list[asyncio.subprocess.Process], list[int]]:
    ports = [free_port() for _ in range(count)]
    processes = []
    for port in ports:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.payments", "--serve", "--url", url, "--port", str(port),
            stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 120)
        assert line.strip() == b"ready", line
        processes.append(process)
    return processes, ports


async def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    total = int(args.rate * args.seconds)
    rng = random.Random(args.seed)
    duplicated = set(rng.sample(range(total), int(total * args.duplicates)))
    with tempfile.TemporaryDirectory(prefix="ocop-payments-") as tmp:
        async with postgres_database(args.db, Path(tmp)) as database:
            await database.prepare(0)
            account, orders = await write_orders(database.url, total)
            bodies = [notification(account, order, n) for n, order in enumerate(orders)]
            processes, ports = await start_workers(database.url, args.workers)
            try:
                latencies, statuses, sending = await post_all(ports, bodies, duplicated, args.rate)
                applying = await settled(database, total, args.settle_limit)
            finally:
                for process in processes:
                    process.send_signal(signal.SIGTERM)
                await asyncio.gather(*(process.wait() for process in processes))
            figures = await counts(database)
    posted = total + len(duplicated)
    ordered = sorted(latencies)
    return {
        "settings": vars(args),
        "machine": machine(),
        "notifications": total,
        "posted_with_duplicates": posted,
        "answers": {str(status): count for status, count in sorted(statuses.items())},
        "posted_per_s": round(posted / sending, 1),
        "answer_ms": {
            "p50": round(statistics.median(ordered) * 1000, 1),
            "p99": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1),
            "max": round(ordered[-1] * 1000, 1),
        },
        "applied_within_s_after_the_last": round(applying, 2),
        **figures,
    }


async def counts(database: Database) -> dict[str, int]:
    """What the database says: stored, applied, paid, and anything counted twice."""
    stored = await database.scalar("SELECT count(*) FROM payment_notifications")
    applied = await database.scalar(
        "SELECT count(*) FROM payment_notifications WHERE state = 'applied'"
    )
    paid = await database.scalar("SELECT count(*) FROM orders WHERE payment_status = 'paid'")
    too_much = await database.scalar("SELECT count(*) FROM orders WHERE amount_paid > total")
    changes = await database.scalar(
        "SELECT count(*) FROM payment_changes WHERE reason = 'transfer'"
    )
    return {
        "stored": int(stored or 0),
        "applied": int(applied or 0),
        "orders_paid": int(paid or 0),
        "double_applied": int(too_much or 0) + max(0, int(changes or 0) - int(applied or 0)),
    }


def render(report: dict[str, Any]) -> str:
    settings = report["settings"]
    return (
        f"{report['notifications']} notifications at {settings['rate']:g}/s to "
        f"{settings['workers']} workers on {settings['db']} ({report['posted_with_duplicates']} "
        f"posts with duplicates): {report['posted_per_s']}/s posted, answers "
        f"{report['answers']}, answer p50/p99/max {report['answer_ms']['p50']}/"
        f"{report['answer_ms']['p99']}/{report['answer_ms']['max']} ms; all applied "
        f"{report['applied_within_s_after_the_last']} s after the last; stored "
        f"{report['stored']}, applied {report['applied']}, orders paid "
        f"{report['orders_paid']}, double-applied {report['double_applied']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.payments", description=__doc__)
    parser.add_argument("--rate", type=float, default=500.0, help="notifications a second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duplicates", type=float, default=0.2, help="share sent twice")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--settle-limit", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        asyncio.run(serve(args.url, args.port))
        return 0
    if not (0 < args.rate <= 5000 and 0 < args.seconds <= 120 and 1 <= args.workers <= 8):
        print("bench.payments: rate 1-5000, seconds up to 120, 1-8 workers", file=sys.stderr)
        return 2
    report = asyncio.run(benchmark(args))
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else render(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
