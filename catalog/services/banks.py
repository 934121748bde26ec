"""A producer's bank account, where its customers' transfers go: read, set and removed by an
admin or the producer's manager (``/bank``); every change is told to the admins, who keep
the record of who sent money where."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from catalog import outbox
from catalog.errors import NotAllowed
from catalog.models import Producer
from catalog.outbox import AdminEvent
from catalog.payments.banks import BankDetails
from catalog.services.inventory import Actor
from catalog.services.producers import ProducerNotFound
from catalog.text import Named
from catalog.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class ProducerBank(Named):
    code: str
    name_vi: str
    name_en: str
    details: BankDetails | None  # None: the producer takes no transfers


def _bank_of(producer: Producer) -> ProducerBank:
    details = None
    if producer.bank_bin and producer.bank_account:
        details = BankDetails(
            producer.bank_bin, producer.bank_account, producer.bank_account_name or ""
        )
    return ProducerBank(producer.code, producer.name_vi, producer.name_en, details)


async def _producer(uow: UnitOfWork, actor: Actor, code: str) -> Producer:
    producer = await uow.session.scalar(select(Producer).where(Producer.code == code.upper()))
    if producer is None:
        raise ProducerNotFound(code)
    if not actor.may_manage(producer.id):
        raise NotAllowed
    return producer


async def producer_bank(uow: UnitOfWork, *, actor: Actor, code: str) -> ProducerBank:
    async with uow.reading():
        return _bank_of(await _producer(uow, actor, code))


async def set_bank(
    uow: UnitOfWork, *, actor: Actor, code: str, details: BankDetails | None
) -> ProducerBank:
    """The producer's account (None: it takes no transfers any more)."""
    async with uow:
        producer = await _producer(uow, actor, code)
        producer.bank_bin = details.bin if details else None
        producer.bank_account = details.account if details else None
        producer.bank_account_name = details.holder if details else None
        outbox.to_admins(
            uow,
            AdminEvent.bank_changed,
            producer_id=producer.id,
            by=actor.user_id,
            bin=producer.bank_bin or "",
            account=producer.bank_account or "",
            holder=producer.bank_account_name or "",
        )
        await uow.commit()
        return _bank_of(producer)
