"""The Messenger emulator's Messenger Profile API (Get Started, greeting, persistent menu,
10 calls per 10 minutes), the Page's app subscription and attachment uploads, over HTTP."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from aiohttp import web
from support.messenger import ImageServer, error_of, graph, png, send

from emulators.messenger import Limits, MessengerEmulator

MENU_ITEM = {"type": "postback", "title": "Giỏ hàng", "payload": "CART"}


async def profile(meta: MessengerEmulator, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return await graph(meta, "POST", "/me/messenger_profile", json=body)


def menu(*locales: str, items: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    return [
        {
            "locale": locale,
            "composer_input_disabled": False,
            "call_to_actions": items or [MENU_ITEM],
        }
        for locale in locales
    ]


@pytest.fixture
def unlimited(meta: MessengerEmulator) -> MessengerEmulator:
    meta.limits = Limits.off()
    return meta


async def test_get_started_greeting_and_menu_are_set_and_read_back(
    unlimited: MessengerEmulator,
) -> None:
    body = {
        "get_started": {"payload": "GET_STARTED"},
        "greeting": [
            {"locale": "default", "text": "Chào {{user_first_name}}! Gốm, lụa, trà OCOP."},
            {"locale": "en_US", "text": "Hello {{user_first_name}}! OCOP pottery, silk, tea."},
        ],
        "persistent_menu": menu("default", "en_US"),
    }
    assert await profile(unlimited, body) == (200, {"result": "success"})
    status, answer = await graph(unlimited, "GET", "/me/messenger_profile",
                                 params={"fields": "get_started,greeting"})  # fmt: skip
    assert status == 200
    assert answer == {"data": [{"get_started": body["get_started"], "greeting": body["greeting"]}]}
    status, answer = await graph(
        unlimited, "DELETE", "/me/messenger_profile", json={"fields": ["greeting"]}
    )
    assert (status, answer) == (200, {"result": "success"})
    assert "greeting" not in unlimited.page.profile


BAD_PROFILES: dict[str, dict[str, Any]] = {
    "payload-1001": {"get_started": {"payload": "p" * 1001}},
    "greeting-without-default": {"greeting": [{"locale": "vi_VN", "text": "Chào"}]},
    "greeting-161": {"greeting": [{"locale": "default", "text": "g" * 161}]},
    "greeting-bad-locale": {"greeting": [{"locale": "default", "text": "a"},
                                         {"locale": "vietnamese", "text": "b"}]},
    "menu-without-get-started": {"persistent_menu": menu("default")},
    "menu-without-default": {"get_started": {"payload": "S"}, "persistent_menu": menu("vi_VN")},
    "menu-21-items": {"get_started": {"payload": "S"},
                      "persistent_menu": menu("default", items=[MENU_ITEM] * 21)},
    "menu-title-31": {"get_started": {"payload": "S"}, "persistent_menu": menu(
        "default", items=[{**MENU_ITEM, "title": "t" * 31}])},
    "menu-nested": {"get_started": {"payload": "S"}, "persistent_menu": menu(
        "default", items=[{"type": "nested", "title": "Thêm", "call_to_actions": [MENU_ITEM]}])},
    "unknown-field": {"colour": "red"},
}  # fmt: skip


@pytest.mark.parametrize("name", list(BAD_PROFILES))
async def test_profiles_outside_the_documented_limits_are_refused(
    unlimited: MessengerEmulator, name: str
) -> None:
    status, answer = await profile(unlimited, BAD_PROFILES[name])
    assert (status, error_of(answer)) == (400, (100, None))
    assert unlimited.page.profile == {}


async def test_the_menu_may_use_an_earlier_get_started_and_keeps_it(
    unlimited: MessengerEmulator,
) -> None:
    assert (await profile(unlimited, {"get_started": {"payload": "S"}}))[0] == 200
    web = {"type": "web_url", "title": "Trang web", "url": "https://ocop.vn"}
    items = [MENU_ITEM] * 19 + [web]
    assert (await profile(unlimited, {"persistent_menu": menu("default", items=items)}))[0] == 200
    status, answer = await graph(
        unlimited, "DELETE", "/me/messenger_profile", json={"fields": ["get_started"]}
    )
    assert (status, error_of(answer)) == (400, (100, None))
    status, _ = await graph(unlimited, "DELETE", "/me/messenger_profile",
                            json={"fields": ["get_started", "persistent_menu"]})  # fmt: skip
    assert status == 200
    assert unlimited.page.profile == {}


async def test_ten_profile_calls_per_ten_minutes(meta: MessengerEmulator) -> None:
    body = {"get_started": {"payload": "S"}}
    for _ in range(10):
        assert (await profile(meta, body))[0] == 200
    status, answer = await graph(meta, "GET", "/me/messenger_profile",
                                 params={"fields": "get_started"})  # fmt: skip
    assert (status, error_of(answer)) == (400, (613, None))
    meta.clock.advance(minutes=10)
    assert (await profile(meta, body))[0] == 200
    meta.limits = Limits.off()
    for _ in range(20):
        assert (await profile(meta, body))[0] == 200


async def test_the_page_subscribes_the_app_to_fields(meta: MessengerEmulator) -> None:
    path = f"/{meta.page.id}/subscribed_apps"
    assert await graph(meta, "GET", path) == (200, {"data": []})
    for data in ({}, {"subscribed_fields": "messages,colours"}):
        status, answer = await graph(meta, "POST", path, data=data)
        assert (status, error_of(answer)) == (400, (100, None))
    fields = "messages,messaging_postbacks,messaging_referrals,feed"
    assert await graph(meta, "POST", path, data={"subscribed_fields": fields}) == (
        200,
        {"success": True},
    )
    status, answer = await graph(meta, "GET", path)
    assert answer["data"][0]["subscribed_fields"] == fields.split(",")
    assert await graph(meta, "DELETE", path) == (200, {"success": True})
    assert meta.page.subscribed_fields is None


async def test_the_page_node_and_unknown_paths(meta: MessengerEmulator) -> None:
    assert await graph(meta, "GET", "/me") == (200, {"id": meta.page.id, "name": "OCOP Shop"})
    status, answer = await graph(meta, "GET", "/me/conversations_of_cats")
    assert (status, error_of(answer)) == (400, (100, None))
    status, answer = await graph(meta, "GET", "/me/messages")
    assert (status, error_of(answer)) == (400, (100, 33))
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{meta.base_url}/me/messages") as reply,
    ):
        assert reply.status == 400
        assert error_of(await reply.json()) == (2500, None)


async def test_images_by_url_are_fetched_and_refused_as_graph_does(
    meta: MessengerEmulator, images: ImageServer
) -> None:
    lan = meta.person("Lan")
    await lan.send("ảnh?")

    def image(url: str, **extra: Any) -> dict[str, Any]:
        payload = {"url": url, **extra}
        return {"recipient": {"id": lan.psid}, "messaging_type": "RESPONSE",
                "message": {"attachment": {"type": "image", "payload": payload}}}  # fmt: skip

    status, answer = await send(meta, image(f"{images.url}/pic.png"))
    assert status == 200
    assert "attachment_id" not in answer
    assert (await lan.next_message()).image_url == f"{images.url}/pic.png"
    for url, expected in (
        (f"{images.url}/missing.png", (100, 2018008)),
        ("http://127.0.0.1:9/pic.png", (100, 2018008)),
        (f"{images.url}/page.html", (100, 2018047)),
    ):
        status, answer = await send(meta, image(url))
        assert (status, error_of(answer)) == (400, expected), url
    status, answer = await send(meta, image(f"{images.url}/pic.png", is_reusable=True))
    attachment_id = answer["attachment_id"]
    by_id = image("")
    by_id["message"]["attachment"]["payload"] = {"attachment_id": attachment_id}
    assert (await send(meta, by_id))[0] == 200
    meta.clock.advance(days=91)
    await lan.send("còn đó không")
    status, answer = await send(meta, by_id)
    assert (status, error_of(answer)) == (400, (100, None))


async def test_message_attachments_keeps_an_image_for_reuse(
    meta: MessengerEmulator, images: ImageServer
) -> None:
    lan = meta.person("Lan")
    await lan.send("ảnh?")
    path = f"/{meta.page.id}/message_attachments"
    attachment = {
        "type": "image",
        "payload": {"url": f"{images.url}/pic.png", "is_reusable": True},
    }
    status, answer = await graph(meta, "POST", path, json={"message": {"attachment": attachment}})
    assert status == 200
    from_url = answer["attachment_id"]
    form = aiohttp.FormData()
    form.add_field(
        "message", '{"attachment": {"type": "image", "payload": {"is_reusable": true}}}'
    )
    form.add_field("filedata", png(), filename="gom.png", content_type="image/png")
    status, answer = await graph(meta, "POST", path, data=form)
    assert status == 200
    uploaded = answer["attachment_id"]
    for attachment_id in (from_url, uploaded):
        payload = {"attachment_id": attachment_id}
        message = {"attachment": {"type": "image", "payload": payload}}
        body = {"recipient": {"id": lan.psid}, "messaging_type": "RESPONSE", "message": message}
        assert (await send(meta, body))[0] == 200
    form = aiohttp.FormData()
    form.add_field(
        "message", '{"attachment": {"type": "image", "payload": {"is_reusable": true}}}'
    )
    form.add_field("filedata", b"%PDF-1.4 not an image", filename="a.png")
    status, answer = await graph(meta, "POST", path, data=form)
    assert (status, error_of(answer)) == (400, (100, 2018047))
    not_reusable = {**attachment, "payload": {"url": f"{images.url}/pic.png"}}
    status, answer = await graph(
        meta, "POST", path, json={"message": {"attachment": not_reusable}}
    )
    assert (status, error_of(answer)) == (400, (100, None))


async def test_the_graph_api_can_be_served_under_a_prefix_of_another_server() -> None:
    meta = MessengerEmulator()
    page = meta.add_page("OCOP Shop")
    app = web.Application()
    meta.add_routes(app, prefix="/messenger")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    await meta.start(serve=False)
    base = f"http://127.0.0.1:{runner.addresses[0][1]}/messenger/v25.0"
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/me", params={"access_token": page.token}) as reply:
                assert await reply.json() == {"id": page.id, "name": "OCOP Shop"}
            async with session.get(f"{base}/me", params={"access_token": "wrong"}) as reply:
                assert error_of(await reply.json()) == (190, None)
    finally:
        await meta.stop()
        await runner.cleanup()


async def test_reset_forgets_people_and_counts_but_keeps_pages(meta: MessengerEmulator) -> None:
    lan = meta.person("Lan")
    await lan.send("chào")
    await send(meta, {"recipient": {"id": "1"}, "messaging_type": "RESPONSE",
                      "message": {"text": "x"}})  # fmt: skip
    meta.reset()
    assert meta.page.users == {}
    assert meta.errors == []
    assert meta.stats.errors_by_code() == {}
    assert meta.page_for_token(meta.page.token) is meta.page
