"""The Messenger driver: a person reads what the Page sent (texts, quick replies that vanish
after the next message, cards and their buttons, pictures), taps what Messenger shows them
— old buttons too, since sent messages cannot change — and fails clearly, naming what was
seen, when what a test expects is not there."""

from __future__ import annotations

from typing import Any

import pytest
from support.messenger import send

from emulators.messenger import MessengerEmulator, MessengerPerson


async def page_says(meta: MessengerEmulator, person: MessengerPerson, **message: Any) -> None:
    body = {"recipient": {"id": person.psid}, "messaging_type": "RESPONSE", "message": message}
    status, answer = await send(meta, body)
    assert status == 200, answer


def carousel(*titles: str) -> dict[str, Any]:
    cards = [
        {"title": title, "subtitle": "180.000 ₫", "image_url": f"https://shop.vn/{n}.jpg",
         "buttons": [{"type": "postback", "title": "Thêm vào giỏ", "payload": f"ADD_{n}"},
                     {"type": "web_url", "title": "Xem trang", "url": f"https://shop.vn/{n}"}]}
        for n, title in enumerate(titles, start=1)
    ]  # fmt: skip
    return {"type": "template", "payload": {"template_type": "generic", "elements": cards}}


@pytest.fixture
async def lan(meta: MessengerEmulator) -> MessengerPerson:
    person = meta.person("Lan", email="lan@example.vn")
    await person.send("xin chào")
    return person


async def test_quick_replies_vanish_after_the_next_message(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    quick = [{"content_type": "text", "title": "Gốm sứ", "payload": "CAT_1"},
             {"content_type": "user_email"}]  # fmt: skip
    await page_says(meta, lan, text="Chọn danh mục", quick_replies=quick)
    message = await lan.next_message()
    assert message.quick_replies == ["Gốm sứ", "user_email"]
    assert lan.quick_replies == ["Gốm sứ", "user_email"]
    await page_says(meta, lan, text="Hoặc gõ tên sản phẩm")
    assert lan.quick_replies == []
    with pytest.raises(AssertionError, match=r"no quick reply 'Gốm sứ' is shown; shown: \[\]"):
        await lan.tap_quick_reply("Gốm sứ")
    await page_says(meta, lan, text="Chọn lại", quick_replies=quick)
    tapped = await lan.tap_quick_reply("Gốm sứ")
    assert (tapped.text, tapped.payload) == ("Gốm sứ", "CAT_1")
    assert lan.quick_replies == []  # the person's own message hides them too
    await page_says(meta, lan, text="E-mail?", quick_replies=quick)
    shared = await lan.share_email()
    assert (shared.text, shared.payload) == ("lan@example.vn", "lan@example.vn")


async def test_buttons_of_old_messages_stay_tappable(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    await page_says(meta, lan, attachment=carousel("Bình gốm men lam", "Khăn lụa Vạn Phúc"))
    await page_says(meta, lan, text="Đã thêm vào giỏ.")
    cards = (await lan.next_message()).elements
    assert [card.title for card in cards] == ["Bình gốm men lam", "Khăn lụa Vạn Phúc"]
    assert [b.title for b in cards[1].buttons] == ["Thêm vào giỏ", "Xem trang"]
    with pytest.raises(AssertionError, match="say which with element="):
        await lan.tap_button("Thêm vào giỏ")
    tapped = await lan.tap_button("Thêm vào giỏ", element="Khăn lụa Vạn Phúc")
    assert tapped is not None
    assert (tapped.text, tapped.payload) == ("Thêm vào giỏ", "ADD_2")
    assert await lan.tap_button("Xem trang", element="Bình gốm men lam") is None  # a browser
    with pytest.raises(AssertionError, match="no button 'Thanh toán' is shown"):
        await lan.tap_button("Thanh toán")


async def test_pictures_and_button_templates_are_read(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    await page_says(
        meta, lan, attachment={"type": "template", "payload": {
            "template_type": "button", "text": "Giỏ hàng: 2 món",
            "buttons": [{"type": "postback", "title": "Thanh toán", "payload": "CHECKOUT"}]}},
    )  # fmt: skip
    message = await lan.next_message()
    assert (message.text, message.template_type, message.buttons) == (
        "Giỏ hàng: 2 món", "button", ["Thanh toán"])  # fmt: skip
    assert "page: Giỏ hàng: 2 món buttons ['Thanh toán']" in lan.transcript()


async def test_get_started_and_m_me_links(meta: MessengerEmulator) -> None:
    hoa = meta.person("Hoa")
    with pytest.raises(AssertionError, match="no Get Started button"):
        await hoa.get_started()
    meta.page.profile["get_started"] = {"payload": "GET_STARTED"}
    assert await hoa.open_link("https://ocop.vn/p/1") is None  # a browser
    with pytest.raises(AssertionError, match="another Page"):
        await hoa.open_link("https://m.me/somebodyelse?ref=x")
    started = await hoa.open_link("https://m.me/OCOPSHOP?ref=p_BABE-SA-10")
    assert started is not None
    assert (started.action, started.payload) == ("postback", "GET_STARTED")
    with pytest.raises(AssertionError, match="new thread only"):
        await hoa.get_started()
    assert await hoa.open_link("https://m.me/ocopshop?ref=poster_BABE") is None
    assert hoa.user.thread[-1].action == "referral"
    count = len(hoa.user.thread)
    await hoa.open_link("https://m.me/ocopshop?ref=has spaces")  # Messenger drops such a ref
    assert len(hoa.user.thread) == count


async def test_the_persistent_menu_in_the_persons_locale(meta: MessengerEmulator) -> None:
    meta.page.profile["get_started"] = {"payload": "GET_STARTED"}
    meta.page.profile["persistent_menu"] = [
        {"locale": "default", "call_to_actions": [
            {"type": "postback", "title": "Giỏ hàng", "payload": "CART"},
            {"type": "web_url", "title": "Trang web", "url": "https://ocop.vn"}]},
        {"locale": "en_US", "call_to_actions": [
            {"type": "postback", "title": "Cart", "payload": "CART"}]},
    ]  # fmt: skip
    vi, en = meta.person("Lan"), meta.person("Anna", locale="en_US")
    tapped = await vi.tap_menu("Giỏ hàng")
    assert tapped is not None
    assert tapped.payload == "CART"
    assert await vi.tap_menu("Trang web") is None
    assert (await en.tap_menu("Cart")) is not None
    with pytest.raises(AssertionError, match=r"the menu shows \['Cart'\]"):
        await en.tap_menu("Giỏ hàng")


async def test_a_failure_names_what_was_seen_and_what_was_refused(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    await page_says(meta, lan, text="Chào chị Lan")
    await lan.send("còn hàng không?")
    meta.clock.advance(hours=25)
    body = {"recipient": {"id": lan.psid}, "messaging_type": "RESPONSE",
            "message": {"text": "Còn ạ"}}  # fmt: skip
    assert (await send(meta, body))[0] == 400
    with pytest.raises(AssertionError) as failure:
        await lan.next_message(timeout=0.2)
    text = str(failure.value)
    assert "the Page sent no new message within 0.2s" in text
    assert "page: Chào chị Lan" in text
    assert "person: còn hàng không?" in text
    assert "10/2018278" in text
    assert "webhook dropped" in text  # no webhook was set up in this test


async def test_waiting_for_a_message_and_blocking(
    meta: MessengerEmulator, lan: MessengerPerson
) -> None:
    await page_says(meta, lan, text="Một")
    await page_says(meta, lan, attachment=carousel("Trà sen Tây Hồ"))
    found = await lan.wait_for(lambda m: bool(m.elements))
    assert found.element("Trà sen Tây Hồ").subtitle == "180.000 ₫"
    with pytest.raises(AssertionError, match="no card titled 'Trà xanh'"):
        found.element("Trà xanh")
    lan.block_page()
    with pytest.raises(AssertionError, match="has blocked the Page"):
        await lan.send("alo")
    lan.unblock_page()
    await lan.send("alo")
    assert lan.last_message is not None
    assert lan.last_message.elements
