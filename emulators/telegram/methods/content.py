"""What a sent or edited message may contain, checked as Telegram checks it: text and
caption (HTML parse mode, lengths), reply markup, and the message it replies to."""

from __future__ import annotations

from typing import Any

from emulators.telegram.html import Entity, HtmlParseError, ParsedText, parse_html, plain
from emulators.telegram.models import Chat, bad_request
from emulators.telegram.params import Params

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
# An inline keyboard holds at most 100 buttons; more is refused as "reply markup is too long"
# (not in the Bot API's pages, but what Telegram answers: tginfo/Telegram-Limits#228).
MAX_INLINE_BUTTONS = 100
INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip

Text = tuple[ParsedText, str | None]  # the text with its entities, and the HTML it came from


def parse(text: str, mode: str | None) -> ParsedText:
    """Text in a parse mode (HTML or none) as Telegram reads it; 400 on bad markup."""
    if (mode or "").lower() == "html":
        try:
            return parse_html(text)
        except HtmlParseError as err:
            raise bad_request(f"can't parse entities: {err}") from None
    return plain(text)


def _parse_text(params: Params, name: str, entities_name: str) -> Text:
    raw = params.string(name) or ""
    explicit = params.json(entities_name)
    if explicit:
        return ParsedText(raw, tuple(Entity.from_api(e) for e in explicit)), None
    mode = params.string("parse_mode")
    return parse(raw, mode), raw if (mode or "").lower() == "html" else None


def message_text(params: Params) -> Text:
    if not params.string("text"):
        raise bad_request("message text is empty")
    parsed, html = _parse_text(params, "text", "entities")
    if not parsed.text:
        raise bad_request("message text is empty")
    if len(parsed.text) > MAX_TEXT:
        raise bad_request("message is too long")
    return parsed, html


def caption(params: Params) -> Text:
    parsed, html = _parse_text(params, "caption", "caption_entities")
    if len(parsed.text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return parsed, html


def _check_inline_button(button: dict[str, Any]) -> None:
    if not button.get("text") or not any(key in button for key in INLINE_ACTIONS):
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        size = len(str(button["callback_data"]).encode("utf-8"))
        if not 1 <= size <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")


def reply_markup(params: Params, chat: Chat) -> dict[str, Any] | None:
    markup = params.json("reply_markup", "can't parse reply keyboard markup JSON object")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        if sum(len(row) for row in markup["inline_keyboard"]) > MAX_INLINE_BUTTONS:
            raise bad_request("reply markup is too long")
        for row in markup["inline_keyboard"]:
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in markup and not chat.is_private:
        for row in markup["keyboard"]:
            for button in row:
                if isinstance(button, dict) and button.get("request_contact"):
                    raise bad_request("phone number can be requested in private chats only")
                if isinstance(button, dict) and button.get("request_location"):
                    raise bad_request("location can be requested in private chats only")
    return markup


def reply_to(params: Params, chat: Chat) -> int | None:
    reply = params.json("reply_parameters")
    message_id = reply.get("message_id") if isinstance(reply, dict) else None
    allow = bool(reply.get("allow_sending_without_reply")) if isinstance(reply, dict) else False
    if message_id is None:
        message_id = params.integer("reply_to_message_id")
        allow = params.flag("allow_sending_without_reply")
    if message_id is None:
        return None
    original = chat.messages.get(int(message_id))
    if original is None or original.deleted:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return int(message_id)
