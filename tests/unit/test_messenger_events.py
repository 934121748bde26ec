"""What people do on Messenger, read from webhook POSTs as Meta documents them, into the
storefront's events; and the webhook's signature, checked over the raw bytes."""

from __future__ import annotations

from typing import Any

from bot.messenger.events import GET_STARTED, read_body
from bot.messenger.webhook import signed
from emulators.messenger import meta_json, signature
from storefront.actions import CartAction, ChangeCart, MenuItem, OpenMenu
from storefront.visit import Contact, Location, Other, Press, Start, Text

SECRET = "0123456789abcdef0123456789abcdef"


def body(*events: dict[str, Any], entries: int = 1) -> dict[str, Any]:
    """A POST with ``events`` spread over ``entries`` entries."""
    per = -(-len(events) // entries)
    return {
        "object": "page",
        "entry": [
            {"id": "1", "time": 1, "messaging": list(events[n : n + per])}
            for n in range(0, len(events), per)
        ],
    }


def event(psid: str = "42", timestamp: Any = 1700000000000, **what: Any) -> dict[str, Any]:
    return {"sender": {"id": psid}, "recipient": {"id": "1"}, "timestamp": timestamp, **what}


def test_several_entries_and_events_are_read_in_order() -> None:
    found = read_body(
        body(
            event(message={"mid": "m1", "text": "bát tràng"}),
            event(psid="43", message={"mid": "m2", "text": "hi"}),
            event(postback={"mid": "m3", "title": "🛒", "payload": "c:s:0"}),
            entries=2,
        )
    )
    assert [(i.psid, i.key) for i in found] == [("42", "m1"), ("43", "m2"), ("42", "m3")]
    assert found[0].event == Text("bát tràng")
    assert found[2].event == Press(ChangeCart(action=CartAction.show))


def test_quick_replies_postbacks_and_starts() -> None:
    cases = [
        ({"message": {"mid": "a", "text": "🛍", "quick_reply": {"payload": "m:catalog"}}},
         Press(OpenMenu(item=MenuItem.catalog))),
        ({"message": {"mid": "b", "text": "Thêm…", "quick_reply": {"payload": "@Thêm ghi chú"}}},
         Text("Thêm ghi chú")),
        ({"message": {"mid": "c", "text": "+84912345678",
                      "quick_reply": {"payload": "+84912345678"}}}, Contact("+84912345678")),
        ({"message": {"mid": "d", "text": "0912 345 678", "quick_reply": {"payload": "PHONE"}}},
         Contact("0912 345 678")),
        ({"postback": {"mid": "e", "title": "Get Started", "payload": GET_STARTED,
                       "referral": {"ref": "pp_SKU-1", "source": "SHORTLINK"}}},
         Start("pp_SKU-1")),
        ({"postback": {"title": "Get Started", "payload": GET_STARTED}}, Start()),
        ({"referral": {"ref": "so_BABE", "source": "SHORTLINK", "type": "OPEN_THREAD"}},
         Start("so_BABE")),
        ({"message": {"mid": "f", "text": "/start ps_BABE"}}, Start("ps_BABE")),
        ({"message": {"mid": "g", "text": "Bắt đầu"}}, Start()),
        ({"postback": {"mid": "h", "title": "Old", "payload": "x:forged:1"}}, Press(None)),
        ({"message": {"mid": "i", "sticker_id": 369239263222822,
                      "attachments": [{"type": "sticker", "payload": {"url": "https://x"}}]}},
         Other()),
        ({"message": {"mid": "j", "attachments": [{"type": "image",
                                                    "payload": {"url": "https://x"}}]}}, Other()),
        ({"message": {"mid": "k", "attachments": [
            {"type": "location", "payload": {"coordinates": {"lat": 21.03, "long": 105.85}}}]}},
         Location(21.03, 105.85)),
    ]  # fmt: skip
    for what, expected in cases:
        [incoming] = read_body(body(event(**what)))
        assert incoming.event == expected, what


def test_echoes_deliveries_reads_and_other_objects_change_nothing() -> None:
    assert read_body(body(event(message={"mid": "m", "is_echo": True, "text": "x"}))) == []
    assert read_body(body(event(delivery={"mids": ["m"]}), event(read={"watermark": 1}))) == []
    assert read_body({"object": "instagram", "entry": []}) == []
    assert read_body(["not", "a", "body"]) == []
    assert read_body(body({"recipient": {"id": "1"}, "message": {"text": "no sender"}})) == []


def test_events_without_a_mid_get_a_key_of_their_own_and_string_timestamps_are_read() -> None:
    [referral] = read_body(body(event(timestamp="1700000000123", referral={"ref": "pp_X-1"})))
    assert referral.timestamp == 1700000000123
    assert referral.key == "referral:42:1700000000123"


def test_the_signature_is_checked_over_the_bytes_as_meta_sent_them() -> None:
    raw = meta_json(body(event(message={"mid": "m", "text": "Bát Tràng 🏺"})))
    assert b"\\u00e1" in raw  # Meta escapes non-ASCII: the bytes differ from a re-encoding
    assert signed(SECRET, raw, signature(SECRET, raw))
    assert not signed(SECRET, raw, None)
    assert not signed(SECRET, raw, "")
    assert not signed(SECRET, raw, signature(SECRET, raw, "sha1"))
    assert not signed(SECRET, raw, signature("f" * 32, raw))
    assert not signed(SECRET, raw.replace(b"\\u00e1", "á".encode()), signature(SECRET, raw))
