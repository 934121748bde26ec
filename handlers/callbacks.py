"""Callback data of the staff's inline buttons: short prefixes, ids, enums (at most 64 bytes).
The customers' buttons are storefront actions (storefront/actions.py).

aiogram parses these strictly: a tampered or malformed button fails to match any filter and
ends in the catch-all "this menu has expired" answer.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from storefront.actions import Language


class StaffAction(StrEnum):
    accept = "a"
    ship = "s"
    ship_unpaid = "su"  # shipped before the transfer arrived, said explicitly
    deliver = "d"
    cancel = "c"  # asks for a reason
    cancel_with = "cr"  # the reason was chosen
    show = "o"  # the order's card, with its buttons
    back = "b"  # from the reason list back to the card
    page = "p"  # the list of open orders


class StaffCb(CallbackData, prefix="s"):
    action: StaffAction
    id: int = 0
    reason: str = ""
    page: int = 0


class GroupLanguageCb(CallbackData, prefix="gl"):
    code: Language


class LinkProducerCb(CallbackData, prefix="lk"):
    producer_id: int = 0
    page: int = 0


class ZaloLinkCb(CallbackData, prefix="zl"):
    """Choosing the producer whose staff member links a Zalo account (/linkzalo)."""

    producer_id: int = 0
    page: int = 0


class PosterCb(CallbackData, prefix="pst"):
    """Choosing the producer whose poster an admin prints (/poster without a code)."""

    producer_id: int = 0
    page: int = 0


class StaffOrdersCb(CallbackData, prefix="so"):
    status: str = ""
    page: int = 0


class WizardAction(StrEnum):
    stars = "s"
    category = "c"
    producer = "p"
    confirm = "ok"
    cancel = "x"


class WizardCb(CallbackData, prefix="w"):
    action: WizardAction
    value: int = 0
