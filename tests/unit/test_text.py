import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.text import fold, nfc, search_text


def test_fold_removes_marks_and_maps_d_bar() -> None:
    assert fold("Bát Tràng") == "bat trang"
    assert fold("Lụa Vạn Phúc") == "lua van phuc"
    assert fold("ĐẶC SẢN  Đường   Lâm") == "dac san duong lam"
    assert fold("Tinh dầu sả") == "tinh dau sa"


def test_fold_treats_decomposed_and_precomposed_text_alike() -> None:
    decomposed = unicodedata.normalize("NFD", "Gốm sứ Quang Vinh")
    assert decomposed != "Gốm sứ Quang Vinh"
    assert fold(decomposed) == fold("Gốm sứ Quang Vinh") == "gom su quang vinh"
    assert nfc(decomposed) == "Gốm sứ Quang Vinh"


def test_search_text_joins_every_name_folded() -> None:
    assert search_text("Trà Phúc", None, "Tea", "") == "tra phuc tea"


@given(st.text())
def test_fold_is_idempotent_and_leaves_no_combining_marks(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", folded))
    assert "đ" not in folded


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("\u00d0ường Lâm", "duong lam"),  # Ð LATIN CAPITAL LETTER ETH, from a European layout
        ("\u0189ường Lâm", "duong lam"),  # Ɖ LATIN CAPITAL LETTER AFRICAN D
        ("\u00f0ường", "duong"),  # ð
        ("\u0256ường", "duong"),  # ɖ
        ("ＢÁＴ ＴＲÀＮＧ", "bat trang"),  # full-width letters
        ("Bát\u3000Tràng", "bat trang"),  # ideographic space
        ("０９１２", "0912"),  # full-width digits
        ("Bát\u200bTràng", "battrang"),  # zero-width space inside a word
        ("Bát \u200bTràng", "bat trang"),
        ("\ufeffBát Tràng\u2060", "bat trang"),
        ("Bát Tr\u00e0\u00adng", "bat trang"),  # soft hyphen
        ("Bát-Tràng", "bat trang"),
        ("Bát–Tràng", "bat trang"),  # en dash
        ("Bát\u2011Tràng", "bat trang"),  # non-breaking hyphen
        ("Văn Miếu - Quốc Tử Giám", "van mieu quoc tu giam"),
        ("ﬁ", "fi"),
    ],
)
def test_fold_sees_look_alikes_as_what_they_look_like(typed: str, folded: str) -> None:
    assert fold(typed) == folded
