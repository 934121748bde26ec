"""What the emulated Telegram knows of people, chats and bots, and its error answers."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from emulators.telegram.events import Event
    from emulators.telegram.messages import ChatMessage

ChatType = Literal["private", "group", "supergroup"]
BotStatus = Literal["member", "administrator", "left", "kicked"]


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(
        self,
        code: int,
        description: str,
        retry_after: int | None = None,
        *,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        # ResponseParameters: what the bot can do about the error.
        parameters = with_present(
            {}, retry_after=self.retry_after, migrate_to_chat_id=self.migrate_to_chat_id
        )
        if parameters:
            data["parameters"] = parameters
        return data


QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
# A deep link's start parameter, as Telegram accepts it.
START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def with_present(data: dict[str, Any], **optional: Any) -> dict[str, Any]:
    """``data`` with those of ``optional`` that are set (the Bot API leaves out empty fields)."""
    data.update((name, value) for name, value in optional.items() if value)
    return data


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
        return with_present(
            {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name},
            last_name=self.last_name,
            username=self.username,
            language_code=None if self.is_bot else self.language_code,
        )

    def contact(self, phone: str) -> dict[str, Any]:
        """The Contact object of this person sharing their own phone number."""
        return with_present(
            {"phone_number": phone, "first_name": self.first_name, "user_id": self.id},
            last_name=self.last_name,
        )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


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
    # A test's outage: messages sent to this chat fail with this error meanwhile (Telegram
    # answers 5xx at times, "Bad Gateway" when it restarts).
    outage: ApiError | None = None
    # A group that became a supergroup: the supergroup's id (the group takes no more calls).
    migrated_to: int | None = None
    # What members who are not administrators may do (setChatPermissions; groups only).
    can_send_messages: bool = True

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private" and self.user is not None:
            data["first_name"] = self.user.first_name
            return with_present(data, last_name=self.user.last_name, username=self.user.username)
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
