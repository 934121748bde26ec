"""Where an inline query's next page starts: the offset the client sends back, read as the
shop reads whole numbers."""

import pytest

from handlers.inline import _offset


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", 0), ("20", 20), ("000040", 40), ("²", 0), ("٣", 0), ("-20", 0), ("1234567", 0)],
)
def test_the_offset_is_plain_digits_else_the_first_page(raw: str, expected: int) -> None:
    # "²" and "٣" are digits to str.isdigit; int() refuses the first and reads the second.
    assert _offset(raw) == expected
