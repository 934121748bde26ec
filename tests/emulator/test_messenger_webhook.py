"""The Messenger emulator posts to the shop's webhook as Meta does: verified first, signed
over the body exactly as sent (non-ASCII escaped), several entries per POST, retried until
200, duplicates on demand, and only for the fields the app and the Page subscribed to."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json

import pytest
from support.messenger import APP_SECRET, VERIFY_TOKEN, ShopWebhook, eventually, graph

from emulators.messenger import MessengerEmulator, WebhookVerificationError

VIETNAMESE = "Cho tôi xem bình gốm Bát Tràng, giá bao nhiêu ạ? 🏺"


async def test_the_callback_url_is_verified_with_the_challenge_first(
    meta: MessengerEmulator, shop: ShopWebhook
) -> None:
    with pytest.raises(WebhookVerificationError, match="403"):
        await meta.webhook.subscribe(shop.url, "not-the-token")
    assert meta.webhook.url is None
    await meta.webhook.subscribe(shop.url, VERIFY_TOKEN)
    [*_, (url, status, body)] = meta.webhook.verifications
    assert (url, status) == (shop.url, 200)
    assert body.isdigit()
    assert meta.webhook.url == shop.url


async def test_an_answer_that_is_not_the_challenge_fails_verification(
    meta: MessengerEmulator, shop: ShopWebhook
) -> None:
    shop.challenge_answer = "ok"
    with pytest.raises(WebhookVerificationError, match="expected 200 with the body"):
        await meta.webhook.subscribe(shop.url, VERIFY_TOKEN)
    assert meta.webhook.url is None


async def test_nothing_is_delivered_until_the_app_and_the_page_are_subscribed(
    meta: MessengerEmulator, shop: ShopWebhook
) -> None:
    person = meta.person("Lan")
    await person.send("trước khi đăng ký")
    assert meta.webhook.dropped[-1][0] == "the app has no verified callback URL"
    await meta.webhook.subscribe(shop.url, VERIFY_TOKEN)
    await person.send("trang chưa đăng ký")
    assert "has not subscribed the app" in meta.webhook.dropped[-1][0]
    status, answer = await graph(meta, "POST", f"/{meta.page.id}/subscribed_apps",
                                 data={"subscribed_fields": "messages"})  # fmt: skip
    assert (status, answer) == (200, {"success": True})
    await person.send("bây giờ")
    await meta.webhook.settled()
    assert [event["message"]["text"] for event in shop.events] == ["bây giờ"]
    meta.page.profile["get_started"] = {"payload": "START"}
    await meta.person("Hoa").get_started()
    assert "without 'messaging_postbacks'" in meta.webhook.dropped[-1][0]
    assert len(shop.received) == 1


async def test_the_signature_is_over_the_body_as_sent_with_non_ascii_escaped(
    hooked: MessengerEmulator, shop: ShopWebhook
) -> None:
    person = hooked.person("Lan")
    await person.send(VIETNAMESE)
    await hooked.webhook.settled()
    [received] = shop.received
    body = received.body
    assert body.isascii()
    assert b"\\u00f4" in body  # ô
    assert b"\\ud83c\\udffa" in body  # 🏺 as a surrogate pair
    expected = hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert received.headers["X-Hub-Signature-256"] == f"sha256={expected}"
    sha1 = hmac.new(APP_SECRET.encode(), body, hashlib.sha1).hexdigest()
    assert received.headers["X-Hub-Signature"] == f"sha1={sha1}"
    # The same JSON serialised again, with the letters as UTF-8, no longer matches.
    again = json.dumps(json.loads(body), ensure_ascii=False).encode()
    assert hmac.new(APP_SECRET.encode(), again, hashlib.sha256).hexdigest() != expected
    payload = json.loads(body)
    assert payload["object"] == "page"
    [entry] = payload["entry"]
    assert entry["id"] == hooked.page.id
    assert isinstance(entry["time"], int)
    [event] = entry["messaging"]
    assert event["sender"] == {"id": person.psid}
    assert event["recipient"] == {"id": hooked.page.id}
    assert event["message"]["text"] == VIETNAMESE
    assert event["message"]["mid"] == person.user.thread[-1].mid


async def test_waiting_events_go_out_as_several_entries_of_one_post(
    hooked: MessengerEmulator, shop: ShopWebhook
) -> None:
    hooked.webhook.pause()
    people = [hooked.person(name) for name in ("An", "Bình", "Chi")]
    for person in people:
        await person.send(f"{person.name} đây")
    hooked.webhook.resume()
    await hooked.webhook.settled()
    [received] = shop.received
    entries = json.loads(received.body)["entry"]
    assert [len(entry["messaging"]) for entry in entries] == [1, 1, 1]
    senders = [entry["messaging"][0]["sender"]["id"] for entry in entries]
    assert senders == [person.psid for person in people]
    hooked.webhook.batching = False
    hooked.webhook.pause()
    for person in people:
        await person.send("lần nữa")
    hooked.webhook.resume()
    await hooked.webhook.settled()
    assert len(shop.received) == 4


async def test_a_post_is_retried_until_200_and_a_persons_later_events_wait(
    hooked: MessengerEmulator, shop: ShopWebhook
) -> None:
    shop.statuses = [500, 204]  # only 200 counts as delivered
    hooked.webhook.batching = False
    person = hooked.person("Lan")
    await person.send("một")
    await person.send("hai")
    await hooked.webhook.settled()
    texts = [
        json.loads(r.body)["entry"][0]["messaging"][0]["message"]["text"] for r in shop.received
    ]
    assert texts == ["một", "một", "một", "hai"]
    assert len({r.body for r in shop.received[:3]}) == 1  # the same bytes each time
    deliveries = hooked.webhook.deliveries
    assert [(d.status, d.attempt) for d in deliveries] == [(500, 1), (204, 2), (200, 3), (200, 1)]
    assert [d.status for d in hooked.webhook.failures()] == [500, 204]


async def test_an_unreachable_webhook_is_retried_on_the_schedule(
    hooked: MessengerEmulator, shop: ShopWebhook
) -> None:
    await shop.stop()
    hooked.webhook.retry_delays = (0.05, 0.1)
    await hooked.person("Lan").send("có ai không")
    assert await hooked.wait_until(lambda: len(hooked.webhook.deliveries) >= 3 or None, 3)
    assert {d.status for d in hooked.webhook.deliveries} == {0}
    assert all(d.error for d in hooked.webhook.deliveries)
    assert hooked.webhook.pending == 1


async def test_duplicates_on_purpose(hooked: MessengerEmulator, shop: ShopWebhook) -> None:
    person = hooked.person("Lan")
    hooked.webhook.batching = False
    await person.send("đặt hàng", duplicate=True)
    await hooked.webhook.settled()
    mids = [event["message"]["mid"] for event in shop.events]
    assert len(mids) == 2
    assert mids[0] == mids[1]
    again = await hooked.webhook.resend(hooked.webhook.deliveries[0])
    assert again.ok
    assert shop.received[-1].body == shop.received[0].body


async def test_events_arrive_in_meta_shapes(hooked: MessengerEmulator, shop: ShopWebhook) -> None:
    hooked.page.profile["get_started"] = {"payload": "GET_STARTED"}
    person = hooked.person("Lan", phone="+84987654321")
    await person.open_link("https://m.me/ocopshop?ref=p_BABE-SA-10")
    quick = [{"content_type": "text", "title": "Gốm sứ", "payload": "CAT_3"},
             {"content_type": "user_phone_number"}]  # fmt: skip
    await graph(hooked, "POST", "/me/messages", json={
        "recipient": {"id": person.psid}, "messaging_type": "RESPONSE",
        "message": {"text": "Chọn", "quick_replies": quick}})  # fmt: skip
    await person.tap_quick_reply("Gốm sứ")
    await graph(
        hooked,
        "POST",
        "/me/messages",
        json={
            "recipient": {"id": person.psid},
            "messaging_type": "RESPONSE",
            "message": {"text": "Số điện thoại?", "quick_replies": quick},
        },
    )
    await person.share_phone()
    await person.open_link("https://m.me/ocopshop?ref=poster_BABE")
    await person.send_sticker()
    await person.send_image("https://example.com/anh.jpg")
    await hooked.webhook.settled()
    started, tapped, phone, referral, sticker, image = shop.events
    assert started["postback"]["title"] == "Get Started"
    assert started["postback"]["payload"] == "GET_STARTED"
    assert started["postback"]["referral"] == {
        "ref": "p_BABE-SA-10", "source": "SHORTLINK", "type": "OPEN_THREAD"}  # fmt: skip
    assert started["postback"]["mid"].startswith("m_")
    assert tapped["message"]["text"] == "Gốm sứ"
    assert tapped["message"]["quick_reply"] == {"payload": "CAT_3"}
    assert phone["message"]["text"] == "+84987654321"
    assert phone["message"]["quick_reply"] == {"payload": "+84987654321"}
    assert referral["referral"] == {"ref": "poster_BABE", "source": "SHORTLINK",
                                    "type": "OPEN_THREAD"}  # fmt: skip
    assert "message" not in referral
    assert sticker["message"]["attachments"][0]["type"] == "sticker"
    assert sticker["message"]["sticker_id"] == 369239263222822
    assert image["message"]["attachments"] == [
        {"type": "image", "payload": {"url": "https://example.com/anh.jpg"}}]  # fmt: skip
    for event in shop.events:
        assert isinstance(event["timestamp"], int)


async def test_a_comment_on_a_page_post_is_a_feed_change(
    hooked: MessengerEmulator, shop: ShopWebhook
) -> None:
    post = hooked.publish_post("Livestream Bát Tràng tối nay")
    person = hooked.person("Minh")
    comment = await person.comment(post, "chốt BABE-SA-10")
    await hooked.webhook.settled()
    [received] = shop.received
    [entry] = json.loads(received.body)["entry"]
    assert entry["id"] == hooked.page.id
    [change] = entry["changes"]
    assert change["field"] == "feed"
    value = change["value"]
    assert value["item"] == "comment"
    assert value["verb"] == "add"
    assert value["comment_id"] == comment.id
    assert value["post_id"] == post.id
    assert value["parent_id"] == post.id
    assert value["message"] == "chốt BABE-SA-10"
    assert value["from"]["name"] == "Minh"
    assert value["from"]["id"] != person.psid  # not a PSID: the Page cannot message it
    assert isinstance(value["created_time"], int)


async def test_echoes_only_for_apps_subscribed_to_them(
    hooked: MessengerEmulator, shop: ShopWebhook
) -> None:
    person = hooked.person("Lan")
    await person.send("chào")
    body = {"recipient": {"id": person.psid}, "messaging_type": "RESPONSE",
            "message": {"text": "Chào chị", "metadata": "screen=home"}}  # fmt: skip
    await graph(hooked, "POST", "/me/messages", json=body)
    await hooked.webhook.settled()
    assert len(shop.events) == 1
    hooked.webhook.fields += ("message_echoes",)
    hooked.page.subscribed_fields = (*(hooked.page.subscribed_fields or ()), "message_echoes")
    await graph(hooked, "POST", "/me/messages", json=body)
    await hooked.webhook.settled()
    echo = shop.events[-1]
    assert echo["message"]["is_echo"] is True
    assert echo["message"]["text"] == "Chào chị"
    assert echo["message"]["metadata"] == "screen=home"
    assert echo["sender"] == {"id": hooked.page.id}


async def test_one_persons_events_stay_in_order_while_others_go_ahead(
    hooked: MessengerEmulator, shop: ShopWebhook
) -> None:
    hooked.webhook.batching = False
    shop.hold = asyncio.Event()
    slow, quick = hooked.person("Chậm"), hooked.person("Nhanh")
    await slow.send("1")
    await eventually(lambda: len(shop.received) == 1)
    await slow.send("2")
    await quick.send("x")
    await eventually(lambda: len(shop.received) == 2)
    await asyncio.sleep(0.1)
    texts = [e["message"]["text"] for e in shop.events]
    assert texts == ["1", "x"]  # "2" waits for "1" to be answered
    shop.hold.set()
    await hooked.webhook.settled()
    assert [e["message"]["text"] for e in shop.events] == ["1", "x", "2"]
