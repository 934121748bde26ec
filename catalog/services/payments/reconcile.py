"""Reconciliation: the providers' own transaction lists read back (SePay API v2, Casso's
transactions, the payments of each payOS link), and every transfer a webhook missed stored
and applied — through the same store as the webhooks, so nothing counts twice."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

import aiohttp
from sqlalchemy import select

from catalog.models import Order, PaymentLink, PaymentProvider
from catalog.payments import casso, payos, sepay
from catalog.payments.directory import PaymentsDirectory, ProducerKeys
from catalog.payments.incoming import Incoming
from catalog.payments.sepay import ApiFailed
from catalog.services.payments.applying import apply
from catalog.services.payments.notifications import (
    Account,
    Outcome,
    producer_accounts,
    store,
)
from catalog.uow import UnitOfWork

log = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=30)


@dataclass
class Reconciled:
    listed: int = 0  # transfers the providers listed
    missed: int = 0  # of which the shop had not heard
    outcomes: list[tuple[str, Outcome]] = field(default_factory=list)  # (provider, …)
    failures: list[str] = field(default_factory=list)  # "PRODUCER: what went wrong"


async def reconcile(uow: UnitOfWork, directory: PaymentsDirectory, since: datetime) -> Reconciled:
    """Read every configured producer's transfers since ``since`` and apply the missed."""
    report = Reconciled()
    accounts = await producer_accounts(uow)
    by_code = {account.producer_code: account for account in accounts.values()}
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        for code, keys in directory.producers.items():
            producer = by_code.get(code)
            if producer is None:
                continue  # no bank account in the shop: nothing of it can be matched
            try:
                listed = await _listed(session, uow, directory, producer, keys, since)
            except ApiFailed as err:
                log.warning("reconcile %s: %s", code, err)
                report.failures.append(f"{code}: {err}")
                continue
            for incoming in listed:
                owner = _owner(incoming, producer, accounts)
                if owner is None:
                    continue  # an account of the provider's company the shop does not know
                report.listed += 1
                stored = await store(uow, incoming, owner.producer_id, via="reconcile")
                if stored.new:
                    report.missed += 1
                    outcome = await apply(uow, stored.id)
                    report.outcomes.append((incoming.provider.value, outcome))
    return report


def _owner(incoming: Incoming, producer: Account, accounts: dict[str, Account]) -> Account | None:
    if incoming.provider == PaymentProvider.payos:
        return producer  # the producer's own link
    return accounts.get(incoming.sub_account) or accounts.get(incoming.account_number)


async def _listed(
    session: aiohttp.ClientSession,
    uow: UnitOfWork,
    directory: PaymentsDirectory,
    producer: Account,
    keys: ProducerKeys,
    since: datetime,
) -> list[Incoming]:
    if keys.provider == PaymentProvider.sepay:
        if not keys.sepay_api_token:
            return []
        return await sepay.transactions(session, directory.sepay_api, keys.sepay_api_token, since)
    if keys.provider == PaymentProvider.casso:
        if not keys.casso_api_key:
            return []
        return await casso.transactions(session, directory.casso_api, keys.casso_api_key, since)
    async with uow.reading():
        links = list(
            await uow.session.scalars(
                select(PaymentLink.link_id)
                .join(Order, Order.id == PaymentLink.order_id)
                .where(Order.producer_id == producer.producer_id, PaymentLink.created_at >= since)
            )
        )
    found: list[Incoming] = []
    for link_id in links:
        _info, payments = await payos.link_payments(session, directory.payos_api, keys, link_id)
        found += payments
    return found
