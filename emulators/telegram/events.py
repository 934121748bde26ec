"""The emulator's event log: what happened in a chat, in order, told in one line each."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from emulators.telegram.messages import ChatMessage
    from emulators.telegram.models import User

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
        data = {name.name: getattr(self, name.name) for name in fields(self)}
        data.update(
            message=self.message.to_dict() if self.message else None,
            user=self.user.to_api() if self.user else None,
            summary=self.describe(),
        )
        return data

    def describe(self) -> str:  # noqa: PLR0911 - one return per kind of event
        """One human-readable line, for transcripts in assertion messages."""
        who = self.user.full_name if self.user else "bot"
        msg = self.message
        if self.kind in ("bot_message", "user_message", "edited") and msg is not None:
            body = msg.text or _media_label(msg)
            labels = msg.inline_labels
            keys = f"  {labels}" if labels else ""
            if msg.reply_markup and "keyboard" in msg.reply_markup:
                keys += f"  reply keyboard {reply_labels(msg.reply_markup)}"
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
    if message.migrate_to_chat_id or message.migrate_from_chat_id:
        group = message.migrate_from_chat_id or message.chat_id
        return f"[group {group} became supergroup {message.migrate_to_chat_id or message.chat_id}]"
    return ""


def reply_labels(markup: dict[str, Any]) -> list[list[str]]:
    rows: list[list[Any]] = markup.get("keyboard", [])
    return [[b if isinstance(b, str) else str(b.get("text")) for b in row] for row in rows]
