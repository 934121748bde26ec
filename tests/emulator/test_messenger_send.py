"""The Messenger emulator's Send API answers as Meta documents it, driven over plain HTTP:
what it sends, and every refusal with its Graph code, subcode and HTTP status."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from support.messenger import error_of, graph, send

from emulators.messenger import Button, Limits, MessengerEmulator, MessengerPerson
from emulators.messenger.errors import rate_limited


def to(person: MessengerPerson, message: dict[str, Any], kind: str = "RESPONSE") -> dict[str, Any]:
    return {"recipient": {"id": person.psid}, "messaging_type": kind, "message": message}


@pytest.fixture
async def lan(meta: MessengerEmulator) -> MessengerPerson:
    """Someone who has just written to the Page: the standard window is open."""
    person = meta.person("Lan")
    await person.send("xin chào")
    return person


async def test_a_text_reaches_the_person_with_recipient_and_message_ids(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    status, answer = await send(meta, to(lan, {"text": "Chào chị Lan 🌾"}))
    assert status == 200
    assert answer["recipient_id"] == lan.psid
    assert answer["message_id"].startswith("m_")
    message = await lan.next_message()
    assert (message.mid, message.text) == (answer["message_id"], "Chào chị Lan 🌾")


async def test_me_messages_any_version_a_form_body_and_a_bearer_token_are_accepted(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    form = {
        "recipient": json.dumps({"id": lan.psid}),
        "messaging_type": "UPDATE",
        "message": json.dumps({"text": "một"}),
    }
    url = f"{meta.base_url}/v19.0/me/messages"
    status, _ = await graph(meta, "POST", "/me/messages", data=form)
    assert status == 200
    headers = {"Authorization": f"Bearer {meta.page.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=to(lan, {"text": "hai"}), headers=headers) as reply,
    ):
        assert reply.status == 200
    assert [m.text for m in lan.messages] == ["một", "hai"]


async def test_a_wrong_or_missing_token_and_another_page_are_refused(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    path = f"/{meta.page.id}/messages"
    status, answer = await graph(
        meta, "POST", path, token="EAAGwrong", json=to(lan, {"text": "x"})
    )
    assert status == 400
    assert answer["error"]["type"] == "OAuthException"
    assert answer["error"]["code"] == 190
    assert answer["error"]["fbtrace_id"]
    status, answer = await graph(meta, "POST", path, token="", json=to(lan, {"text": "x"}))
    assert (status, error_of(answer)) == (400, (2500, None))
    status, answer = await graph(meta, "POST", "/999/messages", json=to(lan, {"text": "x"}))
    assert (status, error_of(answer)) == (400, (100, 33))
    assert lan.messages == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"message": {"text": "x"}}, (100, None)),  # no messaging_type
        ({"messaging_type": "NEWS", "message": {"text": "x"}}, (100, None)),
        ({"messaging_type": "MESSAGE_TAG", "message": {"text": "x"}}, (100, None)),
        (
            {"messaging_type": "RESPONSE", "tag": "HUMAN_AGENT", "message": {"text": "x"}},
            (100, None),
        ),
        ({"messaging_type": "RESPONSE"}, (100, None)),  # no message
    ],
    ids=["no-type", "unknown-type", "tag-missing", "tag-without-message-tag", "no-message"],
)
async def test_messaging_type_and_tag_are_checked(
    meta: MessengerEmulator,
    lan: MessengerPerson,
    body: dict[str, Any],
    expected: tuple[int, int | None],
) -> None:
    status, answer = await send(meta, {"recipient": {"id": lan.psid}, **body})
    assert (status, error_of(answer)) == (400, expected)


@pytest.mark.parametrize(
    "tag", ["CONFIRMED_EVENT_UPDATE", "ACCOUNT_UPDATE", "POST_PURCHASE_UPDATE"]
)
async def test_the_retired_purchase_update_tags_are_refused(
    meta: MessengerEmulator, lan: MessengerPerson, tag: str
) -> None:
    body = {**to(lan, {"text": "Đơn đã giao"}, "MESSAGE_TAG"), "tag": tag}
    status, answer = await send(meta, body)
    assert (status, error_of(answer)) == (400, (100, None))
    assert tag in answer["error"]["message"]


async def test_human_agent_needs_the_permission_and_lasts_seven_days(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    body = {**to(lan, {"text": "Nhân viên trả lời"}, "MESSAGE_TAG"), "tag": "HUMAN_AGENT"}
    meta.clock.advance(days=3)
    status, answer = await send(meta, body)
    assert (status, error_of(answer)) == (400, (10, None))
    meta.page.human_agent = True
    assert (await send(meta, body))[0] == 200
    meta.clock.advance(days=4, seconds=1)
    status, answer = await send(meta, body)
    assert (status, error_of(answer)) == (400, (10, 2018278))


async def test_recipients_are_checked(meta: MessengerEmulator, lan: MessengerPerson) -> None:
    message = {"messaging_type": "RESPONSE", "message": {"text": "x"}}
    status, answer = await send(meta, {"recipient": {"id": "1234567890"}, **message})
    assert (status, error_of(answer)) == (400, (100, 2018001))
    assert answer["error"]["message"] == "(#100) No matching user found"
    for recipient in ({}, {"id": lan.psid, "comment_id": "1_2"}, "not json", {"psid": lan.psid}):
        status, answer = await send(meta, {"recipient": recipient, **message})
        assert (status, error_of(answer)) == (400, (100, None)), recipient


BAD_MESSAGES: dict[str, dict[str, Any]] = {
    "empty": {},
    "text-and-attachment": {
        "text": "x",
        "attachment": {"type": "image", "payload": {"url": "https://a.vn/p.png"}},
    },
    "unknown-key": {"text": "x", "colour": "red"},
    "empty-text": {"text": "  "},
    "text-2001": {"text": "ă" * 2001},
    "metadata-1001": {"text": "x", "metadata": "m" * 1001},
    "14-quick-replies": {
        "text": "x",
        "quick_replies": [
            {"content_type": "text", "title": f"{n}", "payload": "p"} for n in range(14)
        ],
    },
    "quick-reply-title-21": {
        "text": "x",
        "quick_replies": [{"content_type": "text", "title": "đ" * 21, "payload": "p"}],
    },
    "quick-reply-without-title": {
        "text": "x",
        "quick_replies": [{"content_type": "text", "payload": "p"}],
    },
    "quick-reply-payload-1001": {
        "text": "x",
        "quick_replies": [{"content_type": "text", "title": "t", "payload": "p" * 1001}],
    },
    "phone-quick-reply-with-title": {
        "text": "x",
        "quick_replies": [{"content_type": "user_phone_number", "title": "Số"}],
    },
    "location-quick-reply": {"text": "x", "quick_replies": [{"content_type": "location"}]},
    "button-text-641": {"attachment": {"type": "template", "payload": {
        "template_type": "button", "text": "t" * 641,
        "buttons": [{"type": "postback", "title": "A", "payload": "a"}]}}},
    "no-buttons": {"attachment": {"type": "template", "payload": {
        "template_type": "button", "text": "t", "buttons": []}}},
    "4-buttons": {"attachment": {"type": "template", "payload": {
        "template_type": "button", "text": "t",
        "buttons": [{"type": "postback", "title": f"{n}", "payload": "p"} for n in range(4)]}}},
    "button-title-21": {"attachment": {"type": "template", "payload": {
        "template_type": "button", "text": "t",
        "buttons": [{"type": "postback", "title": "b" * 21, "payload": "p"}]}}},
    "button-payload-1001": {"attachment": {"type": "template", "payload": {
        "template_type": "button", "text": "t",
        "buttons": [{"type": "postback", "title": "b", "payload": "p" * 1001}]}}},
    "web-url-not-a-url": {"attachment": {"type": "template", "payload": {
        "template_type": "button", "text": "t",
        "buttons": [{"type": "web_url", "title": "Web", "url": "shop.vn"}]}}},
    "phone-not-e164": {"attachment": {"type": "template", "payload": {
        "template_type": "button", "text": "t",
        "buttons": [{"type": "phone_number", "title": "Gọi", "payload": "0912345678"}]}}},
    "11-elements": {"attachment": {"type": "template", "payload": {
        "template_type": "generic",
        "elements": [{"title": f"{n}", "subtitle": "s"} for n in range(11)]}}},
    "element-title-81": {"attachment": {"type": "template", "payload": {
        "template_type": "generic", "elements": [{"title": "t" * 81, "subtitle": "s"}]}}},
    "element-subtitle-81": {"attachment": {"type": "template", "payload": {
        "template_type": "generic", "elements": [{"title": "t", "subtitle": "s" * 81}]}}},
    "element-title-only": {"attachment": {"type": "template", "payload": {
        "template_type": "generic", "elements": [{"title": "Bình gốm"}]}}},
    "element-4-buttons": {"attachment": {"type": "template", "payload": {
        "template_type": "generic", "elements": [{"title": "t", "buttons": [
            {"type": "postback", "title": f"{n}", "payload": "p"} for n in range(4)]}]}}},
    "default-action-with-title": {"attachment": {"type": "template", "payload": {
        "template_type": "generic", "elements": [{"title": "t", "default_action": {
            "type": "web_url", "url": "https://shop.vn", "title": "Xem"}}]}}},
    "unknown-template": {"attachment": {"type": "template", "payload": {
        "template_type": "receipt"}}},
}  # fmt: skip


@pytest.mark.parametrize("name", list(BAD_MESSAGES))
async def test_messages_outside_the_documented_limits_are_refused_with_100(
    meta: MessengerEmulator, lan: MessengerPerson, name: str
) -> None:
    status, answer = await send(meta, to(lan, BAD_MESSAGES[name]))
    assert (status, error_of(answer)) == (400, (100, None))
    assert lan.messages == []


async def test_messages_at_the_documented_limits_are_sent(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    replies = [{"content_type": "text", "title": "đ" * 20, "payload": "p" * 1000}] * 12
    replies.append({"content_type": "user_phone_number"})
    assert (await send(meta, to(lan, {"text": "ă" * 2000, "metadata": "m" * 1000,
                                      "quick_replies": replies})))[0] == 200  # fmt: skip
    buttons = [
        {"type": "postback", "title": "b" * 20, "payload": "p" * 1000},
        {"type": "web_url", "title": "Trang web", "url": "https://shop.vn/p/1"},
        {"type": "phone_number", "title": "Gọi shop", "payload": "+84912345678"},
    ]
    button = {"template_type": "button", "text": "t" * 640, "buttons": buttons}
    assert (await send(meta, to(lan, {"attachment": {"type": "template", "payload": button}})))[
        0
    ] == 200
    cards = [
        {"title": "t" * 80, "subtitle": "s" * 80, "image_url": "https://shop.vn/1.jpg",
         "default_action": {"type": "web_url", "url": "https://shop.vn/1"}, "buttons": buttons}
        for _ in range(10)
    ]  # fmt: skip
    generic = {"template_type": "generic", "elements": cards}
    assert (await send(meta, to(lan, {"attachment": {"type": "template", "payload": generic}})))[
        0
    ] == 200
    text, button_message, carousel = lan.messages
    assert len(text.quick_replies) == 13
    assert button_message.buttons == ["b" * 20, "Trang web", "Gọi shop"]
    assert len(carousel.elements) == 10
    assert carousel.elements[0].image_url == "https://shop.vn/1.jpg"


async def test_the_window_closes_24_hours_after_the_persons_last_message(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    meta.clock.advance(hours=23, minutes=59)
    assert (await send(meta, to(lan, {"text": "vẫn kịp"})))[0] == 200
    meta.clock.advance(minutes=2)
    for kind in ("RESPONSE", "UPDATE"):
        status, answer = await send(meta, to(lan, {"text": "muộn rồi"}, kind))
        assert (status, error_of(answer)) == (400, (10, 2018278))
    typing = {"recipient": {"id": lan.psid}, "sender_action": "typing_on"}
    assert error_of((await send(meta, typing))[1]) == (10, 2018278)
    await lan.send("còn đó không?")
    assert (await send(meta, to(lan, {"text": "có ạ"})))[0] == 200


async def test_a_postback_or_an_m_me_referral_reopens_the_window(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    meta.page.profile["get_started"] = {"payload": "START"}
    await send(meta, to(lan, {"attachment": {"type": "template", "payload": {
        "template_type": "button", "text": "Chọn",
        "buttons": [{"type": "postback", "title": "Giỏ hàng", "payload": "CART"}]}}}))  # fmt: skip
    meta.clock.advance(hours=30)
    assert error_of((await send(meta, to(lan, {"text": "x"})))[1]) == (10, 2018278)
    await lan.tap_button("Giỏ hàng")
    assert (await send(meta, to(lan, {"text": "giỏ của chị"})))[0] == 200
    meta.clock.advance(hours=30)
    await lan.open_link("https://m.me/ocopshop?ref=p_BABE-SA-10")
    assert (await send(meta, to(lan, {"text": "bình gốm"})))[0] == 200


async def test_a_utility_template_goes_out_of_the_window_and_others_do_not(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    meta.add_utility_template(
        "order_update", "Đơn {{1}} của bạn đã {{2}}.",
        buttons=(Button("postback", "Xem đơn", payload="ORDER"),),
    )  # fmt: skip
    meta.clock.advance(hours=25)

    def utility(name: str = "order_update", code: str = "vi", *params: str) -> dict[str, Any]:
        parameters = [{"type": "text", "text": value} for value in params]
        components = [
            {"type": "body", "parameters": parameters},
            {"type": "buttons", "parameters": [{"type": "POSTBACK", "payload": "ORDER_12"}]},
        ]
        template = {"name": name, "language": {"code": code}, "components": components}
        return to(lan, {"template": template}, "UTILITY")

    status, answer = await send(meta, utility("order_update", "vi", "DH00012", "được giao"))
    assert status == 200, answer
    message = await lan.next_message()
    assert message.text == "Đơn DH00012 của bạn đã được giao."
    assert message.buttons == ["Xem đơn"]
    await lan.tap_button("Xem đơn")
    assert lan.user.thread[-1].payload == "ORDER_12"
    meta.clock.advance(hours=25)
    refused = [
        utility("order_cancelled", "vi", "DH1", "x"),  # not approved
        utility("order_update", "en", "DH1", "x"),  # no such language
        utility("order_update", "vi", "DH1"),  # a parameter missing
        to(lan, {"text": "Đơn đã giao"}, "UTILITY"),  # not a template
        to(lan, utility("order_update", "vi", "DH1", "x")["message"], "UPDATE"),
    ]
    for body in refused:
        status, answer = await send(meta, body)
        assert (status, error_of(answer)) == (400, (100, None)), body


async def test_sender_actions_go_alone_and_typing_ends_with_the_next_message(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    action = {"recipient": {"id": lan.psid}, "sender_action": "typing_on"}
    status, answer = await send(meta, action)
    assert (status, answer) == (200, {"recipient_id": lan.psid})
    assert lan.typing
    await send(meta, to(lan, {"text": "đây ạ"}))
    assert not lan.typing
    await send(meta, action)
    meta.clock.advance(20)
    assert not lan.typing  # Messenger stops showing it after 20 s
    assert not lan.marked_seen
    assert (await send(meta, {**action, "sender_action": "mark_seen"}))[0] == 200
    assert lan.marked_seen
    for extra in ({"messaging_type": "RESPONSE"}, {"message": {"text": "x"}},
                  {"sender_action": "dancing"}):  # fmt: skip
        status, answer = await send(meta, {**action, **extra})
        assert (status, error_of(answer)) == (400, (100, None)), extra
    assert meta.stats.sender_actions == 3


async def test_a_person_who_blocked_the_page_and_a_restricted_page_are_refused(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    lan.block_page()
    status, answer = await send(meta, to(lan, {"text": "x"}))
    assert (status, error_of(answer)) == (400, (551, 1545041))
    typing = {"recipient": {"id": lan.psid}, "sender_action": "typing_on"}
    assert error_of((await send(meta, typing))[1]) == (551, 1545041)
    lan.unblock_page()
    meta.page.restricted = True
    status, answer = await send(meta, to(lan, {"text": "x"}))
    assert (status, error_of(answer)) == (400, (10, 1893063))
    assert lan.messages == []


async def test_rate_limits_answer_613(meta: MessengerEmulator, lan: MessengerPerson) -> None:
    meta.fail_sends(rate_limited(), rate_limited())
    for _ in range(2):
        status, answer = await send(meta, to(lan, {"text": "x"}))
        assert (status, error_of(answer)) == (400, (613, None))
        assert answer["error"]["is_transient"] is True
    assert (await send(meta, to(lan, {"text": "x"})))[0] == 200
    meta.limits = Limits(send_per_second=2)
    meta.clock.freeze()
    assert [(await send(meta, to(lan, {"text": "x"})))[0] for _ in range(3)] == [200, 200, 400]
    meta.clock.advance(1.1)
    assert (await send(meta, to(lan, {"text": "x"})))[0] == 200


async def test_the_counts_for_bench(meta: MessengerEmulator, lan: MessengerPerson) -> None:
    await send(meta, to(lan, {"text": "một"}))
    await send(meta, {"recipient": {"id": lan.psid}, "sender_action": "typing_on"})
    await send(meta, {"recipient": {"id": "42"}, "messaging_type": "RESPONSE",
                      "message": {"text": "x"}})  # fmt: skip
    meta.clock.advance(days=2)
    await send(meta, to(lan, {"text": "hai"}))
    assert (meta.stats.messages_sent, meta.stats.sender_actions) == (1, 1)
    assert meta.stats.errors_by_code() == {100: 1, 10: 1}
    assert meta.stats.errors[(10, 2018278)] == 1
