import random
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from catalog.collation import vi_sort_key
from catalog.text import nfc

ALPHABET = list("AĂÂBCDĐEÊFGHIJKLMNOÔƠPQRSTUƯVWXYZ")


def vi_sorted(words: list[str]) -> list[str]:
    return sorted(words, key=vi_sort_key)


def test_the_example_from_the_brief() -> None:
    words = ["Đỗ", "Dung", "Ánh", "Anh", "Ăn", "Bình", "Ô mai", "Ơn", "Z"]
    assert vi_sorted(words) == ["Anh", "Ánh", "Ăn", "Bình", "Dung", "Đỗ", "Ô mai", "Ơn", "Z"]


def test_letters_follow_the_vietnamese_alphabet_and_foreign_ones_their_latin_place() -> None:
    shuffled = random.Random(7).sample(ALPHABET, len(ALPHABET))
    assert vi_sorted(shuffled) == ALPHABET
    lower = [letter.lower() for letter in ALPHABET]
    assert vi_sorted(list(reversed(lower))) == lower


def test_letters_with_vowel_marks_come_right_after_their_base_letter() -> None:
    assert vi_sorted(["Ê", "Z", "Ư", "Ô", "Đ", "Ă", "Ơ", "Â", "Y"]) == [
        "Ă",
        "Â",
        "Đ",
        "Ê",
        "Ô",
        "Ơ",
        "Ư",
        "Y",
        "Z",
    ]


def test_tones_order_none_huyen_hoi_nga_sac_nang() -> None:
    assert vi_sorted(["mạ", "má", "mã", "mả", "mà", "ma"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_tone_counts_after_the_letters_of_the_same_syllable() -> None:
    # The tone of "bá" does not beat the letter difference of "bác".
    assert vi_sorted(["bác", "bá", "ba", "bạc"]) == ["ba", "bá", "bác", "bạc"]


def test_syllables_compare_one_by_one_like_a_dictionary() -> None:
    words = ["ánh sáng", "Ánh", "anh đào", "anh", "Cao Bằng", "Cà Mau", "ca"]
    assert vi_sorted(words) == ["anh", "anh đào", "Ánh", "ánh sáng", "ca", "Cà Mau", "Cao Bằng"]


def test_case_is_ignored_except_to_break_ties() -> None:
    words = ["bình", "Anh", "BÌNH", "anh", "Ánh"]
    assert vi_sorted(words) == ["anh", "Anh", "Ánh", "bình", "BÌNH"]


def test_old_and_new_tone_placement_sort_together() -> None:
    words = ["hoả", "hoa", "hòa", "hỏa", "hoà", "hoan"]
    ordered = vi_sorted(words)
    assert ordered[0] == "hoa"
    assert set(ordered[1:3]) == {"hòa", "hoà"}
    assert set(ordered[3:5]) == {"hỏa", "hoả"}
    assert ordered[5] == "hoan"


def test_a_tone_on_a_letter_without_a_precomposed_form_still_counts() -> None:
    hoi, sac = "q\u0309", "q\u0301"
    # Code-point order would put sắc (U+0301) first.
    assert vi_sorted([sac, "q", hoi]) == ["q", hoi, sac]


def test_decomposed_text_sorts_like_precomposed_text() -> None:
    decomposed = unicodedata.normalize("NFD", "Đặc sản Bát Tràng")
    assert vi_sort_key(decomposed) == vi_sort_key("Đặc sản Bát Tràng")


def test_numbers_sort_by_value_before_letters() -> None:
    words = ["Trà hộp", "Trà 100 g", "Trà 20 gói", "Trà 9 gói", "2 kg gạo"]
    assert vi_sorted(words) == ["2 kg gạo", "Trà 9 gói", "Trà 20 gói", "Trà 100 g", "Trà hộp"]
    assert vi_sort_key("Trà 009 gói")[0] == vi_sort_key("Trà 9 gói")[0]


def test_punctuation_separates_syllables_and_only_breaks_ties() -> None:
    words = ["Gốm sứ", '"Gốm" sứ', "Gốm-sứ", "Gốm, sứ", "Giò lụa"]
    ordered = vi_sorted(words)
    assert ordered[0] == "Giò lụa"
    assert set(ordered[1:]) == {"Gốm sứ", '"Gốm" sứ', "Gốm-sứ", "Gốm, sứ"}
    assert vi_sort_key("Gốm-sứ")[0] == vi_sort_key("Gốm sứ")[0]


def test_other_scripts_come_after_latin_letters() -> None:
    assert vi_sorted(["Чай", "茶", "Zucchini", "Trà"]) == ["Trà", "Zucchini", "Чай", "茶"]


@given(st.lists(st.text()))
def test_sorting_is_a_consistent_total_order(words: list[str]) -> None:
    once = vi_sorted(words)
    assert vi_sorted(once) == once
    # Only canonically equal texts may tie, so the input order cannot change the result.
    backwards = vi_sorted(list(reversed(words)))
    assert [nfc(word) for word in backwards] == [nfc(word) for word in once]
    keys = [vi_sort_key(word) for word in once]
    assert keys == sorted(keys)


@given(st.text(), st.text())
def test_keys_are_equal_only_for_canonically_equal_texts(first: str, second: str) -> None:
    assert vi_sort_key(first) == vi_sort_key(first)
    same_text = unicodedata.normalize("NFC", first) == unicodedata.normalize("NFC", second)
    assert (vi_sort_key(first) == vi_sort_key(second)) == same_text


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạ AĐ0123456789-", max_size=30))
def test_the_key_is_deterministic_across_cache_states(text: str) -> None:
    key = vi_sort_key(text)
    assert vi_sort_key(unicodedata.normalize("NFD", text)) == key
    assert vi_sort_key(text) == key


# The words of the product names below, each once, in the order of a Vietnamese dictionary
# (numbers first, by value).
DICTIONARY_ORDER = (
    "20 500 ấm Ba Bà Bảo Bát Bé bộ bột cà cái chả chăn chén chua Chuyên Cự Đà Đức Đường g gai gạo "
    "giò gói gốm hoa hộp kẹo khảm Lâm leo Lộc lụa mây Minh Mỹ nem nếp nghệ Phú Phúc quế sứ sữa "
    "tằm Thọ tinh tơ trà trai Tràng tre tương Vạn vàng Vì Vinh"
)


def test_ten_thousand_product_names_sort_word_by_word_in_dictionary_order() -> None:
    rng = random.Random(2025)
    text = (
        "tinh bột nghệ Bà Bé trà cà gai leo Phúc Lộc Thọ gốm sứ Bát Tràng lụa Vạn Phúc chăn "
        "tơ tằm Mỹ Đức gạo nếp cái hoa vàng giò chả quế nem chua 500 g hộp 20 gói bộ ấm chén "
        "Đường Lâm tương Cự Đà khảm trai Chuyên Mỹ sữa Ba Vì mây tre Phú Vinh kẹo Bảo Minh"
    )
    syllables = text.split()
    dictionary = DICTIONARY_ORDER.split()
    assert sorted(set(syllables)) == sorted(dictionary)
    names = [" ".join(rng.choices(syllables, k=rng.randint(2, 8))) for _ in range(10_000)]
    # Ten names with ten numbers each: "… 5" before "… 15" (text order would say otherwise).
    names += [f"{names[number % 10]} {number}" for number in range(100)]
    place = {word: (1, rank) for rank, word in enumerate(dictionary)}

    def by_hand(name: str) -> list[tuple[int, int]]:
        return [(0, int(word)) if word.isdecimal() else place[word] for word in name.split()]

    assert vi_sorted(names) == sorted(names, key=by_hand)
