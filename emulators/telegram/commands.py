"""setMyCommands, getMyCommands and deleteMyCommands as Telegram checks them.

The rules and error texts follow the Bot API server (telegram-bot-api's ``Client.cpp``) and
TDLib (``BotCommandScope.cpp``, ``BotCommand.cpp``), then Telegram's own limits:
a scope of a known type, chat scopes only for a chat the bot knows (and the administrator and
member scopes only in groups), a language code empty or two lowercase letters, at most 100
commands, each named with 1–32 of ``a-z 0-9 _`` and described in 1–256 characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from emulators.telegram.models import Chat, bad_request

MAX_COMMANDS = 100
MAX_NAME = 32
MAX_DESCRIPTION = 256
GLOBAL_SCOPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
)
CHAT_SCOPES = frozenset({"chat", "chat_administrators", "chat_member"})
_NAME = re.compile(r"[a-z0-9_]+")
_LANGUAGE = re.compile(r"(?:[a-z]{2})?")

Scope = dict[str, Any]
ChatLookup = Callable[[int], Chat | None]


def _scope_error(text: str) -> Exception:
    return bad_request(f"Can't parse BotCommandScope: {text}")


def _integer(value: Any, name: str) -> int:
    if isinstance(value, bool) or value is None or value == "":
        raise _scope_error(f'Can\'t find field "{name}"')
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _scope_error(f'Field "{name}" must be a valid Number') from None


def _decode(raw: Any, error: str) -> Any:
    """aiogram sends nested objects as JSON strings; a JSON body holds them as they are."""
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        raise bad_request(error) from None


def parse_scope(raw: Any, chat: ChatLookup, user_known: Callable[[int], bool]) -> Scope:
    """The scope as a canonical dict ({"type": "default"} when none was sent)."""
    if raw is None or raw == "":
        return {"type": "default"}
    raw = _decode(raw, "Can't parse BotCommandScope JSON object")
    if not isinstance(raw, dict):
        raise _scope_error("BotCommandScope must be an Object")
    kind = raw.get("type")
    if not isinstance(kind, str):
        raise _scope_error('Can\'t find field "type"')
    if kind in GLOBAL_SCOPES:
        return {"type": kind}
    if kind not in CHAT_SCOPES:
        raise _scope_error("Unsupported type specified")
    if raw.get("chat_id") in (None, ""):
        raise _scope_error('Can\'t find field "chat_id"')
    scope: Scope = {"type": kind, "chat_id": _chat_id(raw["chat_id"])}
    if kind == "chat_member":
        user_id = _integer(raw.get("user_id"), "user_id")
        if user_id <= 0:
            raise _scope_error("Invalid user_id specified")
        scope["user_id"] = user_id
    _check_chat(scope, chat, user_known)
    return scope


def _check_chat(scope: Scope, chat: ChatLookup, user_known: Callable[[int], bool]) -> None:
    found = chat(scope["chat_id"]) if scope["chat_id"] is not None else None
    if found is None or not found.bot_known:
        raise bad_request("chat not found")
    if found.is_private and scope["type"] != "chat":
        raise bad_request("can't use specified scope in private chats")
    if "user_id" in scope and not user_known(scope["user_id"]):
        raise bad_request("user not found")


def _chat_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None  # @username: the emulator has no public chats, so "chat not found"


def check_language(code: str | None) -> str:
    language = code or ""
    if not _LANGUAGE.fullmatch(language):
        raise bad_request("invalid language code specified")
    return language


def parse_commands(raw: Any) -> list[dict[str, str]]:
    """The list as Telegram stores it: trimmed, a leading "/" dropped, every rule checked."""
    if raw is None or raw == "":
        return []
    raw = _decode(raw, "Can't parse commands JSON object")
    if not isinstance(raw, list):
        raise bad_request("Expected an Array of BotCommand")
    commands = [_command(item) for item in raw]
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    return commands


def _command(item: Any) -> dict[str, str]:
    if not isinstance(item, dict):
        raise bad_request("Can't parse BotCommand: expected an Object")
    for field in ("command", "description"):
        if not isinstance(item.get(field), str):
            raise bad_request(f"Can't parse BotCommand: Can't find field \"{field}\"")
    name = item["command"].strip().removeprefix("/")
    description = item["description"].strip()
    if not name:
        raise bad_request("command must be non-empty")
    if len(name) > MAX_NAME:
        raise bad_request(f"command length must not exceed {MAX_NAME}")
    if not description:
        raise bad_request("command description must be non-empty")
    if len(description) > MAX_DESCRIPTION:
        raise bad_request(f"command description length must not exceed {MAX_DESCRIPTION}")
    if not _NAME.fullmatch(name):
        raise bad_request("BOT_COMMAND_INVALID")
    return {"command": name, "description": description}


def scope_key(scope: Scope, language: str) -> tuple[str, str]:
    return json.dumps(scope, sort_keys=True), language
