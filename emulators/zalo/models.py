"""What the Zalo emulator keeps (bots, messages) and what its API refuses, in Zalo's words."""

from __future__ import annotations

import ipaddress
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

MAX_TEXT = 2000
MAX_POLL = 60


class ZaloApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class ZaloMessage:
    message_id: str
    from_bot: bool
    text: str
    date: int  # milliseconds
    photo: str | None = None


@dataclass
class ZaloBot:
    token: str
    id: str
    name: str
    updates: deque[dict[str, Any]] = field(default_factory=deque)
    webhook_url: str = ""
    webhook_secret: str = ""


def check_text(text: Any, name: str, *, required: bool) -> str:
    """A message text or caption: 1–2,000 characters (a caption may be left out)."""
    if text is None and not required:
        return ""
    if not isinstance(text, str) or (required and not text.strip()):
        raise ZaloApiError(400, f"Bad Request: {name} is empty")
    if len(text) > MAX_TEXT:
        raise ZaloApiError(400, f"Bad Request: {name} is too long (max {MAX_TEXT})")
    return text


def check_photo_url(photo: Any) -> str:
    if not isinstance(photo, str) or urlsplit(photo).scheme not in ("http", "https"):
        raise ZaloApiError(400, "Bad Request: photo must be a public URL")
    return photo


def _is_private_host(host: str) -> bool:
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


def check_webhook(url: Any, secret: Any, *, allow_private: bool) -> tuple[str, str]:
    """An https URL at a public address (unless ``allow_private``, for tests) and a secret
    of 8–256 characters."""
    if not isinstance(url, str):
        raise ZaloApiError(400, "Bad Request: url is required")
    if urlsplit(url).scheme != "https" and not allow_private:
        raise ZaloApiError(400, "Bad Request: the webhook URL must be https")
    host = urlsplit(url).hostname or ""
    if _is_private_host(host) and not allow_private:
        raise ZaloApiError(400, "Bad Request: the webhook URL must be a public address")
    if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
        raise ZaloApiError(400, "Bad Request: secret_token must be 8 to 256 characters")
    return url, secret
