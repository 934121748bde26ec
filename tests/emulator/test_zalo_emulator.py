"""The Zalo emulator is as strict as the Zalo Bot API, spoken to by the shop's own client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.zalo.client import ZaloClient, ZaloError
from emulators.zalo import ZaloEmulator

TOKEN = "1234567890:zalo-test-secret"


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloEmulator]:
    emulator = ZaloEmulator()
    emulator.add_bot(TOKEN, name="OCOP Shop")
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def client(zalo: ZaloEmulator) -> AsyncIterator[ZaloClient]:
    client = ZaloClient(TOKEN, zalo.base_url)
    yield client
    await client.close()


async def raw(zalo: ZaloEmulator, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(zalo.base_url + path, json=body or {}) as reply,
    ):
        return reply.status, await reply.json()


async def test_get_me_answers_in_the_envelope(client: ZaloClient) -> None:
    me = await client.get_me()
    assert me == {
        "id": "1234567890",
        "account_name": "OCOP Shop",
        "account_type": "BASIC",
        "can_join_groups": False,
    }


async def test_a_wrong_token_is_401_and_an_unknown_method_404(zalo: ZaloEmulator) -> None:
    status, body = await raw(zalo, "/bot1:wrong/getMe")
    assert (status, body["ok"], body["error_code"]) == (401, False, 401)
    status, body = await raw(zalo, f"/bot{TOKEN}/sendDocument")
    assert (status, body["error_code"]) == (404, 404)
    assert body["description"] == "Not Found"


async def test_get_updates_gives_one_update_at_a_time_without_an_offset(
    zalo: ZaloEmulator, client: ZaloClient
) -> None:
    person = zalo.person("Hoa")
    await person.send("một")
    await person.send("hai")
    first = await client.get_update(1)
    second = await client.get_update(1)
    assert first is not None
    assert second is not None
    assert "update_id" not in first
    assert first["event_name"] == "message.text.received"
    assert [first["message"]["text"], second["message"]["text"]] == ["một", "hai"]
    assert first["message"]["from"] == {"id": person.id, "display_name": "Hoa", "is_bot": False}
    assert first["message"]["chat"] == {"id": person.id, "chat_type": "PRIVATE"}


async def test_an_idle_long_poll_ends_with_408(zalo: ZaloEmulator, client: ZaloClient) -> None:
    status, body = await raw(zalo, f"/bot{TOKEN}/getUpdates", {"timeout": 1})
    assert (status, body) == (
        408,
        {"ok": False, "error_code": 408, "description": "Request timeout"},
    )
    assert await client.get_update(0) is None  # what the shop's client makes of it


async def test_a_message_delivered_twice_carries_the_same_id(
    zalo: ZaloEmulator, client: ZaloClient
) -> None:
    await zalo.person("Hoa").send("nhan DH00001", twice=True)
    first, second = await client.get_update(1), await client.get_update(1)
    assert first == second


async def test_text_must_be_1_to_2000_characters(zalo: ZaloEmulator, client: ZaloClient) -> None:
    person = zalo.person("Hoa")
    await person.send("chào")
    await client.send_message(person.id, "x" * 2000)
    for text in ("", "   ", "x" * 2001):
        with pytest.raises(ZaloError) as refused:
            await client.send_message(person.id, text)
        assert refused.value.code == 400
    assert [len(m.text) for m in person.bot_messages] == [2000]


async def test_a_bot_writes_only_to_people_who_wrote_to_it(
    zalo: ZaloEmulator, client: ZaloClient
) -> None:
    silent = zalo.person("Im lặng")
    with pytest.raises(ZaloError) as refused:
        await client.send_message(silent.id, "chào")
    assert refused.value.code == 400
    assert "chat not found" in refused.value.description


async def test_photos_are_public_urls_only(zalo: ZaloEmulator, client: ZaloClient) -> None:
    person = zalo.person("Hoa")
    await person.send("chào")
    await client.call("sendPhoto", {"chat_id": person.id, "photo": "https://example.com/a.jpg"})
    for photo in ("attach://photo", "AgACAgQAAxkBAAI", None):
        with pytest.raises(ZaloError) as refused:
            await client.call("sendPhoto", {"chat_id": person.id, "photo": photo})
        assert refused.value.code == 400
    assert [m.photo for m in person.bot_messages] == ["https://example.com/a.jpg"]


async def test_webhooks_need_https_a_public_address_and_a_secret(
    zalo: ZaloEmulator, client: ZaloClient
) -> None:
    for url, secret in (
        ("http://shop.example/zalo", "s3cret-token"),
        ("https://127.0.0.1/zalo", "s3cret-token"),
        ("https://localhost/zalo", "s3cret-token"),
        ("https://shop.example/zalo", "short"),
    ):
        with pytest.raises(ZaloError) as refused:
            await client.set_webhook(url, secret)
        assert refused.value.code == 400
    await client.set_webhook("https://shop.example/zalo", "s3cret-token")
    # Polling and a webhook are exclusive.
    with pytest.raises(ZaloError) as refused:
        await client.get_update(1)
    assert refused.value.code == 409
    await client.delete_webhook()
    assert await client.get_update(0) is None


async def test_updates_are_posted_to_the_webhook_with_the_secret_header() -> None:
    received: list[tuple[str, dict[str, Any]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers["X-Bot-Api-Secret-Token"], await request.json()))
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/zalo/webhook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    zalo = ZaloEmulator(allow_private_webhooks=True)
    zalo.add_bot(TOKEN)
    await zalo.start()
    client = ZaloClient(TOKEN, zalo.base_url)
    try:
        await client.set_webhook(f"http://127.0.0.1:{port}/zalo/webhook", "s3cret-token")
        await zalo.person("Hoa").send("đơn")
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.02)
        assert received[0][0] == "s3cret-token"
        assert received[0][1]["message"]["text"] == "đơn"
    finally:
        await client.close()
        await zalo.stop()
        await runner.cleanup()


async def test_the_monthly_quota_when_switched_on_answers_429() -> None:
    zalo = ZaloEmulator(monthly_quota=2)
    zalo.add_bot(TOKEN)
    await zalo.start()
    client = ZaloClient(TOKEN, zalo.base_url)
    try:
        person = zalo.person("Hoa")
        await person.send("chào")
        await client.send_message(person.id, "một")
        await client.send_message(person.id, "hai")
        with pytest.raises(ZaloError) as refused:
            await client.send_message(person.id, "ba")
        assert refused.value.code == 429
        assert refused.value.retryable
    finally:
        await client.close()
        await zalo.stop()
