"""State the emulator keeps: users, chats, messages, files, the event log."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from emulators.telegram.html import Entity

ChatType = Literal["private", "group", "supergroup"]
BotStatus = Literal["member", "administrator", "left", "kicked"]
EventKind = Literal[
    "user_message",  # a person sent something
    "callback_query",  # a person pressed an inline button
    "member",  # the bot was added to / removed from a chat, or blocked / unblocked
    "bot_message",  # the bot sent a message
    "edited",
    "deleted",
    "callback_answer",
    "chat_action",
    "error",  # an API error answered to the bot for this chat
    "inline_query",  # a person typed "@bot query" in this chat
    "inline_answer",  # the bot answered it
]


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            data["parameters"] = {"retry_after": self.retry_after}
        return data


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    phone: str | None = None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "is_bot": self.is_bot,
            "first_name": self.first_name,
        }
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    kind: Literal["photo", "document"]
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    def photo_size(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": len(self.data),
        }

    def document(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        return data


@dataclass
class ChatMessage:
    """One message in a chat, from the bot or from a person; `version` counts edits."""

    message_id: int
    chat_id: int
    sender: User
    from_bot: bool
    date: int
    text: str = ""
    html: str | None = None
    entities: tuple[Entity, ...] = ()
    has_caption_slot: bool = False  # a media message: `text` is its caption
    photo: bytes | None = None
    photo_sizes: tuple[StoredFile, ...] = ()
    document: StoredFile | None = None
    contact: dict[str, Any] | None = None
    location: dict[str, Any] | None = None
    reply_markup: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    # A person's message made from the bot's inline result ("via @bot").
    via_bot: User | None = None
    version: int = 0
    edit_date: int | None = None
    deleted: bool = False

    @property
    def edited(self) -> bool:
        return self.version > 0

    @property
    def caption(self) -> str | None:
        return self.text if self.has_caption_slot else None

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        if not self.reply_markup or "inline_keyboard" not in self.reply_markup:
            return []
        rows: list[list[dict[str, Any]]] = self.reply_markup["inline_keyboard"]
        return rows

    @property
    def inline_labels(self) -> list[list[str]]:
        return [[str(button["text"]) for button in row] for row in self.inline_keyboard]

    def inline_button(self, label: str) -> dict[str, Any] | None:
        for row in self.inline_keyboard:
            for button in row:
                if button.get("text") == label:
                    return button
        return None

    def snapshot(self) -> ChatMessage:
        return copy.copy(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for a page that renders the chat (files by id, not bytes)."""
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "from_bot": self.from_bot,
            "sender": self.sender.to_api(),
            "date": self.date,
            "text": self.text,
            "html": self.html,
            "entities": [entity.to_api() for entity in self.entities],
            "photo_file_id": self.photo_sizes[-1].file_id if self.photo_sizes else None,
            "document": self.document.document() if self.document else None,
            "contact": self.contact,
            "location": self.location,
            "reply_markup": self.reply_markup,
            "reply_to_message_id": self.reply_to_message_id,
            "via_bot": self.via_bot.to_api() if self.via_bot else None,
            "version": self.version,
            "deleted": self.deleted,
        }

    def to_api(self, chat: dict[str, Any], reply_to: dict[str, Any] | None = None) -> Any:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender.to_api(),
            "chat": chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        entities = [entity.to_api() for entity in self.entities]
        if self.photo_sizes:
            data["photo"] = [size.photo_size() for size in self.photo_sizes]
        if self.document is not None:
            data["document"] = self.document.document()
        if self.has_caption_slot:
            if self.text:
                data["caption"] = self.text
                if entities:
                    data["caption_entities"] = entities
        elif self.text:
            data["text"] = self.text
            if entities:
                data["entities"] = entities
        if self.contact is not None:
            data["contact"] = self.contact
        if self.location is not None:
            data["location"] = self.location
        # Telegram echoes only inline keyboards back in the Message object.
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        if reply_to is not None:
            data["reply_to_message"] = reply_to
        return data


@dataclass(frozen=True)
class CallbackAnswer:
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class CallbackQueryRecord:
    id: str
    user: User
    chat_id: int
    message_id: int
    data: str | None
    answer: CallbackAnswer | None = None
    # time.monotonic() when the press was posted: Telegram takes an answer for ~15 s only.
    posted_at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class Event:
    """One entry in a chat's append-only log; `message` is a snapshot at that moment."""

    seq: int
    time: float
    chat_id: int
    kind: EventKind
    message: ChatMessage | None = None
    user: User | None = None
    method: str | None = None
    error_code: int | None = None
    description: str | None = None
    text: str | None = None
    show_alert: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "chat_id": self.chat_id,
            "kind": self.kind,
            "message": self.message.to_dict() if self.message else None,
            "user": self.user.to_api() if self.user else None,
            "method": self.method,
            "error_code": self.error_code,
            "description": self.description,
            "text": self.text,
            "show_alert": self.show_alert,
            "data": self.data,
            "summary": self.describe(),
        }

    def describe(self) -> str:  # noqa: PLR0911 - one return per kind of event
        """One human-readable line, for transcripts in assertion messages."""
        who = self.user.full_name if self.user else "bot"
        msg = self.message
        if self.kind in ("bot_message", "user_message", "edited") and msg is not None:
            body = msg.text or _media_label(msg)
            labels = msg.inline_labels
            keys = f"  {labels}" if labels else ""
            if msg.reply_markup and "keyboard" in msg.reply_markup:
                keys += f"  reply keyboard {_reply_labels(msg.reply_markup)}"
            tag = {"bot_message": "bot", "user_message": who, "edited": "bot (edited)"}
            return f"#{msg.message_id} {tag[self.kind]}: {body}{keys}"
        if self.kind == "deleted" and msg is not None:
            return f"#{msg.message_id} deleted"
        if self.kind == "callback_query":
            return f"{who} pressed {self.text!r} on #{self.data.get('message_id')}"
        if self.kind == "callback_answer":
            alert = " (alert)" if self.show_alert else ""
            return f"bot answered the button press: {self.text!r}{alert}"
        if self.kind == "error":
            return f"API error to the bot: {self.method} -> {self.error_code} {self.description}"
        if self.kind == "chat_action":
            return f"bot is {self.text}"
        if self.kind == "inline_query":
            return f"{who} typed @bot {self.text!r} (offset {self.data.get('offset')!r})"
        if self.kind == "inline_answer":
            return f"bot answered the inline query {self.text!r}: {self.data}"
        return f"{self.kind}: {who} {self.data}"


def _media_label(message: ChatMessage) -> str:
    if message.photo is not None:
        return "[photo]"
    if message.document is not None:
        return f"[document {message.document.file_name}]"
    if message.contact is not None:
        return f"[contact {message.contact.get('phone_number')}]"
    if message.location is not None:
        return "[location]"
    return ""


def _reply_labels(markup: dict[str, Any]) -> list[list[str]]:
    rows: list[list[Any]] = markup.get("keyboard", [])
    return [[b if isinstance(b, str) else str(b.get("text")) for b in row] for row in rows]


@dataclass
class Chat:
    id: int
    type: ChatType
    title: str | None = None
    user: User | None = None  # the person, for a private chat
    messages: dict[int, ChatMessage] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    next_message_id: int = 1
    # private: the person started the bot / blocked it; groups: the bot's membership
    started: bool = False
    blocked: bool = False
    bot_status: BotStatus = "left"
    bot_known: bool = False  # a group the bot was never in is "chat not found" to it
    members: dict[int, User] = field(default_factory=dict)
    reply_keyboard: dict[str, Any] | None = None
    reply_keyboard_message_id: int | None = None
    flood_429s: int = 0
    chat_action: str | None = None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private" and self.user is not None:
            data["first_name"] = self.user.first_name
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
        else:
            data["title"] = self.title
        return data

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def live_messages(self) -> list[ChatMessage]:
        return [m for m in self.messages.values() if not m.deleted]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for a page that renders the chat: who it is and what it shows now."""
        return {
            "id": self.id,
            "type": self.type,
            "title": self.title,
            "user": self.user.to_api() if self.user else None,
            "bot_status": self.bot_status,
            "reply_keyboard": self.reply_keyboard,
            "chat_action": self.chat_action,
        }

    def transcript(self, last: int = 30) -> str:
        lines = [event.describe() for event in self.events[-last:]]
        title = self.title or (self.user.full_name if self.user else str(self.id))
        return f"--- chat {self.id} ({title}) ---\n" + "\n".join(lines or ["(empty)"])


@dataclass
class BotAccount:
    token: str
    user: User
    privacy_mode: bool = True
    updates: list[dict[str, Any]] = field(default_factory=list)
    next_update_id: int = 1
    allowed_updates: list[str] | None = None
    webhook: dict[str, Any] | None = None
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    short_descriptions: dict[str, str] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    poll_generation: int = 0
    # Switched on with @BotFather's /setinline; people can type "@bot query" only then.
    inline_mode: bool = True
