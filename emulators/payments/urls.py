"""Webhook URLs the providers accept: HTTPS at a public address (SePay's security page; Casso
and payOS must reach them from the Internet too). Tests on loopback switch the check off."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


class WebhookUrlRefused(ValueError):
    pass


def _private(host: str) -> bool:
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


def check_webhook_url(url: object, *, allow_private: bool) -> str:
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        raise WebhookUrlRefused(f"not a URL: {url!r}")
    if allow_private:
        return url
    if urlsplit(url).scheme != "https":
        raise WebhookUrlRefused("the webhook URL must be HTTPS")
    if _private(urlsplit(url).hostname or ""):
        raise WebhookUrlRefused("the webhook URL must be at a public address")
    return url
