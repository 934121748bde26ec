"""A person using Zalo: types text to the shop's Zalo bot and reads what comes back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from emulators.zalo.models import ZaloMessage
    from emulators.zalo.server import ZaloEmulator

DEFAULT_TIMEOUT = 5.0


class ZaloPerson:
    def __init__(self, emulator: ZaloEmulator, user_id: str, display_name: str) -> None:
        self.emulator = emulator
        self.id = user_id
        self.display_name = display_name
        self._read = 0  # bot messages already taken by next_message()

    async def send(self, text: str, *, twice: bool = False) -> ZaloMessage:
        """Type ``text``; ``twice`` delivers the same message two times, as Zalo may."""
        return self.emulator.user_sends(self, text, twice=twice)

    async def send_sticker(self) -> ZaloMessage:
        return self.emulator.user_sends(self, "", event_name="message.sticker.received")

    @property
    def messages(self) -> list[ZaloMessage]:
        return self.emulator.chat(self.id)

    @property
    def bot_messages(self) -> list[ZaloMessage]:
        return [m for m in self.messages if m.from_bot]

    async def wait_for(
        self,
        match: Callable[[ZaloMessage], bool],
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - a deadline for the probe
    ) -> ZaloMessage:
        """The first bot message (read or not) that matches, waiting for it if need be."""
        found = await self.emulator.wait_until(
            lambda: next((m for m in self.bot_messages if match(m)), None), timeout
        )
        if found is None:
            raise AssertionError(f"no matching Zalo message for {self.display_name}:\n{self}")
        return found

    async def next_message(self, timeout: float = DEFAULT_TIMEOUT) -> ZaloMessage:  # noqa: ASYNC109
        """The next bot message not yet read."""
        start = self._read
        found = await self.emulator.wait_until(
            lambda: self.bot_messages[start] if len(self.bot_messages) > start else None, timeout
        )
        if found is None:
            raise AssertionError(f"no new Zalo message for {self.display_name}:\n{self}")
        self._read = start + 1
        return found

    def skip_read(self) -> None:
        """Count every message so far as read."""
        self._read = len(self.bot_messages)

    def __str__(self) -> str:
        return "\n".join(
            f"{'bot' if m.from_bot else self.display_name}: {m.text}" for m in self.messages
        )
