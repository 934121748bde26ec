"""A person using Telegram in the emulator, acting as real people do: type, tap, share,
open links, use the bot's inline mode, block it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from emulators.telegram.group import ChatRef
from emulators.telegram.inline import InlineAnswer, InlineQueryRecord
from emulators.telegram.messages import ChatMessage
from emulators.telegram.models import START_PARAMETER, Chat, User
from emulators.telegram.observer import DEFAULT_TIMEOUT, Observer

if TYPE_CHECKING:
    from emulators.telegram.server import Emulator


def _has_bot_buttons(message: ChatMessage) -> bool:
    """The bot's own messages, and people's messages made from its inline results."""
    return message.from_bot or message.via_bot is not None


class Person(Observer):
    """A person using Telegram: by default in their private chat with the bot."""

    def __init__(self, emulator: Emulator, user: User) -> None:
        super().__init__(emulator, emulator.chat(user.id))
        self.user = user
        self._last_inline: InlineQueryRecord | None = None

    @property
    def id(self) -> int:
        return self.user.id

    async def _settle(self) -> None:
        await asyncio.sleep(0)

    async def send(
        self, text: str, chat: ChatRef = None, *, reply_to: ChatMessage | int | None = None
    ) -> ChatMessage:
        """Type ``text`` into the chat (a leading "/" makes it a command)."""
        target = self._chat(chat)
        reply_id = reply_to.message_id if isinstance(reply_to, ChatMessage) else reply_to
        self.mark_action(target)
        message = self.emulator.post_message(target, self.user, text=text, reply_to=reply_id)
        await self._settle()
        return message

    async def share_contact(self, chat: ChatRef = None) -> ChatMessage:
        """Tap the reply keyboard's "share phone number" button."""
        target = self._chat(chat)
        for row in (target.reply_keyboard or {}).get("keyboard", []):
            for button in row:
                if isinstance(button, dict) and button.get("request_contact"):
                    return await self._send_contact(target)
        raise AssertionError(
            "no request_contact button is shown; reply keyboard: "
            f"{self.reply_keyboard_in(target)}\n{target.transcript()}"
        )

    async def send_contact(self, chat: ChatRef = None) -> ChatMessage:
        """Share one's own contact from the attachment menu, where no button asked for it."""
        return await self._send_contact(self._chat(chat))

    async def _send_contact(self, target: Chat) -> ChatMessage:
        if not self.user.phone:
            raise AssertionError(f"{self.user.full_name} has no phone number to share")
        contact = self.user.contact(self.user.phone)
        self.mark_action(target)
        message = self.emulator.post_message(target, self.user, contact=contact)
        await self._settle()
        return message

    async def send_location(
        self, latitude: float, longitude: float, chat: ChatRef = None
    ) -> ChatMessage:
        target = self._chat(chat)
        self.mark_action(target)
        message = self.emulator.post_message(
            target, self.user, location={"latitude": latitude, "longitude": longitude}
        )
        await self._settle()
        return message

    async def send_document(
        self,
        data: bytes,
        file_name: str,
        mime_type: str | None = None,
        *,
        caption: str | None = None,
        chat: ChatRef = None,
    ) -> ChatMessage:
        """Upload a file (e.g. a spreadsheet); the bot can getFile and download it."""
        target = self._chat(chat)
        stored = self.emulator.store_document(data, file_name, mime_type)
        self.mark_action(target)
        message = self.emulator.post_message(target, self.user, document=stored, caption=caption)
        await self._settle()
        return message

    async def press(
        self, label: str, chat: ChatRef = None, *, on: ChatMessage | None = None
    ) -> None:
        """Tap the button labelled exactly ``label`` on the newest bot message showing it, or
        on the message ``on`` (as it is now)."""
        target = self._chat(chat)
        if on is not None:
            message = target.messages[on.message_id]
            button = message.inline_button(label) if _has_bot_buttons(message) else None
            if button is None:
                raise AssertionError(f"no button {label!r} on #{on.message_id}")
            await self._press_inline(target, message, button)
            return
        reply_at = target.reply_keyboard_message_id or 0
        for message in reversed(target.live_messages()):
            if message.message_id < reply_at:
                break
            if not _has_bot_buttons(message):
                continue
            button = message.inline_button(label)
            if button is not None:
                await self._press_inline(target, message, button)
                return
        for row in (target.reply_keyboard or {}).get("keyboard", []):
            for button in row:
                text = button if isinstance(button, str) else button.get("text")
                if text == label:
                    await self._press_reply(target, button)
                    return
        for message in reversed(target.live_messages()):
            button = message.inline_button(label) if _has_bot_buttons(message) else None
            if button is not None:
                await self._press_inline(target, message, button)
                return
        raise AssertionError(
            f"no button {label!r} is visible. Inline buttons of the latest bot message: "
            f"{self._latest_inline_labels(target)}; reply keyboard: "
            f"{self.reply_keyboard_in(target)}\n{target.transcript()}"
        )

    def _latest_inline_labels(self, chat: Chat) -> list[list[str]]:
        for message in reversed(chat.live_messages()):
            if message.from_bot and message.inline_keyboard:
                return message.inline_labels
        return []

    async def _press_inline(
        self, chat: Chat, message: ChatMessage, button: dict[str, Any]
    ) -> None:
        data = button.get("callback_data")
        if data is None:
            if "url" in button:
                # A t.me link to the bot opens its chat inside Telegram; any other, a browser.
                await self.open_link(str(button["url"]))
                return
            raise AssertionError(f"the emulator cannot press this kind of button: {button}")
        self.mark_action(chat)
        self._last_query = self.emulator.post_callback_query(chat, self.user, message, str(data))
        await self._settle()

    async def _press_reply(self, chat: Chat, button: str | dict[str, Any]) -> None:
        if isinstance(button, dict) and button.get("request_contact"):
            await self._send_contact(chat)
        elif isinstance(button, dict) and button.get("request_location"):
            await self.send_location(21.0285, 105.8542, chat=chat)
        else:
            label = button if isinstance(button, str) else str(button["text"])
            await self.send(label, chat=chat)
        if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
            chat.reply_keyboard_message_id = None

    async def open_link(self, url: str) -> ChatMessage | None:
        """Open a link, as tapping it or scanning its QR code does. A ``t.me/<bot>`` link opens
        the private chat with the bot and sends ``/start`` with its ``start`` parameter
        (Telegram drops a parameter that breaks its rules: over 64 characters or other than
        ``A-Z a-z 0-9 _ -``). Other links open a browser: the bot hears nothing (None)."""
        parts = urlsplit(url)
        bot_username = self.emulator.bot_user.username or ""
        if parts.scheme not in ("https", "http") or parts.netloc not in ("t.me", "telegram.me"):
            return None
        if parts.path.strip("/").lower() != bot_username.lower():
            raise AssertionError(f"{url} leads to another bot or user, not @{bot_username}")
        start = parse_qs(parts.query).get("start", [""])[0]
        text = f"/start {start}" if START_PARAMETER.fullmatch(start) else "/start"
        return await self.send(text)

    async def inline_query(
        self,
        text: str,
        chat: ChatRef = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the driver's API, as tests read it
    ) -> InlineAnswer:
        """Type ``@bot text`` in a chat (any chat: a group without the bot, too) and wait for
        the results Telegram would show above the keyboard."""
        record = self.emulator.inline.post_query(self._chat(chat), self.user, text)
        return await self._inline_answer(record, timeout)

    async def more_results(
        self,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the driver's API, as tests read it
    ) -> InlineAnswer:
        """Scroll to the end of the inline results: the client asks for the next offset."""
        last = self._last_inline
        if last is None or last.answer is None or not last.answer.next_offset:
            raise AssertionError("there are no more inline results to scroll to")
        chat = self.emulator.chat(last.chat_id)
        record = self.emulator.inline.post_query(
            chat, self.user, last.query, last.answer.next_offset
        )
        return await self._inline_answer(record, timeout)

    async def _inline_answer(self, record: InlineQueryRecord, wait: float) -> InlineAnswer:
        self._last_inline = record
        answer = await self.emulator.wait_until(lambda: record.answer, wait)
        if answer is None:
            raise AssertionError(
                f"the bot did not answer the inline query {record.query!r} within {wait}s"
            )
        return answer

    async def choose_result(self, title: str, chat: ChatRef = None) -> ChatMessage:
        """Tap the inline result titled ``title``: it is sent "via @bot" into the chat where the
        query was typed (or ``chat``)."""
        record = self._last_inline
        if record is None or record.answer is None:
            raise AssertionError("no inline query was answered")
        target = self._chat(chat) if chat is not None else self.emulator.chat(record.chat_id)
        self.mark_action(target)
        message: ChatMessage = self.emulator.inline.choose(
            record, record.answer.result(title), target
        )
        await self._settle()
        return message

    async def switch_inline(self, label: str, to: ChatRef) -> InlineAnswer:
        """Tap a "send to a chat" button (``switch_inline_query``): pick the chat ``to``, where
        the client types ``@bot <its query>``."""
        for message in reversed(self.chat.live_messages()):
            button = message.inline_button(label) if message.from_bot else None
            if button is not None and "switch_inline_query" in button:
                return await self.inline_query(str(button["switch_inline_query"]), chat=to)
        raise AssertionError(f"no button {label!r} that sends to a chat\n{self.chat.transcript()}")

    def block_bot(self) -> None:
        self.emulator.set_blocked(self.chat, blocked=True)

    def unblock_bot(self) -> None:
        self.emulator.set_blocked(self.chat, blocked=False)
