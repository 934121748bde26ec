"""``payments reconcile``: the providers' transaction lists read back, and the transfers
the webhooks missed applied (the same store as the webhooks: nothing counts twice)."""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime, timedelta

from bot.cli.common import EXIT_REJECTED, Commands, add_command, database, usage_error
from bot.config import Config
from bot.payments.jobs import PaymentJobs
from catalog.db import create_session_factory
from catalog.models import utcnow
from catalog.rules import SHOP_TIMEZONE


def add_commands(commands: Commands, common: argparse.ArgumentParser) -> None:
    payments = commands.add_parser("payments", parents=[common], help="bank transfers")
    payment_commands = payments.add_subparsers(
        dest="payments_command", required=True, metavar="ACTION"
    )
    reconcile = add_command(
        payment_commands,
        "reconcile",
        _reconcile,
        parents=[common],
        help="apply the transfers the providers' webhooks did not deliver",
        description="Read every configured producer's transfers from its provider (SePay "
        "API v2, Casso's transactions, the payments of each payOS link) and apply those the "
        "shop had not heard of. Without --since: the last [payments] reconcile_hours.",
    )
    reconcile.add_argument(
        "--since",
        metavar="YYYY-MM-DD[THH:MM]",
        help="from this day (or moment), Vietnam time",
    )


def _since(text: str | None, config: Config) -> timedelta | None:
    if text is None:
        return timedelta(hours=config.payments.reconcile_hours)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHOP_TIMEZONE)
    return utcnow() - moment


def _reconcile(config: Config, args: argparse.Namespace) -> int:
    back = _since(args.since, config)
    if back is None or back < timedelta(0):
        return usage_error(f"--since {args.since!r}: a past day, like 2026-12-01")
    if not config.payments.producers:
        print("no producer has payment keys ([payments.producers] in bot.toml): nothing to read")
        return 0
    return asyncio.run(_run(config, back))


async def _run(config: Config, back: timedelta) -> int:
    async with database(config) as engine:
        jobs = PaymentJobs(create_session_factory(engine), config.payments)
        report = await jobs.reconcile(back)
    print(f"{report.listed} transfers listed by the providers, {report.missed} missed before")
    for _provider, outcome in report.outcomes:
        number = f"DH{outcome.order_id:05d}" if outcome.order_id else "-"
        print(f"  {outcome.result}: {number} {outcome.note}".rstrip())
    for failure in report.failures:
        print(f"could not read {failure}")
    return EXIT_REJECTED if report.failures else 0
