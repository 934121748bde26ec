"""The administrative units data and the ward matching, over the whole dataset."""

import unicodedata
from collections import Counter

import pytest

from catalog.addresses import PROVINCES
from catalog.demo.data import PRODUCERS
from catalog.text import fold
from catalog.units import WardMatch, short_name, units

# DOMAIN.md: 3,321 commune-level units since 1 July 2025; Hà Nội has 126 (51 phường, 75 xã).
KINDS = {"Xã": 2621, "Phường": 687, "Đặc khu": 13}


def kind(ward: str) -> str:
    return next(k for k in KINDS if ward.startswith(k + " "))


def wards_of(match: WardMatch) -> list[str]:
    return [choice.ward for choice in match.choices]


def test_the_data_file_says_where_it_comes_from() -> None:
    data = units()
    assert data.source == "vietnam-provinces"
    assert data.version == "2026.9.0"
    assert data.data_version == "2026-09-20"


def test_every_province_has_its_units_and_they_add_up_to_the_reform() -> None:
    data = units()
    every = [ward for province in PROVINCES for ward in data.wards(province)]
    assert all(data.wards(province) for province in PROVINCES)
    assert len(every) == 3321
    assert Counter(kind(ward) for ward in every) == KINDS
    assert all(unicodedata.is_normalized("NFC", ward) for ward in every)
    hanoi = data.wards("Hà Nội")
    assert Counter(kind(ward) for ward in hanoi) == {"Phường": 51, "Xã": 75}


@pytest.mark.parametrize("province", PROVINCES)
def test_every_unit_is_found_by_its_own_name_without_accents(province: str) -> None:
    data = units()
    wards = data.wards(province)
    names = Counter(fold(ward) for ward in wards)
    short_names = Counter(fold(short_name(ward)) for ward in wards)
    for ward in wards:
        for typed, shared in ((fold(ward), names), (fold(short_name(ward)), short_names)):
            match = data.match(province, typed)
            if shared[typed] == 1:
                assert match.exact is not None, (province, typed)
                assert match.exact.ward == ward, (province, typed)
            else:  # two units of the province share the name: the customer chooses
                assert match.exact is None
                assert ward in wards_of(match), (province, typed)


# DOMAIN.md, "Producers named in the source articles": each one's address before the reform.
@pytest.mark.parametrize(
    ("typed", "unit"),
    [
        ("thôn Dương Đá, xã Dương Xá, huyện Gia Lâm", "Xã Gia Lâm"),
        ("xa Dai Yen, huyen Chuong My", "Phường Chương Mỹ"),
        ("phường Vạn Phúc, quận Hà Đông", "Phường Hà Đông"),
        ("Xã Tân Ước, Huyện Thanh Oai", "Xã Dân Hòa"),
        ("Dương Xá", "Xã Gia Lâm"),
        ("Đại Yên", "Phường Chương Mỹ"),
        ("Tân Ước", "Xã Dân Hòa"),
    ],
)
def test_old_addresses_of_the_demo_producers_lead_to_their_new_unit(typed: str, unit: str) -> None:
    match = units().match("Hà Nội", typed)
    assert match.exact is None  # an old name is converted, and the customer confirms
    assert match.choices[0].ward == unit
    assert match.choices[0].old_name is not None
    assert fold(short_name(match.choices[0].old_name)) in fold(typed)


@pytest.mark.parametrize("producer", PRODUCERS, ids=lambda p: p.code)
def test_the_demo_producers_are_in_units_that_exist(producer: object) -> None:
    ward, province = producer.ward, producer.province  # type: ignore[attr-defined]
    assert ward in units().wards(province)
    assert units().match(province, fold(ward)).exact is not None


def test_an_old_ward_split_in_two_offers_both_units_and_says_what_it_was() -> None:
    match = units().match("Hà Nội", "dich vong")
    assert match.exact is None
    assert sorted(wards_of(match)) == ["Phường Cầu Giấy", "Phường Nghĩa Đô"]
    assert {c.old_name for c in match.choices} == {"Phường Dịch Vọng"}
    assert {c.old_district for c in match.choices} == {"Quận Cầu Giấy"}


def test_the_district_typed_after_an_old_ward_picks_the_right_one() -> None:
    # Old "Phường 1" existed in many districts of Hồ Chí Minh City.
    quan3 = units().match("Thành phố Hồ Chí Minh", "Phường 1, Quận 3")
    quan5 = units().match("Thành phố Hồ Chí Minh", "phuong 1, quan 5")
    assert quan3.choices[0].old_district == "Quận 3"
    assert quan5.choices[0].old_district == "Quận 5"
    assert quan3.choices[0].ward != quan5.choices[0].ward


@pytest.mark.parametrize(
    "typed",
    ["bat trng", "bát trang", "Bat Tran", "batt rang", "xa bat tragn", "BAT TRÀNG"],
)
def test_a_typo_still_offers_the_unit_first(typed: str) -> None:
    match = units().match("Hà Nội", typed)
    assert wards_of(match)[0] == "Xã Bát Tràng"
    assert len(match.choices) <= 3


@pytest.mark.parametrize(
    "typed",
    [
        "Phường Hoàn Kiếm",
        "phuong hoan kiem",
        "P. Hoàn Kiếm",
        "hoàn kiếm",
        "HOAN KIEM",
        "Hoàn-Kiếm",
        "Ｈｏàｎ Ｋｉếｍ",
        "Hoàn\u200bKiếm",
        unicodedata.normalize("NFD", "Hoàn Kiếm"),
    ],
)
def test_a_current_name_is_taken_at_once(typed: str) -> None:
    match = units().match("Hà Nội", typed)
    assert match.exact is not None
    assert match.exact.ward == "Phường Hoàn Kiếm"


@pytest.mark.parametrize("d", ["\u00d0", "\u0189", "Đ", "D", "d"])
def test_look_alike_d_letters_match_dong_anh(d: str) -> None:
    match = units().match("Hà Nội", f"{d}ông Anh")
    assert match.exact is not None
    assert match.exact.ward == "Xã Đông Anh"


def test_a_unit_of_another_province_is_pointed_out() -> None:
    match = units().match("Hà Nội", "Phường Bến Thành")
    assert match.exact is None
    assert [(c.ward, c.province) for c in match.elsewhere] == [
        ("Phường Bến Thành", "Thành phố Hồ Chí Minh")
    ]


def test_an_old_ward_of_another_province_is_pointed_out_with_its_new_unit() -> None:
    match = units().match("Thành phố Hồ Chí Minh", "Dịch Vọng")
    assert {(c.ward, c.province) for c in match.elsewhere} == {
        ("Phường Cầu Giấy", "Hà Nội"),
        ("Phường Nghĩa Đô", "Hà Nội"),
    }


def test_a_name_found_in_several_other_provinces_points_nowhere() -> None:
    match = units().match("Hà Nội", "Phường 1")
    assert match.elsewhere == ()
    assert not match.district


@pytest.mark.parametrize("typed", ["Quận 1", "quan cau giay", "Huyện Gia Lâm"])
def test_a_district_is_recognised_as_one(typed: str) -> None:
    match = units().match("Hà Nội", typed)
    assert match.exact is None
    assert match.district


@pytest.mark.parametrize("typed", ["asdfgh", "🏠🏠", "", " , ", "x"])
def test_nonsense_matches_nothing(typed: str) -> None:
    match = units().match("Hà Nội", typed)
    assert (match.exact, match.choices, match.elsewhere) == (None, (), ())


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Phường Dịch Vọng", "Dịch Vọng"),
        ("Xã Bát Tràng", "Bát Tràng"),
        ("Thị trấn Trâu Quỳ", "Trâu Quỳ"),
        ("Đặc khu Phú Quốc", "Phú Quốc"),
        ("Phường 1", "Phường 1"),
    ],
)
def test_short_name_drops_the_kind_but_not_from_a_number(name: str, short: str) -> None:
    assert short_name(name) == short


@pytest.mark.parametrize(
    ("typed", "ward", "rest"),
    [
        ("8 Tràng Thi, Phường Cửa Nam", "Phường Cửa Nam", ("8 Tràng Thi",)),
        ("3 Quảng An, Phường Tây Hồ, Hà Nội", "Phường Tây Hồ", ("3 Quảng An",)),
        ("Số 5 phố Bát Tràng; Xã Bát Tràng", "Xã Bát Tràng", ("Số 5 phố Bát Tràng",)),
        ("phuong cua nam", "Phường Cửa Nam", ()),
        # Without a comma, the ward starts at its kind's word.
        ("8 Tràng Thi phường Cửa Nam", "Phường Cửa Nam", ("8 Tràng Thi",)),
        ("12 ngõ 5 Xã Đàn, Phường Kim Liên", "Phường Kim Liên", ("12 ngõ 5", "Xã Đàn")),
    ],
)
def test_a_whole_address_gives_its_ward_and_the_rest_as_typed(
    typed: str, ward: str, rest: tuple[str, ...]
) -> None:
    match = units().match("Hà Nội", typed)
    assert match.exact is not None
    assert match.exact.ward == ward
    assert match.rest == rest


def test_the_part_not_found_is_the_one_offered_and_the_others_are_kept() -> None:
    match = units().match("Hà Nội", "thôn Dương Đá, xã Dương Xá, huyện Gia Lâm")
    assert match.exact is None
    assert match.part == "xã Dương Xá"
    assert match.rest == ("thôn Dương Đá",)  # the old district is no street


@pytest.mark.parametrize(
    ("typed", "part", "rest"),
    [
        # A house number starts the street: the other part is the ward, even one not found.
        ("7 Lý Thái Tổ, asdfgh", "asdfgh", ("7 Lý Thái Tổ",)),
        # A unit of another province, named exactly, is the ward part (and pointed out).
        ("1 Lê Lợi, Phường Bến Thành", "Phường Bến Thành", ("1 Lê Lợi",)),
    ],
)
def test_the_ward_part_is_not_a_house_number_and_may_be_another_provinces(
    typed: str, part: str, rest: tuple[str, ...]
) -> None:
    match = units().match("Hà Nội", typed)
    assert (match.exact, match.part, match.rest) == (None, part, rest)


def test_a_ward_of_another_province_typed_with_its_street_is_pointed_out() -> None:
    match = units().match("Hà Nội", "1 Lê Lợi, phuong ben thanh")
    assert [c.ward for c in match.elsewhere] == ["Phường Bến Thành"]


@pytest.mark.parametrize(
    ("typed", "ward", "rest"),
    [
        # Old districts, the province and the country are no street.
        ("Phường Cửa Nam, Quận Hoàn Kiếm", "Phường Cửa Nam", ()),
        ("Bát Tràng, Gia Lâm, Hà Nội", "Xã Bát Tràng", ()),
        ("Phường Cửa Nam, Hà Nội, Việt Nam", "Phường Cửa Nam", ()),
        # Nor is an old ward typed beside the unit that took it over.
        ("Dịch Vọng, Cầu Giấy", "Phường Cầu Giấy", ()),
        # A "/" between digits is a house's number, not a separator.
        ("123/4 Lê Lợi, Phường Hoàn Kiếm", "Phường Hoàn Kiếm", ("123/4 Lê Lợi",)),
        # The ward last, after more than four parts; "p." as its kind.
        (
            "Tầng 5, tòa A, số 3, ngõ 45, Phường Cửa Nam",
            "Phường Cửa Nam",
            ("Tầng 5", "tòa A", "số 3", "ngõ 45"),
        ),
        ("8 Tràng Thi p. Cửa Nam", "Phường Cửa Nam", ("8 Tràng Thi",)),
    ],
)
def test_the_street_is_what_names_no_place(typed: str, ward: str, rest: tuple[str, ...]) -> None:
    match = units().match("Hà Nội", typed)
    assert match.exact is not None
    assert (match.exact.ward, match.rest) == (ward, rest)
