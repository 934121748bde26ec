"""Vietnamese alphabetical order for names: A Ă Â B C D Đ E Ê G ... Ư V X Y.

Comparison follows the dictionary: syllable by syllable, each syllable first by its letters
and then by its tone, so every "anh ..." comes before "ánh". Tones order as
no mark < huyền (à) < hỏi (ả) < ngã (ã) < sắc (á) < nặng (ạ), the order of the Vietnamese
dictionaries (Hoàng Phê). Remaining ties go to case (lower first), then to the text itself,
so the order is total: two keys are equal only for canonically equal texts.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Final

# F, J, W and Z are not Vietnamese letters; they take their Latin places.
_ALPHABET: Final = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK: Final = {letter: rank for rank, letter in enumerate(_ALPHABET)}
_OTHER_SCRIPTS: Final = len(_ALPHABET)
_TONES: Final = {
    "\u0300": 1,  # huyền, grave
    "\u0309": 2,  # hỏi, hook above
    "\u0303": 3,  # ngã, tilde
    "\u0301": 4,  # sắc, acute
    "\u0323": 5,  # nặng, dot below
}

_LETTER, _DIGIT, _MARK, _SEPARATOR = range(4)

# One element of a syllable: (0, length, digits) for a number, so that 9 < 10,
# or (1, rank, "") for a letter.
Element = tuple[int, int, str]
Syllable = tuple[tuple[Element, ...], tuple[int, ...]]
SortKey = tuple[tuple[Syllable, ...], tuple[bool, ...], str]


def vi_sort_key(text: str) -> SortKey:
    """``sorted(names, key=vi_sort_key)`` puts names in Vietnamese dictionary order."""
    text = unicodedata.normalize("NFC", text)
    syllables: list[Syllable] = []
    cases: list[bool] = []
    # Names reuse a few thousand syllables, so the work is cached per space-separated word.
    for word in text.split():
        word_syllables, word_cases = _word_key(word)
        syllables.extend(word_syllables)
        cases.extend(word_cases)
    return tuple(syllables), tuple(cases), text


@lru_cache(maxsize=16384)
def _word_key(word: str) -> tuple[tuple[Syllable, ...], tuple[bool, ...]]:
    syllables: list[Syllable] = []
    cases: list[bool] = []
    elements: list[Element] = []
    tones: list[int] = []
    digits: list[str] = []

    def end_number() -> None:
        number = "".join(digits).lstrip("0") or "0"
        elements.append((0, len(number), number))
        digits.clear()

    def end_syllable() -> None:
        if digits:
            end_number()
        if elements:
            syllables.append((tuple(elements), tuple(tones)))
            elements.clear()
            tones.clear()

    for char in word:
        kind, rank, tone, upper = _classify(char)
        if kind == _DIGIT:
            digits.append(str(rank))
            continue
        if digits and kind != _MARK:
            end_number()
        if kind == _LETTER:
            elements.append((1, rank, ""))
            cases.append(upper)
            if tone:
                tones.append(tone)
        elif kind == _MARK:
            # A tone typed as a separate combining mark that NFC could not attach.
            if tone and elements:
                tones.append(tone)
        else:
            end_syllable()
    end_syllable()
    return tuple(syllables), tuple(cases)


@lru_cache(maxsize=4096)
def _classify(char: str) -> tuple[int, int, int, bool]:
    """(kind, rank or digit value, tone, upper case) of one NFC character."""
    if char.isdecimal():
        return _DIGIT, unicodedata.decimal(char), 0, False
    if unicodedata.combining(char):
        return _MARK, 0, _TONES.get(char, 0), False
    if not char.isalpha():
        return _SEPARATOR, 0, 0, False
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    tone = next((_TONES[mark] for mark in marks if mark in _TONES), 0)
    others = "".join(mark for mark in marks if mark not in _TONES)
    lower = base.lower()
    letter = unicodedata.normalize("NFC", lower + others)
    # A Latin letter with a non-Vietnamese mark (ç, ñ) sorts with its base letter.
    rank = _RANK.get(letter, _RANK.get(lower, _OTHER_SCRIPTS + ord(lower[0])))
    return _LETTER, rank, tone, base.isupper()
