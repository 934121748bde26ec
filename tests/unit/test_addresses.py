import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.addresses import (
    CITIES,
    MAX_STREET_LENGTH,
    PROVINCES,
    AddressProblem,
    InvalidAddress,
    format_address,
    looks_like_street,
    match_province,
    validate_address_part,
)
from catalog.errors import ShopError
from catalog.text import fold

# DOMAIN.md, "Addresses after the 2025 reform", as written there.
# Nine centrally-run cities since 2026: Đồng Nai, Quảng Ninh and Bắc Ninh joined the six.
DOMAIN_CITIES = (
    "Hà Nội, Huế, Hải Phòng, Đà Nẵng, Cần Thơ, Thành phố Hồ Chí Minh, "
    "Đồng Nai, Quảng Ninh, Bắc Ninh"
)
DOMAIN_PROVINCES = (
    "Tuyên Quang, Cao Bằng, Lai Châu, Lào Cai, Thái Nguyên, Điện Biên, Lạng Sơn, Sơn La, "
    "Phú Thọ, Hưng Yên, Ninh Bình, Thanh Hóa, Nghệ An, Hà Tĩnh, "
    "Quảng Trị, Quảng Ngãi, Gia Lai, Khánh Hòa, Lâm Đồng, Đắk Lắk, Tây Ninh, "
    "Vĩnh Long, Đồng Tháp, Cà Mau, An Giang"
)


def test_there_are_34_units_exactly_those_of_the_reform() -> None:
    assert len(PROVINCES) == 34
    assert len(set(PROVINCES)) == 34
    expected = DOMAIN_CITIES.split(", ") + DOMAIN_PROVINCES.split(", ")
    assert sorted(PROVINCES) == sorted(expected)


def test_names_are_stored_precomposed() -> None:
    assert all(unicodedata.is_normalized("NFC", name) for name in PROVINCES)


def test_there_are_nine_centrally_run_cities() -> None:
    assert len(CITIES) == 9
    assert {"Đồng Nai", "Quảng Ninh", "Bắc Ninh"} <= set(CITIES)
    assert not {"Đồng Nai", "Quảng Ninh", "Bắc Ninh"} & set(PROVINCES[len(CITIES) :])


def test_ha_noi_comes_first_then_the_cities_then_the_provinces_alphabetically() -> None:
    assert PROVINCES[:9] == tuple(DOMAIN_CITIES.split(", "))
    assert PROVINCES[9:] == (
        "An Giang",
        "Cà Mau",
        "Cao Bằng",
        "Đắk Lắk",
        "Điện Biên",
        "Đồng Tháp",
        "Gia Lai",
        "Hà Tĩnh",
        "Hưng Yên",
        "Khánh Hòa",
        "Lai Châu",
        "Lạng Sơn",
        "Lào Cai",
        "Lâm Đồng",
        "Nghệ An",
        "Ninh Bình",
        "Phú Thọ",
        "Quảng Ngãi",
        "Quảng Trị",
        "Sơn La",
        "Tây Ninh",
        "Thái Nguyên",
        "Thanh Hóa",
        "Tuyên Quang",
        "Vĩnh Long",
    )


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("ha noi", "Hà Nội"),
        ("Hà Nội", "Hà Nội"),
        ("HÀ NỘI", "Hà Nội"),
        ("HN", "Hà Nội"),
        ("hanoi", "Hà Nội"),
        ("Hanoi city", "Hà Nội"),
        ("Thành phố Hà Nội", "Hà Nội"),
        ("TP Hà Nội", "Hà Nội"),
        ("  hà   nội ", "Hà Nội"),
        (unicodedata.normalize("NFD", "Hà Nội"), "Hà Nội"),
        ("tp hcm", "Thành phố Hồ Chí Minh"),
        ("TP.HCM", "Thành phố Hồ Chí Minh"),
        ("TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
        ("Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
        ("Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
        ("Ho Chi Minh City", "Thành phố Hồ Chí Minh"),
        ("Sài Gòn", "Thành phố Hồ Chí Minh"),
        ("sai gon", "Thành phố Hồ Chí Minh"),
        ("Saigon", "Thành phố Hồ Chí Minh"),
        ("hcm", "Thành phố Hồ Chí Minh"),
        ("HCMC", "Thành phố Hồ Chí Minh"),
        ("tphcm", "Thành phố Hồ Chí Minh"),
        ("SG", "Thành phố Hồ Chí Minh"),
        ("tỉnh Bắc Ninh", "Bắc Ninh"),
        ("Bac Ninh province", "Bắc Ninh"),
        ("thanh hoa", "Thanh Hóa"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("dak lak", "Đắk Lắk"),
        ("Daklak", "Đắk Lắk"),
        ("Đắc Lắc", "Đắk Lắk"),
        ("Thừa Thiên Huế", "Huế"),
        ("TP Huế", "Huế"),
        ("Hải Phòng", "Hải Phòng"),
        ("HP", "Hải Phòng"),
        ("ha tinh", "Hà Tĩnh"),
    ],
)
def test_match_province_understands_what_people_type(typed: str, name: str) -> None:
    assert match_province(typed) == name


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "tp", "tỉnh", "thành phố", "city", "Hà", "Hà Nội Hà Nội", "Paris", "quận 1"],
)
def test_match_province_returns_none_for_anything_else(typed: str) -> None:
    assert match_province(typed) is None


@pytest.mark.parametrize("name", PROVINCES)
def test_every_unit_matches_itself_and_its_unaccented_spelling(name: str) -> None:
    assert match_province(name) == name
    assert match_province(fold(name)) == name
    assert match_province(name.upper()) == name


@given(st.text())
def test_match_province_returns_a_canonical_name_or_none(text: str) -> None:
    assert match_province(text) in (*PROVINCES, None)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  số 12, ngõ 34 Đường Láng  ", "số 12, ngõ 34 Đường Láng"),
        (unicodedata.normalize("NFD", "Thôn Dương Đá"), "Thôn Dương Đá"),
        ("<b>Nhà</b> & ngõ 5 🏠", "<b>Nhà</b> & ngõ 5 🏠"),
        ("x" * MAX_STREET_LENGTH, "x" * MAX_STREET_LENGTH),
        ("  " + "x" * MAX_STREET_LENGTH + "  ", "x" * MAX_STREET_LENGTH),
    ],
)
def test_validate_address_part_keeps_what_was_typed(typed: str, kept: str) -> None:
    assert validate_address_part(typed, max_length=MAX_STREET_LENGTH) == kept


@pytest.mark.parametrize("typed", ["", "    ", "\t\n ", "\u3000"])
def test_validate_address_part_refuses_an_empty_value(typed: str) -> None:
    with pytest.raises(InvalidAddress) as caught:
        validate_address_part(typed, max_length=MAX_STREET_LENGTH)
    assert caught.value.reason is AddressProblem.EMPTY


def test_validate_address_part_refuses_a_value_over_the_limit() -> None:
    with pytest.raises(InvalidAddress) as caught:
        validate_address_part("x" * (MAX_STREET_LENGTH + 1), max_length=MAX_STREET_LENGTH)
    assert caught.value.reason is AddressProblem.TOO_LONG
    assert caught.value.max_length == MAX_STREET_LENGTH
    assert isinstance(caught.value, ShopError)


def test_the_limit_counts_precomposed_characters() -> None:
    # "ệ" typed decomposed is three code points but one letter.
    decomposed = unicodedata.normalize("NFD", "ệ" * 10)
    assert len(decomposed) == 30
    assert validate_address_part(decomposed, max_length=10) == "ệ" * 10


@pytest.mark.parametrize(
    ("parts", "shown"),
    [
        (("12 Hàng Gai", "Phường Hoàn Kiếm", "Hà Nội"), "12 Hàng Gai, Phường Hoàn Kiếm, Hà Nội"),
        (("", "Xã Bát Tràng", "Hà Nội"), "Xã Bát Tràng, Hà Nội"),
        ((" Thôn Dương Đá ", " Xã Gia Lâm", "Hà Nội "), "Thôn Dương Đá, Xã Gia Lâm, Hà Nội"),
    ],
)
def test_format_address_puts_street_ward_and_province_in_one_order(
    parts: tuple[str, str, str], shown: str
) -> None:
    assert format_address(*parts) == shown


@pytest.mark.parametrize(
    ("typed", "street"),
    [
        ("8 Tràng Thi", True),
        ("thôn Dương Đá", True),
        ("Ngõ Huế", True),
        ("Tầng 5, tòa A", True),
        ("Tràng Thi", False),  # no house: the street question comes
        ("", False),
    ],
)
def test_text_beside_a_ward_stands_for_the_street_with_a_number_or_a_street_word(
    typed: str, street: bool
) -> None:
    assert looks_like_street(typed) is street
