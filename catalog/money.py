"""Money: whole đồng, formatted for the reader's locale.

The shop's two languages format đồng by CLDR's rules, written out here (tests/unit/
test_money.py checks them against Babel): Babel would load its whole locale data, ~6 MB in
every worker, to format a number. Any other locale goes through Babel.
"""

from __future__ import annotations

# Per language: the digit-group separator and where the number goes around the symbol.
_VND = {"vi": (".", "{}\xa0₫"), "en": (",", "₫{}")}


def format_vnd(amount: int, locale: str) -> str:
    """``250000`` → ``250.000 ₫`` (vi) or ``₫250,000`` (en)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("money is an integer number of đồng")
    known = _VND.get(locale)
    if known is None:
        from babel.numbers import format_currency  # noqa: PLC0415 - see the docstring

        return format_currency(amount, "VND", locale=locale)
    separator, pattern = known
    number = pattern.format(f"{abs(amount):,}".replace(",", separator))
    return f"-{number}" if amount < 0 else number
