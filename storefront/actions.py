"""What a customer's button does: a short typed action, packed into the button's payload.

Each channel carries the packed text as it can (Telegram's callback data, at most 64 bytes;
Messenger's postback and quick-reply payloads) and gives it back when the button is pressed.
:func:`decode` reads it strictly: a tampered, truncated or foreign payload is None, which the
conversation answers with "this menu has expired" — never a traceback.

The packing is ``prefix:field:field…`` (integers, enum values, short ASCII strings), so
buttons sent before the storefront was written channel-free keep working.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError

SEPARATOR = ":"
# Telegram's limit on callback data; the tightest of the channels.
MAX_BYTES = 64

_REGISTRY: dict[str, type[Action]] = {}


class Action(BaseModel):
    """A button's meaning. Subclasses name their ``prefix``: ``class X(Action, prefix="x")``."""

    model_config = ConfigDict(frozen=True)
    prefix: ClassVar[str]

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix:
            if SEPARATOR in prefix or prefix in _REGISTRY:
                raise ValueError(f"bad or repeated action prefix {prefix!r}")
            cls.prefix = prefix
            _REGISTRY[prefix] = cls

    def pack(self) -> str:
        parts = [self.prefix]
        for name, value in self.model_dump(mode="python").items():
            text = str(value.value if isinstance(value, Enum) else value)
            if SEPARATOR in text:
                raise ValueError(f"{name}={text!r} holds the separator")
            parts.append(text)
        packed = SEPARATOR.join(parts)
        if len(packed.encode()) > MAX_BYTES:
            raise ValueError(f"{packed!r} is longer than {MAX_BYTES} bytes")
        return packed

    @classmethod
    def unpack(cls, data: str) -> Self:
        prefix, *parts = data.split(SEPARATOR)
        names = list(cls.model_fields)
        if prefix != cls.prefix or len(parts) != len(names):
            raise ValueError(f"not a {cls.__name__}: {data!r}")
        return cls.model_validate(dict(zip(names, parts, strict=True)))

    def replace(self, **changes: Any) -> Self:
        return self.model_copy(update=changes)


def decode(data: str | None) -> Action | None:
    """The action a payload stands for, or None when it is not one of ours (or is broken)."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    kind = _REGISTRY.get(data.split(SEPARATOR, 1)[0])
    if kind is None:
        return None
    try:
        return kind.unpack(data)
    except (ValueError, ValidationError):
        return None


class Language(StrEnum):
    vi = "vi"
    en = "en"


class ChooseLanguage(Action, prefix="lang"):
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


class Browse(Action, prefix="n"):
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


class OpenProduct(Action, prefix="p"):
    action: ProductAction
    id: int
    qty: int = 1
    # Where "Back" leads: the list (and its page) the card was opened from.
    back: View = View.home
    back_id: int = 0
    back_page: int = 0


class CartAction(StrEnum):
    show = "s"
    less = "l"
    more = "m"
    remove = "r"
    clear = "c"
    checkout = "k"


class ChangeCart(Action, prefix="c"):
    """A cart button sent before the cart had pages (still in chats): its first page."""

    action: CartAction
    id: int = 0


class ChangeCartPage(Action, prefix="cp"):
    """A cart button on a page of the cart, which the cart stays on once it has acted."""

    action: CartAction
    id: int = 0
    page: int = 0


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
    note = "nt"  # a note for the producer, asked from the payment question
    no_note = "nn"  # back to the payment question without one


class Checkout(Action, prefix="k"):
    action: CheckoutAction
    value: int = 0
    # The review screen's idempotency token: one confirmation, one set of orders.
    token: str = ""


class WardAction(StrEnum):
    pick = "p"  # one of the units offered for what the customer typed
    keep = "k"  # what the customer typed, as typed


class PickWard(Action, prefix="kw"):
    action: WardAction
    offer: int  # which question the button belongs to: an older one has expired
    index: int = 0


class OrderAction(StrEnum):
    list = "l"
    show = "s"
    cancel = "c"
    cancel_confirmed = "cy"


class MyOrders(Action, prefix="o"):
    action: OrderAction
    id: int = 0
    page: int = 0


class MenuItem(StrEnum):
    catalog = "catalog"
    search = "search"
    cart = "cart"
    orders = "orders"
    language = "language"
    help = "help"


class OpenMenu(Action, prefix="m"):
    """A main-menu item as a button (Messenger's persistent menu and quick replies)."""

    item: MenuItem


# Presses that only draw another screen: a newer one on the same message makes them moot.
_DRAWING_ONLY = (ProductAction.show, ProductAction.less, ProductAction.more)


def is_navigation(data: str) -> bool:
    """True for a press that changes nothing but the screen (lists, cards, the stepper)."""
    action = decode(data)
    if isinstance(action, Browse):
        # The search prompt starts a conversation step: that is a change.
        return action.view != View.search_prompt
    if isinstance(action, OpenProduct):
        return action.action in _DRAWING_ONLY
    return False
