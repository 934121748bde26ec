"""Buttons' payloads: every button we make fits Telegram's 64 bytes and parses back; junk
fails. The storefront's actions (storefront/actions.py) and the staff's callback data alike."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.services.orders import CancelReason
from handlers.callbacks import StaffAction, StaffCb
from storefront.actions import Browse as NavCb
from storefront.actions import (
    CartAction,
    CheckoutAction,
    OrderAction,
    ProductAction,
    View,
    WardAction,
    decode,
)
from storefront.actions import ChangeCart as CartCb
from storefront.actions import ChangeCartPage as CartPageCb
from storefront.actions import Checkout as CheckoutCb
from storefront.actions import MyOrders as OrderCb
from storefront.actions import OpenProduct as ProductCb
from storefront.actions import PickWard as WardCb

ids = st.integers(min_value=0, max_value=2**53)
pages = st.integers(min_value=0, max_value=10_000)


@given(
    action=st.sampled_from(ProductAction),
    product=ids,
    qty=st.integers(min_value=1, max_value=999),
    back=st.sampled_from(View),
    back_id=ids,
    page=pages,
)
def test_product_buttons_fit_and_round_trip(
    action: ProductAction, product: int, qty: int, back: View, back_id: int, page: int
) -> None:
    button = ProductCb(
        action=action, id=product, qty=qty, back=back, back_id=back_id, back_page=page
    )
    packed = button.pack()
    assert len(packed.encode()) <= 64
    assert ProductCb.unpack(packed) == button


@given(
    nav=st.builds(NavCb, view=st.sampled_from(View), id=ids, page=pages),
    cart=st.builds(CartCb, action=st.sampled_from(CartAction), id=ids),
    cart_page=st.builds(CartPageCb, action=st.sampled_from(CartAction), id=ids, page=pages),
    order=st.builds(OrderCb, action=st.sampled_from(OrderAction), id=ids, page=pages),
    staff=st.builds(
        StaffCb,
        action=st.sampled_from(StaffAction),
        id=ids,
        reason=st.sampled_from([*CancelReason, ""]),
        page=pages,
    ),
    checkout=st.builds(
        CheckoutCb,
        action=st.sampled_from(CheckoutAction),
        value=st.integers(min_value=0, max_value=99),
        token=st.text(alphabet="0123456789abcdef", min_size=16, max_size=16),
    ),
    ward=st.builds(
        WardCb,
        action=st.sampled_from(WardAction),
        offer=st.integers(min_value=0, max_value=10**9),
        index=st.integers(min_value=0, max_value=9),
    ),
)
def test_every_kind_of_button_fits_in_64_bytes(
    nav: NavCb,
    cart: CartCb,
    cart_page: CartPageCb,
    order: OrderCb,
    staff: StaffCb,
    checkout: CheckoutCb,
    ward: WardCb,
) -> None:
    for button in (nav, cart, cart_page, order, staff, checkout, ward):
        packed = button.pack()
        assert len(packed.encode()) <= 64, packed
        assert type(button).unpack(packed) == button


@given(st.text(max_size=80))
def test_arbitrary_data_either_parses_into_valid_fields_or_is_refused(data: str) -> None:
    try:
        parsed = ProductCb.unpack(data)
    except (ValueError, TypeError):
        return
    assert parsed.pack() == data or ProductCb.unpack(parsed.pack()) == parsed
    assert isinstance(parsed.id, int)
    assert parsed.action in set(ProductAction)


@pytest.mark.parametrize(
    "data",
    ["p:zz:1:1:h:0:0", "p:a:one:1:h:0:0", "p:a:1:1:nowhere:0:0", "n:c", "x:a:1", ""],
)
def test_forged_product_buttons_do_not_parse(data: str) -> None:
    with pytest.raises((ValueError, TypeError)):
        ProductCb.unpack(data)


def test_buttons_pack_as_they_did_before_the_storefront_was_channel_free() -> None:
    # Buttons already in people's chats keep working after the upgrade.
    card = ProductCb(action=ProductAction.add, id=12, qty=3, back=View.category, back_id=4)
    assert card.pack() == "p:a:12:3:c:4:0"
    assert NavCb(view=View.producers, page=2).pack() == "n:ps:0:2"
    assert CheckoutCb(action=CheckoutAction.confirm, token="ab12").pack() == "k:ok:0:ab12"
    assert WardCb(action=WardAction.keep, offer=7).pack() == "kw:k:7:0"
    assert decode("o:cy:5:1") == OrderCb(action=OrderAction.cancel_confirmed, id=5, page=1)


def test_cart_buttons_from_before_the_cart_had_pages_still_act() -> None:
    # The cart's buttons now carry their page; those sent before act on the first page.
    assert decode("c:m:5") == CartCb(action=CartAction.more, id=5)
    assert decode("c:k:0") == CartCb(action=CartAction.checkout)
    paged = CartPageCb(action=CartAction.more, id=5, page=2)
    assert paged.pack() == "cp:m:5:2"
    assert decode("cp:m:5:2") == paged
    assert decode("c:m:5:2") is None


@pytest.mark.parametrize("data", ["p:zz:1:1:h:0:0", "k:ok", "s:a:1::0", "n:c:1:2:3", "", "?"])
def test_a_foreign_or_broken_payload_is_no_action(data: str) -> None:
    assert decode(data) is None
