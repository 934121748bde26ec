import pytest
from babel.numbers import format_currency

from catalog.money import format_vnd


@pytest.mark.parametrize(
    ("amount", "locale", "expected"),
    [
        (250_000, "vi", "250.000\xa0₫"),
        (250_000, "en", "₫250,000"),
        (1_500_000, "vi", "1.500.000\xa0₫"),
        (0, "en", "₫0"),
    ],
)
def test_format_vnd_follows_the_readers_locale(amount: int, locale: str, expected: str) -> None:
    assert format_vnd(amount, locale) == expected


@pytest.mark.parametrize("amount", [250_000.0, True, "250000"])
def test_format_vnd_refuses_anything_but_whole_dong(amount: object) -> None:
    with pytest.raises(TypeError):
        format_vnd(amount, "vi")  # type: ignore[arg-type]


# What format_vnd wrote when it called Babel for each language (the locales it used).
BABEL_LOCALES = {"vi": "vi_VN", "en": "en"}
AMOUNTS = [0, 1, 12, 999, 1_000, 75_000, 250_000, 1_234_567, 999_999_999, 12_345_678_901]


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_format_vnd_writes_what_babel_writes(locale: str) -> None:
    for amount in [*AMOUNTS, *(-a for a in AMOUNTS if a)]:
        expected = format_currency(amount, "VND", locale=BABEL_LOCALES[locale])
        assert format_vnd(amount, locale) == expected, amount


def test_another_locale_is_formatted_by_babel() -> None:
    assert format_vnd(250_000, "fr") == format_currency(250_000, "VND", locale="fr")
