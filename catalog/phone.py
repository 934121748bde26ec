"""Vietnamese phone numbers: what customers type, normalised to E.164."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat

from catalog.errors import ShopError

VIETNAM = "VN"
VIETNAM_COUNTRY_CODE = 84
MAX_INPUT_LENGTH = 30

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


def format_phone_display(e164: str) -> str:
    """``+84912345678`` → ``0912 345 678``; ``+842438261234`` → ``024 3826 1234``."""
    return phonenumbers.format_number(_parse(e164), PhoneNumberFormat.NATIONAL)


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
    # "Possible" rather than "valid": the metadata lags behind new mobile ranges (089, 052).
    if not phonenumbers.is_possible_number(number) or not _is_mobile_or_landline(number):
        raise InvalidPhone(text, PhoneProblem.INVALID)
    return number


def _is_mobile_or_landline(number: PhoneNumber) -> bool:
    # "Possible" alone lets through 10-digit numbers such as the retired 01xx mobiles and a
    # mobile with a digit too many; a courier needs a mobile (9 digits after the 0, starting
    # 3/5/7/8/9) or a landline (02x area code, 10 digits after the 0).
    digits = str(number.national_number)
    if len(digits) == 9:
        return digits[0] in "35789"
    return len(digits) == 10 and digits[0] == "2"
