"""Consistency checks for the demo catalog and its generated product pictures."""

from __future__ import annotations

import dataclasses
import io
import re
import unicodedata
from collections import Counter
from datetime import date

import pytest
from PIL import Image

from catalog.demo.data import CATEGORIES, PRODUCERS, PRODUCTS, DemoProduct
from catalog.demo.images import kind_of, render_product_image
from catalog.rules import certificate_lapsed

SKU_RE = re.compile(r"^[A-Z0-9-]{3,32}$")
PRODUCER_CODE_RE = re.compile(r"^[A-Z0-9]{2,12}$")
CATEGORY_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PHONE_RE = re.compile(r"^\+84(3|5|7|8|9)\d{8}$")
# Mobile prefixes in use since the 2018 renumbering (see DOMAIN.md).
MOBILE_PREFIXES = frozenset(
    [f"3{d}" for d in "23456789"]
    + ["56", "58", "59", "70", "76", "77", "78", "79"]
    + ["81", "82", "83", "84", "85", "86", "88", "89"]
    + ["90", "91", "92", "93", "94", "96", "97", "98", "99"]
)
KNOWN_BINS = frozenset({"970436", "970415", "970418", "970405", "970416", "970422"})
# Certificates are valid for 36 months; the catalog must let "lapsed" be shown.
REFERENCE_DAY = date(2026, 6, 1)
MIN_PRODUCTS = 40
MIN_CATEGORIES = 5
PRODUCER_COUNT = 8
MIN_PRODUCTS_PER_PRODUCER = 4
MAX_STOCK = 200
LOW_STOCK = 3
MIN_OUT_OF_STOCK = 2
MIN_LOW_STOCK = 3
MIN_LAPSED = 3
STARS = range(3, 6)
YEARS = range(2019, 2026)
MAX_DESCRIPTION = 600
MAX_JPEG_BYTES = 80_000


def _text_fields(obj: object) -> list[tuple[str, str]]:
    assert dataclasses.is_dataclass(obj)
    return [
        (field.name, value)
        for field in dataclasses.fields(obj)
        if isinstance(value := getattr(obj, field.name), str)
    ]


def test_sizes() -> None:
    assert len(PRODUCTS) >= MIN_PRODUCTS
    assert len(CATEGORIES) >= MIN_CATEGORIES
    assert len(PRODUCERS) == PRODUCER_COUNT


def test_codes_unique() -> None:
    for codes in (
        [c.code for c in CATEGORIES],
        [p.code for p in PRODUCERS],
        [p.sku for p in PRODUCTS],
    ):
        duplicates = [code for code, n in Counter(codes).items() if n > 1]
        assert not duplicates


def test_category_fields() -> None:
    positions = [c.position for c in CATEGORIES]
    assert len(set(positions)) == len(positions)
    for category in CATEGORIES:
        assert CATEGORY_CODE_RE.match(category.code), category.code


def test_every_category_and_producer_used() -> None:
    per_category = Counter(p.category for p in PRODUCTS)
    per_producer = Counter(p.producer for p in PRODUCTS)
    assert {c.code for c in CATEGORIES} <= set(per_category)
    for producer in PRODUCERS:
        assert per_producer[producer.code] >= MIN_PRODUCTS_PER_PRODUCER, producer.code


def test_products_reference_existing_rows() -> None:
    producers = {p.code for p in PRODUCERS}
    categories = {c.code for c in CATEGORIES}
    for product in PRODUCTS:
        assert product.producer in producers, product.sku
        assert product.category in categories, product.sku


@pytest.mark.parametrize("product", PRODUCTS, ids=lambda p: p.sku)
def test_product_fields(product: DemoProduct) -> None:
    assert SKU_RE.match(product.sku)
    assert isinstance(product.price, int)
    assert product.price > 0
    assert product.price % 1000 == 0
    assert isinstance(product.stock, int)
    assert 0 <= product.stock <= MAX_STOCK
    assert product.stars in STARS
    assert product.year in YEARS
    assert len(product.description_vi) < MAX_DESCRIPTION
    assert len(product.description_en) < MAX_DESCRIPTION


def test_stock_and_certificate_mix() -> None:
    assert sum(p.stock == 0 for p in PRODUCTS) >= MIN_OUT_OF_STOCK
    assert sum(1 <= p.stock <= LOW_STOCK for p in PRODUCTS) >= MIN_LOW_STOCK
    lapsed = [p for p in PRODUCTS if certificate_lapsed(date(p.year, 1, 1), REFERENCE_DAY)]
    assert len(lapsed) >= MIN_LAPSED
    assert len(lapsed) < len(PRODUCTS) / 2


def test_producer_fields() -> None:
    for producer in PRODUCERS:
        assert PRODUCER_CODE_RE.match(producer.code), producer.code
        assert producer.kind in {"cooperative", "company", "household"}
        assert producer.province == "Hà Nội"
        assert producer.ward.startswith(("Xã ", "Phường "))
        assert PHONE_RE.match(producer.phone), producer.phone
        assert producer.phone[3:5] in MOBILE_PREFIXES, producer.phone
        assert re.fullmatch(r"\d{6}", producer.bank_bin)
        assert producer.bank_bin in KNOWN_BINS
        assert re.fullmatch(r"\d{6,19}", producer.bank_account)
        assert re.fullmatch(r"[A-Z0-9][A-Z0-9 .&-]*", producer.bank_account_name)


def test_text_is_nfc_and_non_empty() -> None:
    for row in (*CATEGORIES, *PRODUCERS, *PRODUCTS):
        for name, value in _text_fields(row):
            assert value, (row, name)
            assert value == value.strip(), (row, name)
            assert unicodedata.is_normalized("NFC", value), (row, name)


def test_vietnamese_text_has_diacritics() -> None:
    # A cheap guard against Vietnamese fields typed without diacritics.
    for product in PRODUCTS:
        assert not product.description_vi.isascii(), product.sku


def test_some_names_need_html_escaping() -> None:
    names = [p.name_vi for p in PRODUCTS] + [p.name_en for p in PRODUCTS]
    assert any("&" in name for name in names)
    assert any('"' in name for name in names)


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("size", [480, 160])
def test_render_product_image(size: int) -> None:
    product = PRODUCTS[0]
    first = render_product_image(product, size=size)
    second = render_product_image(product, size=size)
    assert first == second
    assert first[:3] == b"\xff\xd8\xff"
    image = _open(first)
    assert image.format == "JPEG"
    assert image.size == (size, size)
    assert len(first) < MAX_JPEG_BYTES


def test_render_differs_between_products() -> None:
    by_category = {p.category: p for p in PRODUCTS}
    images = {render_product_image(p, size=160) for p in by_category.values()}
    assert len(images) == len(by_category)
    same_category = [p for p in PRODUCTS if p.category == PRODUCTS[0].category][:2]
    assert render_product_image(same_category[0]) != render_product_image(same_category[1])


def test_render_rejects_silly_sizes() -> None:
    with pytest.raises(ValueError, match="size"):
        render_product_image(PRODUCTS[0], size=0)


@pytest.mark.parametrize(
    ("sku", "kind"),
    [
        ("QUANGVINH-SEN-AC", "tea_set"),
        ("TANTHINH-SN-AC", "jade_tea_set"),
        ("QUANGVINH-SEN-BD22", "dinnerware"),
        ("QUANGVINH-SEN-LO30", "vase"),
        ("TANTHINH-SN-CHUM45", "jar"),
        ("VUNART-KHAN", "scarf"),
        ("MYDUC-CHAN-1820", "quilt"),
        ("VUNART-AO", "tshirt"),
        ("VUNART-TOTE", "bag"),
        ("TAMHUNG-NEP-2KG", "rice_bag"),
        ("TAMHUNG-BOTGAO-500", "flour_bag"),
        ("HOANGLONG-GIO-500", "pork_roll"),
        ("HOANGLONG-XX-500", "sausages"),
        ("BABE-NGHE-500", "powder_jar"),
        ("BABE-SA-10", "oil_bottle"),
        ("THANGLONG-SADU-20", "tea_bags"),
    ],
)
def test_the_picture_shows_the_kind_of_product(sku: str, kind: str) -> None:
    product = next(p for p in PRODUCTS if p.sku == sku)
    assert kind_of(product) == kind


def test_every_kind_of_product_has_a_picture_of_its_own() -> None:
    kinds = {kind_of(p): p for p in PRODUCTS}
    # Far more kinds than the five categories, and each kind is drawn differently.
    assert len(kinds) >= 20
    assert all(kinds)
    pictures = {render_product_image(p, size=96) for p in kinds.values()}
    assert len(pictures) == len(kinds)


def test_a_product_of_an_unknown_kind_gets_its_categorys_picture() -> None:
    odd = dataclasses.replace(PRODUCTS[0], name_en="Something new", category="textiles")
    assert kind_of(odd) == "scarf"
    assert render_product_image(odd, size=96)[:3] == b"\xff\xd8\xff"
