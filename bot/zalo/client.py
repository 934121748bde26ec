"""A thin client for the Zalo Bot API: JSON POSTs to ``{base}/bot{token}/{method}``.

Kept thin on purpose: the API is documented but was not tried live from here, so a difference
should be a one-line fix. Every reply is ``{"ok", "result", "description", "error_code"}``.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot import metrics

MAX_TEXT = 2000


class ZaloError(Exception):
    """Zalo answered ``ok: false``; ``code`` is its error code (the HTTP status otherwise)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description

    @property
    def retryable(self) -> bool:
        return self.code == 429 or self.code >= 500


class ZaloNetworkError(Exception):
    """Zalo could not be reached, or did not answer in time."""


@dataclass(frozen=True, slots=True)
class IncomingText:
    """A message someone sent the bot (only the parts the shop uses)."""

    message_id: str
    chat_id: str
    user_id: str
    display_name: str
    text: str
    event_name: str


def parse_update(update: dict[str, Any]) -> IncomingText | None:
    """The message in an update, or None for something that is not one."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    sender = message.get("from") or {}
    chat = message.get("chat") or {}
    if sender.get("is_bot") or "message_id" not in message:
        return None
    return IncomingText(
        message_id=str(message["message_id"]),
        chat_id=str(chat.get("id", sender.get("id", ""))),
        user_id=str(sender.get("id", "")),
        display_name=str(sender.get("display_name", ""))[:100],
        text=str(message.get("text") or ""),
        event_name=str(update.get("event_name", "")),
    )


class ZaloClient:
    def __init__(self, token: str, api_base: str, *, request_timeout: float = 10.0) -> None:
        self._url = f"{api_base.rstrip('/')}/bot{token}/"
        self._request_timeout = request_timeout
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, wait: float | None = None
    ) -> Any:
        """``result`` of the call; ZaloError for ``ok: false``, ZaloNetworkError otherwise."""
        started = time.perf_counter()
        code = "network"
        try:
            result = await self._call(method, params or {}, wait)
            code = "200"
            return result
        except ZaloError as err:
            code = "5xx" if err.code >= 500 else str(err.code)
            raise
        finally:
            metrics.api_call("zalo", method, code, time.perf_counter() - started)

    async def _call(self, method: str, params: dict[str, Any], wait: float | None) -> Any:
        timeout = aiohttp.ClientTimeout(total=wait or self._request_timeout)
        try:
            url = self._url + method
            async with self._http().post(url, json=params, timeout=timeout) as reply:
                status = reply.status
                body = await reply.text()
        except (aiohttp.ClientError, TimeoutError) as err:
            raise ZaloNetworkError(str(err) or type(err).__name__) from err
        try:
            data = json.loads(body)
        except ValueError:
            raise ZaloError(status, body[:200] or "empty reply") from None
        if not isinstance(data, dict) or not data.get("ok"):
            data = data if isinstance(data, dict) else {}
            raise ZaloError(
                int(data.get("error_code") or status), str(data.get("description", ""))
            )
        return data.get("result")

    async def get_me(self) -> dict[str, Any]:
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_update(self, seconds: int) -> dict[str, Any] | None:
        """One update, or None when a long poll of ``seconds`` ended with nothing new (408)."""
        try:
            result = await self.call("getUpdates", {"timeout": seconds}, wait=seconds + 10)
        except ZaloError as err:
            if err.code == 408:
                return None
            raise
        return result if isinstance(result, dict) and result else None

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return result if isinstance(result, dict) else {}

    async def set_webhook(self, url: str, secret_token: str) -> None:
        await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")


async def sleep_backoff(attempt: int, cap: float = 30.0) -> None:
    await asyncio.sleep(min(2.0**attempt * 0.5, cap))
