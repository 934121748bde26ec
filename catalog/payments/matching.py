"""Finding the order a transfer pays from its content, as banks really write it.

What the customer typed (``OCOP DH00012``) reaches the shop as the bank rewrote it: without
accents, upper case, spaces turned into dots, the bank's prefix and suffix around it
(``MBVCB.8765.OCOP.DH00012.CT tu 0881… NGUYEN VAN A``) and sometimes a space inside a word
(``DH000 12``). The readings below are tried in order, each giving candidate order ids; the
caller keeps those that are orders of the producer whose account received the money, and
the first reading that names any decides (``catalog.services.payments.applying``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Final

from catalog import rules

# Order numbers are the prefix and at least five digits (rules.format_order_number).
_MIN_DIGITS: Final = 5
_MAX_DIGITS: Final = 12
_PREFIX: Final = rules.ORDER_PREFIX
# The code as written: not glued to letters or digits before it or to digits after it.
_WHOLE: Final = re.compile(
    rf"(?<![A-Z0-9]){_PREFIX}([0-9]{{{_MIN_DIGITS},{_MAX_DIGITS}}})(?![0-9])"
)
# The code with separators inside: D, H and digits, each part apart by one non-alphanumeric
# character or two (counted below: two at most in all).
_SPLIT: Final = re.compile(
    rf"(?<![A-Z0-9]){_PREFIX[0]}[^A-Z0-9]{{0,2}}{_PREFIX[1]}"
    r"((?:[^A-Z0-9]{0,2}[0-9]+)+)"
)
_GROUPS: Final = re.compile(r"([^A-Z0-9]*)([0-9]+)")
_NOT_ALNUM: Final = re.compile(r"[^A-Z0-9]+")
_GLUED: Final = re.compile(rf"{_PREFIX}([0-9]{{{_MIN_DIGITS},}})")
MAX_SEPARATORS: Final = 2


def normalise(content: str) -> str:
    """Compatibility forms unfolded, no marks, Đ as D, upper case; what is left outside
    ASCII cannot be part of an order number and is dropped."""
    text = content.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()


def readings(content: str, code: str | None = None) -> list[tuple[int, ...]]:
    """Candidate order ids, reading by reading, best first (empty readings left out):
    the code the provider read, the code written whole, the code with separators inside,
    and the code in the content with everything but letters and digits removed."""
    text = normalise(content)
    found = [
        _ids(_from_code(code)),
        _ids(int(m.group(1)) for m in _WHOLE.finditer(text)),
        _ids(_split_readings(text)),
        _ids(_glued_readings(_NOT_ALNUM.sub("", text))),
    ]
    return [ids for ids in found if ids]


def _ids(ids: Iterator[int] | list[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(i for i in ids if i > 0))


def _from_code(code: str | None) -> list[int]:
    if not code:
        return []
    plain = _NOT_ALNUM.sub("", normalise(code))
    match = re.fullmatch(rf"{_PREFIX}([0-9]{{1,{_MAX_DIGITS}}})", plain)
    return [int(match.group(1))] if match else []


def _split_readings(text: str) -> Iterator[int]:
    """``DH000 12``, ``D.H00012``: each way the digit groups may join (two separators at
    most, five digits at least), as the separators may also end the code."""
    for match in _SPLIT.finditer(text):
        head = match.group(0)[: match.start(1) - match.start(0)]
        used = len(head) - 2
        digits = ""
        for separator, group in _GROUPS.findall(match.group(1)):
            used += len(separator)
            if used > MAX_SEPARATORS:
                break
            digits += group
            if _MIN_DIGITS <= len(digits) <= _MAX_DIGITS:
                yield int(digits)


def _glued_readings(plain: str) -> Iterator[int]:
    """In ``OCOPDH000120881…`` the digits of the code run into the next number: each
    length from five digits on is a candidate."""
    for match in _GLUED.finditer(plain):
        digits = match.group(1)
        for length in range(_MIN_DIGITS, min(len(digits), _MAX_DIGITS) + 1):
            yield int(digits[:length])
