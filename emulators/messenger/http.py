"""The Graph API over HTTP: ``/{version}/{node}/{edge}`` with ``version`` like ``v25.0`` and
``node`` the Page's id or ``me``; the Page access token as ``access_token`` (query or body)
or a Bearer header; parameters from the query string and a JSON, form or multipart body
(objects may come JSON-encoded in a form field). Every refusal is a Graph error with its
HTTP status, recorded with the person it concerns when there is one."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulators.messenger.errors import (
    GraphError,
    bad_token,
    invalid,
    no_token,
    unknown_path,
    unsupported,
)
from emulators.messenger.events import FIELDS, meta_json
from emulators.messenger.models import Page
from emulators.messenger.send import json_param

if TYPE_CHECKING:
    from emulators.messenger.server import MessengerEmulator

VERSION = r"{version:v\d+\.\d+}"


def graph_response(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        body=meta_json(data), status=status, content_type="application/json", charset="UTF-8"
    )


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The request's parameters (query and body) and uploaded files."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, bytes] = {}
    if request.method in ("POST", "DELETE") and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = json.loads(await request.text())
            except ValueError:
                raise invalid("The request body is not valid JSON") from None
            if not isinstance(body, dict):
                raise invalid("The request body must be a JSON object")
            values.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    with value.file:
                        files[key] = value.file.read()
                else:
                    values[key] = value
    return values, files


def _token(request: web.Request, params: dict[str, Any]) -> str | None:
    token = params.pop("access_token", None)
    header = request.headers.get("Authorization", "")
    if token is None and header.lower().startswith(("bearer ", "oauth ")):
        token = header.split(" ", 1)[1].strip()
    return str(token) if token else None


class GraphHttp:
    def __init__(self, emulator: MessengerEmulator) -> None:
        self.emulator = emulator

    def add_routes(self, app: web.Application, prefix: str = "") -> None:
        app.router.add_route("*", f"{prefix}/{VERSION}/{{node}}/{{edge}}", self.handle)
        app.router.add_route("*", f"{prefix}/{VERSION}/{{node}}", self.handle)
        app.router.add_route("*", prefix + "/{tail:.*}", self.unknown)

    async def unknown(self, request: web.Request) -> web.Response:
        err = unknown_path()
        self.emulator.record_error(request.path, err)
        return graph_response(err.to_api(), err.http_status)

    async def handle(self, request: web.Request) -> web.Response:
        emulator = self.emulator
        params: dict[str, Any] = {}
        page: Page | None = None
        try:
            params, files = await read_params(request)
            token = _token(request, params)
            if token is None:
                raise no_token()
            page = emulator.page_for_token(token)
            if page is None:
                raise bad_token()
            node = request.match_info["node"]
            if node not in ("me", page.id):
                raise unsupported(request.method, node)
            result = await self._route(page, request.method, request.match_info.get("edge"),
                                       params, files)  # fmt: skip
        except GraphError as err:
            emulator.record_error(request.path, err, self._psid(page, params))
            return graph_response(err.to_api(), err.http_status)
        return graph_response(result)

    async def _route(
        self,
        page: Page,
        method: str,
        edge: str | None,
        params: dict[str, Any],
        files: dict[str, bytes],
    ) -> dict[str, Any]:
        emulator = self.emulator
        allowed = {
            None: ("GET",),
            "messages": ("POST",),
            "message_attachments": ("POST",),
            "messenger_profile": ("GET", "POST", "DELETE"),
            "subscribed_apps": ("GET", "POST", "DELETE"),
        }
        if edge not in allowed:
            raise invalid(f"Tried accessing nonexisting field ({edge}) on node type (Page)")
        if method not in allowed[edge]:
            raise unsupported(method, page.id)
        if edge is None:
            return {"id": page.id, "name": page.name}
        if edge == "messages":
            return await emulator.send_api.send(page, params)
        if edge == "message_attachments":
            params["message"] = json_param(params, "message")
            return await emulator.attachments.upload(page, params, files)
        if edge == "messenger_profile":
            return emulator.profile_api.call(page, method, params)
        return self._subscribed_apps(page, method, params)

    def _subscribed_apps(self, page: Page, method: str, params: dict[str, Any]) -> dict[str, Any]:
        emulator = self.emulator
        if method == "GET":
            if page.subscribed_fields is None:
                return {"data": []}
            app = {"id": emulator.app_id, "name": emulator.app_name,
                   "subscribed_fields": list(page.subscribed_fields)}  # fmt: skip
            return {"data": [app]}
        if method == "DELETE":
            page.subscribed_fields = None
            return {"success": True}
        fields = json_param(params, "subscribed_fields")
        if isinstance(fields, str):
            fields = [part.strip() for part in fields.split(",") if part.strip()]
        if not isinstance(fields, list) or not fields:
            raise invalid("param subscribed_fields is required")
        unknown = [name for name in fields if name not in FIELDS]
        if unknown:
            raise invalid(f"param subscribed_fields has unknown fields: {unknown}")
        page.subscribed_fields = tuple(str(name) for name in fields)
        emulator.notify()
        return {"success": True}

    @staticmethod
    def _psid(page: Page | None, params: dict[str, Any]) -> str | None:
        """The person a failed request concerned, for their transcript."""
        if page is None:
            return None
        try:
            recipient = json_param(params, "recipient")
        except GraphError:
            return None
        if not isinstance(recipient, dict):
            return None
        if "id" in recipient:
            return str(recipient["id"]) if str(recipient["id"]) in page.users else None
        comment = page.comments.get(str(recipient.get("comment_id")))
        return comment.author.psid if comment else None
