import pytest

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
