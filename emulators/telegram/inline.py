"""Inline mode in the emulator: people's inline queries, the bot's answers checked as Telegram
checks them, and a chosen result posted "via @bot" into the chat it was chosen in."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from emulators.telegram.html import ParsedText
from emulators.telegram.messages import StoredFile
from emulators.telegram.methods.content import MAX_CAPTION, MAX_TEXT, parse
from emulators.telegram.models import QUERY_TOO_OLD, START_PARAMETER, Chat, User, bad_request

if TYPE_CHECKING:
    from emulators.telegram.params import Params
    from emulators.telegram.server import Emulator

MAX_RESULTS = 50
MAX_ID_BYTES = 64
MAX_OFFSET_BYTES = 64
RESULT_TYPES = frozenset(
    {
        "article", "photo", "gif", "mpeg4_gif", "video", "audio", "voice", "document",
        "location", "venue", "contact", "game", "sticker",
    }
)  # fmt: skip


@dataclass(frozen=True)
class InlineAnswer:
    """The bot's answer to an inline query: what the person sees above the keyboard."""

    results: tuple[dict[str, Any], ...]
    next_offset: str
    button: dict[str, Any] | None
    cache_time: int
    is_personal: bool

    @property
    def titles(self) -> list[str]:
        return [str(result.get("title", "")) for result in self.results]

    def result(self, title: str) -> dict[str, Any]:
        for result in self.results:
            if result.get("title") == title:
                return result
        raise AssertionError(f"no inline result titled {title!r}; shown: {self.titles}")


@dataclass
class InlineQueryRecord:
    id: str
    user: User
    query: str
    offset: str
    chat_id: int
    answer: InlineAnswer | None = None
    chosen: list[str] = field(default_factory=list)


def _chat_type(chat: Chat, user: User) -> str:
    if chat.is_private:
        return "sender" if chat.id == user.id else "private"
    return chat.type


def _check_url(url: object) -> None:
    parts = urlsplit(str(url))
    if parts.scheme not in ("http", "https", "tg") or not (parts.netloc or parts.path):
        raise bad_request("BUTTON_URL_INVALID")


def _check_markup(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        raise bad_request("REPLY_MARKUP_INVALID")
    for row in markup["inline_keyboard"]:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("BUTTON_TYPE_INVALID")
            if "url" in button:
                _check_url(button["url"])
            elif "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
            elif not any(key.startswith("switch_inline_query") for key in button):
                raise bad_request("BUTTON_TYPE_INVALID")


def _parse(text: str, mode: str | None, limit: int, too_long: str) -> ParsedText:
    parsed = parse(text, mode)
    if len(parsed.text) > limit:
        raise bad_request(too_long)
    return parsed


class InlineMode:
    """The inline-mode half of the emulator: queries people type and the bot's answers."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.queries: dict[str, InlineQueryRecord] = {}

    def reset(self) -> None:
        self.queries.clear()

    def post_query(
        self, chat: Chat, user: User, query: str, offset: str = ""
    ) -> InlineQueryRecord:
        """A person types ``@bot query`` in ``chat`` (or scrolls to ``offset``)."""
        if not self.emulator.bot.inline_mode:
            raise AssertionError("the bot's inline mode is off: Telegram offers no inline query")
        record = InlineQueryRecord(
            id=str(secrets.randbits(62)), user=user, query=query[:256], offset=offset,
            chat_id=chat.id,
        )  # fmt: skip
        self.queries[record.id] = record
        self.emulator.log_event(
            chat, "inline_query", user=user, text=record.query, data={"offset": offset}
        )
        self.emulator.queue_update(
            {
                "inline_query": {
                    "id": record.id,
                    "from": user.to_api(),
                    "query": record.query,
                    "offset": offset,
                    "chat_type": _chat_type(chat, user),
                }
            }
        )
        return record

    def answer(self, params: Params) -> Any:
        """``answerInlineQuery``, refused where Telegram refuses it."""
        query_id = params.string("inline_query_id")
        record = self.queries.get(query_id or "")
        if record is None or record.answer is not None:
            raise bad_request(QUERY_TOO_OLD)
        results = params.json("results", "can't parse inline query results JSON object")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > MAX_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            self._check_result(result, seen)
        next_offset = params.string("next_offset") or ""
        if len(next_offset.encode("utf-8")) > MAX_OFFSET_BYTES:
            raise bad_request("NEXT_OFFSET_INVALID")
        button = params.json("button")
        if button is not None:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("SWITCH_PM_TEXT_EMPTY")
            start = button.get("start_parameter")
            if "web_app" not in button and not start:
                raise bad_request("START_PARAM_EMPTY")
            if start is not None and not START_PARAMETER.fullmatch(str(start)):
                raise bad_request("START_PARAM_INVALID")
        cache_time = params.integer("cache_time")
        record.answer = InlineAnswer(
            results=tuple(results),
            next_offset=next_offset,
            button=button,
            cache_time=300 if cache_time is None else cache_time,
            is_personal=params.flag("is_personal"),
        )
        chat = self.emulator.chats.get(record.chat_id)
        self.emulator.log_event(
            chat, "inline_answer", user=record.user, text=record.query,
            data={"results": len(results), "next_offset": next_offset},
        )  # fmt: skip
        return True

    def _check_result(self, result: Any, seen: set[str]) -> None:
        if not isinstance(result, dict) or result.get("type") not in RESULT_TYPES:
            raise bad_request("RESULT_TYPE_INVALID")
        result_id = str(result.get("id", ""))
        if not 1 <= len(result_id.encode("utf-8")) <= MAX_ID_BYTES:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        _check_markup(result.get("reply_markup"))
        kind = result["type"]
        if kind == "article" and not result.get("title"):
            raise bad_request("ARTICLE_TITLE_EMPTY")
        if kind == "photo" and not result.get("photo_file_id"):
            if not result.get("photo_url"):
                raise bad_request("PHOTO_CONTENT_URL_EMPTY")
            if not result.get("thumbnail_url"):
                raise bad_request("PHOTO_THUMB_URL_EMPTY")
        if kind == "photo" and result.get("photo_file_id"):
            self._photo(str(result["photo_file_id"]))
        if kind == "photo" and result.get("caption"):
            _parse(
                str(result["caption"]), result.get("parse_mode"), MAX_CAPTION,
                "MEDIA_CAPTION_TOO_LONG",
            )  # fmt: skip
        content = result.get("input_message_content")
        if kind == "article" and not isinstance(content, dict):
            raise bad_request("SEND_MESSAGE_TYPE_INVALID")
        if isinstance(content, dict) and "message_text" in content:
            if not str(content["message_text"]).strip():
                raise bad_request("MESSAGE_EMPTY")
            _parse(
                str(content["message_text"]), content.get("parse_mode"), MAX_TEXT,
                "MESSAGE_TOO_LONG",
            )  # fmt: skip

    def _photo(self, file_id: str) -> tuple[StoredFile, ...]:
        sizes = self.emulator.photo_sets.get(file_id)
        if sizes is None:
            raise bad_request("PHOTO_INVALID")
        return sizes

    def choose(self, record: InlineQueryRecord, result: dict[str, Any], chat: Chat) -> Any:
        """The person taps a result: its message is sent, by them, "via @bot", into ``chat``."""
        if record.answer is None or result not in record.answer.results:
            raise AssertionError("that result was not offered")
        record.chosen.append(str(result["id"]))
        kwargs: dict[str, Any] = {"reply_markup": result.get("reply_markup")}
        if result["type"] == "photo" and result.get("photo_file_id"):
            sizes = self._photo(str(result["photo_file_id"]))
            caption = _parse(
                str(result.get("caption") or ""), result.get("parse_mode"), MAX_CAPTION, ""
            )
            kwargs.update(
                photo_sizes=sizes, photo=sizes[-1].data, text=caption.text,
                entities=caption.entities, has_caption_slot=True,
            )  # fmt: skip
        else:
            content = result.get("input_message_content") or {}
            if "message_text" not in content:
                raise AssertionError(f"the emulator cannot send this kind of result: {result}")
            parsed = _parse(str(content["message_text"]), content.get("parse_mode"), MAX_TEXT, "")
            kwargs.update(text=parsed.text, entities=parsed.entities)
        return self.emulator.post_via_bot(chat, record.user, **kwargs)
