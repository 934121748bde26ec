import unicodedata

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
