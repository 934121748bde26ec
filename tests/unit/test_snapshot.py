"""The in-memory catalog: Vietnamese order, accent-free search, stock updates, grant dates."""

from dataclasses import replace
from datetime import date

from catalog.snapshot import CatalogSnapshot, CategoryView, ProducerView, ProductView
from catalog.text import search_text


def producer(id_: int, name_vi: str, name_en: str, ward: str) -> ProducerView:
    return ProducerView(
        id=id_, code=f"P{id_}", name_vi=name_vi, name_en=name_en, kind="cooperative",
        ward=ward, province="Hà Nội", street="", description_vi="", description_en="",
        bank_bin=None, bank_account=None, bank_account_name=None,
    )  # fmt: skip


def product(id_: int, name_vi: str, name_en: str, **changes: object) -> ProductView:
    values: dict[str, object] = {
        "id": id_, "sku": f"SKU-{id_}", "producer_id": 1, "category_id": 1,
        "name_vi": name_vi, "name_en": name_en, "description_vi": "", "description_en": "",
        "unit_vi": "hộp", "unit_en": "box", "price": 100_000, "stock": 5, "ocop_stars": 4,
        "ocop_granted": date(2024, 1, 1), "photo": None, "active": True,
    }  # fmt: skip
    values.update(changes)
    values["search_text"] = search_text(
        str(values["name_vi"]), str(values["name_en"]), "Bát Tràng"
    )
    return ProductView(**values)  # type: ignore[arg-type]


def snapshot(*products: ProductView) -> CatalogSnapshot:
    return CatalogSnapshot(
        categories={1: CategoryView(1, "crafts", "Thủ công", "Crafts", 1)},
        producers={1: producer(1, "Gốm Đông Hồ", "Dong Ho Pottery", "Xã Bát Tràng")},
        products={p.id: p for p in products},
    )


def test_vietnamese_lists_follow_the_vietnamese_alphabet() -> None:
    shop = snapshot(
        product(1, "Đĩa men lam", "Blue glaze plate"),
        product(2, "Ấm trà", "Teapot"),
        product(3, "Dĩa gỗ", "Wooden plate"),
        product(4, "Bình hoa", "Vase"),
        product(5, "Ăn dặm bộ", "Baby set"),
    )
    names = [p.name_vi for p in shop.products_in_category(1, "vi")]
    assert names == ["Ăn dặm bộ", "Ấm trà", "Bình hoa", "Dĩa gỗ", "Đĩa men lam"]
    english = [p.name_en for p in shop.products_in_category(1, "en")]
    assert english == ["Baby set", "Blue glaze plate", "Teapot", "Vase", "Wooden plate"]


def test_search_ignores_accents_case_and_finds_by_producer_and_village() -> None:
    shop = snapshot(
        product(1, "Tinh dầu sả chanh", "Lemongrass oil"),
        product(2, "Lụa Vạn Phúc", "Van Phuc silk"),
        product(3, "Bình gốm men rạn", "Crackle vase"),
    )
    assert [p.id for p in shop.search("tinh dau sa", "vi")] == [1]
    assert [p.id for p in shop.search("LUA van PHUC", "vi")] == [2]
    assert {p.id for p in shop.search("bat trang", "vi")} == {1, 2, 3}
    assert [p.id for p in shop.search("dong ho gom", "vi")] == [3]
    assert shop.search("xyz", "vi") == []
    assert shop.search("   ", "vi") == []


def test_search_reads_hyphens_look_alikes_and_full_width_letters_as_plain_ones() -> None:
    shop = snapshot(
        product(1, "Đĩa men lam", "Blue glaze plate", producer_id=1),
        product(2, "Lụa Vạn Phúc", "Van Phuc silk"),
    )
    everything = {p.id for p in shop.search("bat trang", "vi")}
    assert everything == {1, 2}
    assert {p.id for p in shop.search("Bát-Tràng", "vi")} == everything
    assert {p.id for p in shop.search("ＢＡＴ ＴＲＡＮＧ", "vi")} == everything
    assert {p.id for p in shop.search("Bát\u200b Tràng", "vi")} == everything
    assert [p.id for p in shop.search("\u00d0ĩa men", "vi")] == [1]
    assert [p.id for p in shop.search("\u0189ĩa", "vi")] == [1]
    assert [p.id for p in shop.search("Vạn-Phúc", "vi")] == [2]


def test_search_puts_name_matches_first() -> None:
    shop = snapshot(
        product(1, "Ấm trà", "Teapot", ocop_stars=5),
        product(2, "Bát ăn cơm", "Rice bowl", ocop_stars=3),
        product(3, "Chén", "Cup", ocop_stars=5),
    )
    # All three come from Bát Tràng; only the bowl has "bát" in its own name.
    assert [p.id for p in shop.search("bat", "vi")] == [2, 1, 3]


def test_hidden_products_are_not_listed_or_found_and_a_stock_change_shows_at_once() -> None:
    shop = snapshot(product(1, "Ấm trà", "Teapot"), product(2, "Chén", "Cup"))
    shop.with_products([replace(shop.products[2], active=False)])
    assert [p.id for p in shop.products_in_category(1, "vi")] == [1]
    assert shop.search("chen", "vi") == []
    shop.with_products([replace(shop.products[1], stock=0)])
    [teapot] = shop.products_in_category(1, "vi")
    assert not teapot.in_stock


def test_a_product_carries_the_day_its_certificate_was_granted() -> None:
    tea = product(1, "Trà", "Tea", ocop_granted=date(2022, 3, 15))
    assert (tea.ocop_granted, tea.ocop_year) == (date(2022, 3, 15), 2022)
    changed = replace(tea, ocop_granted=date(2025, 6, 1))
    shop = snapshot(tea)
    shop.with_products([changed])
    assert shop.products[1].ocop_granted == date(2025, 6, 1)


def test_english_readers_get_english_name_matches_first() -> None:
    shop = snapshot(
        product(1, "Ấm trà", "Blue teapot", ocop_stars=5),
        product(2, "Bát xanh", "Rice bowl", ocop_stars=3),
    )
    # "xanh" is in the bowl's Vietnamese name, "blue" in the teapot's English one.
    assert [p.id for p in shop.search("xanh", "vi")] == [2]
    assert [p.id for p in shop.search("bat", "vi")] == [2, 1]
    assert [p.id for p in shop.search("blue", "en")] == [1]
    assert [p.id for p in shop.search("bat", "en")] == [1, 2]  # both only by the village


def test_a_renamed_product_takes_its_new_place_and_is_found_by_its_new_name() -> None:
    shop = snapshot(product(1, "Ấm trà", "Teapot"), product(2, "Chén", "Cup"))
    assert [p.id for p in shop.products_in_category(1, "vi")] == [1, 2]
    assert shop.sort_key(shop.products[1], "vi") < shop.sort_key(shop.products[2], "vi")
    renamed = product(1, "Đĩa", "Plate")
    shop.with_products([renamed])
    assert [p.id for p in shop.products_in_category(1, "vi")] == [2, 1]
    assert [p.id for p in shop.products_in_category(1, "en")] == [2, 1]
    assert shop.sort_key(shop.products[1], "vi") > shop.sort_key(shop.products[2], "vi")
    assert [p.id for p in shop.search("dia", "vi")] == [1]
    assert shop.search("am tra", "vi") == []
