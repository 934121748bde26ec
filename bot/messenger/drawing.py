"""The storefront's screens drawn as Messenger messages, within Messenger's limits (pure
functions: a screen in, the Send API's ``message`` objects out).

- Marked text becomes plain: the tags go, the entities are unescaped; a message holds at most
  2,000 characters, so a long text is cut between lines.
- A list's entries become generic-template carousels: a card each (title and subtitle ≤ 80,
  the product's picture, ≤ 3 buttons), ten cards to a carousel.
- Other choices, whichever fits: a button template (≤ 3 buttons, titles ≤ 20, text ≤ 640);
  quick replies under the text (≤ 13, titles ≤ 20); or a carousel with a card per row of
  choices, whose title shows the full labels that a 20-character button cuts short.
- Ready answers (and the main menu) become quick replies: a text one carries its full text in
  its payload (``@`` and the text), as its title may be cut; the phone key is Messenger's
  ``user_phone_number`` quick reply; a location key has no Messenger equivalent and goes.

Lengths are counted in UTF-16 code units, as Meta's clients count them: an emoji is two.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from storefront.actions import OpenMenu
from storefront.menu import LAYOUT, MENU
from storefront.screens import Choice, Item, Keyboard, KeyKind, Row, Screen

MAX_TEXT = 2000
MAX_BUTTON_TEXT = 640
MAX_TITLE = 20
MAX_ELEMENT_TEXT = 80
MAX_ELEMENTS = 10
MAX_BUTTONS = 3
MAX_QUICK_REPLIES = 13
MAX_PAYLOAD = 1000
# A quick reply's payload for a ready answer: this mark, then the answer's full text.
TEXT_PAYLOAD = "@"

Message = dict[str, Any]
PictureUrl = Callable[[str], str | None]

_TAG = re.compile(r"</?(?:b|i|u|s|code|pre)>|<a\s[^>]*>|</a>")


def size(text: str) -> int:
    """Characters as Messenger counts them (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` (UTF-16 units), ending with "…" when shortened."""
    if size(text) <= limit:
        return text
    kept = ""
    for char in text:
        if size(kept + char) > limit - 1:
            break
        kept += char
    return kept.rstrip() + "…"


def plain(marked: str) -> str:
    """A screen's marked text as Messenger shows it: without tags, entities unescaped."""
    return html.unescape(_TAG.sub("", marked))


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` in parts of at most ``limit``, cut between lines (a longer line is cut at a
    space, or anywhere)."""
    parts: list[str] = []
    current = ""
    for whole in text.split("\n"):
        line = whole
        while size(line) > limit:
            head = cut(line, limit + 1)[:-1]  # as much as fits, without the "…"
            space = head.rfind(" ")
            head = head[:space] if space > limit // 2 else head
            if current:
                parts.append(current)
                current = ""
            parts.append(head)
            line = line[len(head) :].lstrip(" ")
        joined = f"{current}\n{line}" if current else line
        if current and size(joined) > limit:
            parts.append(current)
            current = line
        else:
            current = joined
    if current.strip():
        parts.append(current)
    return [part for part in parts if part.strip()] or ["…"]


# -- pieces -----------------------------------------------------------------------------------


def button(choice: Choice) -> dict[str, Any] | None:
    """A postback (or link) button; None for what Messenger cannot do (sharing into a chat)."""
    title = cut(choice.label, MAX_TITLE)
    if choice.url is not None:
        return {"type": "web_url", "title": title, "url": choice.url}
    if choice.action is None:
        return None
    return {"type": "postback", "title": title, "payload": choice.action.pack()}


def action_reply(choice: Choice) -> dict[str, Any]:
    assert choice.action is not None
    return {
        "content_type": "text",
        "title": cut(choice.label, MAX_TITLE),
        "payload": choice.action.pack(),
    }


def text_reply(label: str) -> dict[str, Any]:
    return {
        "content_type": "text",
        "title": cut(label, MAX_TITLE),
        "payload": TEXT_PAYLOAD + label[: MAX_PAYLOAD - 1],
    }


def menu_replies() -> list[dict[str, Any]]:
    """The main menu, in the language being written."""
    return [
        {
            "content_type": "text",
            "title": cut(MENU[item].text(), MAX_TITLE),
            "payload": OpenMenu(item=item).pack(),
        }
        for row in LAYOUT
        for item in row
    ]


def keyboard_replies(keyboard: Keyboard) -> list[dict[str, Any]]:
    """Ready answers as quick replies (an empty list for an empty keyboard)."""
    if keyboard.menu:
        return menu_replies()
    replies: list[dict[str, Any]] = []
    for row in keyboard.rows:
        for key in row:
            if key.kind == KeyKind.phone:
                replies.append({"content_type": "user_phone_number"})
            elif key.kind == KeyKind.text:
                replies.append(text_reply(key.label))
    return replies[:MAX_QUICK_REPLIES]


def _fits_title(choices: Sequence[Choice]) -> bool:
    return all(size(choice.label) <= MAX_TITLE for choice in choices)


def _actionable(choices: Iterable[Choice]) -> list[Choice]:
    return [choice for choice in choices if choice.action is not None or choice.url is not None]


def fits_quick_replies(choices: Sequence[Choice]) -> bool:
    return (
        0 < len(choices) <= MAX_QUICK_REPLIES
        and _fits_title(choices)
        and all(choice.action is not None for choice in choices)
    )


def carousels(elements: Sequence[dict[str, Any]]) -> list[Message]:
    """Generic templates of ten cards at most."""
    return [
        {
            "attachment": {
                "type": "template",
                "payload": {
                    "template_type": "generic",
                    "elements": list(elements[start : start + MAX_ELEMENTS]),
                },
            }
        }
        for start in range(0, len(elements), MAX_ELEMENTS)
    ]


def item_element(item: Item, view_label: str, picture_url: PictureUrl) -> dict[str, Any]:
    """A list entry as a card: its own buttons (the cart's stepper), or one that opens it."""
    buttons = [b for b in map(button, item.choices) if b is not None][:MAX_BUTTONS]
    if not buttons:
        buttons = [{"type": "postback", "title": cut(view_label, MAX_TITLE),
                    "payload": item.action.pack()}]  # fmt: skip
    element: dict[str, Any] = {"title": cut(item.title or item.label, MAX_ELEMENT_TEXT)}
    if item.subtitle:
        element["subtitle"] = cut(item.subtitle, MAX_ELEMENT_TEXT)
    url = picture_url(item.picture) if item.picture else None
    if url:
        element["image_url"] = url
    element["buttons"] = buttons
    return element


def row_elements(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """A card per row of choices; its title keeps the labels its buttons may cut short."""
    elements = []
    for row in rows:
        choices = _actionable(row)
        for start in range(0, len(choices), MAX_BUTTONS):
            group = choices[start : start + MAX_BUTTONS]
            buttons = [b for b in map(button, group) if b is not None]
            title = " · ".join(choice.label for choice in group)
            elements.append({"title": cut(title, MAX_ELEMENT_TEXT), "buttons": buttons})
    return elements


def with_replies(message: Message, replies: list[dict[str, Any]]) -> Message:
    return {**message, "quick_replies": replies} if replies else message


# -- a screen ---------------------------------------------------------------------------------


def text_messages(text: str) -> list[Message]:
    return [{"text": part} for part in split_text(text)]


def choice_messages(text: str | None, rows: Sequence[Row]) -> list[Message]:
    """``text`` (when given) and the choices, the best way they fit."""
    choices = _actionable(choice for row in rows for choice in row)
    messages = text_messages(text) if text else []
    if not choices:
        return messages
    if len(choices) <= MAX_BUTTONS and _fits_title(choices):
        head = messages[:-1] if text else []
        last = messages[-1]["text"] if text else "⋯"
        if size(last) > MAX_BUTTON_TEXT:
            parts = split_text(last, MAX_BUTTON_TEXT)
            head += [{"text": part} for part in parts[:-1]]
            last = parts[-1]
        template = {
            "template_type": "button",
            "text": last,
            "buttons": [b for b in map(button, choices) if b is not None],
        }
        return [*head, {"attachment": {"type": "template", "payload": template}}]
    if fits_quick_replies(choices) and messages:
        return [*messages[:-1], with_replies(messages[-1], [action_reply(c) for c in choices])]
    return [*messages, *carousels(row_elements(rows))]


def draw(screen: Screen, *, view_label: str, picture_url: PictureUrl) -> list[Message]:
    """The screen's text, list and choices as messages (its picture is sent before them)."""
    text = plain(screen.text)
    rows = [row for row in screen.choices if _actionable(row)]
    if not screen.items:
        messages = choice_messages(text, rows)
    else:
        cards = [item_element(item, view_label, picture_url) for item in screen.items]
        messages = [*text_messages(text), *carousels(cards)]
        choices = _actionable(choice for row in rows for choice in row)
        if fits_quick_replies(choices):
            messages[-1] = with_replies(messages[-1], [action_reply(c) for c in choices])
        else:
            messages += choice_messages(None, rows)
    if not rows and not screen.items and screen.keyboard is not None:
        messages[-1] = with_replies(messages[-1], keyboard_replies(screen.keyboard))
    return messages
