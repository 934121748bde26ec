"""A thin client of the Graph API for one Page: the Send API (every call with its
``messaging_type``), sender actions, reusable attachments, the Messenger Profile API and the
Page's subscription of the app.

The Messenger packages on PyPI are stale and synchronous (``fbmessenger`` 6.0.0 of 2019 on
``requests``, ``pymessenger`` 2016, ``fbmq`` 2018), so this is our own, over aiohttp, kept
thin: a difference from Meta's documentation is a one-line fix.

Graph answers an error as ``{"error": {"message", "type", "code", "error_subcode"}}``; what
it means is read from the code *and* subcode (:class:`GraphError`), never from the text.
Every attempt is counted in the metrics by what it does (``send``, ``sender_action``,
``upload``, ``profile``, ``subscribe``) and how it was answered (:func:`answer_code`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from enum import StrEnum
from typing import Any

import aiohttp

from bot import metrics

log = logging.getLogger(__name__)

# Attempts at one call before a passing failure is given up for this time.
ATTEMPTS = 3


class Trouble(StrEnum):
    """What a Graph error means for the shop."""

    unavailable = "unavailable"  # 551/1545041: blocked the Page, or cannot be reached
    outside_window = "outside_window"  # 10/2018278: the 24-hour window is closed
    restricted = "restricted"  # 10/1893063: Meta restricted the Page's messaging
    rate_limited = "rate_limited"  # 4, 613 (and 17, 32): too many calls, back off
    retry = "retry"  # 1, 2 and 5xx: Graph's own failure, try again later
    token = "token"  # 190: the Page token is wrong or expired
    permission = "permission"  # 200, 230, 10 otherwise: a permission is missing
    invalid = "invalid"  # 100 and the rest: the request itself is wrong


class GraphError(Exception):
    def __init__(self, status: int, code: int, message: str, subcode: int | None = None) -> None:
        super().__init__(f"{code}/{subcode}: {message}" if subcode else f"{code}: {message}")
        self.status = status
        self.code = code
        self.subcode = subcode
        self.message = message

    @property
    def trouble(self) -> Trouble:  # noqa: PLR0911 - one meaning per code
        code, subcode = self.code, self.subcode
        if code == 551 or subcode == 1545041:
            return Trouble.unavailable
        if code == 10 and subcode == 2018278:
            return Trouble.outside_window
        if code == 10 and subcode == 1893063:
            return Trouble.restricted
        if code in (4, 17, 32, 613):
            return Trouble.rate_limited
        if code in (1, 2) or self.status >= 500:
            return Trouble.retry
        if code == 190:
            return Trouble.token
        if code in (10, 200, 230) or 200 <= code <= 299:
            return Trouble.permission
        return Trouble.invalid

    @property
    def passing(self) -> bool:
        """Worth trying again later."""
        return self.trouble in (Trouble.rate_limited, Trouble.retry)


class GraphNetworkError(Exception):
    """Graph could not be reached, or did not answer in time."""


def answer_code(error: GraphError | GraphNetworkError | None) -> str:
    """How Graph answered a call, as ``metrics.API_CODES`` names it: its rate limits (HTTP
    400 or 403 with code 4, 17, 32 or 613) as 429, Graph's own failures as 5xx."""
    if error is None:
        return "200"
    if isinstance(error, GraphNetworkError):
        return "network"
    if error.trouble == Trouble.rate_limited:
        return "429"
    if error.status >= 500:
        return "5xx"
    return str(error.status)


class MessagingType(StrEnum):
    response = "RESPONSE"  # an answer to what the person did
    update = "UPDATE"  # news the person did not ask for just now, inside the window
    utility = "UTILITY"  # an approved utility template, inside or outside the window


class GraphClient:
    def __init__(
        self, graph_url: str, page_id: str, token: str, *, request_timeout: float = 15.0
    ) -> None:
        self.graph_url = graph_url.rstrip("/")
        self.page_id = page_id
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def call(
        self,
        method: str,
        edge: str,
        *,
        json_body: dict[str, Any] | None = None,
        data: aiohttp.FormData | None = None,
        params: dict[str, str] | None = None,
        name: str = "",
    ) -> dict[str, Any]:
        """``method /{page-id}/{edge}``; a rate limit or Graph's own failure is tried again
        (after 0.5 s, then 1 s) before it is raised. ``name``: what the call does, for the
        metrics (the edge by default)."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await self._counted(name or edge, method, edge, json_body, data, params)
            except GraphError as err:
                if not err.passing or attempt == ATTEMPTS or data is not None:
                    raise
                log.info("graph %s %s: %s; trying again", method, edge, err)
            except GraphNetworkError:
                if attempt == ATTEMPTS or data is not None:
                    raise
            await asyncio.sleep(0.5 * attempt)
        raise AssertionError("unreachable")

    async def _counted(
        self,
        name: str,
        method: str,
        edge: str,
        json_body: dict[str, Any] | None,
        data: aiohttp.FormData | None,
        params: dict[str, str] | None,
    ) -> dict[str, Any]:
        started = time.perf_counter()
        error: GraphError | GraphNetworkError | None = None
        try:
            return await self._call_once(method, edge, json_body, data, params)
        except (GraphError, GraphNetworkError) as err:
            error = err
            raise
        finally:
            metrics.api_call("messenger", name, answer_code(error), time.perf_counter() - started)

    async def _call_once(
        self,
        method: str,
        edge: str,
        json_body: dict[str, Any] | None,
        data: aiohttp.FormData | None,
        params: dict[str, str] | None,
    ) -> dict[str, Any]:
        url = f"{self.graph_url}/{self.page_id}/{edge}"
        query = {"access_token": self._token, **(params or {})}
        try:
            async with self._http().request(
                method, url, params=query, json=json_body, data=data
            ) as reply:
                status, body = reply.status, await reply.text()
        except (aiohttp.ClientError, TimeoutError) as err:
            raise GraphNetworkError(str(err) or type(err).__name__) from err
        try:
            answer = json.loads(body)
        except ValueError:
            raise GraphError(status, 2 if status >= 500 else 100, body[:200] or "empty") from None
        if not isinstance(answer, dict):
            raise GraphError(status, 100, "not a JSON object")
        error = answer.get("error")
        if status >= 400 or isinstance(error, dict):
            error = error if isinstance(error, dict) else {}
            subcode = str(error.get("error_subcode", ""))
            raise GraphError(
                status,
                int(error.get("code") or (2 if status >= 500 else 100)),
                str(error.get("message", ""))[:300],
                int(subcode) if subcode.isdigit() else None,
            )
        return answer

    # -- the Send API -------------------------------------------------------------------------

    async def send(
        self,
        psid: str,
        message: dict[str, Any],
        messaging_type: MessagingType = MessagingType.response,
    ) -> dict[str, Any]:
        body = {
            "recipient": {"id": psid},
            "messaging_type": messaging_type.value,
            "message": message,
        }
        return await self.call("POST", "messages", json_body=body, name="send")

    async def sender_action(self, psid: str, action: str) -> None:
        """``typing_on``, ``typing_off`` or ``mark_seen``: the request holds only these two."""
        body = {"recipient": {"id": psid}, "sender_action": action}
        await self.call("POST", "messages", json_body=body, name="sender_action")

    async def upload_image(self, data: bytes, filename: str) -> str:
        """A picture kept by Meta for reuse (90 days): its ``attachment_id``."""
        form = aiohttp.FormData()
        message = {"attachment": {"type": "image", "payload": {"is_reusable": True}}}
        form.add_field("message", json.dumps(message))
        form.add_field("filedata", data, filename=filename, content_type="image/png")
        answer = await self.call("POST", "message_attachments", data=form, name="upload")
        return str(answer["attachment_id"])

    # -- the Page's set-up --------------------------------------------------------------------

    async def set_profile(self, profile: dict[str, Any]) -> None:
        """The Messenger Profile API (10 calls per 10 minutes): everything in one call."""
        await self.call("POST", "messenger_profile", json_body=profile, name="profile")

    async def subscribe_app(self, fields: tuple[str, ...]) -> None:
        """The Page subscribes the app to the webhook ``fields``."""
        await self.call(
            "POST",
            "subscribed_apps",
            params={"subscribed_fields": ",".join(fields)},
            name="subscribe",
        )
