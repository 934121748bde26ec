"""The checkout's draft as the conversation storage keeps it (JSON), and pages of a list."""

import json

import pytest

from catalog.models import PaymentMethod
from catalog.paging import clamp_page, page_count
from catalog.services.orders import DeliveryDetails
from storefront.checkout.draft import CheckoutDraft


def test_a_draft_comes_back_the_same_from_json() -> None:
    draft = CheckoutDraft(
        recipient_name="Lan <3",
        phone="0912345678",
        province="Hà Nội",
        ward="Phường Hoàn Kiếm",
        payment=PaymentMethod.bank_transfer,
        ward_offer=(("Phường Cầu Giấy", "Hà Nội"),),
        ward_typed="dich vong",
    )
    stored = json.loads(json.dumps(draft.model_dump(mode="json")))
    assert CheckoutDraft.model_validate(stored) == draft


def test_a_checkout_begun_with_its_fields_at_the_top_of_the_data_goes_on() -> None:
    flat = {
        "search": {"query": "gom"},
        "name": "Bình",
        "phone": "0987654321",
        "province": "Bắc Ninh",
        "ward": "Phường Kinh Bắc",
        "street": "5 Lý Thái Tổ",
        "note": "",
        "payment": "cod",
        "ward_offer": None,
        "ward_typed": None,
    }
    draft = CheckoutDraft.model_validate(flat)
    assert draft.payment is PaymentMethod.cod
    assert draft.ward_offer == ()
    assert draft.details() == DeliveryDetails(
        recipient_name="Bình",
        phone="0987654321",
        province="Bắc Ninh",
        ward="Phường Kinh Bắc",
        street="5 Lý Thái Tổ",
    )


def test_a_draft_refuses_a_change_of_the_wrong_type() -> None:
    with pytest.raises(ValueError, match="payment"):
        CheckoutDraft().replace(payment="cheque")


@pytest.mark.parametrize(
    ("total", "size", "pages"), [(0, 8, 1), (1, 8, 1), (8, 8, 1), (9, 8, 2), (34, 12, 3)]
)
def test_page_count_is_at_least_one(total: int, size: int, pages: int) -> None:
    assert page_count(total, size) == pages


@pytest.mark.parametrize(("page", "shown"), [(-1, 0), (0, 0), (2, 2), (3, 2), (99, 2)])
def test_a_page_out_of_range_shows_the_nearest(page: int, shown: int) -> None:
    assert clamp_page(page, 3) == shown
