"""What a Zalo user typed, as a command: English or Vietnamese, with or without accents.

Zalo has no buttons, so staff act with text: ``/accept DH00012`` or ``nhan DH00012``,
``giao DH00012``, ``xong DH00012``, ``huy DH00012 het hang``, ``don`` for the open orders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from catalog import rules
from catalog.services.fulfilment import LINK_CODE_ALPHABET, LINK_CODE_LENGTH
from catalog.text import fold


class Verb(StrEnum):
    accept = "accept"
    ship = "ship"
    deliver = "deliver"
    cancel = "cancel"
    orders = "orders"
    link = "link"
    unlink = "unlink"
    language = "language"
    help = "help"


# Folded words (no accents, lower case) for each verb; the longest match wins, so that
# "huy lien ket" (unlink) is not taken for "huy" (cancel).
WORDS: dict[Verb, tuple[str, ...]] = {
    Verb.accept: ("accept", "nhan", "nhan don", "xac nhan"),
    Verb.ship: ("ship", "shipped", "gui", "gui hang", "giao", "giao hang", "dang giao"),
    Verb.deliver: ("deliver", "delivered", "da giao", "xong", "hoan thanh"),
    Verb.cancel: ("cancel", "huy", "huy don"),
    Verb.orders: ("orders", "don", "ds", "danh sach", "don hang"),
    Verb.link: ("link", "lien ket", "ma"),
    Verb.unlink: ("unlink", "huy lien ket", "ngung"),
    Verb.language: ("language", "ngon ngu", "lang"),
    Verb.help: ("help", "start", "giup", "tro giup", "huong dan", "menu"),
}
ORDER_VERBS = frozenset({Verb.accept, Verb.ship, Verb.deliver, Verb.cancel})
_PHRASES = sorted(
    ((words.split(), verb) for verb, all_words in WORDS.items() for words in all_words),
    key=lambda item: -len(item[0]),
)
_CODE = re.compile(f"[{LINK_CODE_ALPHABET}]{{{LINK_CODE_LENGTH}}}")


@dataclass(frozen=True, slots=True)
class Command:
    verb: Verb
    order_id: int | None = None
    # What followed the verb (and the order number), as typed: a cancel reason, a code.
    rest: str = ""


def parse(text: str) -> Command | None:
    """The command in ``text``, or None when it is not one (the caller shows the help)."""
    original = text.strip().lstrip("/").split()
    words = fold(text.strip().lstrip("/")).split()
    if not words:
        return None
    if len(words) == 1 and _CODE.fullmatch(original[0].upper()):
        return Command(Verb.link, rest=original[0].upper())  # the code alone
    # A hyphen folds to a space ("xác-nhận"): when the counts differ, keep the folded words.
    typed = original if len(original) == len(words) else words
    for phrase, verb in _PHRASES:
        if words[: len(phrase)] != phrase:
            continue
        rest_words, rest_typed = words[len(phrase) :], typed[len(phrase) :]
        if verb not in ORDER_VERBS:
            return Command(verb, rest=" ".join(rest_typed))
        order_id = rules.parse_order_number(rest_words[0]) if rest_words else None
        if order_id is None:
            return Command(verb)  # no order number: the caller shows how to write one
        return Command(verb, order_id, " ".join(rest_typed[1:]))
    return None
