"""Private replies to comments on the Page's posts: one per comment, within 7 days, only the
Page's own posts, and the 24-hour window opens only when the person writes back."""

from __future__ import annotations

from typing import Any

from support.messenger import error_of, graph, send

from emulators.messenger import MessengerEmulator


def reply(comment_id: str, text: str = "Chào anh, đây là bình gốm ạ") -> dict[str, Any]:
    return {"recipient": {"comment_id": comment_id}, "messaging_type": "RESPONSE",
            "message": {"text": text}}  # fmt: skip


async def test_a_comment_gets_one_private_reply(meta: MessengerEmulator) -> None:
    post = meta.publish_post("Livestream Bát Tràng")
    minh = meta.person("Minh")
    comment = await minh.comment(post, "chốt BABE-SA-10")
    status, answer = await send(meta, reply(comment.id))
    assert status == 200
    assert answer["recipient_id"] == minh.psid
    message = await minh.next_message()
    assert message.text == "Chào anh, đây là bình gốm ạ"
    assert message.private_reply_to == comment.id
    status, answer = await send(meta, reply(comment.id, "lần nữa"))
    assert (status, error_of(answer)) == (400, (10900, None))
    assert answer["error"]["message"] == "(#10900) Activity already replied to"
    assert meta.stats.private_replies == 1


async def test_the_window_opens_only_when_the_person_writes(meta: MessengerEmulator) -> None:
    post = meta.publish_post()
    minh = meta.person("Minh")
    await send(meta, reply((await minh.comment(post, "giá?")).id))
    follow_up = {"recipient": {"id": minh.psid}, "messaging_type": "RESPONSE",
                 "message": {"text": "Anh cần gì thêm?"}}  # fmt: skip
    status, answer = await send(meta, follow_up)
    assert (status, error_of(answer)) == (400, (10, 2018278))
    await minh.send("cho anh 2 cái")
    assert (await send(meta, follow_up))[0] == 200


async def test_only_within_seven_days_and_only_the_pages_own_posts(
    meta: MessengerEmulator,
) -> None:
    post = meta.publish_post()
    minh = meta.person("Minh")
    old = await minh.comment(post, "còn hàng không?")
    meta.clock.advance(days=7, seconds=1)
    status, answer = await send(meta, reply(old.id))
    assert (status, error_of(answer)) == (400, (10903, None))
    other = meta.add_page("Lụa Vạn Phúc", username="luavanphuc")
    theirs = await minh.comment(meta.publish_post("Lụa mới", page=other), "đẹp quá")
    status, answer = await send(meta, reply(theirs.id))
    assert (status, error_of(answer)) == (400, (100, 33))
    status, answer = await graph(meta, "POST", f"/{other.id}/messages", token=other.token,
                                 json=reply(theirs.id, "Cảm ơn chị"))  # fmt: skip
    assert status == 200
    assert answer["recipient_id"] != minh.psid  # a PSID is per Page
    status, answer = await send(meta, reply("123_456"))
    assert (status, error_of(answer)) == (400, (100, 33))


async def test_a_removed_comment_cannot_be_replied_to(meta: MessengerEmulator) -> None:
    minh = meta.person("Minh")
    comment = await minh.comment(meta.publish_post(), "nhầm")
    meta.person_removes_comment(comment)
    status, answer = await send(meta, reply(comment.id))
    assert (status, error_of(answer)) == (400, (100, 33))
