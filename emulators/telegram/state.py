"""What the emulated Telegram holds: bots, people, chats and their messages, files, the event
log, the updates queued for the bot, and waiting for any of it to change."""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable
from typing import Any

from emulators.telegram import commands
from emulators.telegram.events import Event, EventKind
from emulators.telegram.flood import FloodControl, FloodLimits
from emulators.telegram.messages import ChatMessage, StoredFile
from emulators.telegram.models import BotAccount, CallbackQueryRecord, Chat, User
from emulators.telegram.params import ApiCall
from emulators.waiting import Changes


class EmulatorState(Changes):
    """The emulator's memory; people's actions and the API methods read and change it,
    tests wait for it to change (``wait_until``)."""

    def __init__(self, flood: FloodLimits | None = None) -> None:
        super().__init__()
        self.flood_limits = flood or FloodLimits()
        # Seconds within which a button press may be answered, as on Telegram.
        self.callback_answer_window = 15.0
        self.flood = FloodControl(self.flood_limits)
        self.bots: dict[str, BotAccount] = {}
        self.chats: dict[int, Chat] = {}
        self.users: dict[int, User] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        # Every size of a sent photo, under the file_id of each size.
        self.photo_sets: dict[str, tuple[StoredFile, ...]] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.events: list[Event] = []
        self.calls: list[ApiCall] = []
        # Called with each request carried out, before its answer leaves: a test may act at
        # that very moment (kill the bot process that made it, say).
        self.call_hooks: list[Callable[[ApiCall], None]] = []
        self._user_ids = itertools.count(100001)
        self._group_ids = itertools.count(4000000001)
        self._seq = itertools.count(1)
        self._file_seq = itertools.count(1)

    def reset(self) -> None:
        """Forget every chat, person, file and event; the registered bots stay (updates
        pending for them are dropped). Event numbers keep growing across a reset."""
        for user_id in [uid for uid, user in self.users.items() if not user.is_bot]:
            del self.users[user_id]
        self.chats.clear()
        self.files.clear()
        self.callback_queries.clear()
        self.events.clear()
        self.calls.clear()
        self.photo_sets.clear()
        self.files_by_path.clear()
        self.flood = FloodControl(self.flood_limits)
        for bot in self.bots.values():
            bot.updates.clear()
        self.notify(everyone=True)

    # ------------------------------------------------------------------ bots and chats

    def add_bot(
        self,
        token: str,
        username: str = "ocop_shop_bot",
        first_name: str = "OCOP Shop",
        *,
        privacy_mode: bool = True,
        inline_mode: bool = True,
    ) -> User:
        """Register a bot token; the first one registered is the bot people talk to."""
        bot_id = int(token.split(":", 1)[0])
        user = User(id=bot_id, first_name=first_name, username=username, is_bot=True)
        self.bots[token] = BotAccount(
            token=token, user=user, privacy_mode=privacy_mode, inline_mode=inline_mode
        )
        self.users[bot_id] = user
        return user

    @property
    def bot(self) -> BotAccount:
        if not self.bots:
            raise RuntimeError("no bot registered: call emulator.add_bot(token) first")
        return next(iter(self.bots.values()))

    @property
    def bot_user(self) -> User:
        return self.bot.user

    def chat(self, chat_id: int) -> Chat:
        return self.chats[chat_id]

    def new_user_id(self) -> int:
        return next(self._user_ids)

    def new_group_id(self) -> int:
        return next(self._group_ids)

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> Any:
        """The commands set for a scope and language (None when never set); a chat scope is
        ``{"type": "chat", "chat_id": 123}``."""
        return self.bot.commands.get(
            commands.scope_key(scope or {"type": "default"}, language_code)
        )

    def flood_429s(self, chat_id: int) -> int:
        return self.chats[chat_id].flood_429s

    def api_errors(self, chat_id: int | None = None) -> list[Event]:
        return [e for e in self.events if e.kind == "error" and chat_id in (None, e.chat_id)]

    # ------------------------------------------------------------------ changes

    def notify_changed(self) -> None:
        """Wake everyone waiting in ``wait_until`` (for a change made outside the emulator)."""
        self.notify()

    def log_event(self, chat: Chat | None, kind: EventKind, **fields: Any) -> Event:
        """Append to the event log (and the chat's), and wake whoever waits for it."""
        event = Event(
            seq=next(self._seq), time=time.time(), chat_id=chat.id if chat else 0, kind=kind,
            **fields,
        )  # fmt: skip
        self.events.append(event)
        if chat is not None:
            chat.events.append(event)
        self.notify(event.chat_id)
        return event

    def expire_updates(self) -> int:
        """A day passes with the bot away: Telegram keeps an update 24 hours at most, so
        those waiting are gone (returns how many)."""
        bot = self.bot
        gone = len(bot.updates)
        bot.updates.clear()
        return gone

    def queue_update(self, update: dict[str, Any]) -> None:
        """An update for the bot, numbered; getUpdates or the webhook delivers it."""
        bot = self.bot
        bot.updates.append({"update_id": bot.next_update_id, **update})
        bot.next_update_id += 1
        self.notify()

    # ------------------------------------------------------------------ messages and files

    def message_api(self, chat: Chat, message: ChatMessage) -> Any:
        """The Message object the Bot API shows for ``message``, with what it replies to."""
        reply = None
        if message.reply_to_message_id is not None:
            original = chat.messages.get(message.reply_to_message_id)
            if original is not None and not original.deleted:
                reply = original.to_api(chat.to_api())
        data = message.to_api(chat.to_api(), reply)
        if message.via_bot is not None:
            data["via_bot"] = message.via_bot.to_api()
        return data

    def store_file(self, data: bytes, kind: str, **details: Any) -> StoredFile:
        """Keep a file under a new file_id and a download path, as Telegram's servers do;
        ``details``: file_name, mime_type, width and height of a StoredFile."""
        prefix = "AgACAgIAAxkBAAI" if kind == "photo" else "BQACAgIAAxkBAAI"
        file_id, unique = prefix + secrets.token_urlsafe(30), "AQAD" + secrets.token_urlsafe(9)
        number = next(self._file_seq)
        file_name = details.get("file_name")
        if kind == "photo":
            path = f"photos/file_{number}.jpg"
        else:
            suffix = file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else "bin"
            path = f"documents/file_{number}.{suffix}"
        stored = StoredFile(
            file_id=file_id, file_unique_id=unique, data=data, file_path=path,
            kind="photo" if kind == "photo" else "document", **details,
        )  # fmt: skip
        self.files[file_id] = stored
        self.files_by_path[path] = stored
        return stored
