"""One Bot API request as the emulator reads it: its parameters, uploads and target chat."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from emulators.telegram.models import ApiError, BotAccount, Chat, bad_request

if TYPE_CHECKING:
    from emulators.telegram.server import Emulator

WRONG_FILE = "wrong file identifier/HTTP URL specified"
N = TypeVar("N", int, float)


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
        return self._convert(name, int)

    def number(self, name: str) -> float | None:
        return self._convert(name, float)

    def _convert(self, name: str, kind: type[N]) -> N | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return kind(value)
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
class Call:
    """A request being answered: the emulator, the bot that made it, what it asked for, and
    the chat it concerns once known (API errors are logged in that chat)."""

    emulator: Emulator
    bot: BotAccount
    method: str
    params: Params
    chat: Chat | None = None


Handler = Callable[[Call], Awaitable[Any]]
# Bot API method names, lower-cased (Telegram reads them case-insensitively), and handlers.
METHODS: dict[str, Handler] = {}


def api_method(*names: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of the Bot API methods ``names``."""

    def register(handler: Handler) -> Handler:
        for name in names:
            METHODS[name.lower()] = handler
        return handler

    return register
