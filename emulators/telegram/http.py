"""The Bot API over HTTP: ``/bot{token}/{method}`` and file downloads, the token checked
(401), form, multipart and JSON bodies read, and every answer shaped as Telegram's
(``ok``/``result``, or ``error_code``/``description`` with the HTTP status equal to it)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

# Importing the families registers their methods in METHODS.
from emulators.telegram.methods import (  # noqa: F401
    answers,
    chats,
    editing,
    files,
    menu,
    sending,
    updates,
)  # fmt: skip
from emulators.telegram.models import ApiError, bad_request
from emulators.telegram.params import METHODS, ApiCall, Call, Params, Upload

if TYPE_CHECKING:
    from emulators.telegram.server import Emulator


def _json(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(
        data, status=status, dumps=lambda obj: json.dumps(obj, ensure_ascii=False)
    )


def _error(err: ApiError) -> web.Response:
    return _json(err.to_api(), err.code)


async def _read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
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
                    uploads[key] = Upload(data, value.filename, value.content_type)
                else:
                    values[key] = value
    return Params(values, uploads)


class BotApiHttp:
    """The routes of the emulator's aiohttp application."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        emulator.app.router.add_route("*", "/bot{token}/{method}", self.handle_api)
        emulator.app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)

    async def handle_api(self, request: web.Request) -> web.Response:
        emulator = self.emulator
        bot = emulator.bots.get(request.match_info["token"])
        if bot is None:
            return _error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        handler = METHODS.get(method.lower())
        if handler is None:
            return _error(ApiError(404, "Not Found"))
        call = Call(emulator=emulator, bot=bot, method=method, params=Params({}, {}))
        try:
            call.params = await _read_params(request)
            result = await handler(call)
        except ApiError as err:
            if request.transport is None or request.transport.is_closing():
                # The bot went away (a stopped process's long poll): nobody gets this answer.
                return _error(err)
            emulator.calls.append(ApiCall(method, call.params.loggable(), err))
            emulator.log_event(
                call.chat, "error", method=method, error_code=err.code,
                description=err.description, data={"params": call.params.loggable()},
            )  # fmt: skip
            return _error(err)
        done = ApiCall(method, call.params.loggable())
        emulator.calls.append(done)
        for hook in list(emulator.call_hooks):
            hook(done)
        return _json({"ok": True, "result": result})

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] not in self.emulator.bots:
            return _error(ApiError(401, "Unauthorized"))
        stored = self.emulator.files_by_path.get(request.match_info["path"])
        if stored is None:
            return _error(ApiError(404, "Not Found"))
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
