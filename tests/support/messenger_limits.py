"""Meta's documented limits on a Send API message, checked on what the shop draws."""

from __future__ import annotations

from typing import Any

from bot.messenger.drawing import size
from storefront.actions import decode


def template(message: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = message["attachment"]["payload"]
    return payload


def check_limits(messages: list[dict[str, Any]]) -> None:
    """Every limit Meta documents, on every message."""
    for message in messages:
        if "text" in message:
            assert 0 < size(message["text"]) <= 2000
        replies = message.get("quick_replies", [])
        assert len(replies) <= 13
        for reply in replies:
            if reply["content_type"] == "text":
                assert 0 < size(reply["title"]) <= 20
                assert len(reply["payload"]) <= 1000
        if "attachment" not in message or message["attachment"]["type"] != "template":
            continue
        payload = template(message)
        if payload["template_type"] == "button":
            assert 0 < size(payload["text"]) <= 640
            assert 1 <= len(payload["buttons"]) <= 3
            buttons = payload["buttons"]
        else:
            assert 1 <= len(payload["elements"]) <= 10
            buttons = []
            for element in payload["elements"]:
                assert 0 < size(element["title"]) <= 80
                assert size(element.get("subtitle", "")) <= 80
                assert 1 <= len(element["buttons"]) <= 3
                buttons += element["buttons"]
        for button in buttons:
            assert 0 < size(button["title"]) <= 20
            if button["type"] == "postback":
                assert decode(button["payload"]) is not None
