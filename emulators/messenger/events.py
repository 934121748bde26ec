"""Webhook payloads as Meta sends them to a Page's app: ``messaging`` events (message, quick
reply, postback, referral, echo) and ``feed`` changes, each in its own entry; the body
serialised as Meta serialises it and signed over those exact bytes."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from emulators.messenger.models import Comment, MessengerUser, Page, ThreadMessage

# The webhook field each kind of event is delivered under (a Page subscribes to fields).
FIELDS = frozenset(
    {"messages", "messaging_postbacks", "messaging_referrals", "message_echoes", "feed",
     "message_deliveries", "message_reads", "messaging_optins", "messaging_handovers"}
)  # fmt: skip
SIGNATURE_HEADER = "X-Hub-Signature-256"


def meta_json(payload: dict[str, Any]) -> bytes:
    """The body as Meta writes it: compact, every non-ASCII character escaped (``\\u00e4``,
    emoji as surrogate pairs) and ``/`` escaped as ``\\/`` (it occurs only inside strings)."""
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").encode("ascii")


def signature(app_secret: str, body: bytes, digest: str = "sha256") -> str:
    """``sha256=<hex>`` of the HMAC of ``body`` keyed with the app secret."""
    mac = hmac.new(app_secret.encode(), body, getattr(hashlib, digest)).hexdigest()
    return f"{digest}={mac}"


def messaging_entry(page: Page, time_ms: int, event: dict[str, Any]) -> dict[str, Any]:
    return {"id": page.id, "time": time_ms, "messaging": [event]}


def _from_person(user: MessengerUser, page: Page, timestamp: int) -> dict[str, Any]:
    return {"sender": {"id": user.psid}, "recipient": {"id": page.id}, "timestamp": timestamp}


def message_event(
    user: MessengerUser, page: Page, message: ThreadMessage, body: dict[str, Any]
) -> dict[str, Any]:
    """A person's message: ``body`` holds text, quick_reply, attachments or sticker_id."""
    return {**_from_person(user, page, message.timestamp), "message": {"mid": message.mid, **body}}


def postback_event(
    user: MessengerUser,
    page: Page,
    message: ThreadMessage,
    title: str,
    referral: dict[str, Any] | None = None,
) -> dict[str, Any]:
    postback: dict[str, Any] = {"mid": message.mid, "title": title, "payload": message.payload}
    if referral is not None:
        postback["referral"] = referral
    return {**_from_person(user, page, message.timestamp), "postback": postback}


def shortlink_referral(ref: str) -> dict[str, Any]:
    return {"ref": ref, "source": "SHORTLINK", "type": "OPEN_THREAD"}


def referral_event(user: MessengerUser, page: Page, timestamp: int, ref: str) -> dict[str, Any]:
    return {**_from_person(user, page, timestamp), "referral": shortlink_referral(ref)}


def echo_event(
    page: Page, user: MessengerUser, message: ThreadMessage, app_id: str, sent: dict[str, Any]
) -> dict[str, Any]:
    """The Page's own message, echoed to apps subscribed to ``message_echoes``."""
    echo: dict[str, Any] = {"is_echo": True, "app_id": int(app_id), "mid": message.mid}
    if "text" in sent:
        echo["text"] = sent["text"]
    if "attachment" in sent:
        echo["attachments"] = [sent["attachment"]]
    for key in ("quick_replies", "metadata"):
        if key in sent:
            echo[key] = sent[key]
    return {
        "sender": {"id": page.id},
        "recipient": {"id": user.psid},
        "timestamp": message.timestamp,
        "message": echo,
    }


def feed_entry(comment: Comment, verb: str, time_s: int) -> dict[str, Any]:
    """A ``feed`` change for a comment added, edited or removed on one of the Page's posts."""
    value: dict[str, Any] = {
        "from": {"id": comment.author.user_id, "name": comment.author.name},
        "post_id": comment.post.id,
        "comment_id": comment.id,
        "parent_id": comment.parent_id,
        "created_time": int(comment.created_time),
        "item": "comment",
        "verb": verb,
    }
    if verb != "remove":
        value["message"] = comment.message
    return {
        "id": comment.post.page_id,
        "time": time_s,
        "changes": [{"field": "feed", "value": value}],
    }
