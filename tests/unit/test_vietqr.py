import io

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from catalog.vietqr import (
    build_payload,
    crc16_ccitt_false,
    parse_payload,
    purpose_text,
    render_qr_png,
)

# DOMAIN.md's worked example: ACB, account 257678859, 10,000 ₫, "Chuyen tien".
ACB_EXAMPLE = (
    "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
    "53037045405100005802VN62150811Chuyen tien630453E6"
)


def test_build_payload_reproduces_the_worked_example() -> None:
    payload = build_payload(
        bank_bin="970416", account="257678859", amount=10000, purpose="Chuyen tien"
    )
    assert payload == ACB_EXAMPLE


@pytest.mark.parametrize(
    ("data", "crc"),
    [
        (b"123456789", 0x29B1),
        (b"", 0xFFFF),
        (b"A", 0xB915),
        (ACB_EXAMPLE[:-4].encode(), 0x53E6),
    ],
)
def test_crc16_ccitt_false_matches_known_vectors(data: bytes, crc: int) -> None:
    assert crc16_ccitt_false(data) == crc


def test_a_payload_without_amount_is_static() -> None:
    payload = build_payload(bank_bin="970436", account="0011004", amount=None, purpose="OCOP")
    fields = parse_payload(payload)
    assert fields["01"] == "11"
    assert "54" not in fields


def test_a_payload_with_amount_is_dynamic() -> None:
    payload = build_payload(
        bank_bin="970436", account="0011004", amount=250000, purpose="OCOP DH1024"
    )
    assert parse_payload(payload) == {
        "00": "01",
        "01": "12",
        "38.00": "A000000727",
        "38.01.00": "970436",
        "38.01.01": "0011004",
        "38.02": "QRIBFTTA",
        "53": "704",
        "54": "250000",
        "58": "VN",
        "62.08": "OCOP DH1024",
        "63": payload[-4:],
    }


@pytest.mark.parametrize(
    ("purpose", "sent"),
    [
        ("Thanh toán đơn hàng", "Thanh toan don hang"),
        ("ĐẶT HÀNG Bát Tràng", "DAT HANG Bat Trang"),
        ("Đơn #1024 – Lụa Vạn Phúc!", "Don 1024 Lua Van Phuc"),
        ("  nhiều   khoảng   trắng  ", "nhieu khoang trang"),
        ("Trà cà gai leo Phúc Lộc Thọ hộp 20 gói", "Tra ca gai leo Phuc Loc T"),
        ("Tinh bột nghệ Bà Bé loại 1 ", "Tinh bot nghe Ba Be loai"),
    ],
)
def test_purpose_is_ascii_without_diacritics_and_at_most_25_characters(
    purpose: str, sent: str
) -> None:
    assert purpose_text(purpose) == sent
    payload = build_payload(bank_bin="970416", account="257678859", amount=1, purpose=purpose)
    assert parse_payload(payload)["62.08"] == sent


@given(st.text())
def test_any_purpose_becomes_something_every_bank_accepts(purpose: str) -> None:
    sent = purpose_text(purpose)
    assert len(sent) <= 25
    assert sent == sent.strip()
    assert all(ch.isascii() and (ch.isalnum() or ch == " ") for ch in sent)
    payload = build_payload(bank_bin="970416", account="257678859", amount=None, purpose=purpose)
    assert parse_payload(payload).get("62.08", "") == sent


def test_a_purpose_with_nothing_left_leaves_out_the_additional_data() -> None:
    payload = build_payload(bank_bin="970416", account="257678859", amount=5, purpose="🎁 !!")
    assert not any(key.startswith("62") for key in parse_payload(payload))


@given(
    bank_bin=st.text(alphabet="0123456789", min_size=6, max_size=6),
    account=st.text(alphabet="0123456789ABCXYZabcxyz", min_size=1, max_size=19),
    amount=st.one_of(st.none(), st.integers(min_value=1, max_value=10**13 - 1)),
    purpose=st.text(alphabet="abcđăơ ĐÁ0123456789", max_size=40),
)
def test_parse_payload_reads_back_what_was_built(
    bank_bin: str, account: str, amount: int | None, purpose: str
) -> None:
    fields = parse_payload(
        build_payload(bank_bin=bank_bin, account=account, amount=amount, purpose=purpose)
    )
    assert fields["38.01.00"] == bank_bin
    assert fields["38.01.01"] == account
    assert fields.get("54") == (None if amount is None else str(amount))
    assert fields["01"] == ("11" if amount is None else "12")


@pytest.mark.parametrize(
    "tampered",
    [
        ACB_EXAMPLE.replace("5405100005802", "5405900005802"),
        ACB_EXAMPLE.replace("257678859", "257678858"),
        ACB_EXAMPLE[:-4] + "53E7",
        ACB_EXAMPLE[:-4] + "53e7",
        ACB_EXAMPLE[:-8],
        ACB_EXAMPLE[:-4] + "XYZW",
    ],
)
def test_a_tampered_payload_fails_the_check(tampered: str) -> None:
    with pytest.raises(ValueError, match="crc"):
        parse_payload(tampered)


def test_parse_payload_refuses_a_field_that_overruns_the_payload() -> None:
    with pytest.raises(ValueError, match="field_overruns_payload"):
        parse_payload(with_crc("000201010212" + "5499100" + "6304"))


def with_crc(body: str) -> str:
    return body + f"{crc16_ccitt_false(body.encode()):04X}"


def test_parse_payload_refuses_a_crc_hidden_inside_another_field() -> None:
    payload = with_crc("000201010211" + "9912" + "ABCD" + "6304")
    with pytest.raises(ValueError, match="crc_not_last"):
        parse_payload(payload)


def test_parse_payload_refuses_a_repeated_field() -> None:
    payload = with_crc("000201010212" + "540510000" + "540590000" + "6304")
    with pytest.raises(ValueError, match="duplicate_field"):
        parse_payload(payload)


def test_parse_payload_accepts_a_lower_case_crc() -> None:
    assert parse_payload(ACB_EXAMPLE[:-4] + "53e6")["54"] == "10000"


def test_the_png_scans_back_to_the_exact_payload() -> None:
    png = render_qr_png(ACB_EXAMPLE)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    barcodes = zxingcpp.read_barcodes(image.convert("L"))
    assert [barcode.text for barcode in barcodes] == [ACB_EXAMPLE]
    assert barcodes[0].format == zxingcpp.BarcodeFormat.QRCode
    assert barcodes[0].ec_level == "M"


def test_box_size_scales_the_image_with_a_four_module_border() -> None:
    small = Image.open(io.BytesIO(render_qr_png(ACB_EXAMPLE, box_size=2)))
    large = Image.open(io.BytesIO(render_qr_png(ACB_EXAMPLE, box_size=8)))
    assert large.size == (small.size[0] * 4, small.size[1] * 4)
    one = Image.open(io.BytesIO(render_qr_png(ACB_EXAMPLE, box_size=1))).convert("L")
    assert small.size == (one.size[0] * 2, one.size[1] * 2)
    # The finder pattern's corner is the first dark module, after 4 quiet ones.
    dark = [(x, y) for y in range(8) for x in range(8) if one.getpixel((x, y)) == 0]
    assert min(dark) == (4, 4)


@pytest.mark.parametrize(
    ("field", "arguments"),
    [
        ("bank_bin", {"bank_bin": "97041", "account": "1", "amount": 1}),
        ("bank_bin", {"bank_bin": "9704166", "account": "1", "amount": 1}),
        ("bank_bin", {"bank_bin": "97041A", "account": "1", "amount": 1}),
        ("bank_bin", {"bank_bin": "٩٧٠٤١٦", "account": "1", "amount": 1}),
        ("account", {"bank_bin": "970416", "account": "", "amount": 1}),
        ("account", {"bank_bin": "970416", "account": "1" * 20, "amount": 1}),
        ("account", {"bank_bin": "970416", "account": "2576-78859", "amount": 1}),
        ("account", {"bank_bin": "970416", "account": "tài khoản", "amount": 1}),
        ("amount", {"bank_bin": "970416", "account": "1", "amount": 0}),
        ("amount", {"bank_bin": "970416", "account": "1", "amount": -10000}),
        ("amount", {"bank_bin": "970416", "account": "1", "amount": 10**13}),
        ("amount", {"bank_bin": "970416", "account": "1", "amount": True}),
        ("amount", {"bank_bin": "970416", "account": "1", "amount": 10000.0}),
    ],
)
def test_build_payload_rejects_invalid_values(field: str, arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=field):
        build_payload(purpose="x", **arguments)  # type: ignore[arg-type]


def test_the_largest_amount_fits() -> None:
    payload = build_payload(bank_bin="970416", account="1", amount=10**13 - 1, purpose="")
    assert parse_payload(payload)["54"] == "9999999999999"
