"""The emulator answers an aiogram Bot as the real Bot API would."""

import asyncio
import json
from collections.abc import Callable
from io import BytesIO

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiohttp import ClientSession
from PIL import Image

from emulators.telegram import Emulator, FloodLimits

TOKEN = "4242:TEST-emulator-token"


def png(width: int = 400, height: int = 300, color: str = "red") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def one_button(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Mua", callback_data=data)]]
    )


async def test_get_me_describes_the_registered_bot(bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.first_name, me.is_bot) == (
        4242,
        "ocop_shop_bot",
        "OCOP Shop",
        True,
    )


async def test_wrong_token_is_unauthorized(
    emu: Emulator, bot_factory: Callable[[str, str], Bot]
) -> None:
    assert emu.base_url is not None
    stranger = bot_factory(emu.base_url, "4242:WRONG")
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await stranger.get_me()
    finally:
        await stranger.session.close()


async def test_method_names_are_case_insensitive_and_unknown_ones_404(emu: Emulator) -> None:
    async with ClientSession() as http:
        async with http.get(f"{emu.base_url}/bot{TOKEN}/GETME") as resp:
            assert resp.status == 200
            assert (await resp.json())["result"]["id"] == 4242
        async with http.post(f"{emu.base_url}/bot{TOKEN}/sendNothing") as resp:
            assert resp.status == 404
            assert await resp.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        # A JSON body works as well as aiogram's form encoding.
        person = emu.person(first_name="Bình")
        await person.send("hi")
        body = {"chat_id": person.id, "text": "<b>ok</b>", "parse_mode": "HTML"}
        async with http.post(f"{emu.base_url}/bot{TOKEN}/sendMessage", json=body) as resp:
            data = await resp.json()
    assert data["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 2}]


async def test_send_message_parses_html_into_text_and_utf16_entities(
    emu: Emulator, bot: Bot
) -> None:
    an = emu.person(first_name="An")
    await an.send("/start")

    sent = await bot.send_message(
        an.id,
        "🍵 <b>Chè Thái Nguyên</b> — <i>120.000đ</i>",
        reply_markup=one_button("p:1"),
    )

    assert sent.text == "🍵 Chè Thái Nguyên — 120.000đ"
    assert sent.from_user is not None
    assert sent.from_user.id == 4242
    assert sent.entities is not None
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 3, 15),
        ("italic", 21, 8),
    ]
    assert sent.reply_markup is not None
    assert sent.reply_markup.model_dump() == one_button("p:1").model_dump()
    seen = await an.next_message()
    assert seen.message_id == sent.message_id
    assert seen.html == "🍵 <b>Chè Thái Nguyên</b> — <i>120.000đ</i>"
    assert seen.inline_labels == [["Mua"]]


@pytest.mark.parametrize(
    ("kwargs", "description"),
    [
        ({"text": "x" * 4097}, "Bad Request: message is too long"),
        ({"text": "<b></b>"}, "Bad Request: message text is empty"),
        ({"text": "Giá < 5"}, "Bad Request: can't parse entities: Unsupported start tag"),
        ({"text": "Tôm & Cua"}, 'Bad Request: can\'t parse entities: Character "&"'),
        ({"text": "<blink>!</blink>"}, 'Unsupported start tag "blink" at byte offset 0'),
        ({"text": "<b>x"}, 'Can\'t find end tag corresponding to start tag "b"'),
        ({"text": "x", "reply_markup": one_button("")}, "Bad Request: BUTTON_DATA_INVALID"),
        ({"text": "x", "reply_markup": one_button("ấ" * 22)}, "Bad Request: BUTTON_DATA_INVALID"),
    ],
)
async def test_invalid_messages_get_telegrams_400(
    emu: Emulator, bot: Bot, kwargs: dict[str, object], description: str
) -> None:
    an = emu.person()
    await an.send("/start")

    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(an.id, **kwargs)  # type: ignore[arg-type]

    assert description in caught.value.message
    # The error is in the chat's log, not swallowed.
    assert description in (an.api_errors[-1].description or "")
    assert an.bot_messages() == []


async def test_text_of_exactly_4096_characters_is_accepted(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    await an.send("/start")

    sent = await bot.send_message(an.id, "ố" * 4096)

    assert sent.text is not None
    assert len(sent.text) == 4096


async def test_unknown_chat_and_people_who_never_started_the_bot(emu: Emulator, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999, "hello")
    silent = emu.person()
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(silent.id, "hello")


async def test_blocked_person_and_kicked_group_are_forbidden(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    await an.send("/start")
    an.block_bot()
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(an.id, "khuyến mãi")
    group = emu.group("Tổ gốm")
    await group.add_bot(by=an)
    await bot.send_message(group.id, "xin chào")
    await group.remove_bot(by=an)
    with pytest.raises(TelegramForbiddenError, match="bot was kicked from the group chat"):
        await bot.send_message(group.id, "còn ai không")

    updates = await bot.get_updates()
    statuses = [
        (u.my_chat_member.chat.id, u.my_chat_member.new_chat_member.status)
        for u in updates
        if u.my_chat_member
    ]
    assert statuses == [(an.id, "kicked"), (group.id, "member"), (group.id, "kicked")]


async def test_a_groups_outage_fails_its_messages_until_it_ends(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    await an.send("/start")
    group = emu.group("Tổ gốm")
    await group.add_bot(by=an)
    group.fail_sends()
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.send_message(group.id, "đơn mới")
    await bot.send_message(an.id, "vẫn gửi được")  # other chats are not affected
    group.restore_sends()
    await bot.send_message(group.id, "đơn mới")
    assert [m.text for m in group.bot_messages] == ["đơn mới"]
    assert [e.error_code for e in group.api_errors] == [502]


async def test_a_group_that_became_a_supergroup_answers_with_the_new_id(
    emu: Emulator, bot: Bot
) -> None:
    an = emu.person()
    group = emu.group("Tổ gốm")
    await group.add_bot(by=an)
    card = await bot.send_message(group.id, "Đơn DH00001", reply_markup=one_button("s:a:1"))
    supergroup = await group.become_supergroup(by=an)

    # The bot hears of it in both chats, the supergroup first, as Telegram sends it.
    updates = [u.message for u in await bot.get_updates(timeout=0) if u.message]
    assert [
        (m.chat.id, m.chat.type, m.migrate_from_chat_id, m.migrate_to_chat_id) for m in updates
    ] == [
        (supergroup.id, "supergroup", group.id, None),
        (group.id, "group", None, supergroup.id),
    ]
    assert supergroup.id < -1_000_000_000_000
    # Nothing more goes to the group, not even an edit of what was posted there...
    with pytest.raises(TelegramMigrateToChat) as moved:
        await bot.send_message(group.id, "còn ai không")
    assert moved.value.migrate_to_chat_id == supergroup.id
    with pytest.raises(TelegramMigrateToChat):
        await bot.edit_message_text("Đã nhận", chat_id=group.id, message_id=card.message_id)
    # ...but its buttons may still be pressed, from the group's history.
    await an.press("Mua", chat=group)
    [press] = [u.callback_query for u in await bot.get_updates(timeout=0) if u.callback_query]
    assert press.message is not None
    assert (press.message.chat.id, press.message.message_id) == (group.id, card.message_id)
    # The supergroup numbers its own messages from 1 (its service message): an id of the
    # group names another message there.
    sent = await bot.send_message(supergroup.id, "Xin chào nhóm mới")
    assert (card.message_id, sent.message_id) == (1, 2)


async def test_a_member_bot_may_not_send_where_members_may_not(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    group = emu.group("Tổ gốm")
    await group.add_bot(by=an)
    await group.let_members_send(by=an, allowed=False)
    with pytest.raises(TelegramBadRequest, match="not enough rights to send text messages"):
        await bot.send_message(group.id, "Đơn mới")
    await group.let_members_send(by=an, allowed=True)
    await bot.send_message(group.id, "Đơn mới")
    admin_group = emu.group("Tổ lụa")
    await admin_group.add_bot(by=an, admin=True)
    await admin_group.let_members_send(by=an, allowed=False)
    await bot.send_message(admin_group.id, "Đơn mới")  # an administrator still may


async def test_an_inline_keyboard_holds_at_most_100_buttons(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    await an.send("/start")

    def keyboard(buttons: int) -> InlineKeyboardMarkup:
        rows = [
            [InlineKeyboardButton(text=f"{n}", callback_data=f"b:{n}") for n in range(start, end)]
            for start in range(0, buttons, 4)
            for end in [min(start + 4, buttons)]
        ]
        return InlineKeyboardMarkup(inline_keyboard=rows)

    await bot.send_message(an.id, "100", reply_markup=keyboard(100))
    # The Bot API's words for it (MTProto's REPLY_MARKUP_TOO_LONG, as the Bot API says it).
    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        await bot.send_message(an.id, "101", reply_markup=keyboard(101))


async def test_contact_buttons_are_refused_in_groups(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    group = emu.group()
    await group.add_bot(by=an)
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Gửi số điện thoại", request_contact=True)]]
    )

    with pytest.raises(TelegramBadRequest, match="phone number can be requested in private"):
        await bot.send_message(group.id, "Số của bạn?", reply_markup=keyboard)


async def test_get_updates_long_polls_and_offset_confirms(emu: Emulator, bot: Bot) -> None:
    an = emu.person(first_name="An", language_code="vi")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()  # nothing yet: the request is held open

    await an.send("/start ref_42")
    updates = await asyncio.wait_for(poll, 2)

    assert len(updates) == 1
    message = updates[0].message
    assert message is not None
    assert message.text == "/start ref_42"
    assert message.from_user is not None
    assert message.from_user.language_code == "vi"
    assert message.entities is not None
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/start")
    # Without confirmation the update is delivered again; with offset it is gone for good.
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == []
    assert await bot.get_updates(timeout=0) == []


async def test_get_updates_respects_limit_and_allowed_updates(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    for text in ("1", "2", "3"):
        await an.send(text)

    first_two = await bot.get_updates(limit=2, timeout=0)
    assert [u.message.text for u in first_two if u.message] == ["1", "2"]
    only_callbacks = await bot.get_updates(allowed_updates=["callback_query"], timeout=0)
    assert only_callbacks == []


async def test_get_updates_conflicts_with_a_webhook(bot: Bot) -> None:
    await bot.set_webhook("https://shop.example/tg")
    assert (await bot.get_webhook_info()).url == "https://shop.example/tg"

    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == []


async def test_pressed_inline_button_reaches_the_bot_and_its_answer_is_recorded(
    emu: Emulator, bot: Bot
) -> None:
    an = emu.person()
    await an.send("/start")
    sent = await bot.send_message(an.id, "Chọn:", reply_markup=one_button("p:7"))
    await bot.get_updates(offset=-1, timeout=0)  # skip the /start
    await an.press("Mua")

    [update] = await bot.get_updates(offset=-1, timeout=1)
    query = update.callback_query
    assert query is not None
    assert query.data == "p:7"
    assert query.from_user.id == an.id
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    await bot.answer_callback_query(query.id, text="Đã thêm vào giỏ", show_alert=True)

    answer = await an.wait_callback_answer()
    assert (answer.text, answer.show_alert) == ("Đã thêm vào giỏ", True)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("12345")


async def test_a_press_answered_after_telegrams_window_is_refused(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    await an.send("/start")
    await bot.send_message(an.id, "Chọn:", reply_markup=one_button("p:7"))
    await bot.get_updates(offset=-1, timeout=0)  # skip the /start
    # Telegram forgets a press after about 15 s; here the window is shrunk to nothing.
    emu.callback_answer_window = 0.0
    await an.press("Mua")
    [update] = await bot.get_updates(offset=-1, timeout=1)
    assert update.callback_query is not None
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(update.callback_query.id)
    assert emu.api_errors()


async def test_edit_message_text_and_not_modified(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    await an.send("/start")
    sent = await bot.send_message(an.id, "<b>Giỏ hàng</b>: 1", reply_markup=one_button("c:1"))

    edited = await bot.edit_message_text(
        "<b>Giỏ hàng</b>: 2", chat_id=an.id, message_id=sent.message_id,
        reply_markup=one_button("c:1"),
    )  # fmt: skip
    assert not isinstance(edited, bool)
    assert edited.text == "Giỏ hàng: 2"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "<strong>Giỏ hàng</strong>: 2", chat_id=an.id, message_id=sent.message_id,
            reply_markup=one_button("c:1"),
        )  # fmt: skip
    # Leaving the keyboard out of an edit removes it, so that edit is a change.
    await bot.edit_message_text("<b>Giỏ hàng</b>: 2", chat_id=an.id, message_id=sent.message_id)
    assert an.buttons(sent_snapshot := an.bot_messages()[-1]) == []
    assert sent_snapshot.version == 2
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=an.id, message_id=999)
    edited_events = await an.wait_for(lambda m: m.edited and m.text == "Giỏ hàng: 2")
    assert edited_events.message_id == sent.message_id


async def test_reply_markup_edit_and_delete(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    await an.send("/start")
    sent = await bot.send_message(an.id, "Menu", reply_markup=one_button("m:1"))

    await bot.edit_message_reply_markup(
        chat_id=an.id, message_id=sent.message_id, reply_markup=one_button("m:2")
    )
    assert an.last_bot_message is not None
    assert an.last_bot_message.inline_button("Mua") == {"text": "Mua", "callback_data": "m:2"}
    assert await bot.delete_message(an.id, sent.message_id)
    assert an.last_bot_message is None
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(an.id, sent.message_id)
    assert [e.kind for e in emu.chat(an.id).events][-3:] == ["edited", "deleted", "error"]


async def test_photo_upload_resend_by_file_id_and_download(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    await an.send("/start")
    image = png(1600, 1200)

    sent = await bot.send_photo(
        an.id,
        BufferedInputFile(image, "tra.png"),
        caption="<b>Trà</b> sen",
        reply_markup=one_button("p:1"),
    )

    assert sent.photo is not None
    assert sent.caption == "Trà sen"
    assert sent.caption_entities is not None
    assert sent.caption_entities[0].type == "bold"
    largest = sent.photo[-1]
    assert (largest.width, largest.height) == (1600, 1200)
    assert sent.photo[0].width == 90
    again = await bot.send_photo(an.id, largest.file_id)
    assert again.photo is not None
    assert again.photo[-1].file_unique_id == largest.file_unique_id
    assert an.last_bot_message is not None
    assert an.last_bot_message.photo == image

    file = await bot.get_file(largest.file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None
    assert downloaded.read() == image

    with pytest.raises(TelegramBadRequest, match="wrong file identifier/HTTP URL specified"):
        await bot.send_photo(an.id, "AgACnonsense")
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(an.id, largest.file_id, caption="x" * 1025)
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(an.id, BufferedInputFile(b"not an image", "x.png"))


async def test_edit_message_media_and_caption(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    await an.send("/start")
    sent = await bot.send_photo(an.id, BufferedInputFile(png(), "a.png"), caption="Một")

    edited = await bot.edit_message_media(
        InputMediaPhoto(media=BufferedInputFile(png(color="blue"), "b.png"), caption="<i>Hai</i>"),
        chat_id=an.id,
        message_id=sent.message_id,
    )
    assert not isinstance(edited, bool)
    assert edited.caption == "Hai"
    assert edited.photo is not None
    assert sent.photo is not None
    assert edited.photo[-1].file_unique_id != sent.photo[-1].file_unique_id
    await bot.edit_message_caption(chat_id=an.id, message_id=sent.message_id, caption="Ba")
    assert an.last_bot_message is not None
    assert an.last_bot_message.text == "Ba"
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text("x", chat_id=an.id, message_id=sent.message_id)


async def test_document_from_a_person_can_be_downloaded(emu: Emulator, bot: Bot) -> None:
    an = emu.person()
    await an.send_document(b"name,price\nChe,120000\n", file_name="catalog.csv")

    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None
    assert update.message.document is not None
    document = update.message.document
    assert (document.file_name, document.mime_type) == ("catalog.csv", "text/csv")
    file = await bot.get_file(document.file_id)
    assert file.file_path is not None
    content = await bot.download_file(file.file_path)
    assert content is not None
    assert content.read() == b"name,price\nChe,120000\n"
    sent = await bot.send_document(an.id, document.file_id, caption="Đã nhận")
    assert sent.document is not None
    assert sent.document.file_unique_id == document.file_unique_id


async def test_commands_are_stored_per_scope_and_language(emu: Emulator, bot: Bot) -> None:
    commands = [BotCommand(command="start", description="Bắt đầu")]
    await bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats(), language_code="vi")

    assert emu.commands({"type": "all_private_chats"}, "vi") == [
        {"command": "start", "description": "Bắt đầu"}
    ]
    assert emu.commands() is None
    got = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="vi")
    assert [c.model_dump() for c in got] == [c.model_dump() for c in commands]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Mua Hàng", description="x")])
    await bot.delete_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="vi")
    assert emu.commands({"type": "all_private_chats"}, "vi") is None


async def test_chat_info_members_and_actions(emu: Emulator, bot: Bot) -> None:
    an = emu.person(first_name="An", username="an_gom")
    group = emu.group("HTX Gốm Tân Thịnh", supergroup=True)
    await group.add_bot(by=an, admin=True)

    chat = await bot.get_chat(group.id)
    assert (chat.type, chat.title) == ("supergroup", "HTX Gốm Tân Thịnh")
    me = await bot.get_chat_member(group.id, 4242)
    assert me.status == "administrator"
    owner = await bot.get_chat_member(group.id, an.id)
    assert owner.status == "creator"
    private = await bot.get_chat(an.id)
    assert private.username == "an_gom"
    await bot.send_chat_action(group.id, "typing")
    assert emu.chat(group.id).events[-1].text == "typing"
    assert await bot.leave_chat(group.id)
    with pytest.raises(TelegramForbiddenError, match="not a member"):
        await bot.send_message(group.id, "hi")


async def test_group_flood_limit_answers_429_with_retry_after(
    bot_factory: Callable[[str, str], Bot],
) -> None:
    async with Emulator(FloodLimits()) as emu:
        emu.add_bot(TOKEN)
        assert emu.base_url is not None
        bot = bot_factory(emu.base_url, TOKEN)
        try:
            an = emu.person()
            group = emu.group("Tổ gốm")
            await group.add_bot(by=an)
            for n in range(20):
                await bot.send_message(group.id, f"Đơn hàng #{n}")
            with pytest.raises(TelegramRetryAfter) as caught:
                await bot.send_message(group.id, "Đơn hàng #21")
            # Edits do not count against the sending limit.
            last = group.last_bot_message
            assert last is not None
            await bot.edit_message_text(
                "Đơn hàng #19 (đã xác nhận)", chat_id=group.id, message_id=last.message_id
            )
        finally:
            await bot.session.close()

    assert 1 <= caught.value.retry_after <= 60
    assert f"Too Many Requests: retry after {caught.value.retry_after}" in caught.value.message
    assert group.flood_429s == 1
    assert len(group.bot_messages) == 20


async def test_private_chat_flood_is_a_leaky_bucket(
    bot_factory: Callable[[str, str], Bot],
) -> None:
    limits = FloodLimits(private_burst=3, private_per_second=1.0)
    async with Emulator(limits) as emu:
        emu.add_bot(TOKEN)
        assert emu.base_url is not None
        bot = bot_factory(emu.base_url, TOKEN)
        try:
            an = emu.person()
            await an.send("/start")
            for n in range(3):
                await bot.send_message(an.id, str(n))
            with pytest.raises(TelegramRetryAfter) as caught:
                await bot.send_message(an.id, "3")
        finally:
            await bot.session.close()

    assert caught.value.retry_after == 1
    assert emu.flood_429s(an.id) == 1


async def test_a_second_poller_terminates_the_first(bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)

    second = asyncio.create_task(bot.get_updates(timeout=0))

    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 2)
    assert await second == []


async def test_stopping_releases_a_pending_long_poll(
    bot_factory: Callable[[str, str], Bot],
) -> None:
    emu = Emulator(FloodLimits.off())
    emu.add_bot(TOKEN)
    bot = bot_factory(await emu.start(), TOKEN)
    try:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await asyncio.sleep(0.05)
        await asyncio.wait_for(emu.stop(), 2)
        assert await asyncio.wait_for(poll, 2) == []
    finally:
        await bot.session.close()


async def test_event_log_is_ordered_and_json_ready(emu: Emulator, bot: Bot) -> None:
    an = emu.person(first_name="An")
    await an.send("/start")
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(an.id, "<b>lỗi")
    sent = await bot.send_message(an.id, "<b>ổn</b>")

    events = [e.to_dict() for e in emu.chat(an.id).events]

    assert [e["kind"] for e in events] == ["user_message", "error", "bot_message"]
    assert events[1]["description"].startswith("Bad Request: can't parse entities")
    assert events[2]["message"]["message_id"] == sent.message_id == 2
    assert json.loads(json.dumps(events)) == events
