"""The staff's tools as people read them: /admin's list, what /start says to staff, and the
usage line a command answers wrong syntax with. The list itself (and Telegram's command menu
built from it) is in ``handlers.commands``."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from catalog.services.inventory import Actor
from handlers.commands import ADMIN_TOOL, STAFF, Role, tools_for
from storefront.format import esc


def role_of(actor: Actor) -> Role:
    if actor.is_admin:
        return Role.admin
    return Role.manager if actor.producer_id is not None else Role.customer


def command_names(role: Role) -> list[str]:
    """Every staff command this role may use, /admin first."""
    if role not in STAFF:
        return []
    return [ADMIN_TOOL[0]] + [name for tool in tools_for(role) for name, _msgid in tool.commands]


def tools_text(role: Role) -> str:
    """/admin's list: each tool with its usage, in the reader's language."""
    lines = [_("🛠 <b>Shop tools</b>")]
    lines += [_(tool.usage) for tool in tools_for(role)]
    return "\n".join(lines)


def staff_note(role: Role, producer: str | None = None) -> str:
    """What /start adds for staff: who they are here and the commands they may use."""
    names = ", ".join(f"/{name}" for name in command_names(role))
    if role == Role.admin:
        who = _("🛠 You are an admin of the shop.")
    else:
        who = _("🛠 You manage {producer} in the shop.").format(producer=esc(producer or ""))
    return "\n".join(
        (who, _("Your tools: {commands}.").format(commands=names), _("/admin explains each."))
    )


def usage(usage: str, example: str) -> str:
    """What a staff command answers wrong syntax with: how to write it, and an example."""
    return _("Usage: {usage}\nFor example: {example}").format(
        usage=esc(usage), example=esc(example)
    )
