"""Admins and producer managers: stock, prices, visibility, low stock, orders, figures, audit.

Every command has a text form (a future Zalo channel has no buttons) and answers wrong
syntax with a usage line and an example.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.commands import Role, show_staff_commands
from bot.config import Config
from catalog import rules
from catalog.errors import NotAllowed
from catalog.models import OrderStatus, utcnow
from catalog.services import figures, inventory, roles
from catalog.services.inventory import (
    Actor,
    InvalidValue,
    ProductChangeView,
    UnknownSku,
)
from catalog.services.orders import OrderPage
from catalog.services.producers import ProducerNotFound
from catalog.uow import UnitOfWork
from handlers import deeplinks
from handlers.access import actor_of
from handlers.callbacks import StaffAction, StaffCb, StaffOrdersCb
from handlers.format import esc, language, money, status_label, when
from handlers.tools import role_of, tools_text

PERIODS = ("today", "week", "month")


async def _staff(message: Message, uow: UnitOfWork, config: Config) -> Actor | None:
    """The acting staff member, or None after saying "not allowed" (customers; or anyone but
    an admin in a group chat)."""
    actor = await actor_of(message, uow, config)
    in_group = message.chat.type != "private"
    if not actor.is_staff or (in_group and not actor.is_admin):
        await message.answer(_("That is not allowed."))
        return None
    return actor


def _usage(usage: str, example: str) -> str:
    return _("Usage: {usage}\nFor example: {example}").format(
        usage=esc(usage), example=esc(example)
    )


def _unknown_sku(err: UnknownSku) -> str:
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
    message: Message, command: CommandObject, uow: UnitOfWork, config: Config
) -> None:
    actor = await _staff(message, uow, config)
    if actor is None:
        return
    parts = (command.args or "").split()
    usage = _usage("/stock SKU 25 | /stock SKU +10 | /stock SKU -3", "/stock BABE-SA-10 +10")
    if len(parts) != 2 or _sku(parts[0]) is None:
        await message.answer(usage)
        return
    sku, amount = parts
    change = rules.parse_stock_change(amount)
    if change is None:
        await message.answer(usage)
        return
    value, relative = change
    await _apply(
        message,
        lambda: inventory.set_stock(uow, actor=actor, sku=sku, value=value, relative=relative),
    )


async def cmd_price(
    message: Message, command: CommandObject, uow: UnitOfWork, config: Config
) -> None:
    actor = await _staff(message, uow, config)
    if actor is None:
        return
    parts = (command.args or "").split(maxsplit=1)
    price = rules.parse_price(parts[1]) if len(parts) == 2 else None
    if len(parts) != 2 or _sku(parts[0]) is None or price is None:
        await message.answer(_usage("/price SKU 180000", "/price BABE-SA-10 85.000"))
        return
    await _apply(message, lambda: inventory.set_price(uow, actor=actor, sku=parts[0], price=price))


async def cmd_visibility(
    message: Message, command: CommandObject, uow: UnitOfWork, config: Config
) -> None:
    actor = await _staff(message, uow, config)
    if actor is None:
        return
    active = command.command.lower() == "show"
    sku = _sku((command.args or "").strip())
    if sku is None:
        name = "/show" if active else "/hide"
        await message.answer(_usage(f"{name} SKU", f"{name} BABE-SA-10"))
        return
    await _apply(message, lambda: inventory.set_active(uow, actor=actor, sku=sku, active=active))


async def _apply(message: Message, change: Callable[[], Awaitable[ProductChangeView]]) -> None:
    try:
        result = await change()
    except UnknownSku as err:
        await message.answer(_unknown_sku(err))
    except NotAllowed:
        await message.answer(_("That is not allowed."))
    except InvalidValue as err:
        if err.field == "price":
            text = _("A price must be more than 0 and at most 1,000,000,000 đồng.")
        else:
            text = _("Stock cannot go below zero (or above a million): it would be {value}.")
        await message.answer(text.format(value=err.value))
    else:
        await message.answer(_changed(result))


async def cmd_lowstock(
    message: Message, command: CommandObject, uow: UnitOfWork, config: Config
) -> None:
    actor = await _staff(message, uow, config)
    if actor is None:
        return
    argument = (command.args or "").strip()
    if argument and not (argument.isdigit() and len(argument) <= 7):
        await message.answer(_usage("/lowstock [N]", "/lowstock 5"))
        return
    threshold = int(argument) if argument else config.shop.low_stock_threshold
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


def staff_orders_screen(
    page: OrderPage, status: str, admin: bool
) -> tuple[str, InlineKeyboardMarkup]:
    lang = language()
    builder = InlineKeyboardBuilder()
    header = _("📋 <b>Orders</b> (page {page}/{pages})").format(
        page=page.page + 1, pages=page.pages
    )
    lines = [header]
    if not page.orders:
        lines.append(_("No orders."))
    for order in page.orders:
        lines.append(
            f"{order.number} · {when(order.created_at)} · {esc(order.producer_name(lang))} · "
            f"{money(order.total)} · {status_label(order.status)}"
        )
        if admin:
            builder.button(
                text=order.number, callback_data=StaffCb(action=StaffAction.show, id=order.id)
            )
    builder.adjust(4)
    nav = []
    if page.page > 0:
        nav.append(
            InlineKeyboardButton(
                text="◀️", callback_data=StaffOrdersCb(status=status, page=page.page - 1).pack()
            )
        )
    if page.page < page.pages - 1:
        nav.append(
            InlineKeyboardButton(
                text="▶️", callback_data=StaffOrdersCb(status=status, page=page.page + 1).pack()
            )
        )
    builder.row(*nav)
    return "\n".join(lines), builder.as_markup()


async def cmd_staff_orders(
    message: Message, command: CommandObject, uow: UnitOfWork, config: Config
) -> None:
    actor = await _staff(message, uow, config)
    if actor is None:
        return
    argument = (command.args or "").strip().lower()
    if argument and argument not in set(OrderStatus):
        await message.answer(
            _usage("/orders [new|accepted|shipped|delivered|cancelled]", "/orders new")
        )
        return
    status = OrderStatus(argument) if argument else None
    page = await figures.staff_orders(uow, actor=actor, status=status)
    text, keyboard = staff_orders_screen(page, argument, actor.is_admin)
    await message.answer(text, reply_markup=keyboard)


async def on_staff_orders_page(
    query: CallbackQuery, callback_data: StaffOrdersCb, uow: UnitOfWork, config: Config
) -> None:
    actor = await actor_of(query, uow, config)
    if not actor.is_staff or (
        callback_data.status and callback_data.status not in set(OrderStatus)
    ):
        await query.answer(_("That is not allowed."), show_alert=True)
        return
    status = OrderStatus(callback_data.status) if callback_data.status else None
    page = await figures.staff_orders(uow, actor=actor, status=status, page=callback_data.page)
    text, keyboard = staff_orders_screen(page, callback_data.status, actor.is_admin)
    await query.answer()
    if query.message is not None and hasattr(query.message, "edit_text"):
        await query.message.edit_text(text, reply_markup=keyboard)


async def cmd_stats(
    message: Message, command: CommandObject, uow: UnitOfWork, config: Config
) -> None:
    actor = await _staff(message, uow, config)
    if actor is None:
        return
    period = (command.args or "today").strip().lower()
    if period not in PERIODS:
        await message.answer(_usage("/stats [today|week|month]", "/stats week"))
        return
    since = figures.period_start(period, utcnow())
    totals = await figures.stats(uow, actor=actor, since=since)
    lang = language()
    titles = {"today": _("today"), "week": _("this week"), "month": _("this month")}
    lines = [_("📊 <b>Figures for {period}</b>").format(period=titles[period])]
    if not totals:
        lines.append(_("No orders yet."))
    for row in totals:
        lines.append("")
        lines.append(f"🏡 <b>{esc(row.name(lang))}</b>")
        lines.append(
            ngettext(
                "{orders} order ({cancelled} cancelled), revenue {revenue}",
                "{orders} orders ({cancelled} cancelled), revenue {revenue}",
                row.orders,
            ).format(orders=row.orders, cancelled=row.cancelled, revenue=money(row.revenue))
        )
        if row.best_sellers:
            best = ", ".join(f"{esc(b.name(lang))} × {b.units}" for b in row.best_sellers)
            lines.append(_("Best sellers: {list}").format(list=best))
    lines += await deeplinks.source_lines(uow, actor, since)
    await message.answer("\n".join(lines))


async def cmd_history(
    message: Message, command: CommandObject, uow: UnitOfWork, config: Config
) -> None:
    actor = await _staff(message, uow, config)
    if actor is None:
        return
    sku = _sku((command.args or "").strip())
    if sku is None:
        await message.answer(_usage("/history SKU", "/history BABE-SA-10"))
        return
    try:
        product, entries = await inventory.history(uow, actor=actor, sku=sku)
    except UnknownSku as err:
        await message.answer(_unknown_sku(err))
        return
    except NotAllowed:
        await message.answer(_("That is not allowed."))
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


async def cmd_managers(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    config: Config,
    bot: Bot,
    i18n: I18n,
) -> None:
    actor = await actor_of(message, uow, config)
    if not actor.is_admin:
        await message.answer(_("That is not allowed."))
        return
    parts = (command.args or "").split()
    usage = _usage(
        "/managers | /managers add USER_ID PRODUCER_CODE | /managers remove USER_ID",
        "/managers add 123456789 BABE",
    )
    if not parts:
        managers = await roles.list_managers(uow, actor=actor)
        lines = [_("👥 <b>Producer managers</b>")]
        lines += [f"{user_id} {esc(name)} → {code}" for user_id, name, code in managers]
        if not managers:
            lines.append(_("None yet."))
        lines.append("")
        lines.append(usage)
        await message.answer("\n".join(lines))
        return
    if parts[0] == "add" and len(parts) == 3 and parts[1].isdigit():
        try:
            name = await roles.add_manager(
                uow, actor=actor, user_id=int(parts[1]), producer_code=parts[2]
            )
        except ProducerNotFound:
            await message.answer(_("No producer has the code {code}.").format(code=esc(parts[2])))
            return
        await message.answer(
            _("✅ User {user} now manages {producer}.").format(user=parts[1], producer=esc(name))
        )
        await _update_menu(bot, i18n, config, int(parts[1]), Role.manager)
    elif parts[0] == "remove" and len(parts) == 2 and parts[1].isdigit():
        removed = await roles.remove_manager(uow, actor=actor, user_id=int(parts[1]))
        await message.answer(
            _("✅ User {user} no longer manages a producer.").format(user=parts[1])
            if removed
            else _("User {user} was not a manager.").format(user=parts[1])
        )
        await _update_menu(bot, i18n, config, int(parts[1]), Role.customer)
    else:
        await message.answer(usage)


async def _update_menu(bot: Bot, i18n: I18n, config: Config, user_id: int, role: Role) -> None:
    """Their Telegram command menu follows the change (an admin stays an admin)."""
    admin = user_id in config.telegram.admin_ids
    await show_staff_commands(bot, i18n, user_id, Role.admin if admin else role)


async def cmd_admin(message: Message, uow: UnitOfWork, config: Config) -> None:
    actor = await actor_of(message, uow, config)
    if not actor.is_staff:
        await message.answer(_("That is not allowed."))
        return
    await message.answer(tools_text(role_of(actor)))


def create_router() -> Router:
    router = Router(name=__name__)
    # Orders in a private chat are staff lists only for staff; customers see their own.
    router.message.register(cmd_stock, Command("stock"))
    router.message.register(cmd_price, Command("price"))
    router.message.register(cmd_visibility, Command("hide", "show"))
    router.message.register(cmd_lowstock, Command("lowstock"))
    router.message.register(cmd_stats, Command("stats"))
    router.message.register(cmd_history, Command("history"))
    # They list people and tools: not something to post in a producer's group.
    router.message.register(cmd_managers, Command("managers"), F.chat.type == "private")
    router.message.register(cmd_admin, Command("admin"), F.chat.type == "private")
    router.callback_query.register(on_staff_orders_page, StaffOrdersCb.filter())
    return router


def create_orders_router() -> Router:
    """``/orders`` for staff in a private chat; registered before the customers' ``/orders``."""
    router = Router(name=f"{__name__}.orders")

    async def staff_only(message: Message, uow: UnitOfWork, config: Config) -> bool:
        return (await actor_of(message, uow, config)).is_staff

    router.message.register(
        cmd_staff_orders, F.chat.type == "private", Command("orders"), staff_only
    )
    return router
