"""A comment on the Page, answered in private: the products a comment names by code, the post's
products for a buying word under a tied post, the welcome otherwise — drawn as the one
message Messenger allows, within its limits, in Vietnamese and English."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from support.messenger_limits import check_limits, template

from bot.messenger.drawing import one_message, plain
from catalog.snapshot import CatalogSnapshot, CategoryView, ProducerView, ProductView
from locales.translation import use_language
from storefront.actions import OpenMenu, OpenProduct, ProductAction, decode
from storefront.comments import comment_answer, named_products, offered_products

PRODUCER = ProducerView(
    id=1, code="QUANGVINH", name_vi="Gốm sứ Quang Vinh", name_en="Quang Vinh Ceramics",
    kind="household", ward="Xã Bát Tràng", province="Hà Nội", street="",
    description_vi="", description_en="", bank_bin=None, bank_account=None,
    bank_account_name=None,
)  # fmt: skip


def product(id_: int, sku: str, **changes: Any) -> ProductView:
    values: dict[str, Any] = {
        "id": id_, "sku": sku, "producer_id": 1, "category_id": 1,
        "name_vi": f"Bình {id_} <men> & lam", "name_en": f"Vase {id_}", "description_vi": "",
        "description_en": "", "unit_vi": "chiếc", "unit_en": "piece", "price": 450_000,
        "stock": 5, "ocop_stars": 4, "ocop_granted": date(2024, 3, 15),
        "photo": f"products/{sku}.jpg", "active": True, "search_text": "",
    }  # fmt: skip
    values.update(changes)
    return ProductView(**values)


def shop(*products: ProductView) -> CatalogSnapshot:
    return CatalogSnapshot(
        categories={1: CategoryView(1, "crafts", "Thủ công", "Crafts", 1)},
        producers={1: PRODUCER},
        products={p.id: p for p in products},
    )


SNAPSHOT = shop(
    product(1, "QV-01"),
    product(2, "QV-02"),
    product(3, "QV-03", stock=0),
    product(4, "QV-04", active=False),
    *(product(n, f"SET-{n}") for n in range(10, 25)),
)
ids = [p.id for p in SNAPSHOT.products.values()]


def names(products: list[ProductView]) -> list[str]:
    return [p.sku for p in products]


def test_a_comment_naming_codes_gets_those_products_in_the_order_named() -> None:
    assert names(named_products(SNAPSHOT, "chốt qv-02 và QV-01, QV-02 nữa.")) == ["QV-02", "QV-01"]
    # Under any post, tied or not, and whatever else it says.
    assert names(offered_products(SNAPSHOT, "lấy QV-03 nha", [1, 2])) == ["QV-03"]
    # A product taken off sale is not offered; a carousel holds ten at most.
    assert named_products(SNAPSHOT, "QV-04") == []
    every = " ".join(f"SET-{n}" for n in range(10, 25))
    assert len(named_products(SNAPSHOT, every)) == 10


def test_a_buying_word_under_a_tied_post_gets_the_posts_products() -> None:
    assert names(offered_products(SNAPSHOT, "Chốt!", [2, 1, 4])) == ["QV-02", "QV-01"]
    assert names(offered_products(SNAPSHOT, "mua 2 cái", [3])) == ["QV-03"]
    # Under an untied post, or without a buying word: nothing (the welcome).
    assert offered_products(SNAPSHOT, "chốt", []) == []
    assert offered_products(SNAPSHOT, "đẹp quá", [1, 2]) == []
    assert offered_products(SNAPSHOT, "mùa này có không", [1, 2]) == []
    # A tie to a product gone from the catalog offers what is left.
    assert names(offered_products(SNAPSHOT, "chốt", [99, 1])) == ["QV-01"]


def public(path: str) -> str | None:
    return f"https://shop.example.vn/media/{path}"


@pytest.mark.parametrize(
    ("language", "add", "view", "menu"),
    [("vi", "🛒 Thêm vào giỏ", "🔍 Xem", "🛍 Danh mục"), ("en", "🛒 Add to cart", "🔍 View",
                                                          "🛍 Catalog")],
)  # fmt: skip
def test_the_answer_is_one_carousel_of_cards_with_add_to_cart_and_the_menu(
    language: str, add: str, view: str, menu: str
) -> None:
    offered = offered_products(SNAPSHOT, "chốt QV-01 QV-03", [])
    with use_language(language):
        message = one_message(
            comment_answer(SNAPSHOT, offered), view_label=view, picture_url=public
        )
    check_limits([message])
    first, sold_out = template(message)["elements"]
    assert first["title"] == ("Bình 1 <men> & lam" if language == "vi" else "Vase 1")
    assert first["image_url"] == "https://shop.example.vn/media/products/QV-01.jpg"
    assert "450" in first["subtitle"]
    assert "⭐⭐⭐⭐" in first["subtitle"]
    assert [b["title"] for b in first["buttons"]] == [add, view]
    assert decode(first["buttons"][0]["payload"]) == OpenProduct(
        action=ProductAction.add, id=1, back="p", back_id=1
    )
    # Sold out: its card, without "Add to cart".
    assert sold_out["title"].startswith("⛔ ")
    assert [b["title"] for b in sold_out["buttons"]] == [view]
    assert menu in [reply["title"] for reply in message["quick_replies"]]
    assert isinstance(decode(message["quick_replies"][0]["payload"]), OpenMenu)


@pytest.mark.parametrize(
    ("language", "hello"), [("vi", "Cảm ơn bạn đã bình luận"), ("en", "Thank you for your")]
)
def test_the_welcome_is_one_plain_message_with_the_menu(language: str, hello: str) -> None:
    with use_language(language):
        message = one_message(comment_answer(SNAPSHOT, []), view_label="", picture_url=public)
    check_limits([message])
    assert hello in message["text"]
    assert message["text"] == plain(message["text"])
    assert len(message["quick_replies"]) == 6


def test_without_a_public_address_the_cards_go_without_pictures() -> None:
    with use_language("vi"):
        screen = comment_answer(SNAPSHOT, [SNAPSHOT.products[1]])
        message = one_message(screen, view_label="🔍 Xem", picture_url=lambda path: None)
    assert "image_url" not in template(message)["elements"][0]
    # Ten cards at most, whatever the screen holds.
    with use_language("vi"):
        many = replace(screen, items=screen.items * 12)
        assert (
            len(template(one_message(many, view_label="x", picture_url=public))["elements"]) == 10
        )
