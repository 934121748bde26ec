"""The Bot API emulator: chat state, people's updates and the HTTP server the bot talks to."""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import mimetypes
import secrets
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import web
from PIL import Image, UnidentifiedImageError

from emulators.telegram import commands
from emulators.telegram.driver import Group, Person
from emulators.telegram.flood import FloodControl, FloodLimits
from emulators.telegram.html import Entity, HtmlParseError, ParsedText, parse_html, plain
from emulators.telegram.inline import InlineMode
from emulators.telegram.models import (
    ApiError,
    BotAccount,
    BotStatus,
    CallbackAnswer,
    CallbackQueryRecord,
    Chat,
    ChatMessage,
    Event,
    EventKind,
    StoredFile,
    User,
    bad_request,
)
from emulators.telegram.webhook import WebhookDelivery, check_webhook

T = TypeVar("T")

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
DEFAULT_UPDATES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post", "callback_query",
        "inline_query", "chosen_inline_result", "my_chat_member", "shipping_query",
        "pre_checkout_query", "poll", "poll_answer", "chat_join_request",
    }
)  # fmt: skip
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
WRONG_FILE = "wrong file identifier/HTTP URL specified"
PHOTO_SIDES = (90, 320, 800, 1280)


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str | None
    content_type: str | None


@dataclass(frozen=True)
class ApiCall:
    """A request the bot made, as the emulator understood it (uploads shown by name only)."""

    method: str
    params: dict[str, Any]
    error: ApiError | None = None


class Params:
    """Request parameters; aiogram sends strings, a JSON body may hold real values."""

    def __init__(self, values: dict[str, Any], files: dict[str, Upload]) -> None:
        self.values = values
        self.files = files

    def string(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1") if value is not None else False

    def json(self, name: str, error: str | None = None) -> Any:
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error or f"can't parse {name} JSON object") from None

    def file(self, name: str) -> Upload | str | None:
        """An upload (a part named by ``attach://x`` or the field itself), or a file_id."""
        if name in self.files:
            return self.files[name]
        return self.reference(self.string(name))

    def reference(self, value: str | None) -> Upload | str | None:
        if value is None or value == "":
            return None
        if value.startswith("attach://"):
            upload = self.files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(WRONG_FILE)
            return upload
        return value

    def loggable(self) -> dict[str, Any]:
        logged = dict(self.values)
        for name, upload in self.files.items():
            logged[name] = f"<upload {upload.filename} {len(upload.data)} bytes>"
        return logged


@dataclass
class _Call:
    bot: BotAccount
    method: str
    params: Params
    chat: Chat | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[_Call], Awaitable[Any]]


def _member(user: User, status: str) -> dict[str, Any]:
    data: dict[str, Any] = {"status": status, "user": user.to_api()}
    if status == "kicked":
        data["until_date"] = 0
    elif status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        rights = (
            "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
            "can_restrict_members", "can_promote_members", "can_change_info",
            "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
            "can_send_welcome_messages", "can_pin_messages",
        )  # fmt: skip
        data.update(dict.fromkeys(rights, True))
        data.update(can_be_edited=False, is_anonymous=False, can_promote_members=False)
    return data


def _check_inline_button(button: dict[str, Any]) -> None:
    if not button.get("text") or not any(key in button for key in INLINE_ACTIONS):
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        size = len(str(button["callback_data"]).encode("utf-8"))
        if not 1 <= size <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")


def _update_type(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


def _new_file_id(prefix: str) -> tuple[str, str]:
    return prefix + secrets.token_urlsafe(30), "AQAD" + secrets.token_urlsafe(9)


class Emulator:
    """A Telegram Bot API server on loopback, with people and groups a test can drive."""

    def __init__(self, flood: FloodLimits | None = None) -> None:
        self.flood_limits = flood or FloodLimits()
        # Seconds within which a button press may be answered, as on Telegram.
        self.callback_answer_window = 15.0
        self._flood = FloodControl(self.flood_limits)
        self.bots: dict[str, BotAccount] = {}
        self.chats: dict[int, Chat] = {}
        self.users: dict[int, User] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.events: list[Event] = []
        self.calls: list[ApiCall] = []
        self._photo_sets: dict[str, tuple[StoredFile, ...]] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._user_ids = itertools.count(100001)
        self._group_ids = itertools.count(4000000001)
        self._seq = itertools.count(1)
        self._file_seq = itertools.count(1)
        self._waiters: set[asyncio.Future[None]] = set()
        # Waiters that care about one chat only: woken by that chat's events (cheap with
        # hundreds of people waiting at once).
        self._chat_waiters: defaultdict[int, set[asyncio.Future[None]]] = defaultdict(set)
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.base_url: str | None = None
        # Posts updates to the bot while a webhook is set (emulators.telegram.webhook).
        self.webhooks = WebhookDelivery(self, DEFAULT_UPDATES)
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._methods: dict[str, Handler] = {
            name.lower(): handler
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "logOut": self._true,
                "close": self._true,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "setMyDescription": self._set_my_description,
                "setMyShortDescription": self._set_my_short_description,
                "setChatMenuButton": self._set_chat_menu_button,
                "sendMessage": self._send_message,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "editMessageText": self._edit_message_text,
                "editMessageCaption": self._edit_message_caption,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "editMessageMedia": self._edit_message_media,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendChatAction": self._send_chat_action,
                "getChat": self._get_chat,
                "getChatMember": self._get_chat_member,
                "leaveChat": self._leave_chat,
                "getFile": self._get_file,
            }.items()
        }
        # Inline mode: queries people type, answers, results sent "via @bot" (inline.py).
        self.inline = InlineMode(self)
        self._methods["answerinlinequery"] = self._answer_inline_query

    # ------------------------------------------------------------------ lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve the Bot API; returns the base URL (``port=0`` picks a free port)."""
        self._closing = False
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self.base_url = f"http://{host}:{bound_port}"
        await self.webhooks.start()
        return self.base_url

    async def stop(self) -> None:
        self._closing = True
        self._notify(everyone=True)
        await self.webhooks.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

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
        self._photo_sets.clear()
        self._files_by_path.clear()
        self._flood = FloodControl(self.flood_limits)
        self.inline.reset()
        for bot in self.bots.values():
            bot.updates.clear()
        self._notify(everyone=True)

    # ------------------------------------------------------------------ setup

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

    def person(
        self,
        first_name: str = "An",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
        phone: str | None = "+84912345678",
        user_id: int | None = None,
    ) -> Person:
        """A person with a private chat with the bot (chat id == user id)."""
        user = User(
            id=user_id if user_id is not None else next(self._user_ids),
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            phone=phone,
        )
        self.users[user.id] = user
        self.chats[user.id] = Chat(
            id=user.id, type="private", user=user, bot_status="member", bot_known=True
        )
        return Person(self, user)

    def group(
        self,
        title: str = "HTX Gốm Tân Thịnh",
        chat_id: int | None = None,
        *,
        supergroup: bool = False,
    ) -> Group:
        """A group chat; the bot is not in it until a person adds it."""
        if chat_id is None:
            number = next(self._group_ids)
            chat_id = -(1_000_000_000_000 + number) if supergroup else -number
        chat = Chat(id=chat_id, type="supergroup" if supergroup else "group", title=title)
        self.chats[chat_id] = chat
        return Group(self, chat)

    def chat(self, chat_id: int) -> Chat:
        return self.chats[chat_id]

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

    # ------------------------------------------------------------------ waiting

    def notify_changed(self) -> None:
        """Wake everyone waiting in ``wait_until`` (for a change made outside the emulator)."""
        self._notify()

    def _notify(self, chat_id: int | None = None, *, everyone: bool = False) -> None:
        """Wake the waiters: all general ones, and those of ``chat_id`` (or of every chat)."""
        waiting = [*self._waiters]
        self._waiters.clear()
        if everyone:
            for waiters in self._chat_waiters.values():
                waiting += waiters
            self._chat_waiters.clear()
        elif chat_id is not None:
            waiting += self._chat_waiters.pop(chat_id, ())
        for waiter in waiting:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_until(
        self,
        probe: Callable[[], T | None],
        timeout: float,  # noqa: ASYNC109 - a deadline for the probe, not for one awaitable
        *,
        chat_id: int | None = None,
    ) -> T | None:
        """Re-run ``probe`` after every change until it returns non-None or time runs out.

        With ``chat_id``, only changes in that chat wake it (the probe must look at nothing
        else)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = probe()
            remaining = deadline - loop.time()
            if result is not None or remaining <= 0 or self._closing:
                return result
            waiter: asyncio.Future[None] = loop.create_future()
            waiters = self._waiters if chat_id is None else self._chat_waiters[chat_id]
            waiters.add(waiter)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, remaining)
            waiters.discard(waiter)

    def _log(self, chat: Chat | None, kind: EventKind, **fields: Any) -> Event:
        event = Event(
            seq=next(self._seq), time=time.time(), chat_id=chat.id if chat else 0, kind=kind,
            **fields,
        )  # fmt: skip
        self.events.append(event)
        if chat is not None:
            chat.events.append(event)
        self._notify(event.chat_id)
        return event

    # ------------------------------------------------------------------ people's side

    def _queue(self, update: dict[str, Any]) -> None:
        bot = self.bot
        bot.updates.append({"update_id": bot.next_update_id, **update})
        bot.next_update_id += 1
        self._notify()

    def message_api(self, chat: Chat, message: ChatMessage) -> Any:
        reply = None
        if message.reply_to_message_id is not None:
            original = chat.messages.get(message.reply_to_message_id)
            if original is not None and not original.deleted:
                reply = original.to_api(chat.to_api())
        data = message.to_api(chat.to_api(), reply)
        if message.via_bot is not None:
            data["via_bot"] = message.via_bot.to_api()
        return data

    def post_message(
        self,
        chat: Chat,
        user: User,
        *,
        text: str | None = None,
        caption: str | None = None,
        contact: dict[str, Any] | None = None,
        location: dict[str, Any] | None = None,
        document: StoredFile | None = None,
        reply_to: int | None = None,
    ) -> ChatMessage:
        """A person sends a message; the bot gets a ``message`` update if it would see it."""
        bot = self.bot
        if chat.is_private:
            if chat.blocked:
                # Writing to a blocked bot restarts it, as the "Restart" button does.
                self.set_blocked(chat, blocked=False)
            chat.started = True
        else:
            chat.members.setdefault(user.id, user)
        body = text if text is not None else (caption or "")
        entities: tuple[Entity, ...] = ()
        if body.startswith("/"):
            command = body.split(maxsplit=1)[0]
            entities = (Entity("bot_command", 0, len(command.encode("utf-16-le")) // 2),)
        message = ChatMessage(
            message_id=chat.take_message_id(),
            chat_id=chat.id,
            sender=user,
            from_bot=False,
            date=int(time.time()),
            text=body,
            entities=entities,
            has_caption_slot=document is not None,
            document=document,
            contact=contact,
            location=location,
            reply_to_message_id=reply_to,
        )
        chat.messages[message.message_id] = message
        self._log(chat, "user_message", message=message.snapshot(), user=user)
        if self._bot_sees(bot, chat, message):
            self._queue({"message": self.message_api(chat, message)})
        return message

    def _bot_sees(self, bot: BotAccount, chat: Chat, message: ChatMessage) -> bool:
        if chat.is_private:
            return True
        if chat.bot_status not in ("member", "administrator"):
            return False
        if not bot.privacy_mode or chat.bot_status == "administrator":
            return True
        # Privacy mode: commands (not addressed to another bot) and replies to the bot only.
        if message.text.startswith("/"):
            command = message.text.split(maxsplit=1)[0]
            return "@" not in command or command.endswith(f"@{bot.user.username}")
        if message.reply_to_message_id is not None:
            original = chat.messages.get(message.reply_to_message_id)
            return original is not None and original.from_bot
        return False

    def post_callback_query(
        self, chat: Chat, user: User, message: ChatMessage, data: str
    ) -> CallbackQueryRecord:
        query = CallbackQueryRecord(
            id=str(secrets.randbits(62)),
            user=user,
            chat_id=chat.id,
            message_id=message.message_id,
            data=data,
        )
        self.callback_queries[query.id] = query
        self._log(
            chat, "callback_query", user=user, text=data, data={"message_id": message.message_id}
        )
        self._queue(
            {
                "callback_query": {
                    "id": query.id,
                    "from": user.to_api(),
                    "message": self.message_api(chat, message),
                    "chat_instance": str(abs(chat.id) * 7919 + 17),
                    "data": data,
                }
            }
        )
        return query

    def post_via_bot(self, chat: Chat, user: User, **fields: Any) -> ChatMessage:
        """A person sends a message made from the bot's inline result ("via @bot")."""
        if chat.is_private and chat.id == user.id:
            chat.started = True
        elif not chat.is_private:
            chat.members.setdefault(user.id, user)
        message = ChatMessage(
            message_id=chat.take_message_id(), chat_id=chat.id, sender=user, from_bot=False,
            date=int(time.time()), via_bot=self.bot.user, **fields,
        )  # fmt: skip
        chat.messages[message.message_id] = message
        self._log(chat, "user_message", message=message.snapshot(), user=user)
        if self._bot_sees(self.bot, chat, message):
            self._queue({"message": self.message_api(chat, message)})
        return message

    def set_bot_membership(self, chat: Chat, by: User, status: BotStatus) -> None:
        """A person adds the bot to a group ("member"/"administrator") or removes it."""
        old = chat.bot_status
        chat.bot_status = status
        if status in ("member", "administrator"):
            chat.bot_known = True
            if not by.is_bot:
                chat.members.setdefault(by.id, by)
        self._member_update(chat, by, old, status)

    def set_blocked(self, chat: Chat, *, blocked: bool) -> None:
        assert chat.user is not None
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        self._member_update(chat, chat.user, old, new)

    def _member_update(self, chat: Chat, by: User, old: str, new: str) -> None:
        bot_user = self.bot.user
        self._log(chat, "member", user=by, data={"old": old, "new": new})
        self._queue(
            {
                "my_chat_member": {
                    "chat": chat.to_api(),
                    "from": by.to_api(),
                    "date": int(time.time()),
                    "old_chat_member": _member(bot_user, old),
                    "new_chat_member": _member(bot_user, new),
                }
            }
        )

    def store_document(self, data: bytes, file_name: str, mime_type: str | None) -> StoredFile:
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        return self._store_file(data, "document", file_name=file_name, mime_type=mime)

    # ------------------------------------------------------------------ HTTP

    @staticmethod
    def _json(data: dict[str, Any], status: int = 200) -> web.Response:
        return web.json_response(
            data, status=status, dumps=lambda obj: json.dumps(obj, ensure_ascii=False)
        )

    async def _read_params(self, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        files: dict[str, Upload] = {}
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise bad_request("can't parse JSON") from None
                if isinstance(body, dict):
                    values.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        with value.file:
                            data = value.file.read()
                        files[key] = Upload(data, value.filename, value.content_type)
                    else:
                        values[key] = value
        return Params(values, files)

    async def _handle_api(self, request: web.Request) -> web.Response:
        bot = self.bots.get(request.match_info["token"])
        if bot is None:
            return self._json(ApiError(401, "Unauthorized").to_api(), 401)
        method = request.match_info["method"]
        handler = self._methods.get(method.lower())
        if handler is None:
            return self._json(ApiError(404, "Not Found").to_api(), 404)
        call = _Call(bot=bot, method=method, params=Params({}, {}))
        try:
            call.params = await self._read_params(request)
            result = await handler(call)
        except ApiError as err:
            if request.transport is None or request.transport.is_closing():
                # The bot went away (a stopped process's long poll): nobody gets this answer.
                return self._json(err.to_api(), err.code)
            self.calls.append(ApiCall(method, call.params.loggable(), err))
            self._log(
                call.chat, "error", method=method, error_code=err.code,
                description=err.description, data={"params": call.params.loggable()},
            )  # fmt: skip
            return self._json(err.to_api(), err.code)
        self.calls.append(ApiCall(method, call.params.loggable()))
        return self._json({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] not in self.bots:
            return self._json(ApiError(401, "Unauthorized").to_api(), 401)
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None:
            return self._json(ApiError(404, "Not Found").to_api(), 404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    # ------------------------------------------------------------------ helpers for methods

    def _target_chat(self, call: _Call, *, reachable: bool = True) -> Chat:
        raw = call.params.string("chat_id")
        if not raw:
            raise bad_request("chat_id is empty")
        chat: Chat | None = None
        try:
            chat = self.chats.get(int(raw))
        except ValueError:
            chat = None  # @channelusername: the emulator has no public chats
        if chat is None or not chat.bot_known:
            raise bad_request("chat not found")
        call.chat = chat
        if reachable:
            self._check_reachable(chat)
        return chat

    @staticmethod
    def _check_reachable(chat: Chat) -> None:
        if chat.is_private:
            if chat.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not chat.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif chat.bot_status == "kicked":
            kind = "supergroup" if chat.type == "supergroup" else "group"
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
        elif chat.bot_status == "left":
            raise ApiError(403, "Forbidden: bot is not a member of the group chat")

    def _flood_check(self, chat: Chat) -> None:
        wait = self._flood.acquire(chat.id, private=chat.is_private, now=time.monotonic())
        if wait:
            chat.flood_429s += 1
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)

    @staticmethod
    def _parse_text(
        params: Params, name: str, entities_name: str, mode_name: str = "parse_mode"
    ) -> tuple[ParsedText, str | None]:
        raw = params.string(name) or ""
        explicit = params.json(entities_name)
        if explicit:
            return ParsedText(raw, tuple(Entity.from_api(e) for e in explicit)), None
        mode = (params.string(mode_name) or "").lower()
        if mode == "html":
            try:
                return parse_html(raw), raw
            except HtmlParseError as err:
                raise bad_request(f"can't parse entities: {err}") from None
        return plain(raw), None

    def _message_text(self, params: Params) -> tuple[ParsedText, str | None]:
        if not params.string("text"):
            raise bad_request("message text is empty")
        parsed, html = self._parse_text(params, "text", "entities")
        if not parsed.text:
            raise bad_request("message text is empty")
        if len(parsed.text) > MAX_TEXT:
            raise bad_request("message is too long")
        return parsed, html

    def _caption(self, params: Params) -> tuple[ParsedText, str | None]:
        parsed, html = self._parse_text(params, "caption", "caption_entities")
        if len(parsed.text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return parsed, html

    @staticmethod
    def _reply_markup(params: Params, chat: Chat) -> dict[str, Any] | None:
        markup = params.json("reply_markup", "can't parse reply keyboard markup JSON object")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
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

    def _reply_to(self, params: Params, chat: Chat) -> int | None:
        reply = params.json("reply_parameters")
        message_id = reply.get("message_id") if isinstance(reply, dict) else None
        allow = (
            bool(reply.get("allow_sending_without_reply")) if isinstance(reply, dict) else False
        )
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

    def _store_file(
        self,
        data: bytes,
        kind: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int = 0,
        height: int = 0,
    ) -> StoredFile:
        file_id, unique = _new_file_id("AgACAgIAAxkBAAI" if kind == "photo" else "BQACAgIAAxkBAAI")
        number = next(self._file_seq)
        if kind == "photo":
            path = f"photos/file_{number}.jpg"
        else:
            suffix = file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else "bin"
            path = f"documents/file_{number}.{suffix}"
        stored = StoredFile(
            file_id=file_id, file_unique_id=unique, data=data, file_path=path,
            kind="photo" if kind == "photo" else "document", file_name=file_name,
            mime_type=mime_type, width=width, height=height,
        )  # fmt: skip
        self.files[file_id] = stored
        self._files_by_path[path] = stored
        return stored

    def _photo(self, ref: Upload | str | None) -> tuple[StoredFile, ...]:
        if ref is None:
            raise bad_request("there is no photo in the request")
        if isinstance(ref, str):
            sizes = self._photo_sets.get(ref)
            if sizes is None:
                raise bad_request(WRONG_FILE)
            return sizes
        try:
            with Image.open(io.BytesIO(ref.data)) as image:
                image.load()
                width, height = image.size
                thumbs: list[tuple[bytes, int, int]] = []
                for side in PHOTO_SIDES:
                    if max(width, height) <= side:
                        break
                    copy = image.convert("RGB")
                    copy.thumbnail((side, side))
                    buffer = io.BytesIO()
                    copy.save(buffer, format="JPEG")
                    thumbs.append((buffer.getvalue(), *copy.size))
        except (UnidentifiedImageError, OSError, ValueError):
            raise bad_request("IMAGE_PROCESS_FAILED") from None
        sizes = tuple(
            self._store_file(data, "photo", mime_type="image/jpeg", width=w, height=h)
            for data, w, h in [*thumbs, (ref.data, width, height)]
        )
        for size in sizes:
            self._photo_sets[size.file_id] = sizes
        return sizes

    def _document(self, ref: Upload | str | None) -> StoredFile:
        if ref is None:
            raise bad_request("there is no document in the request")
        if isinstance(ref, str):
            stored = self.files.get(ref)
            if stored is None:
                raise bad_request(WRONG_FILE)
            return stored
        guessed = mimetypes.guess_type(ref.filename or "")[0]
        mime = guessed or ref.content_type or "application/octet-stream"
        return self._store_file(ref.data, "document", file_name=ref.filename, mime_type=mime)

    def _keep_reply_keyboard(self, chat: Chat, message: ChatMessage) -> None:
        markup = message.reply_markup or {}
        if "keyboard" in markup:
            chat.reply_keyboard = markup
            chat.reply_keyboard_message_id = message.message_id
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard = None
            chat.reply_keyboard_message_id = None

    def _bot_sends(self, call: _Call, chat: Chat, message: ChatMessage) -> Any:
        self._flood_check(chat)
        message.message_id = chat.take_message_id()
        chat.chat_action = None
        chat.messages[message.message_id] = message
        self._keep_reply_keyboard(chat, message)
        self._log(chat, "bot_message", message=message.snapshot(), method=call.method)
        return self.message_api(chat, message)

    def _new_bot_message(self, call: _Call, chat: Chat, **fields: Any) -> ChatMessage:
        return ChatMessage(
            message_id=0,  # numbered once flood control lets it through
            chat_id=chat.id,
            sender=call.bot.user,
            from_bot=True,
            date=int(time.time()),
            **fields,
        )

    # ------------------------------------------------------------------ methods

    async def _true(self, call: _Call) -> Any:
        return True

    async def _get_me(self, call: _Call) -> Any:
        data = call.bot.user.to_api()
        data.update(
            can_join_groups=True,
            can_read_all_group_messages=not call.bot.privacy_mode,
            supports_inline_queries=call.bot.inline_mode,
        )
        return data

    async def _get_updates(self, call: _Call) -> Any:
        bot, params = call.bot, call.params
        if bot.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.integer("offset") or 0
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = max(params.number("timeout") or 0.0, 0.0)
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            bot.allowed_updates = [str(kind) for kind in allowed] or None
        if offset < 0:
            del bot.updates[: max(len(bot.updates) + offset, 0)]
        elif offset:
            bot.updates[:] = [u for u in bot.updates if u["update_id"] >= offset]
        bot.poll_generation += 1
        generation = bot.poll_generation
        self._notify()

        def ready() -> list[dict[str, Any]] | None:
            if generation != bot.poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            wanted = set(bot.allowed_updates or DEFAULT_UPDATES)
            bot.updates[:] = [u for u in bot.updates if _update_type(u) in wanted]
            return bot.updates[:limit] or None

        return await self.wait_until(ready, timeout) or []

    async def _set_webhook(self, call: _Call) -> Any:
        url = call.params.string("url") or ""
        if not url:
            call.bot.webhook = None
            return True
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        check_webhook(call.params.string("secret_token"), call.params.integer("max_connections"))
        call.bot.webhook = {
            "url": url,
            "secret_token": call.params.string("secret_token"),
            "allowed_updates": call.params.json("allowed_updates"),
            "max_connections": call.params.integer("max_connections") or 40,
        }
        if call.params.flag("drop_pending_updates"):
            call.bot.updates.clear()
        return True

    async def _delete_webhook(self, call: _Call) -> Any:
        call.bot.webhook = None
        if call.params.flag("drop_pending_updates"):
            call.bot.updates.clear()
        return True

    async def _get_webhook_info(self, call: _Call) -> Any:
        hook = call.bot.webhook or {}
        info: dict[str, Any] = {
            "url": hook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(call.bot.updates),
        }
        if hook:
            info["max_connections"] = hook["max_connections"]
            if hook.get("allowed_updates"):
                info["allowed_updates"] = hook["allowed_updates"]
        return info

    # -- the command menu: rules and error texts in emulators.telegram.commands ------------

    def _commands_key(self, params: Params) -> tuple[str, str]:
        scope = commands.parse_scope(
            params.values.get("scope"), self.chats.get, lambda uid: uid in self.users
        )
        return commands.scope_key(scope, commands.check_language(params.string("language_code")))

    async def _set_my_commands(self, call: _Call) -> Any:
        menu = commands.parse_commands(call.params.values.get("commands"))
        key = self._commands_key(call.params)
        if menu:
            call.bot.commands[key] = menu
        else:
            call.bot.commands.pop(key, None)  # an empty list resets the scope, as deleting does
        self._notify()
        return True

    async def _get_my_commands(self, call: _Call) -> Any:
        return call.bot.commands.get(self._commands_key(call.params), [])

    async def _delete_my_commands(self, call: _Call) -> Any:
        call.bot.commands.pop(self._commands_key(call.params), None)
        self._notify()
        return True

    async def _set_my_description(self, call: _Call) -> Any:
        language = call.params.string("language_code") or ""
        call.bot.descriptions[language] = call.params.string("description") or ""
        return True

    async def _set_my_short_description(self, call: _Call) -> Any:
        language = call.params.string("language_code") or ""
        call.bot.short_descriptions[language] = call.params.string("short_description") or ""
        return True

    async def _set_chat_menu_button(self, call: _Call) -> Any:
        button = call.params.json("menu_button") or {"type": "default"}
        call.bot.menu_buttons[call.params.integer("chat_id")] = button
        return True

    async def _send_message(self, call: _Call) -> Any:
        chat = self._target_chat(call)
        parsed, html = self._message_text(call.params)
        markup = self._reply_markup(call.params, chat)
        reply_to = self._reply_to(call.params, chat)
        message = self._new_bot_message(
            call, chat, text=parsed.text, html=html, entities=parsed.entities,
            reply_markup=markup, reply_to_message_id=reply_to,
        )  # fmt: skip
        return self._bot_sends(call, chat, message)

    async def _send_photo(self, call: _Call) -> Any:
        chat = self._target_chat(call)
        caption, html = self._caption(call.params)
        markup = self._reply_markup(call.params, chat)
        reply_to = self._reply_to(call.params, chat)
        sizes = self._photo(call.params.file("photo"))
        message = self._new_bot_message(
            call, chat, text=caption.text, html=html, entities=caption.entities,
            has_caption_slot=True, photo=sizes[-1].data, photo_sizes=sizes,
            reply_markup=markup, reply_to_message_id=reply_to,
        )  # fmt: skip
        return self._bot_sends(call, chat, message)

    async def _send_document(self, call: _Call) -> Any:
        chat = self._target_chat(call)
        caption, html = self._caption(call.params)
        markup = self._reply_markup(call.params, chat)
        reply_to = self._reply_to(call.params, chat)
        document = self._document(call.params.file("document"))
        message = self._new_bot_message(
            call, chat, text=caption.text, html=html, entities=caption.entities,
            has_caption_slot=True, document=document, reply_markup=markup,
            reply_to_message_id=reply_to,
        )  # fmt: skip
        return self._bot_sends(call, chat, message)

    def _message_to_edit(self, call: _Call) -> tuple[Chat, ChatMessage]:
        if call.params.string("inline_message_id"):
            raise bad_request("message to edit not found")  # inline mode is not emulated
        chat = self._target_chat(call)
        message_id = call.params.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return chat, message

    def _edited_markup(self, call: _Call, chat: Chat, message: ChatMessage) -> Any:
        markup = self._reply_markup(call.params, chat)
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        if markup is None and not (message.reply_markup or {}).get("inline_keyboard"):
            # Edits cannot touch a reply keyboard; an omitted inline keyboard is removed.
            return message.reply_markup
        return markup

    def _apply_edit(
        self, call: _Call, chat: Chat, message: ChatMessage, html: str | None, **changes: Any
    ) -> Any:
        if all(getattr(message, name) == value for name, value in changes.items()):
            raise bad_request(NOT_MODIFIED)
        for name, value in changes.items():
            setattr(message, name, value)
        message.html = html
        message.version += 1
        message.edit_date = int(time.time())
        self._log(chat, "edited", message=message.snapshot(), method=call.method)
        return self.message_api(chat, message)

    async def _edit_message_text(self, call: _Call) -> Any:
        chat, message = self._message_to_edit(call)
        parsed, html = self._message_text(call.params)
        markup = self._edited_markup(call, chat, message)
        if message.has_caption_slot:
            raise bad_request("there is no text in the message to edit")
        return self._apply_edit(
            call, chat, message, html, text=parsed.text, entities=parsed.entities,
            reply_markup=markup,
        )  # fmt: skip

    async def _edit_message_caption(self, call: _Call) -> Any:
        chat, message = self._message_to_edit(call)
        caption, html = self._caption(call.params)
        markup = self._edited_markup(call, chat, message)
        if not message.has_caption_slot:
            raise bad_request("there is no caption in the message to edit")
        return self._apply_edit(
            call, chat, message, html, text=caption.text, entities=caption.entities,
            reply_markup=markup,
        )  # fmt: skip

    async def _edit_message_reply_markup(self, call: _Call) -> Any:
        chat, message = self._message_to_edit(call)
        markup = self._edited_markup(call, chat, message)
        return self._apply_edit(call, chat, message, message.html, reply_markup=markup)

    async def _edit_message_media(self, call: _Call) -> Any:
        chat, message = self._message_to_edit(call)
        media = call.params.json("media")
        if not isinstance(media, dict) or not media.get("media"):
            raise bad_request("media is empty" if media is None else "can't parse InputMedia")
        if media.get("type") != "photo":
            raise bad_request("the emulator supports editMessageMedia with photos only")
        if not message.has_caption_slot:
            raise bad_request("there is no media in the message to edit")
        nested = Params(
            {
                "caption": media.get("caption"),
                "parse_mode": media.get("parse_mode"),
                "caption_entities": media.get("caption_entities"),
            },
            {},
        )
        caption, html = self._caption(nested)
        markup = self._edited_markup(call, chat, message)
        sizes = self._photo(call.params.reference(str(media["media"])))
        if (
            message.photo_sizes
            and sizes[-1].file_unique_id == message.photo_sizes[-1].file_unique_id
        ):
            sizes = message.photo_sizes
        return self._apply_edit(
            call, chat, message, html, photo_sizes=sizes, photo=sizes[-1].data, document=None,
            text=caption.text, entities=caption.entities, reply_markup=markup,
        )  # fmt: skip

    async def _delete_message(self, call: _Call) -> Any:
        chat = self._target_chat(call)
        message_id = call.params.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        if not chat.is_private and not message.from_bot and chat.bot_status != "administrator":
            raise bad_request("message can't be deleted")
        message.deleted = True
        self._log(chat, "deleted", message=message.snapshot(), method=call.method)
        return True

    async def _answer_callback_query(self, call: _Call) -> Any:
        query_id = call.params.string("callback_query_id")
        if not query_id:
            raise bad_request("callback_query_id is empty")
        query = self.callback_queries.get(query_id)
        if query is not None:
            call.chat = self.chats.get(query.chat_id)
        # Answered already, or too late: Telegram has forgotten the press.
        if (
            query is None
            or query.answer is not None
            or time.monotonic() - query.posted_at > self.callback_answer_window
        ):
            raise bad_request(QUERY_TOO_OLD)
        text = call.params.string("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answer = CallbackAnswer(
            text=text, show_alert=call.params.flag("show_alert"), url=call.params.string("url")
        )
        self._log(
            call.chat, "callback_answer", text=text, show_alert=query.answer.show_alert,
            user=query.user, data={"callback_query_id": query_id, "url": query.answer.url},
        )  # fmt: skip
        return True

    async def _answer_inline_query(self, call: _Call) -> Any:
        record = self.inline.queries.get(call.params.string("inline_query_id") or "")
        if record is not None:
            call.chat = self.chats.get(record.chat_id)
        return self.inline.answer(call.params)

    async def _send_chat_action(self, call: _Call) -> Any:
        chat = self._target_chat(call)
        action = call.params.string("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.chat_action = action
        self._log(chat, "chat_action", text=action, method=call.method)
        return True

    async def _get_chat(self, call: _Call) -> Any:
        chat = self._target_chat(call, reachable=False)
        data = chat.to_api()
        data.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return data

    async def _get_chat_member(self, call: _Call) -> Any:
        chat = self._target_chat(call, reachable=False)
        user_id = call.params.integer("user_id")
        if user_id is None:
            raise bad_request("user_id is empty")
        user = self.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        if user.is_bot:
            return _member(user, "member" if chat.is_private else chat.bot_status)
        if chat.is_private:
            if user_id != chat.id:
                raise bad_request("user not found")
            return _member(user, "member")
        if user_id not in chat.members:
            return _member(user, "left")
        owner = next(iter(chat.members))
        return _member(user, "creator" if user_id == owner else "member")

    async def _leave_chat(self, call: _Call) -> Any:
        chat = self._target_chat(call)
        if chat.is_private:
            raise bad_request("chat member status can't be changed in private chats")
        self.set_bot_membership(chat, call.bot.user, "left")
        return True

    async def _get_file(self, call: _Call) -> Any:
        file_id = call.params.string("file_id")
        if not file_id:
            raise bad_request("file_id is empty")
        stored = self.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }
