"""Messages in the emulator's chats, and the files they carry."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from emulators.telegram.models import with_present

if TYPE_CHECKING:
    from emulators.telegram.html import Entity
    from emulators.telegram.models import User


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
        return with_present(
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": len(self.data),
            },
            file_name=self.file_name,
            mime_type=self.mime_type,
        )


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
    # Service messages of a group becoming a supergroup (in the group, in the supergroup).
    migrate_to_chat_id: int | None = None
    migrate_from_chat_id: int | None = None
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
        return with_present(
            data,
            migrate_to_chat_id=self.migrate_to_chat_id,
            migrate_from_chat_id=self.migrate_from_chat_id,
        )
