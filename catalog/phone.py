"""Vietnamese phone numbers: what customers type, normalised to E.164."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

import phonenumbers
from phonenumbers import (
    Leniency,
    NumberParseException,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberMatcher,
    PhoneNumberType,
)

from catalog.errors import ShopError

VIETNAM = "VN"
VIETNAM_COUNTRY_CODE = 84
MAX_INPUT_LENGTH = 30
MAX_PASTED_LENGTH = 300  # a message with a number somewhere in it: "Zalo: 0912.345.678"
_DIALABLE: frozenset[int] = frozenset(
    {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
)

# Only what people put between digits. Anything else is refused before phonenumbers sees it,
# because phonenumbers reads letters as keypad digits ("0912ABCDEF" → 0912 222 333) and
# accepts extensions ("ext 12") that a courier cannot dial.
_PHONE_CHARACTERS = re.compile(r"\(?\+?[\d\s.\-()/]+", re.ASCII)
_DIGIT = re.compile(r"\d", re.ASCII)


class PhoneProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_A_NUMBER = "not_a_number"
    FOREIGN = "foreign"
    INVALID = "invalid"


class InvalidPhone(ShopError):
    def __init__(self, text: str, reason: PhoneProblem) -> None:
        super().__init__(text, reason)
        self.text = text
        self.reason = reason


def normalize_phone(text: str) -> str:
    """A Vietnamese mobile or landline number in any common form → ``+84912345678``."""
    return phonenumbers.format_number(_parse(text), PhoneNumberFormat.E164)


def find_phone(text: str) -> str:
    """The one number in what a person typed or pasted ("Zalo: 0912.345.678") → E.164.

    A number on its own is read as :func:`normalize_phone` reads it; otherwise the first
    valid Vietnamese number inside the text is taken, without an extension.
    """
    return split_phone(text)[0]


def split_phone(text: str) -> tuple[str, str]:
    """:func:`find_phone`, and what was typed around the number ("Phạm Thu Hà, sđt
    0912 345 678" → ``("+84912345678", "Phạm Thu Hà")``): the recipient's name, without the
    number's label."""
    try:
        return normalize_phone(text), ""
    except InvalidPhone as err:
        if err.reason not in (PhoneProblem.NOT_A_NUMBER, PhoneProblem.TOO_LONG):
            raise
        if len(text) > MAX_PASTED_LENGTH:
            raise
        candidate = unicodedata.normalize("NFKC", text)
        for match in PhoneNumberMatcher(candidate, VIETNAM, leniency=Leniency.VALID):
            number = match.number
            if not number.extension and _is_dialable(number):
                around = f"{candidate[: match.start]} {candidate[match.end :]}"
                return phonenumbers.format_number(number, PhoneNumberFormat.E164), _tidy(around)
        found = _number_after_other_digits(candidate)
        if found is None:
            raise
        return found


def _number_after_other_digits(text: str) -> tuple[str, str] | None:
    """ "Khách 7 0912 345 678": a short group of digits (a name's, a house's) before the
    number makes the matcher read one longer, invalid number; the number is what follows."""
    for run in _SHORT_GROUP_THEN_DIGITS.finditer(text):
        try:
            e164 = normalize_phone(run.group("number"))
        except InvalidPhone:
            continue
        return e164, _tidy(f"{text[: run.start('number')]} {text[run.end() :]}")
    return None


# What people write next to a name and a number: "Tên:", "Người nhận", "SĐT:", "ĐT", "Zalo"…
_LABEL = re.compile(
    r"(?<!\w)(?:s[đd]t|[đd]t|[đd]i[eệ]n tho[aạ]i|tel|phone|zalo|h[oọ](?: v[aà])? t[eê]n|t[eê]n"
    r"|ng[uư][oờ]i nh[aậ]n|name|recipient)(?!\w)",
    re.IGNORECASE,
)
# Beside the name: a remark in brackets ("(gọi trước 30 phút)"), another number, "hoặc".
_REMARK = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_OTHER_NUMBER = re.compile(r"\+?\d[\d\s.\-()]{6,}\d", re.ASCII)
_OR = re.compile(r"(?<!\w)(?:ho[aặ]c|or)(?!\w)", re.IGNORECASE)
_SEPARATORS = " \t\n,;:.-–—/|()"
_SHORT_GROUP_THEN_DIGITS = re.compile(
    r"(?<![\d+])\d{1,3}\s+(?P<number>\d[\d\s.\-()]*\d)(?!\d)", re.ASCII
)


def _tidy(text: str) -> str:
    """The words around a number, as a name: without labels, remarks and other numbers."""
    for pattern in (_OTHER_NUMBER, _REMARK, _LABEL, _OR):
        text = pattern.sub(" ", text)
    return " ".join(text.split()).strip(_SEPARATORS)


def is_dialable(e164: str) -> bool:
    """Whether a stored number is still one :func:`normalize_phone` accepts."""
    try:
        normalize_phone(e164)
    except InvalidPhone:
        return False
    return True


def format_phone_display(e164: str) -> str:
    """``+84912345678`` → ``0912 345 678``; ``+842438261234`` → ``024 3826 1234``.

    A stored number is shown even if it is no longer valid (orders placed before the
    allocation check, or before the metadata moved): what was saved must stay readable.
    """
    try:
        number = phonenumbers.parse(e164, VIETNAM)
    except NumberParseException as err:
        raise InvalidPhone(e164, PhoneProblem.INVALID) from err
    if number.country_code != VIETNAM_COUNTRY_CODE:
        raise InvalidPhone(e164, PhoneProblem.FOREIGN)
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def _parse(text: str) -> PhoneNumber:
    stripped = text.strip()
    if not stripped:
        raise InvalidPhone(text, PhoneProblem.EMPTY)
    if len(stripped) > MAX_INPUT_LENGTH:
        raise InvalidPhone(text, PhoneProblem.TOO_LONG)
    # NFKC turns full-width digits from some keyboards and no-break spaces into plain ones.
    candidate = unicodedata.normalize("NFKC", stripped)
    if not _PHONE_CHARACTERS.fullmatch(candidate) or not _DIGIT.search(candidate):
        raise InvalidPhone(text, PhoneProblem.NOT_A_NUMBER)
    try:
        number = phonenumbers.parse(candidate, VIETNAM)
    except NumberParseException as err:
        if err.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            raise InvalidPhone(text, PhoneProblem.FOREIGN) from err
        raise InvalidPhone(text, PhoneProblem.INVALID) from err
    if number.country_code != VIETNAM_COUNTRY_CODE:
        raise InvalidPhone(text, PhoneProblem.FOREIGN)
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhone(text, PhoneProblem.INVALID)
    # "Valid" means allocated to a network in phonenumbers' metadata (kept current by the
    # dependency): 050, 053, 071… and 24 unused landline area codes are merely "possible".
    if not _is_dialable(number):
        raise InvalidPhone(text, PhoneProblem.INVALID)
    return number


def _is_dialable(number: PhoneNumber) -> bool:
    """A mobile or landline number some network has: what a courier can call."""
    return (
        phonenumbers.is_valid_number_for_region(number, VIETNAM)
        and phonenumbers.number_type(number) in _DIALABLE
    )
