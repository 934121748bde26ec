"""A group chat as a test sees it: people add or remove the bot, the bot's messages."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from emulators.telegram.events import Event
from emulators.telegram.messages import ChatMessage
from emulators.telegram.models import ApiError, Chat

if TYPE_CHECKING:
    from emulators.telegram.person import Person
    from emulators.telegram.server import Emulator


class Group:
    """A group chat in the emulator."""

    def __init__(self, emulator: Emulator, chat: Chat) -> None:
        self.emulator = emulator
        self.chat = chat

    @property
    def id(self) -> int:
        return self.chat.id

    @property
    def title(self) -> str | None:
        return self.chat.title

    async def add_bot(self, by: Person, *, admin: bool = False) -> None:
        """``by`` adds the bot to the group: the bot gets a ``my_chat_member`` update."""
        self.chat.members.setdefault(by.user.id, by.user)
        self.emulator.set_bot_membership(
            self.chat, by.user, "administrator" if admin else "member"
        )
        by.mark_action(self.chat)
        await asyncio.sleep(0)

    async def remove_bot(self, by: Person) -> None:
        self.emulator.set_bot_membership(self.chat, by.user, "kicked")
        by.mark_action(self.chat)
        await asyncio.sleep(0)

    def fail_sends(self, code: int = 502, description: str = "Bad Gateway") -> None:
        """Until ``restore_sends``, every message the bot sends here fails with ``code``."""
        self.chat.outage = ApiError(code, description)

    def restore_sends(self) -> None:
        self.chat.outage = None

    async def become_supergroup(self, by: Person) -> Group:
        """``by`` upgrades the group (Telegram does it too when, say, its history is made
        visible to new members): the supergroup, a chat with a new id. Messages posted before
        stay in this group, their buttons can still be pressed; the bot can no longer write
        or edit here."""
        supergroup = self.emulator.migrate_to_supergroup(self.chat, by.user)
        by.mark_action(supergroup)
        await asyncio.sleep(0)
        return Group(self.emulator, supergroup)

    async def let_members_send(self, by: Person, *, allowed: bool) -> None:
        """``by``, an administrator, lets members send messages or takes that right away
        (the bot loses it too unless it is an administrator)."""
        self.emulator.set_chat_permissions(self.chat, can_send_messages=allowed)
        by.mark_action(self.chat)
        await asyncio.sleep(0)

    @property
    def messages(self) -> list[ChatMessage]:
        return self.chat.live_messages()

    @property
    def bot_messages(self) -> list[ChatMessage]:
        return [m for m in self.chat.live_messages() if m.from_bot]

    @property
    def last_bot_message(self) -> ChatMessage | None:
        messages = self.bot_messages
        return messages[-1] if messages else None

    @property
    def flood_429s(self) -> int:
        return self.chat.flood_429s

    @property
    def api_errors(self) -> list[Event]:
        return [e for e in self.chat.events if e.kind == "error"]

    def transcript(self) -> str:
        return self.chat.transcript()


ChatRef = Group | Chat | None
