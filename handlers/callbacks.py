"""Callback data of every inline button: short prefixes, ids, enums (at most 64 bytes).

aiogram parses these strictly: a tampered or malformed button fails to match any filter and
ends in the catch-all "this menu has expired" answer.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class Language(StrEnum):
    vi = "vi"
    en = "en"


class LanguageCb(CallbackData, prefix="lang"):
    code: Language


class View(StrEnum):
    """A catalog screen; the product card remembers which one it was opened from."""

    home = "h"
    categories = "cs"
    category = "c"
    producers = "ps"
    producer = "p"
    star_levels = "ss"
    stars = "s"
    search = "q"
    search_prompt = "qp"


class NavCb(CallbackData, prefix="n"):
    view: View
    id: int = 0
    page: int = 0


class ProductAction(StrEnum):
    show = "s"
    less = "l"
    more = "m"
    add = "a"
    quantity = "n"
    share = "f"


class ProductCb(CallbackData, prefix="p"):
    action: ProductAction
    id: int
    qty: int = 1
    # Where "Back" leads: the list (and its page) the card was opened from.
    back: View = View.home
    back_id: int = 0
    back_page: int = 0


# Presses that only draw another screen: a newer one on the same message makes them moot.
_DRAWING_ONLY = (ProductAction.show, ProductAction.less, ProductAction.more)


def is_navigation(data: str) -> bool:
    """True for a press that changes nothing but the screen (lists, cards, the stepper)."""
    prefix = data.split(NavCb.__separator__, 1)[0]
    try:
        if prefix == NavCb.__prefix__:
            # The search prompt starts a conversation step: that is a change.
            return NavCb.unpack(data).view != View.search_prompt
        if prefix == ProductCb.__prefix__:
            return ProductCb.unpack(data).action in _DRAWING_ONLY
    except (TypeError, ValueError):
        return False
    return False


class CartAction(StrEnum):
    show = "s"
    less = "l"
    more = "m"
    remove = "r"
    clear = "c"
    checkout = "k"


class CartCb(CallbackData, prefix="c"):
    action: CartAction
    id: int = 0
    page: int = 0  # the page of the cart the button is on


class CheckoutAction(StrEnum):
    use_saved = "u"
    new_details = "n"
    province_page = "pp"
    province = "pv"
    cash = "cod"
    bank = "bank"
    confirm = "ok"
    edit = "ed"
    cancel = "x"


class CheckoutCb(CallbackData, prefix="k"):
    action: CheckoutAction
    value: int = 0
    # The review screen's idempotency token: one confirmation, one set of orders.
    token: str = ""


class WardAction(StrEnum):
    pick = "p"  # one of the units offered for what the customer typed
    keep = "k"  # what the customer typed, as typed


class WardCb(CallbackData, prefix="kw"):
    action: WardAction
    offer: int  # which question the button belongs to: an older one has expired
    index: int = 0


class OrderAction(StrEnum):
    list = "l"
    show = "s"
    cancel = "c"
    cancel_confirmed = "cy"


class OrderCb(CallbackData, prefix="o"):
    action: OrderAction
    id: int = 0
    page: int = 0


class StaffAction(StrEnum):
    accept = "a"
    ship = "s"
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
    category = "c"
    producer = "p"
    confirm = "ok"
    cancel = "x"


class WizardCb(CallbackData, prefix="w"):
    action: WizardAction
    value: int = 0
