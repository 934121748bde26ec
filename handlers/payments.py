"""Money by hand: ``/paid DH00012 [amount]`` (a transfer a person confirmed) and
``/refunded DH00012 [amount]`` (money returned), in the producer's group or in a private chat
of an admin or the producer's manager; ``/bank CODE …`` (a producer's bank account, which
its VietQR codes and transfers go to), in a private chat."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from catalog import rules
from catalog.errors import NotAllowed, NothingToRecord, OrderNotFound
from catalog.payments.banks import BadBank, bank, check_bank
from catalog.services import banks
from catalog.services.inventory import Actor
from catalog.services.orders import OrderView
from catalog.services.payments import manual
from catalog.services.producers import ProducerNotFound
from catalog.uow import UnitOfWork
from handlers.access import Acting, is_admin, not_allowed, refuse
from handlers.settings import Settings
from handlers.tools import usage
from storefront.format import esc, language, money, payment_line

log = logging.getLogger(__name__)

MAX_AMOUNT = 10**12  # đồng: far beyond any order, and still a typo caught
Record = Callable[..., Awaitable[OrderView]]
RECORDERS: dict[str, Record] = {"paid": manual.record_paid, "refunded": manual.record_refund}


def _parse(args: str | None) -> tuple[int, int | None] | None:
    """(order id, amount or None), or None when it cannot be read."""
    parts = (args or "").split(maxsplit=1)
    order_id = rules.parse_order_number(parts[0]) if parts else None
    if order_id is None:
        return None
    if len(parts) == 1:
        return order_id, None
    amount = rules.parse_price(parts[1])
    if amount is None or not 0 < amount <= MAX_AMOUNT:
        return None
    return order_id, amount


async def _record(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    *,
    chat_id: int | None,
    admin: bool,
    producer_id: int | None,
) -> None:
    name = command.command.lower()
    parsed = _parse(command.args)
    user = message.from_user
    if parsed is None or user is None:
        await message.reply(usage(f"/{name} ORDER [AMOUNT]", f"/{name} DH00012 250000"))
        return
    order_id, amount = parsed
    try:
        order = await RECORDERS[name](
            uow,
            order_id=order_id,
            amount=amount,
            actor_id=user.id,
            actor_name=user.full_name,
            chat_id=chat_id,
            is_admin=admin,
            producer_id=producer_id,
        )
    except (NotAllowed, OrderNotFound):
        log.warning("refused /%s %s from user %s", name, order_id, user.id)
        await message.reply(not_allowed())
        return
    except NothingToRecord:
        text = (
            _("Nothing is owed back for this order.")
            if name == "refunded"
            else _("This order is paid in full already.")
        )
        await message.reply(text)
        return
    await message.reply(
        _("Recorded. {number}: {state}. The customer has been told.").format(
            number=order.number, state=payment_line(order) or money(order.amount_paid)
        )
    )


async def cmd_record_in_group(
    message: Message, command: CommandObject, uow: UnitOfWork, settings: Settings
) -> None:
    """In a producer's group: its own orders, as its buttons may move them."""
    await _record(
        message,
        command,
        uow,
        chat_id=message.chat.id,
        admin=is_admin(settings, message.from_user),
        producer_id=None,
    )


async def cmd_record_in_private(
    message: Message, command: CommandObject, uow: UnitOfWork, actor: Actor
) -> None:
    await _record(
        message, command, uow, chat_id=None, admin=actor.is_admin, producer_id=actor.producer_id
    )


def _bank_text(found: banks.ProducerBank, language: str) -> str:
    name = esc(found.name(language))
    if found.details is None:
        return _("🏦 {producer} takes no bank transfers.").format(producer=name)
    known = bank(found.details.bin)
    return _("🏦 {producer}: {bank} ({bin}), account {account}, {holder}.").format(
        producer=name,
        bank=esc(known.short_name if known else "?"),
        bin=found.details.bin,
        account=found.details.account,
        holder=esc(found.details.holder),
    )


async def cmd_bank(
    message: Message, command: CommandObject, uow: UnitOfWork, actor: Actor
) -> None:
    """/bank CODE · /bank CODE BANK ACCOUNT HOLDER NAME · /bank CODE off"""
    parts = (command.args or "").split(maxsplit=3)
    wrong = usage(
        "/bank PRODUCER_CODE [BANK ACCOUNT HOLDER | off]",
        "/bank BABE MB 0123456789 CO SO BA BE",
    )
    if not parts or not rules.is_producer_code(parts[0].upper()):
        await message.answer(wrong)
        return
    code = parts[0].upper()
    try:
        if len(parts) == 1:
            found = await banks.producer_bank(uow, actor=actor, code=code)
        elif len(parts) == 2 and parts[1].lower() in ("off", "none", "xoa"):
            found = await banks.set_bank(uow, actor=actor, code=code, details=None)
        elif len(parts) == 4:
            details = check_bank(parts[1], parts[2], parts[3])
            found = await banks.set_bank(uow, actor=actor, code=code, details=details)
        else:
            await message.answer(wrong)
            return
    except ProducerNotFound:
        await message.answer(_("No producer has the code {code}.").format(code=esc(code)))
        return
    except NotAllowed:
        await refuse(message)
        return
    except BadBank as err:
        problems = {
            "bin": _(
                "{value} is not a bank of the VietQR list: write its BIN (970422) or its "
                "short name (MB, VCB, BIDV…)."
            ),
            "account": _("{value} is not an account number: 6 to 19 digits."),
            "holder": _("Write the account holder's name as the bank prints it."),
        }
        await message.answer(problems[err.field].format(value=esc(err.value)))
        return
    await message.answer(_bank_text(found, language()))


def create_router() -> Router:
    """Private chats: staff's /paid, /refunded, /bank (groups: ``handlers.producer``)."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_record_in_private, Command(*RECORDERS), Acting())
    router.message.register(cmd_bank, Command("bank"), Acting())
    router.message.register(refuse, Command("paid", "refunded", "bank"))
    return router
