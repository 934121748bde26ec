"""The Send API's ``message`` parameter checked as Meta documents it, and read into what the
person will see: text (≤ 2,000), metadata (≤ 1,000), quick replies (≤ 13; text ones with a
title ≤ 20 and a payload ≤ 1,000, or the person's phone or e-mail), images by URL or
attachment id, the button template (text ≤ 640, 1–3 buttons) and the generic template
(≤ 10 elements; title ≤ 80 and at least one other field; subtitle ≤ 80; ≤ 3 buttons), and
buttons (postback: title ≤ 20, payload ≤ 1,000; web_url; phone_number in +E.164).
Unknown keys are refused, as Graph refuses them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from emulators.messenger.errors import GraphError, invalid
from emulators.messenger.models import Button, Content, Element, QuickReply

MAX_TEXT = 2000
MAX_METADATA = 1000
MAX_QUICK_REPLIES = 13
MAX_QUICK_REPLY_TITLE = 20
MAX_PAYLOAD = 1000
MAX_BUTTON_TITLE = 20
MAX_BUTTON_TEXT = 640
MAX_BUTTONS = 3
MAX_ELEMENTS = 10
MAX_ELEMENT_TEXT = 80
E164 = re.compile(r"\+[1-9]\d{6,14}")


def check_keys(value: Any, name: str, allowed: Iterable[str]) -> dict[str, Any]:
    """``value`` as an object with none but the ``allowed`` keys."""
    if not isinstance(value, dict):
        raise invalid(f"param {name} must be a JSON object")
    unknown = [key for key in value if key not in allowed]
    if unknown:
        keys = ", ".join(f'"{key}"' for key in unknown)
        raise invalid(f'Invalid keys {keys} were found in param "{name}".')
    return value


def check_text(value: Any, name: str, limit: int, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise invalid(f"param {name} must be a UTF-8 encoded string")
    if required and not value.strip():
        raise invalid(f"param {name} must be non-empty.")
    if len(value) > limit:
        raise invalid(f"Length of param {name} must be less than or equal to {limit}")
    return value


def check_url(value: Any, name: str) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid(f"param {name} must be a valid URL")
    return str(value)


def check_list(value: Any, name: str, most: int, *, least: int = 1) -> list[Any]:
    if not isinstance(value, list):
        raise invalid(f"param {name} must be an array.")
    if len(value) < least:
        raise invalid(f"param {name} must have at least {least} element(s)")
    if len(value) > most:
        raise invalid(f"param {name} must have at most {most} elements")
    return value


def read_message(message: Any) -> Content:
    """The ``message`` of a Send API request (not a utility template), checked."""
    data = check_keys(message, "message", ("text", "attachment", "quick_replies", "metadata"))
    given = [key for key in ("text", "attachment") if key in data]
    if not given:
        raise invalid("Message cannot be empty, must provide valid attachment or text")
    if len(given) > 1:
        raise invalid("Only one of text or attachment can be specified in param message")
    metadata = check_text(data.get("metadata"), "message[metadata]", MAX_METADATA, required=False)
    quick_replies = read_quick_replies(data["quick_replies"]) if "quick_replies" in data else ()
    if "text" in data:
        text = check_text(data["text"], "message[text]", MAX_TEXT)
        return Content(text=text, quick_replies=quick_replies, metadata=metadata)
    content = read_attachment(data["attachment"])
    return replace(content, quick_replies=quick_replies, metadata=metadata)


def read_quick_replies(value: Any) -> tuple[QuickReply, ...]:
    name = "message[quick_replies]"
    items = check_list(value, name, MAX_QUICK_REPLIES)
    replies = []
    for index, item in enumerate(items):
        where = f"{name}[{index}]"
        data = check_keys(item, where, ("content_type", "title", "payload", "image_url"))
        kind = data.get("content_type")
        if kind in ("user_phone_number", "user_email"):
            if len(data) > 1:
                raise invalid(f"param {where} of content_type {kind} takes no other field")
            replies.append(QuickReply(kind))
            continue
        if kind != "text":
            raise invalid(
                f"param {where}[content_type] must be one of {{text, user_phone_number, "
                "user_email}"
            )
        title = check_text(data.get("title"), f"{where}[title]", MAX_QUICK_REPLY_TITLE)
        payload = check_text(data.get("payload"), f"{where}[payload]", MAX_PAYLOAD)
        image = data.get("image_url")
        image_url = check_url(image, f"{where}[image_url]") if image is not None else None
        replies.append(QuickReply("text", title, payload, image_url))
    return tuple(replies)


def read_attachment(value: Any) -> Content:
    name = "message[attachment]"
    data = check_keys(value, name, ("type", "payload"))
    kind = data.get("type")
    if kind == "image":
        return read_image(data.get("payload"), f"{name}[payload]")
    if kind == "template":
        return read_template(data.get("payload"), f"{name}[payload]")
    if kind in ("audio", "video", "file"):
        raise invalid(f"attachments of type {kind} are not supported by this emulator")
    raise invalid(f"param {name}[type] must be one of {{image, audio, video, file, template}}")


def read_image(value: Any, name: str) -> Content:
    data = check_keys(value, name, ("url", "attachment_id", "is_reusable"))
    reusable = data.get("is_reusable", False)
    if not isinstance(reusable, bool):
        raise invalid(f"param {name}[is_reusable] must be a boolean")
    if ("url" in data) == ("attachment_id" in data):
        raise invalid(f"param {name} must have either url or attachment_id")
    if "url" in data:
        url = check_url(data["url"], f"{name}[url]")
        return Content(kind="image", image_url=url, is_reusable=reusable)
    attachment_id = data["attachment_id"]
    if not isinstance(attachment_id, str | int) or not str(attachment_id).isdigit():
        raise invalid(f"param {name}[attachment_id] must be a valid attachment id")
    if reusable:
        raise invalid(f"param {name}[is_reusable] cannot be used with an attachment_id")
    return Content(kind="image", attachment_id=str(attachment_id))


def read_template(value: Any, name: str) -> Content:
    if not isinstance(value, dict):
        raise invalid(f"param {name} must be a JSON object")
    template_type = value.get("template_type")
    if template_type == "button":
        data = check_keys(value, name, ("template_type", "text", "buttons", "sharable"))
        text = check_text(data.get("text"), f"{name}[text]", MAX_BUTTON_TEXT)
        buttons = read_buttons(data.get("buttons"), f"{name}[buttons]", least=1)
        return Content(text=text, kind="template", template_type="button", buttons=buttons)
    if template_type == "generic":
        keys = ("template_type", "elements", "image_aspect_ratio", "sharable")
        data = check_keys(value, name, keys)
        ratio = data.get("image_aspect_ratio", "horizontal")
        if ratio not in ("horizontal", "square"):
            raise invalid(
                f"param {name}[image_aspect_ratio] must be one of {{horizontal, square}}"
            )
        items = check_list(data.get("elements"), f"{name}[elements]", MAX_ELEMENTS)
        elements = tuple(
            read_element(item, f"{name}[elements][{index}]") for index, item in enumerate(items)
        )
        return Content(kind="template", template_type="generic", elements=elements)
    raise invalid(
        f"param {name}[template_type] {template_type!r} is not supported by this emulator "
        "(button, generic)"
    )


def read_element(value: Any, name: str) -> Element:
    keys = ("title", "subtitle", "image_url", "default_action", "buttons")
    data = check_keys(value, name, keys)
    title = check_text(data.get("title"), f"{name}[title]", MAX_ELEMENT_TEXT)
    subtitle = check_text(
        data.get("subtitle"), f"{name}[subtitle]", MAX_ELEMENT_TEXT, required=False
    )
    image = data.get("image_url")
    image_url = check_url(image, f"{name}[image_url]") if image is not None else None
    default_url = None
    if "default_action" in data:
        action = data["default_action"]
        where = f"{name}[default_action]"
        if isinstance(action, dict) and "title" in action:
            raise invalid(f"param {where} cannot have a title")
        action = check_keys(
            action, where, ("type", "url", "webview_height_ratio", "messenger_extensions",
                            "fallback_url", "webview_share_button"),
        )  # fmt: skip
        if action.get("type") != "web_url":
            raise invalid(f"param {where}[type] must be web_url")
        default_url = check_url(action.get("url"), f"{where}[url]")
    buttons: tuple[Button, ...] = ()
    if "buttons" in data:
        buttons = read_buttons(data["buttons"], f"{name}[buttons]", least=1)
    if not (subtitle or image_url or default_url or buttons):
        raise invalid(
            "Incomplete element data: title and at least one other field (image url, subtitle "
            "or buttons) is required with non-empty value"
        )
    return Element(title or "", subtitle, image_url, default_url, buttons)


def read_buttons(value: Any, name: str, *, least: int) -> tuple[Button, ...]:
    items = check_list(value, name, MAX_BUTTONS, least=least)
    return tuple(read_button(item, f"{name}[{index}]") for index, item in enumerate(items))


def read_button(value: Any, name: str) -> Button:
    if not isinstance(value, dict):
        raise invalid(f"param {name} must be a JSON object")
    kind = value.get("type")
    if kind == "postback":
        data = check_keys(value, name, ("type", "title", "payload"))
        title = check_text(data.get("title"), f"{name}[title]", MAX_BUTTON_TITLE)
        payload = check_text(data.get("payload"), f"{name}[payload]", MAX_PAYLOAD)
        return Button("postback", title or "", payload=payload)
    if kind == "web_url":
        keys = ("type", "title", "url", "webview_height_ratio", "messenger_extensions",
                "fallback_url", "webview_share_button")  # fmt: skip
        data = check_keys(value, name, keys)
        title = check_text(data.get("title"), f"{name}[title]", MAX_BUTTON_TITLE)
        ratio = data.get("webview_height_ratio", "full")
        if ratio not in ("compact", "tall", "full"):
            raise invalid(f"param {name}[webview_height_ratio] must be compact, tall or full")
        url = check_url(data.get("url"), f"{name}[url]")
        return Button("web_url", title or "", url=url)
    if kind == "phone_number":
        data = check_keys(value, name, ("type", "title", "payload"))
        title = check_text(data.get("title"), f"{name}[title]", MAX_BUTTON_TITLE)
        payload = data.get("payload")
        if not isinstance(payload, str) or not E164.fullmatch(payload):
            raise invalid(f"param {name}[payload] must be a phone number in the format +E.164")
        return Button("phone_number", title or "", payload=payload)
    raise invalid(
        f"param {name}[type] {kind!r} is not supported by this emulator "
        "(postback, web_url, phone_number)"
    )


def read_utility(template: Any) -> tuple[str, str, list[str], dict[int, str]]:
    """``message.template`` of a utility message: its name, language code, body parameters
    in order and postback payloads by button index."""
    name = "message[template]"
    data = check_keys(template, name, ("name", "language", "components"))
    template_name = check_text(data.get("name"), f"{name}[name]", 512) or ""
    language = check_keys(data.get("language"), f"{name}[language]", ("code",)).get("code")
    if not isinstance(language, str) or not language:
        raise invalid(f"param {name}[language][code] is required")
    body: list[str] = []
    payloads: dict[int, str] = {}
    for index, component in enumerate(
        check_list(data.get("components", []), f"{name}[components]", 10, least=0)
    ):
        where = f"{name}[components][{index}]"
        part = check_keys(component, where, ("type", "parameters", "sub_type", "index"))
        params = check_list(part.get("parameters"), f"{where}[parameters]", 10)
        kind = str(part.get("type", "")).lower()
        if kind in ("body", "header"):
            for param in params:
                value = check_keys(
                    param, f"{where}[parameters]", ("type", "text", "parameter_name")
                )
                text = check_text(value.get("text"), f"{where}[parameters][text]", 1024)
                if kind == "body":
                    body.append(text or "")
        elif kind == "buttons":
            for button_index, param in enumerate(params):
                value = check_keys(param, f"{where}[parameters]", ("type", "payload", "url"))
                if str(value.get("type", "")).upper() == "POSTBACK":
                    payloads[button_index] = str(
                        check_text(value.get("payload"), f"{where}[payload]", MAX_PAYLOAD)
                    )
        else:
            raise GraphError(100, f"param {where}[type] must be header, body or buttons")
    return template_name, language, body, payloads
