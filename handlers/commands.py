"""Telegram's command menu, per scope and language: customers in private chats, producers'
groups, and the private chat of each admin and producer manager (who see their tools too).

The lists are the handlers' own; bot/commands.py puts them in place at startup."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from aiogram.utils.i18n import I18n

from catalog.services.users import LANGUAGES
from catalog.text import N_

log = logging.getLogger(__name__)


class Role(StrEnum):
    customer = "customer"
    manager = "manager"
    admin = "admin"


STAFF = frozenset({Role.manager, Role.admin})


@dataclass(frozen=True)
class Tool:
    """A line of /admin's list (its usage and what it does) and the commands it names, each
    with the short description Telegram's command menu shows."""

    usage: str
    commands: tuple[tuple[str, str], ...]
    roles: frozenset[Role] = STAFF


TOOLS: tuple[Tool, ...] = (
    Tool(
        N_("/stock SKU 25 | +10 | -3 — set or adjust stock"),
        (("stock", N_("Set or adjust a product's stock")),),
    ),
    Tool(N_("/price SKU 180000 — change a price"), (("price", N_("Change a price")),)),
    Tool(
        N_("/hide SKU, /show SKU — take off sale, put back"),
        (("hide", N_("Take a product off sale")), ("show", N_("Put a product back on sale"))),
    ),
    Tool(N_("/lowstock [N] — products running out"), (("lowstock", N_("Products running out")),)),
    Tool(N_("/product — add a product, step by step"), (("product", N_("Add a product")),)),
    Tool(
        N_("/orders [status|unpaid] — recent orders, or those waiting for their transfer"),
        (("orders", N_("Recent orders")),),
    ),
    Tool(
        N_("/paid ORDER [AMOUNT], /refunded ORDER [AMOUNT] — money recorded by hand"),
        (
            ("paid", N_("Record a transfer confirmed by hand")),
            ("refunded", N_("Record money returned to a customer")),
        ),
    ),
    Tool(
        N_("/bank PRODUCER_CODE [BANK ACCOUNT HOLDER | off] — where a producer is paid"),
        (("bank", N_("A producer's bank account")),),
    ),
    Tool(
        N_("/stats [today|week|month] — orders, revenue, best sellers"),
        (("stats", N_("Orders, revenue and best sellers")),),
    ),
    Tool(
        N_("/history SKU — every change to a product"), (("history", N_("Changes to a product")),)
    ),
    Tool(
        N_("/export — the catalog as a spreadsheet; send a .csv or .xlsx file to import one"),
        (("export", N_("The catalog as a spreadsheet")),),
    ),
    Tool(
        N_(
            "/qr SKU — a product's QR code with its name and price (PNG, SVG); "
            "/qr SKU messenger — one that opens it on the shop's Messenger"
        ),
        (("qr", N_("A product's QR code")),),
    ),
    Tool(
        N_("/poster [PRODUCER_CODE] — a producer's A4 poster with every product's code (PDF)"),
        (("poster", N_("A producer's poster")),),
    ),
    Tool(
        N_(
            "/post POST_ID SKU… — tie a post of the Facebook Page to products: “chốt” or "
            "“mua” under it gets their cards on Messenger; /post lists the posts tied, "
            "/unpost POST_ID unties one"
        ),
        (("post", N_("Tie a Facebook post to products")), ("unpost", N_("Untie a Facebook post"))),
        frozenset({Role.admin}),
    ),
    Tool(
        N_("/linkgroup — link a producer's Telegram group"),
        (("linkgroup", N_("Link a producer's group")),),
        frozenset({Role.admin}),
    ),
    Tool(
        N_("/linkzalo, /zalostaff, /unlinkzalo ID — producers' staff on Zalo"),
        (
            ("linkzalo", N_("Link a staff member's Zalo account")),
            ("zalostaff", N_("Who gets orders on Zalo")),
        ),
    ),
    Tool(
        N_("/managers — who manages which producer"),
        (("managers", N_("Who manages which producer")),),
        frozenset({Role.admin}),
    ),
    Tool(
        N_("/linkgroup — link your group"),
        (("linkgroup", N_("Link your producer's group")),),
        frozenset({Role.manager}),
    ),
)
ADMIN_TOOL = ("admin", N_("Your shop tools"))


def tools_for(role: Role) -> tuple[Tool, ...]:
    return tuple(tool for tool in TOOLS if role in tool.roles)


Scope = BotCommandScopeAllPrivateChats | BotCommandScopeAllGroupChats | BotCommandScopeChat


class Chats(StrEnum):
    private = "private"
    # A producer's group: linking it and moving orders along (also typed, without buttons).
    group = "group"


# (chats, command, description msgid); descriptions are translated per language when registered.
MENUS = (
    (Chats.private, "start", N_("Main menu")),
    (Chats.private, "catalog", N_("Browse the OCOP catalog")),
    (Chats.private, "search", N_("Search for a product")),
    (Chats.private, "cart", N_("Your cart")),
    (Chats.private, "orders", N_("Your orders")),
    (Chats.private, "language", N_("Choose the language")),
    (Chats.private, "help", N_("How to shop here")),
    (Chats.group, "orders", N_("The open orders of this group's producer")),
    (Chats.group, "accept", N_("Accept an order: /accept DH00012")),
    (Chats.group, "ship", N_("Mark an order shipped: /ship DH00012")),
    (Chats.group, "deliver", N_("Mark an order delivered: /deliver DH00012")),
    (Chats.group, "cancel", N_("Cancel an order: /cancel DH00012 reason")),
    (Chats.group, "paid", N_("A transfer confirmed by hand: /paid DH00012 [amount]")),
    (Chats.group, "refunded", N_("Money returned: /refunded DH00012 [amount]")),
    (Chats.group, "language", N_("The language of the order alerts")),
    (Chats.group, "link", N_("Link this group to a producer: /link CODE")),
    (Chats.group, "unlink", N_("Stop receiving orders in this group")),
)


def menu(chats: Chats) -> tuple[tuple[str, str], ...]:
    """The command menu of customers' private chats or of producers' groups."""
    return tuple((name, msgid) for where, name, msgid in MENUS if where == chats)


COMMANDS = menu(Chats.private)
GROUP_COMMANDS = menu(Chats.group)


def staff_commands(role: Role) -> tuple[tuple[str, str], ...]:
    """A staff member's private menu: their tools first, then what every customer has."""
    tools = [ADMIN_TOOL] + [entry for tool in tools_for(role) for entry in tool.commands]
    taken = {name for name, _msgid in tools}
    return (*tools, *((name, msgid) for name, msgid in COMMANDS if name not in taken))


async def set_commands(
    bot: Bot, i18n: I18n, scope: Scope, commands: Iterable[tuple[str, str]]
) -> None:
    """One list per language Telegram may ask for, and the default language's for the rest."""
    entries = tuple(commands)
    for language in (None, *LANGUAGES):
        locale = language or i18n.default_locale
        menu = [
            BotCommand(command=name, description=i18n.gettext(msgid, locale=locale))
            for name, msgid in entries
        ]
        await bot.set_my_commands(menu, scope=scope, language_code=language)


async def show_staff_commands(bot: Bot, i18n: I18n, chat_id: int, role: Role) -> bool:
    """Give a staff member's private chat the menu of their role (a customer's again when
    they are staff no more). False when Telegram does not know the chat (they never wrote)."""
    scope = BotCommandScopeChat(chat_id=chat_id)
    try:
        if role in STAFF:
            await set_commands(bot, i18n, scope, staff_commands(role))
        else:
            for language in (None, *LANGUAGES):
                await bot.delete_my_commands(scope=scope, language_code=language)
    except TelegramBadRequest as err:
        log.info("no command menu for chat %s yet: %s", chat_id, err.message)
        return False
    return True
