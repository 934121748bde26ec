"""A producer's bank account, where its customers' transfers go: set from a spreadsheet or
with /bank's service, checked, told to the admins, and left alone by an import that does
not give one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select
from support.catalog_rows import catalog_row

from catalog.demo.seed import seed_demo_catalog
from catalog.errors import NotAllowed
from catalog.models import OutboxMessage, Producer
from catalog.outbox import AdminEvent, OutboxKind
from catalog.payments.banks import BankDetails, check_bank
from catalog.services import banks
from catalog.services.catalog_io import export_catalog, import_catalog
from catalog.services.inventory import Actor
from catalog.uow import UnitOfWork

ADMIN = Actor(user_id=1, is_admin=True)


@pytest.fixture
async def shop(uow: UnitOfWork, media_dir: Path) -> UnitOfWork:
    await seed_demo_catalog(uow, media_dir)
    return uow


async def bank_of(uow: UnitOfWork, code: str) -> tuple[str | None, str | None, str | None]:
    async with uow.reading():
        producer = await uow.session.scalar(select(Producer).where(Producer.code == code))
        assert producer is not None
        return producer.bank_bin, producer.bank_account, producer.bank_account_name


async def test_an_import_gives_a_new_producer_its_bank_and_leaves_others_as_they_are(
    shop: UnitOfWork, media_dir: Path
) -> None:
    before = await bank_of(shop, "BABE")
    rows = [
        catalog_row(2, sku="NEWCO-1", producer_code="NEWCO", producer_name_vi="HTX Mới",
                    producer_name_en="New co-op", bank_bin="970422", bank_account="0868000111",
                    bank_holder="HTX MOI"),
        catalog_row(3, sku="BABE-NEW-2"),
    ]  # fmt: skip

    await import_catalog(shop, rows, actor_id=1, media_dir=media_dir, source_dir=None)

    assert await bank_of(shop, "NEWCO") == ("970422", "0868000111", "HTX MOI")
    assert await bank_of(shop, "BABE") == before
    exported = {row.sku: row for row in await export_catalog(shop)}
    assert (exported["NEWCO-1"].bank_bin, exported["NEWCO-1"].bank_account) == (
        "970422", "0868000111",
    )  # fmt: skip
    again = replace(exported["NEWCO-1"], line=2, bank_account="0868000222")
    await import_catalog(shop, [again], actor_id=1, media_dir=media_dir, source_dir=None)
    assert await bank_of(shop, "NEWCO") == ("970422", "0868000222", "HTX MOI")


async def test_bank_is_set_by_an_admin_or_the_producers_manager_and_told_to_the_admins(
    shop: UnitOfWork,
) -> None:
    async with shop.reading():
        babe = await shop.session.scalar(select(Producer.id).where(Producer.code == "BABE"))
    manager = Actor(user_id=2, producer_id=babe)
    stranger = Actor(user_id=3, producer_id=(babe or 0) + 1)
    details = check_bank("VCB", "0451000777888", "Cơ sở Bà Bé")

    with pytest.raises(NotAllowed):
        await banks.set_bank(shop, actor=stranger, code="BABE", details=details)
    changed = await banks.set_bank(shop, actor=manager, code="babe", details=details)

    assert changed.details == BankDetails("970436", "0451000777888", "CO SO BA BE")
    assert await bank_of(shop, "BABE") == ("970436", "0451000777888", "CO SO BA BE")
    gone = await banks.set_bank(shop, actor=ADMIN, code="BABE", details=None)
    assert gone.details is None
    async with shop.reading():
        told = [
            row.payload
            for row in await shop.session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.admin_notice)
            )
        ]
    assert [(t["event"], t["by"], t["account"]) for t in told] == [
        (AdminEvent.bank_changed, 2, "0451000777888"),
        (AdminEvent.bank_changed, 1, ""),
    ]
