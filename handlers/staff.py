"""Admins and producer managers: a product's stock, price, visibility and history; low stock.

Every command is plain text, needing no buttons (as on Zalo, bot.zalo, where staff have
none), and answers wrong syntax with a usage line and an example.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from catalog import rules
from catalog.errors import NotAllowed
from catalog.services import inventory
from catalog.services.inventory import (
    Actor,
    InvalidValue,
    ProductChangeView,
    UnknownSku,
)
from catalog.uow import UnitOfWork
from handlers.access import Acting, refuse
from handlers.settings import Settings
from handlers.tools import usage
from storefront.format import esc, language, money, when

COMMANDS = ("stock", "price", "hide", "show", "lowstock", "history")


def unknown_sku_text(err: UnknownSku) -> str:
    if err.suggestions:
        return _("No product has the SKU {sku}. Did you mean: {suggestions}?").format(
            sku=esc(err.sku), suggestions=", ".join(esc(s) for s in err.suggestions)
        )
    return _("No product has the SKU {sku}.").format(sku=esc(err.sku))


def _changed(change: ProductChangeView) -> str:
    lang = language()
    if change.field == "price":
        old, new = money(int(change.old)), money(int(change.new))
        return _("💰 {name} ({sku}): price {old} → {new}").format(
            name=esc(change.name(lang)), sku=esc(change.sku), old=old, new=new
        )
    if change.field == "active":
        text = (
            _("👁 {name} ({sku}) is on sale again.")
            if change.new == "True"
            else _("🙈 {name} ({sku}) is hidden from the catalog.")
        )
        return text.format(name=esc(change.name(lang)), sku=esc(change.sku))
    return _("📦 {name} ({sku}): stock {old} → {new}").format(
        name=esc(change.name(lang)), sku=esc(change.sku), old=change.old, new=change.new
    )


def _sku(text: str) -> str | None:
    return text if rules.is_sku(text) else None


async def cmd_stock(
    message: Message, command: CommandObject, uow: UnitOfWork, actor: Actor
) -> None:
    parts = (command.args or "").split()
    wrong = usage("/stock SKU 25 | /stock SKU +10 | /stock SKU -3", "/stock BABE-SA-10 +10")
    if len(parts) != 2 or _sku(parts[0]) is None:
        await message.answer(wrong)
        return
    sku, amount = parts
    change = rules.parse_stock_change(amount)
    if change is None:
        await message.answer(wrong)
        return
    value, relative = change
    await _apply(
        message,
        lambda: inventory.set_stock(uow, actor=actor, sku=sku, value=value, relative=relative),
    )


async def cmd_price(
    message: Message, command: CommandObject, uow: UnitOfWork, actor: Actor
) -> None:
    parts = (command.args or "").split(maxsplit=1)
    price = rules.parse_price(parts[1]) if len(parts) == 2 else None
    if len(parts) != 2 or _sku(parts[0]) is None or price is None:
        await message.answer(usage("/price SKU 180000", "/price BABE-SA-10 85.000"))
        return
    await _apply(message, lambda: inventory.set_price(uow, actor=actor, sku=parts[0], price=price))


async def cmd_visibility(
    message: Message, command: CommandObject, uow: UnitOfWork, actor: Actor
) -> None:
    active = command.command.lower() == "show"
    sku = _sku((command.args or "").strip())
    if sku is None:
        name = "/show" if active else "/hide"
        await message.answer(usage(f"{name} SKU", f"{name} BABE-SA-10"))
        return
    await _apply(message, lambda: inventory.set_active(uow, actor=actor, sku=sku, active=active))


async def _apply(message: Message, change: Callable[[], Awaitable[ProductChangeView]]) -> None:
    try:
        result = await change()
    except UnknownSku as err:
        await message.answer(unknown_sku_text(err))
    except NotAllowed:
        await refuse(message)
    except InvalidValue as err:
        if err.field == "price":
            text = _("A price must be more than 0 and at most 1,000,000,000 đồng.")
        else:
            text = _("Stock cannot go below zero (or above a million): it would be {value}.")
        await message.answer(text.format(value=err.value))
    else:
        await message.answer(_changed(result))


async def cmd_lowstock(
    message: Message, command: CommandObject, uow: UnitOfWork, actor: Actor, settings: Settings
) -> None:
    argument = (command.args or "").strip()
    threshold = settings.low_stock_threshold
    if argument:
        number = rules.parse_whole(argument, grouped=False) if len(argument) <= 7 else None
        if number is None:
            await message.answer(usage("/lowstock [N]", "/lowstock 5"))
            return
        threshold = number
    lines = await inventory.low_stock(uow, actor=actor, threshold=threshold)
    lang = language()
    if not lines:
        await message.answer(
            _("No product has {count} or fewer in stock.").format(count=threshold)
        )
        return
    text = [_("📉 <b>Products with {count} or fewer in stock</b>").format(count=threshold)]
    for line in lines:
        hidden = " 🙈" if not line.active else ""
        text.append(f"{line.stock} · <code>{esc(line.sku)}</code> {esc(line.name(lang))}{hidden}")
    await message.answer("\n".join(text))


async def cmd_history(
    message: Message, command: CommandObject, uow: UnitOfWork, actor: Actor
) -> None:
    sku = _sku((command.args or "").strip())
    if sku is None:
        await message.answer(usage("/history SKU", "/history BABE-SA-10"))
        return
    try:
        product, entries = await inventory.history(uow, actor=actor, sku=sku)
    except UnknownSku as err:
        await message.answer(unknown_sku_text(err))
        return
    except NotAllowed:
        await refuse(message)
        return
    lines = [
        _("🧾 <b>Changes to {name}</b> ({sku})").format(
            name=esc(product.name(language())), sku=esc(product.sku)
        )
    ]
    if not entries:
        lines.append(_("No changes recorded."))
    reasons = {
        "command": _("command"),
        "wizard": _("new product"),
        "import": _("import"),
        "order": _("order"),
        "cancellation": _("cancellation"),
    }
    for entry in entries:
        who = str(entry.actor_id) if entry.actor_id else _("system")
        ref = f" {esc(entry.reference)}" if entry.reference else ""
        lines.append(
            f"{when(entry.at)} · {esc(entry.field)}: {esc(entry.old)} → {esc(entry.new)} · "
            f"{reasons.get(entry.reason.value, entry.reason.value)}{ref} · {who}"
        )
    await message.answer("\n".join(lines))


def create_router() -> Router:
    router = Router(name=__name__)
    # In a producer's group only an admin may use them: the group's members are not all staff.
    staff = Acting(admins_in_groups=True)
    router.message.register(cmd_stock, Command("stock"), staff)
    router.message.register(cmd_price, Command("price"), staff)
    router.message.register(cmd_visibility, Command("hide", "show"), staff)
    router.message.register(cmd_lowstock, Command("lowstock"), staff)
    router.message.register(cmd_history, Command("history"), staff)
    router.message.register(refuse, Command(*COMMANDS))
    return router
