"""Comments on the shop's Facebook Page become conversations (``pytest -k messenger``): the real
bot against the Telegram and Messenger emulators. A comment naming a product's code gets one
private reply with the product's card and "Add to cart", and the same comment posted again
gets none; an admin ties a post to products with /post, and "chốt"/"mua" under it (with or
without accents, in any case) gets exactly those; anything else gets the shop's welcome; the
Page's own comments and edits get nothing; and an order that follows counts under comments
in /stats."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from support.botprocess import BotProcess, Shop
from support.messenger import send
from support.messenger_shop import (
    CHECKOUT,
    LABELS,
    check_out,
    choose,
    connect_page,
    free_port,
    messenger_env,
    query,
    running_meta,
    until,
)

from emulators.messenger import MessengerEmulator, MessengerPerson, ThreadMessage
from emulators.telegram import Person as TelegramPerson

pytestmark = pytest.mark.asyncio(loop_scope="module")

BOT_TOML = """
[outbox]
lease_seconds = 2
poll_seconds = 0.5
"""

TEA_SET = "Bộ ấm chén hoa sen"
TEA = "QUANGVINH-SEN-AC"
WELCOME = "Cảm ơn bạn đã bình luận"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def meta() -> AsyncIterator[MessengerEmulator]:
    async for emulator in running_meta():
        yield emulator


@pytest.fixture(scope="module")
def webhook_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def bot_env(meta: MessengerEmulator, webhook_port: int) -> dict[str, str]:
    return messenger_env(meta, webhook_port)


@pytest_asyncio.fixture(scope="module", loop_scope="module", autouse=True)
async def page_connected(
    meta: MessengerEmulator, bot_process: BotProcess, webhook_port: int
) -> AsyncIterator[None]:
    await connect_page(meta, webhook_port)
    yield
    # Meta refused nothing: no second private reply was even tried.
    assert not meta.errors, meta.errors


async def private_reply(person: MessengerPerson) -> ThreadMessage:
    message = await person.next_message()
    assert message.private_reply_to is not None, person.explain()
    return message


async def time_for_an_answer(meta: MessengerEmulator) -> None:
    """Every event delivered, and time for an answer to come, were there one."""
    await meta.webhook.settled()
    await meta.wait_until(lambda: None, 1.5)


async def test_a_comment_with_a_product_code_gets_one_private_reply_and_a_repeat_none(
    meta: MessengerEmulator, shop: Shop
) -> None:
    post = meta.publish_post("Livestream Bát Tràng tối nay", live=True)
    minh = meta.person("Minh")
    replies = meta.stats.private_replies
    comment = await minh.comment(post, f"cho mình hỏi {TEA.lower()} còn không ạ?")
    reply = await private_reply(minh)
    assert reply.private_reply_to == comment.id
    [card] = reply.elements
    assert card.title == TEA_SET
    assert "980.000" in (card.subtitle or "")
    assert [b.title for b in card.buttons] == ["🛒 Thêm vào giỏ", "🔍 Xem"]
    assert "🛍 Danh mục" in minh.quick_replies
    # Meta posts the same comment again: it is answered once.
    await meta.webhook.settled()
    delivered = next(d for d in meta.webhook.deliveries if comment.id in d.body.decode())
    assert (await meta.webhook.resend(delivered)).ok
    await time_for_an_answer(meta)
    assert len(minh.messages) == 1
    assert meta.stats.private_replies == replies + 1
    assert query(shop, "SELECT count(*) FROM messenger_inbound WHERE key = ?",
                 f"comment:{comment.id}") == [(1,)]  # fmt: skip


async def test_a_buying_word_under_a_tied_post_gets_its_products_anything_else_the_welcome(
    meta: MessengerEmulator, admin: TelegramPerson
) -> None:
    live = meta.publish_post("Phiên live gốm Bát Tràng", live=True)
    number = live.id.split("_", 1)[1]
    await admin.send(
        f"/post https://www.facebook.com/ocopshop/videos/{number}/ {TEA} QUANGVINH-LP-AC"
    )
    tied = await admin.wait_for(lambda m: "is tied to" in m.text)
    assert f"Post {live.id} is tied to:" in tied.text
    assert "Lotus tea set (QUANGVINH-SEN-AC)" in tied.text
    untied = meta.publish_post("Chúc mừng năm mới")

    for text in ("Chốt 2 bộ nhé shop", "CHOT", "mua"):
        person = meta.person(f"Người mua {text}")
        await person.comment(live, text)
        reply = await private_reply(person)
        assert [e.title for e in reply.elements][:1] == [TEA_SET], person.explain()
        assert len(reply.elements) == 2
    for post, text in ((live, "đẹp quá"), (live, "mùa này có không?"), (untied, "chốt")):
        person = meta.person(f"Người xem {text}")
        await person.comment(post, text)
        reply = await private_reply(person)
        assert WELCOME in (reply.text or ""), person.explain()
        assert "🛍 Danh mục" in person.quick_replies

    await admin.send(f"/unpost {live.id}")
    await admin.wait_for(lambda m: "no longer tied" in m.text)
    late = meta.person("Người đến muộn")
    await late.comment(live, "chốt")
    assert WELCOME in ((await private_reply(late)).text or "")


async def test_the_pages_own_comments_and_edits_get_no_private_reply(
    meta: MessengerEmulator,
) -> None:
    post = meta.publish_post("Livestream")
    hoa = meta.person("Hoa")
    asked = await hoa.comment(post, "giá bao nhiêu?")
    await private_reply(hoa)
    meta.page_comments(post, f"{TEA} ạ, shop nhắn riêng rồi nhé", parent=asked)
    meta.person_edits_comment(asked, f"giá {TEA} bao nhiêu?")
    await time_for_an_answer(meta)
    assert len(hoa.messages) == 1


async def test_an_order_after_a_comment_counts_under_comments_in_stats(
    meta: MessengerEmulator, admin: TelegramPerson, shop: Shop
) -> None:
    post = meta.publish_post("Ấm chén hoa sen về hàng")
    thu = meta.person("Thu")
    await thu.comment(post, f"chốt {TEA}")
    await private_reply(thu)
    # The card's "Add to cart" is a postback: the conversation (and its window) begins.
    await choose(thu, "🛒 Thêm vào giỏ")
    await until(thu, "Đã thêm vào giỏ")
    await thu.tap_menu(LABELS["vi"]["cart"])
    await choose(thu, LABELS["vi"]["checkout"])
    await check_out(thu, "vi")
    await until(thu, CHECKOUT["vi"]["review"])
    await choose(thu, LABELS["vi"]["confirm"])
    await until(thu, CHECKOUT["vi"]["placed"])
    sources = query(
        shop,
        "SELECT o.source, u.source FROM orders o JOIN users u ON u.id = o.user_id"
        " WHERE u.external_id = ?",
        thu.psid,
    )
    assert sources == [("comment", "comment")]
    await admin.send("/stats")
    stats = await admin.wait_for(lambda m: "Orders by source" in m.text)
    [line] = [ln for ln in stats.text.splitlines() if "Comments on the Facebook Page" in ln]
    assert "1 order" in line
    assert "comments answered" in line


async def test_a_comment_the_page_answered_by_hand_first_is_one_log_line(
    meta: MessengerEmulator, bot_process: BotProcess
) -> None:
    post = meta.publish_post("Livestream")
    lan = meta.person("Lan")
    meta.webhook.pause()
    try:
        comment = await lan.comment(post, f"chốt {TEA}")
        # Someone in the Page's inbox answers it first, by hand.
        by_hand = {"recipient": {"comment_id": comment.id}, "messaging_type": "RESPONSE",
                   "message": {"text": "Shop nhắn riêng bạn nhé"}}  # fmt: skip
        assert (await send(meta, by_hand))[0] == 200
    finally:
        meta.webhook.resume()
    refused = await meta.wait_until(lambda: meta.errors_for(lan.psid) or None, 10)
    assert [(e.code, e.subcode) for e in refused] == [(10900, None)]
    await time_for_an_answer(meta)
    assert [m.text for m in lan.messages] == ["Shop nhắn riêng bạn nhé"]
    lines = [line for line in bot_process.log_text().splitlines() if comment.id in line]
    assert len(lines) == 1, lines
    assert "not answered" in lines[0]
    meta.errors.clear()  # Meta's refusal was the point of this test
