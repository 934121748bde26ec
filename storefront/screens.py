"""A screen as data: what a customer is shown, written once for every channel.

The conversation builds screens; each channel's adapter draws them the best way its platform
allows (Telegram: HTML, inline and reply keyboards, edits in place; Messenger: templates,
carousels and quick replies, a new message each time) and respects its limits.

Text is marked with the few tags every channel can show or drop — ``<b>``, ``<i>``,
``<code>`` — and anything a person typed or a catalog name is escaped (``format.esc``), so a
channel without marks strips the tags and unescapes the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from storefront.actions import Action


@dataclass(frozen=True, slots=True)
class Choice:
    """A button. Pressing it is ``action``; or it opens ``url``; or it offers to pass
    ``share`` on into another chat (Telegram's inline mode: channels without it leave the
    button out)."""

    label: str
    action: Action | None = None
    url: str | None = None
    share: str | None = None


Row = tuple[Choice, ...]


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of a list: a button labelled ``label`` that presses ``action`` — and for a
    channel that shows lists as cards (a carousel), its ``title``, ``subtitle`` and picture.
    ``choices`` are the entry's own buttons (the cart's stepper), shown beside it."""

    label: str
    action: Action
    title: str
    subtitle: str = ""
    picture: str | None = None
    choices: Row = ()


class KeyKind(StrEnum):
    text = "text"  # sends its label as if typed
    phone = "phone"  # shares the person's phone number
    location = "location"  # shares where the person is (where the channel can)


@dataclass(frozen=True, slots=True)
class Key:
    """A ready answer offered under the typing field."""

    label: str
    kind: KeyKind = KeyKind.text


@dataclass(frozen=True, slots=True)
class Keyboard:
    """Answers offered under the typing field (Telegram's reply keyboard, Messenger's quick
    replies). ``menu`` is the main menu; an empty keyboard takes the previous one away."""

    rows: tuple[tuple[Key, ...], ...] = ()
    menu: bool = False


# No keyboard under the typing field any more.
NO_KEYBOARD = Keyboard()


@dataclass(frozen=True, slots=True)
class Picture:
    """A file under the media folder (``path``) or an image made for this message (``data``,
    a PNG such as a VietQR code, named ``name``)."""

    path: str | None = None
    data: bytes | None = None
    name: str = "image.png"


@dataclass(frozen=True, slots=True)
class Screen:
    text: str
    # Rows of buttons, after the list's ``items``.
    choices: tuple[Row, ...] = ()
    items: tuple[Item, ...] = ()
    picture: Picture | None = None
    # What is offered under the typing field; None leaves what is there.
    keyboard: Keyboard | None = None
    # The caption and buttons changed but not the picture (a product card's stepper).
    same_picture: bool = field(default=False, compare=False)


def rows(*rows: Row | list[Choice]) -> tuple[Row, ...]:
    """Rows of choices, the empty ones left out (a page row at either end may be empty)."""
    return tuple(tuple(row) for row in rows if row)


def columns(choices: list[Choice], width: int) -> tuple[Row, ...]:
    """Choices laid out ``width`` to a row."""
    return tuple(tuple(choices[i : i + width]) for i in range(0, len(choices), width))
