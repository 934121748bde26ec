"""The storefront's screens drawn as Messenger messages, within Messenger's documented limits:
text ≤ 2,000 (cut between lines), quick replies ≤ 13 with titles ≤ 20, the button template
(≤ 3 buttons, text ≤ 640), generic templates (≤ 10 cards, title and subtitle ≤ 80, ≤ 3
buttons), UTF-16 lengths; marked text made plain; ready answers with their full text."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.messenger.drawing import (
    TEXT_PAYLOAD,
    cut,
    draw,
    keyboard_replies,
    plain,
    size,
    split_text,
)
from bot.messenger.events import quick_reply_event
from storefront.actions import Browse, CartAction, ChangeCart, OpenMenu, View, decode
from storefront.menu import MAIN_MENU
from storefront.screens import Choice, Item, Key, Keyboard, KeyKind, Picture, Screen
from storefront.visit import Press, Text


def no_picture(_path: str) -> str | None:
    return None


def drawn(screen: Screen, picture_url: Any = no_picture) -> list[dict[str, Any]]:
    return draw(screen, view_label="🔍 View", picture_url=picture_url)


def template(message: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = message["attachment"]["payload"]
    return payload


def check_limits(messages: list[dict[str, Any]]) -> None:
    """Every limit Meta documents, on every message."""
    for message in messages:
        if "text" in message:
            assert 0 < size(message["text"]) <= 2000
        replies = message.get("quick_replies", [])
        assert len(replies) <= 13
        for reply in replies:
            if reply["content_type"] == "text":
                assert 0 < size(reply["title"]) <= 20
                assert len(reply["payload"]) <= 1000
        if "attachment" not in message or message["attachment"]["type"] != "template":
            continue
        payload = template(message)
        if payload["template_type"] == "button":
            assert 0 < size(payload["text"]) <= 640
            assert 1 <= len(payload["buttons"]) <= 3
            buttons = payload["buttons"]
        else:
            assert 1 <= len(payload["elements"]) <= 10
            buttons = []
            for element in payload["elements"]:
                assert 0 < size(element["title"]) <= 80
                assert size(element.get("subtitle", "")) <= 80
                assert 1 <= len(element["buttons"]) <= 3
                buttons += element["buttons"]
        for button in buttons:
            assert 0 < size(button["title"]) <= 20
            if button["type"] == "postback":
                assert decode(button["payload"]) is not None


def test_marked_text_becomes_plain_with_entities_unescaped() -> None:
    assert plain("<b>Gốm &amp; Sen</b> &lt;3 <i>x</i> <code>OCOP DH1</code>") == (
        "Gốm & Sen <3 x OCOP DH1"
    )


def test_lengths_are_counted_as_messenger_counts_them() -> None:
    assert size("🛒 Giỏ") == 6  # the emoji is two UTF-16 units
    assert cut("🛒 Thêm 10 sản phẩm vào giỏ hàng", 20) == "🛒 Thêm 10 sản phẩm…"
    assert size(cut("🛒" * 30, 20)) <= 20


@given(st.text(alphabet=st.sampled_from("ab ơ🛒\n"), max_size=7000))
def test_a_long_text_is_cut_into_messages_within_the_limit(text: str) -> None:
    parts = split_text(text)
    assert all(0 < size(part) <= 2000 for part in parts)
    assert (
        "".join(parts).replace("\n", "").replace(" ", "")
        == text.replace("\n", "").replace(" ", "")
        or not text.strip()
    )


def test_a_long_text_is_cut_between_lines() -> None:
    lines = [f"• dòng {n} " + "x" * 90 for n in range(60)]
    parts = split_text("\n".join(lines))
    assert len(parts) == 4
    assert all(part.split("\n")[0].startswith("• dòng") for part in parts)


def test_three_short_choices_make_a_button_template() -> None:
    choices = (
        (Choice("✅ Confirm order", ChangeCart(action=CartAction.checkout)),),
        (Choice("✏️ Edit", Browse(view=View.home)), Choice("✖️ Cancel", Browse(view=View.home))),
    )
    [message] = drawn(Screen("<b>Your order</b>\n• Tea × 1", choices))
    payload = template(message)
    assert payload["template_type"] == "button"
    assert payload["text"] == "Your order\n• Tea × 1"
    assert [b["title"] for b in payload["buttons"]] == ["✅ Confirm order", "✏️ Edit", "✖️ Cancel"]


def test_a_button_template_with_a_long_text_sends_the_text_first() -> None:
    text = "\n".join("x" * 100 for _ in range(15))
    messages = drawn(Screen(text, ((Choice("OK", Browse(view=View.home)),),)))
    check_limits(messages)
    assert "text" in messages[0]
    assert template(messages[-1])["template_type"] == "button"


def test_up_to_thirteen_short_choices_become_quick_replies_with_their_actions() -> None:
    choices = tuple((Choice(f"Page {n}", Browse(view=View.producers, page=n)),) for n in range(7))
    [message] = drawn(Screen("Producers", choices))
    assert [r["title"] for r in message["quick_replies"]] == [f"Page {n}" for n in range(7)]
    event = quick_reply_event("Page 3", message["quick_replies"][3]["payload"])
    assert event == Press(Browse(view=View.producers, page=3))


def test_long_labels_become_cards_that_keep_the_whole_label() -> None:
    label = "Thành phố Hồ Chí Minh"  # 21 characters: a button cuts it
    choices = tuple(
        (Choice(label, Browse(view=View.category, id=n)), Choice("Huế", Browse(view=View.home)))
        for n in range(12)
    )
    messages = drawn(Screen("Provinces and cities:", choices))
    check_limits(messages)
    cards = [e for m in messages[1:] for e in template(m)["elements"]]
    assert len(cards) == 12
    assert cards[0]["title"] == f"{label} · Huế"
    assert [b["title"] for b in cards[0]["buttons"]] == [cut(label, 20), "Huế"]
    assert [len(template(m)["elements"]) for m in messages[1:]] == [10, 2]


def test_list_entries_become_a_carousel_with_pictures_and_their_own_buttons() -> None:
    items = tuple(
        Item(
            label=f"Tea {n} · 100.000 ₫",
            action=Browse(view=View.stars, id=n),
            title="Bộ ấm chén " * 10,
            subtitle="980.000 ₫ · ⭐⭐⭐⭐⭐ · " + "Gốm sứ Quang Vinh " * 5,
            picture=f"products/{n}.png",
            choices=((Choice("➖", ChangeCart(action=CartAction.less, id=n)),) if n % 2 else ()),
        )
        for n in range(12)
    )
    paging = ((Choice("◀️", Browse(view=View.home)), Choice("▶️", Browse(view=View.home))),)
    messages = drawn(
        Screen("🛒 <b>Cart</b>", paging, items),
        picture_url=lambda path: f"https://shop.example.vn/media/{path}",
    )
    check_limits(messages)
    assert messages[0] == {"text": "🛒 Cart"}
    first = template(messages[1])["elements"]
    assert len(first) == 10
    assert first[0]["image_url"] == "https://shop.example.vn/media/products/0.png"
    assert [b["title"] for b in first[0]["buttons"]] == ["🔍 View"]
    assert [b["title"] for b in first[1]["buttons"]] == ["➖"]
    # The page row rides on the last carousel as quick replies.
    assert [r["title"] for r in messages[-1]["quick_replies"]] == ["◀️", "▶️"]


def test_the_main_menu_and_ready_answers_become_quick_replies() -> None:
    menu = keyboard_replies(MAIN_MENU)
    assert len(menu) == 6
    assert all(isinstance(decode(reply["payload"]), OpenMenu) for reply in menu)
    name = "Nguyễn Thị Minh Khai Phương"  # longer than a quick reply's title
    replies = keyboard_replies(
        Keyboard(
            (
                (Key("📱 Share my phone number", KeyKind.phone),),
                (Key(name),),
                (Key("📍 Share my location", KeyKind.location),),
            )
        )
    )
    assert replies[0] == {"content_type": "user_phone_number"}
    assert replies[1]["title"] == cut(name, 20)
    assert replies[1]["payload"] == TEXT_PAYLOAD + name
    assert quick_reply_event(cut(name, 20), replies[1]["payload"]) == Text(name)
    assert len(replies) == 2  # Messenger has no location quick reply any more


def test_a_screen_with_a_keyboard_offers_it_under_its_last_message() -> None:
    [message] = drawn(Screen("Hello", keyboard=MAIN_MENU))
    assert len(message["quick_replies"]) == 6


def test_sharing_into_a_chat_is_left_out() -> None:
    [message] = drawn(Screen("🔗 Tea", ((Choice("📤 Send to a chat", share="SKU-1"),),)))
    assert message == {"text": "🔗 Tea"}


@pytest.mark.parametrize("count", [1, 4, 13, 14, 40])
def test_any_number_of_choices_fits(count: int) -> None:
    choices = tuple(
        (Choice(f"Choice {n}" * (n % 3 + 1), Browse(view=View.home, page=n)),)
        for n in range(count)
    )
    check_limits(drawn(Screen("Choose", choices, picture=Picture(path="x.png"))))
