import phonenumbers
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from catalog.errors import ShopError
from catalog.phone import (
    InvalidPhone,
    PhoneProblem,
    find_phone,
    format_phone_display,
    is_dialable,
    normalize_phone,
    split_phone,
)

# DOMAIN.md: the mobile prefixes allocated whole since the 2018 renumbering (052, 055, 089 and
# 099 are allocated only in part: see the table of allocations below).
MOBILE_PREFIXES = (
    [f"3{d}" for d in "23456789"]
    + ["56", "58", "59", "70", "76", "77", "78", "79"]
    + [f"8{d}" for d in "12345678"]
    + [f"9{d}" for d in "01234"]
    + [f"9{d}" for d in "678"]
)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0912 345 678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("0912-345-678", "+84912345678"),
        ("0912345678", "+84912345678"),
        ("+84 912345678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("(+84) 912 345 678", "+84912345678"),
        ("+84 (0) 912 345 678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("0084 912 345 678", "+84912345678"),
        ("  0912 345 678\n", "+84912345678"),
        ("０９１２ ３４５ ６７８", "+84912345678"),
        ("0843 123 456", "+84843123456"),
        ("(024) 3826 1234", "+842438261234"),
        ("024 3826 1234", "+842438261234"),
        ("024.3826.1234", "+842438261234"),
        ("+84 24 3826 1234", "+842438261234"),
        ("028 3822 1234", "+842838221234"),
    ],
)
def test_normalize_phone_accepts_common_forms(typed: str, e164: str) -> None:
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize("shared", ["84912345678", "+84912345678"])
def test_normalize_phone_accepts_a_telegram_contact(shared: str) -> None:
    assert normalize_phone(shared) == "+84912345678"


# DOMAIN.md, "Phone numbers": ten digits under a prefix no network has been allocated are the
# right shape ("possible") but no courier can call them.
UNALLOCATED = [
    "0501 234 567",
    "0531 234 567",
    "0541 234 567",
    "0571 234 567",
    "0711 234 567",
    "0721 234 567",
    "0731 234 567",
    "0741 234 567",
    "0751 234 567",
    "0801 234 567",
    "0521 234 567",  # 052: only 0522, 0523 and 0528 are allocated
    "0551 234 567",  # 055: only 0559
    "0891 234 567",  # 089: only 0896-0899
    "0992 345 678",  # 099: all but 0992
    "0201 234 5678",  # landline area codes that do not exist
    "0230 123 4567",
    "0240 123 4567",  # Hà Nội numbers start 2-8 after 024
]
ALLOCATED = [
    ("0522 345 678", "+84522345678"),
    ("0559 123 456", "+84559123456"),
    ("0896 123 456", "+84896123456"),
    ("0993 123 456", "+84993123456"),
    ("0203 3812 345", "+842033812345"),
]


@pytest.mark.parametrize("typed", UNALLOCATED)
def test_a_number_no_network_was_allocated_is_refused(typed: str) -> None:
    assert phonenumbers.is_possible_number(phonenumbers.parse(typed, "VN"))
    with pytest.raises(InvalidPhone) as caught:
        normalize_phone(typed)
    assert caught.value.reason is PhoneProblem.INVALID


@pytest.mark.parametrize(("typed", "e164"), ALLOCATED)
def test_the_allocated_part_of_a_shared_prefix_is_accepted(typed: str, e164: str) -> None:
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize(
    ("pasted", "e164"),
    [
        ("Zalo: 0912.345.678", "+84912345678"),
        ("sđt 0912345678", "+84912345678"),
        ("SĐT: 0912 345 678 (chị Lan)", "+84912345678"),
        ("tel:+84912345678", "+84912345678"),
        ("Điện thoại/Zalo 0987-654-321 nhé", "+84987654321"),
        ("gọi 024 3826 1234 giờ hành chính", "+842438261234"),
        ("0501 234 567 hoặc 0987 654 321", "+84987654321"),
        ("ĐT ０９１２ ３４５ ６７８", "+84912345678"),
        ("0912 345 678", "+84912345678"),
    ],
)
def test_find_phone_reads_the_number_out_of_pasted_text(pasted: str, e164: str) -> None:
    assert find_phone(pasted) == e164


@pytest.mark.parametrize(
    ("pasted", "reason"),
    [
        ("Zalo: 0501.234.567", PhoneProblem.NOT_A_NUMBER),
        ("call me maybe", PhoneProblem.NOT_A_NUMBER),
        ("WhatsApp +44 20 7946 0958", PhoneProblem.NOT_A_NUMBER),
        ("0912 345 678 ext 12", PhoneProblem.NOT_A_NUMBER),
        ("sđt " + "1" * 400, PhoneProblem.TOO_LONG),
        ("+1 650 253 0000", PhoneProblem.FOREIGN),
        ("0501 234 567", PhoneProblem.INVALID),
        ("", PhoneProblem.EMPTY),
    ],
)
def test_find_phone_refuses_text_without_a_callable_number(
    pasted: str, reason: PhoneProblem
) -> None:
    with pytest.raises(InvalidPhone) as caught:
        find_phone(pasted)
    assert caught.value.reason is reason


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", PhoneProblem.EMPTY),
        ("   \t ", PhoneProblem.EMPTY),
        ("0" * 31, PhoneProblem.TOO_LONG),
        ("0912 345 678" + " " * 10 + "0912 345 678", PhoneProblem.TOO_LONG),
        ("abc", PhoneProblem.NOT_A_NUMBER),
        ("0912ABCDEF", PhoneProblem.NOT_A_NUMBER),
        ("0912 345 678 ext 12", PhoneProblem.NOT_A_NUMBER),
        ("0912_345_678", PhoneProblem.NOT_A_NUMBER),
        ("---", PhoneProblem.NOT_A_NUMBER),
        ("++84912345678", PhoneProblem.NOT_A_NUMBER),
        ("+1 650 253 0000", PhoneProblem.FOREIGN),
        ("+44 20 7946 0958", PhoneProblem.FOREIGN),
        ("0044 20 7946 0958", PhoneProblem.FOREIGN),
        ("+999 123 456", PhoneProblem.FOREIGN),
        ("01234 567 890", PhoneProblem.INVALID),
        ("0168 123 4567", PhoneProblem.INVALID),
        ("09123456789", PhoneProblem.INVALID),
        ("091234567", PhoneProblem.INVALID),
        ("024 3826 123", PhoneProblem.INVALID),
        ("1900 1234", PhoneProblem.INVALID),
        ("0412 345 678", PhoneProblem.INVALID),
        ("+84", PhoneProblem.INVALID),
        ("0084", PhoneProblem.INVALID),
        ("12", PhoneProblem.INVALID),
    ],
)
def test_normalize_phone_rejects_with_a_reason(typed: str, reason: PhoneProblem) -> None:
    with pytest.raises(InvalidPhone) as caught:
        normalize_phone(typed)
    assert caught.value.reason is reason
    assert caught.value.text == typed


def test_invalid_phone_is_a_shop_error_carrying_data() -> None:
    err = InvalidPhone("abc", PhoneProblem.NOT_A_NUMBER)
    assert isinstance(err, ShopError)
    assert err.args == ("abc", "not_a_number")


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+84912345678", "0912 345 678"),
        ("+84896123456", "0896 123 456"),
        ("+842438261234", "024 3826 1234"),
        ("+842033812345", "0203 3812 345"),
    ],
)
def test_format_phone_display_groups_the_national_form(e164: str, shown: str) -> None:
    assert format_phone_display(e164) == shown


@pytest.mark.parametrize(
    ("stored", "shown"), [("+84891234567", "0891 234 567"), ("+84501234567", "0501 234 567")]
)
def test_a_number_saved_before_the_allocation_check_is_still_shown(
    stored: str, shown: str
) -> None:
    with pytest.raises(InvalidPhone):
        normalize_phone(stored)
    assert not is_dialable(stored)
    assert format_phone_display(stored) == shown
    assert is_dialable("+84912345678")


def test_format_phone_display_refuses_what_is_not_a_phone() -> None:
    with pytest.raises(InvalidPhone) as caught:
        format_phone_display("+16502530000")
    assert caught.value.reason is PhoneProblem.FOREIGN


@st.composite
def typed_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """A valid mobile number as people type it, and its E.164 form."""
    prefix = draw(st.sampled_from(MOBILE_PREFIXES))
    subscriber = draw(st.text(alphabet="0123456789", min_size=7, max_size=7))
    national = prefix + subscriber
    lead = draw(st.sampled_from(["0", "+84", "84", "0084", "+84 ", "0084 ", "(+84) ", "+84 (0)"]))
    separators = draw(st.lists(st.sampled_from(["", "", " ", ".", "-"]), min_size=8, max_size=8))
    body = national[0] + "".join(
        sep + digit for sep, digit in zip(separators, national[1:], strict=True)
    )
    return lead + body, "+84" + national


@given(typed_mobiles())
@example(("0912 345 678", "+84912345678"))
def test_any_typed_form_of_a_mobile_normalises_to_one_number(case: tuple[str, str]) -> None:
    typed, e164 = case
    assert normalize_phone(typed) == e164


@given(typed_mobiles())
def test_normalisation_is_idempotent_and_the_display_form_reads_back(
    case: tuple[str, str],
) -> None:
    e164 = normalize_phone(case[0])
    assert normalize_phone(e164) == e164
    shown = format_phone_display(e164)
    assert shown.startswith("0")
    assert normalize_phone(shown) == e164


@given(st.sampled_from("2345678"), st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_any_hanoi_landline_normalises(first: str, rest: str) -> None:
    subscriber = first + rest
    assert normalize_phone(f"024 {subscriber}") == f"+8424{subscriber}"
    assert format_phone_display(f"+8424{subscriber}") == (f"024 {subscriber[:4]} {subscriber[4:]}")


def outcome(text: str) -> str | InvalidPhone:
    try:
        return normalize_phone(text)
    except InvalidPhone as err:
        return err


@given(st.one_of(st.text(), st.text(alphabet="0123456789 +.-()/84", max_size=40)))
def test_normalize_phone_raises_nothing_but_invalid_phone(text: str) -> None:
    result = outcome(text)
    if isinstance(result, InvalidPhone):
        assert result.text == text
        assert isinstance(result.reason, PhoneProblem)
    else:
        assert result.startswith("+84")
        assert result[1:].isdigit()
        assert normalize_phone(result) == result


@pytest.mark.parametrize(
    ("typed", "e164", "name"),
    [
        ("Phạm Thu <Hà> 0912 345 678", "+84912345678", "Phạm Thu <Hà>"),
        ("Hà, sđt: 0912.345.678", "+84912345678", "Hà"),
        ("SĐT 0912345678 - Nguyễn Văn An", "+84912345678", "Nguyễn Văn An"),
        ("Mary <Smith> & co (0912 345 678)", "+84912345678", "Mary <Smith> & co"),
        ("Zalo: 0912.345.678", "+84912345678", ""),
        ("0912 345 678", "+84912345678", ""),
        ("Khách 7 0912 345 678", "+84912345678", "Khách 7"),
        ("Tên: Phạm Thu Hà, SĐT: 0912345678", "+84912345678", "Phạm Thu Hà"),
        ("Người nhận Phạm Thu Hà - 0912345678", "+84912345678", "Phạm Thu Hà"),
        # Remarks in brackets and other numbers are no part of the name.
        ("Nguyễn Văn A 0912345678 (gọi trước 30 phút)", "+84912345678", "Nguyễn Văn A"),
        ("Anh Tuấn 0912345678 / 0987654321", "+84912345678", "Anh Tuấn"),
        ("0501 234 567 hoặc 0987 654 321", "+84987654321", ""),
    ],
)
def test_split_phone_gives_the_number_and_the_name_typed_with_it(
    typed: str, e164: str, name: str
) -> None:
    assert split_phone(typed) == (e164, name)
