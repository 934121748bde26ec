"""What a person did on Messenger, read from a webhook POST and turned into the storefront's
events (pure functions).

A POST is ``{"object": "page", "entry": [{"id", "time", "messaging": [event, …]}, …]}``:
several entries, each with its events. An event is a message (text, a quick reply's payload,
attachments), a postback (a button, Get Started, the persistent menu; Get Started carries the
m.me link's ``referral`` in a new thread) or a referral (an m.me link opened in an existing
thread). Echoes of the Page's own messages, deliveries and reads change nothing.

- A quick reply or postback whose payload is one of our actions is a press of it; a ready
  answer's quick reply (``@`` and its full text) is that text, typed; Get Started, a referral
  and "/start" are a start (with the link's payload); the phone quick reply is a shared phone
  (its text is the number; the payload is read too, as Meta does not promise it is).
- Stickers, pictures and other attachments are "something else"; a shared location (older
  apps) is a location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.messenger.drawing import TEXT_PAYLOAD
from catalog.text import fold
from storefront.actions import decode
from storefront.visit import Contact, Event, Location, Other, Press, Start, Text

GET_STARTED = "GET_STARTED"
_PHONE = re.compile(r"\+?[\d\s().-]{6,24}")
_STARTS = {"/start", "start", "bat dau", "get started"}


@dataclass(frozen=True, slots=True)
class Incoming:
    """One thing a person did: who (their page-scoped id), its key (``mid``, or what stands
    for one), when (ms, Meta's clock), the storefront's event and the webhook event's kind
    (``message``, ``postback`` or ``referral``)."""

    psid: str
    key: str
    timestamp: int
    event: Event
    kind: str = "message"


def _timestamp(value: Any) -> int:
    # Meta sends milliseconds as a number; one documentation page shows a string.
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def start_of(text: str) -> Start | None:
    """ "/start", "/start <link payload>" or a word that means it."""
    words = text.strip().split(maxsplit=1)
    if words and words[0].lower() == "/start":
        return Start(words[1].strip() if len(words) > 1 else None)
    return Start() if fold(text.strip()) in _STARTS else None


def quick_reply_event(text: str | None, payload: str) -> Event:
    action = decode(payload)
    if action is not None:
        return Press(action)
    if payload.startswith(TEXT_PAYLOAD):
        return Text(payload[len(TEXT_PAYLOAD) :])
    for value in (text, payload):
        if value and _PHONE.fullmatch(value.strip()):
            return Contact(value.strip())
    return Press(None)


def message_event(message: dict[str, Any]) -> Event:
    text = _text(message.get("text"))
    quick = message.get("quick_reply")
    if isinstance(quick, dict) and isinstance(quick.get("payload"), str):
        return quick_reply_event(text, quick["payload"])
    if text:
        return start_of(text) or Text(text)
    for attachment in message.get("attachments") or ():
        if not isinstance(attachment, dict) or attachment.get("type") != "location":
            continue
        point = ((attachment.get("payload") or {}).get("coordinates")) or {}
        try:
            return Location(float(point["lat"]), float(point["long"]))
        except (KeyError, TypeError, ValueError):
            break
    return Other()


def postback_event(postback: dict[str, Any]) -> Event:
    payload = _text(postback.get("payload")) or ""
    if payload == GET_STARTED:
        referral = postback.get("referral")
        ref = referral.get("ref") if isinstance(referral, dict) else None
        return Start(ref if isinstance(ref, str) and ref else None)
    return Press(decode(payload))


def read_event(event: dict[str, Any]) -> Incoming | None:
    """The storefront's side of one ``messaging`` event, or None for one that changes nothing
    (an echo, a delivery, a read, something unknown)."""
    sender = event.get("sender")
    psid = str(sender.get("id", "")) if isinstance(sender, dict) else ""
    if not psid:
        return None
    when = _timestamp(event.get("timestamp"))
    message, postback, referral = (event.get(k) for k in ("message", "postback", "referral"))
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None
        key = str(message.get("mid") or f"message:{psid}:{when}")
        return Incoming(psid, key, when, message_event(message))
    if isinstance(postback, dict):
        key = str(postback.get("mid") or f"postback:{psid}:{when}")
        return Incoming(psid, key, when, postback_event(postback), "postback")
    if isinstance(referral, dict):
        ref = referral.get("ref")
        start = Start(ref if isinstance(ref, str) else None)
        return Incoming(psid, f"referral:{psid}:{when}", when, start, "referral")
    return None


def read_body(body: Any) -> list[Incoming]:
    """Every event of a webhook POST, in order (entries may hold several)."""
    if not isinstance(body, dict) or body.get("object") != "page":
        return []
    found: list[Incoming] = []
    for entry in body.get("entry") or ():
        if not isinstance(entry, dict):
            continue
        for event in entry.get("messaging") or ():
            if isinstance(event, dict) and (incoming := read_event(event)) is not None:
                found.append(incoming)
    return found
