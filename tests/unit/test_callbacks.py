"""Callback data: every button we make fits Telegram's 64 bytes and parses back; junk fails."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.services.orders import CancelReason
from handlers.callbacks import (
    CartAction,
    CartCb,
    CheckoutAction,
    CheckoutCb,
    NavCb,
    OrderAction,
    OrderCb,
    ProductAction,
    ProductCb,
    StaffAction,
    StaffCb,
    View,
    WardAction,
    WardCb,
)

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
    order: OrderCb,
    staff: StaffCb,
    checkout: CheckoutCb,
    ward: WardCb,
) -> None:
    for button in (nav, cart, order, staff, checkout, ward):
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
