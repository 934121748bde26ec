"""A product's card: the certificate's validity to the day, within Telegram's caption limit."""

from datetime import date

import pytest

from bot.i18n import build_i18n
from catalog import rules
from catalog.snapshot import CatalogSnapshot, CategoryView, ProducerView, ProductView
from emulators.telegram.html import parse_html
from emulators.telegram.methods.content import MAX_CAPTION
from storefront.card import product_caption

TODAY = date(2026, 12, 7)


def shop(**changes: object) -> tuple[CatalogSnapshot, ProductView]:
    producer = ProducerView(
        id=1, code="QUANGVINH", name_vi="Gốm sứ Quang Vinh", name_en="Quang Vinh Ceramics",
        kind="household", ward="Xã Bát Tràng", province="Hà Nội", street="",
        description_vi="", description_en="", bank_bin=None, bank_account=None,
        bank_account_name=None,
    )  # fmt: skip
    values: dict[str, object] = {
        "id": 1, "sku": "QV-01", "producer_id": 1, "category_id": 1,
        "name_vi": "Bình men lam", "name_en": "Blue glaze vase", "description_vi": "Men lam.",
        "description_en": "Blue glaze.", "unit_vi": "chiếc", "unit_en": "piece",
        "price": 450_000, "stock": 5, "ocop_stars": 4, "ocop_granted": date(2024, 3, 15),
        "photo": None, "active": True, "search_text": "binh men lam",
    }  # fmt: skip
    values.update(changes)
    if "producer" in values:
        producer = values.pop("producer")  # type: ignore[assignment]
    product = ProductView(**values)  # type: ignore[arg-type]
    snapshot = CatalogSnapshot(
        categories={1: CategoryView(1, "crafts", "Thủ công", "Crafts", 1)},
        producers={1: producer},
        products={1: product},
    )
    return snapshot, product


def caption(language: str, today: date = TODAY, **changes: object) -> str:
    snapshot, product = shop(**changes)
    i18n = build_i18n()
    with i18n.context(), i18n.use_locale(language):
        return product_caption(snapshot, product, today)


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("vi", "⭐⭐⭐⭐ OCOP 4 sao, năm 2024, hiệu lực đến 15/03/2027"),
        ("en", "⭐⭐⭐⭐ OCOP 4 stars, 2024, valid until 15/03/2027"),
    ],
)
def test_a_valid_certificate_says_until_when(language: str, line: str) -> None:
    assert line in caption(language).splitlines()
    assert line in caption(language, date(2027, 3, 15)).splitlines()


LAPSED = {
    "vi": [
        "⭐⭐⭐ OCOP 3 sao, năm 2022",
        "⚠️ Chứng nhận đã hết hạn: có hiệu lực đến 15/01/2025 (36 tháng)",
    ],
    "en": [
        "⭐⭐⭐ OCOP 3 stars, 2022",
        "⚠️ Certificate lapsed: it was valid until 15/01/2025 (36 months)",
    ],
}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_certificate_granted_in_january_2022_lapsed_in_january_2025(language: str) -> None:
    granted = {"ocop_stars": 3, "ocop_granted": date(2022, 1, 15)}
    card = caption(language, date(2025, 1, 16), **granted).splitlines()
    assert card[2:4] == LAPSED[language]
    # The day before, still valid: not lapsed to the end of 2025 as the year alone read.
    assert "⚠️" not in caption(language, date(2025, 1, 15), **granted)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("lapsed", [False, True])
def test_the_longest_card_fits_a_photo_caption(language: str, lapsed: bool) -> None:
    longest = ProducerView(
        id=1, code="LONG", name_vi="&" * rules.MAX_NAME_LENGTH,
        name_en="<" * rules.MAX_NAME_LENGTH, kind="household", ward="Ư" * 100,
        province="Thành phố Hồ Chí Minh", street="", description_vi="", description_en="",
        bank_bin=None, bank_account=None, bank_account_name=None,
    )  # fmt: skip
    text = caption(
        language,
        date(2040, 1, 1) if lapsed else TODAY,
        producer=longest,
        name_vi="&" * rules.MAX_NAME_LENGTH,
        name_en="🏺" * rules.MAX_NAME_LENGTH,
        unit_vi="<" * rules.MAX_UNIT_LENGTH,
        unit_en="&" * rules.MAX_UNIT_LENGTH,
        description_vi="Mô tả & <dài> " * 500,
        description_en="🍵 long & <tall> " * 500,
        price=rules.MAX_PRICE,
        stock=rules.MAX_STOCK,
        ocop_stars=5,
    )
    assert len(parse_html(text).text) <= MAX_CAPTION
    assert ("⚠️" in text) is lapsed
