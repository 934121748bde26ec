"""The storefront's answers on Messenger, against the emulator: "typing…" while the shop
works, a press's note reaching the person once however often it is pressed, the same screen
not drawn twice in a row, a card's stepper not sending its picture again, and the ready
answers riding on the last message."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from support.messenger import png

from bot.messenger.graph import GraphClient, GraphError, GraphNetworkError
from bot.messenger.output import MessengerOutput, Pictures, RecentNotes
from emulators.messenger import MessengerEmulator, MessengerPerson
from storefront.actions import Browse, View
from storefront.menu import MAIN_MENU
from storefront.screens import Choice, Picture, Screen


@pytest.fixture
async def client(meta: MessengerEmulator) -> AsyncIterator[GraphClient]:
    graph = GraphClient(f"{meta.base_url}/v25.0", meta.page.id, meta.page.token)
    yield graph
    await graph.close()


@pytest.fixture
async def lan(meta: MessengerEmulator) -> MessengerPerson:
    person = meta.person("Lan")
    await person.send("xin chào")
    return person


def output(
    client: GraphClient, lan: MessengerPerson, media: Path, notes: RecentNotes
) -> MessengerOutput:
    troubles: list[GraphError | GraphNetworkError] = []
    return MessengerOutput(client, lan.psid, Pictures(client, media), notes, troubles.append)


async def test_typing_shows_while_the_shop_works_and_stops_with_the_answer(
    client: GraphClient, lan: MessengerPerson, tmp_path: Path
) -> None:
    out = output(client, lan, tmp_path, RecentNotes())
    out.start_typing()
    await asyncio.sleep(0.5)
    assert lan.typing
    await out.send(Screen("Kết quả"))
    await out.finish()
    assert not lan.typing
    quick = output(client, lan, tmp_path, RecentNotes())
    quick.start_typing()
    await quick.send(Screen("Nhanh"))
    await quick.finish()
    assert [m.text for m in lan.messages] == ["Kết quả", "Nhanh"]


async def test_a_flood_of_the_same_press_says_its_note_once_and_draws_its_screen_once(
    client: GraphClient, lan: MessengerPerson, tmp_path: Path
) -> None:
    notes = RecentNotes()
    cart = Screen("🛒 Giỏ hàng", ((Choice("➕", Browse(view=View.home)),),))
    for _ in range(5):
        out = output(client, lan, tmp_path, notes)
        await out.answer("Chỉ còn 2 sản phẩm.", alert=True)
        await out.show(cart)
        await out.finish()
    assert [m.text for m in lan.messages] == ["Chỉ còn 2 sản phẩm.", "🛒 Giỏ hàng"]
    # Something else in between: the same press is news again.
    out = output(client, lan, tmp_path, notes)
    await out.send(Screen("Menu", keyboard=MAIN_MENU))
    await out.answer("Chỉ còn 2 sản phẩm.")
    await out.show(cart)
    await out.finish()
    assert [m.text for m in lan.messages][-3:] == ["Menu", "Chỉ còn 2 sản phẩm.", "🛒 Giỏ hàng"]


async def test_a_note_the_next_screen_says_itself_is_not_sent_twice(
    client: GraphClient, lan: MessengerPerson, tmp_path: Path
) -> None:
    out = output(client, lan, tmp_path, RecentNotes())
    await out.answer("Cảm ơn bạn! Đơn hàng đã được đặt.")
    await out.send(Screen("✅ <b>Cảm ơn bạn! Đơn hàng đã được đặt.</b>\n📦 DH00001"))
    await out.finish()
    assert [m.text for m in lan.messages] == ["✅ Cảm ơn bạn! Đơn hàng đã được đặt.\n📦 DH00001"]


async def test_a_cards_stepper_does_not_send_its_picture_again_and_the_menu_rides_last(
    meta: MessengerEmulator, client: GraphClient, lan: MessengerPerson, tmp_path: Path
) -> None:
    (tmp_path / "products").mkdir()
    (tmp_path / "products" / "tea.png").write_bytes(png())
    notes = RecentNotes()
    pictures = Pictures(client, tmp_path)
    card = Screen("Bộ ấm chén", picture=Picture(path="products/tea.png"))
    for same in (False, True):
        out = MessengerOutput(client, lan.psid, pictures, notes, lambda _err: None)
        await out.send(Screen("Chào bạn", keyboard=MAIN_MENU))
        stepped = Screen(f"Bộ ấm chén ×{int(same) + 1}", picture=card.picture, same_picture=same)
        await out.show(stepped)
        await out.finish()
    kinds = [m.content.kind or m.text for m in lan.messages]
    assert kinds == ["Chào bạn", "image", "Bộ ấm chén ×1", "Chào bạn", "Bộ ấm chén ×2"]
    # The menu offered before the card rides on the card's last message.
    assert lan.messages[-1].quick_replies[0] == "🛍 Danh mục"
    assert lan.messages[1].quick_replies == []  # the picture: they show under the latest
    # Uploaded once, reused by its id.
    assert len(meta.page.attachments) == 1
