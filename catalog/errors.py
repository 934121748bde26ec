"""Domain errors. They carry data, never display text: the caller words them."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.text import Named


class ShopError(Exception):
    """Base class of the errors a person's action can run into."""


class UnsupportedLanguage(ShopError):
    def __init__(self, language: str) -> None:
        super().__init__(language)
        self.language = language


class ProductUnavailable(ShopError):
    """The product does not exist or is hidden (a stale or forged button)."""

    def __init__(self, product_id: int) -> None:
        super().__init__(product_id)
        self.product_id = product_id


class OutOfStock(ShopError):
    """Fewer units are left than asked for; ``available`` may be zero."""

    def __init__(self, product_id: int, available: int) -> None:
        super().__init__(product_id, available)
        self.product_id = product_id
        self.available = available


class InvalidQuantity(ShopError):
    def __init__(self, quantity: int) -> None:
        super().__init__(quantity)
        self.quantity = quantity


class CartFull(ShopError):
    """The cart holds ``limit`` different products already, the most one order may hold."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class EmptyCart(ShopError):
    """There is nothing to order."""


@dataclass(frozen=True, slots=True)
class Shortage(Named):
    """One cart line that can no longer be ordered as it stands."""

    product_id: int
    name_vi: str
    name_en: str
    requested: int
    available: int


class ItemsUnavailable(ShopError):
    """Some items ran out or were withdrawn meanwhile: nothing was ordered."""

    def __init__(self, shortages: list[Shortage]) -> None:
        super().__init__([s.product_id for s in shortages])
        self.shortages = shortages


class CartChanged(ShopError):
    """The cart or a price is not what the customer reviewed: nothing was ordered."""


class OrderNotFound(ShopError):
    def __init__(self, order_id: int) -> None:
        super().__init__(order_id)
        self.order_id = order_id


class NotAllowed(ShopError):
    """The person may not do this to this object (someone else's order, say)."""


class InvalidTransition(ShopError):
    """The order's status does not allow this step (cancelling a shipped order, say).

    ``by``: who took the order where it is now, when known; ``by_customer``: the customer did
    (they cancelled it). ``rules.refused_step(current, wanted)`` says what holds."""

    def __init__(
        self, current: str, wanted: str, *, by: str = "", by_customer: bool = False
    ) -> None:
        super().__init__(current, wanted)
        self.current = current
        self.wanted = wanted
        self.by = by
        self.by_customer = by_customer


class TransferUnavailable(ShopError):
    """Producers in the cart no longer take bank transfers: nothing was ordered.
    ``producers``: their names, (Vietnamese, English)."""

    def __init__(self, producers: list[tuple[str, str]]) -> None:
        super().__init__(producers)
        self.producers = producers


class PaymentMissing(ShopError):
    """A bank-transfer order is not paid (``missing`` đồng): it is not shipped unless the
    producer says so explicitly."""

    def __init__(self, missing: int) -> None:
        super().__init__(missing)
        self.missing = missing


class NothingToRecord(ShopError):
    """Nothing is owed (paid in full already, or nothing to return)."""
