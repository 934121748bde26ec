"""setMyCommands scopes, languages and limits, refused where Telegram refuses them."""

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SetMyCommands
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeChatAdministrators,
    BotCommandScopeChatMember,
)

from emulators.telegram import Emulator

START = [BotCommand(command="start", description="Menu chính")]


async def test_a_chat_scope_is_stored_for_that_chat_and_language(emu: Emulator, bot: Bot) -> None:
    an = emu.person("An")
    await bot.set_my_commands(START, scope=BotCommandScopeChat(chat_id=an.id), language_code="vi")
    # The chat id may come as a number or as a string: it is the same scope.
    assert emu.commands({"type": "chat", "chat_id": an.id}, "vi") == [
        {"command": "start", "description": "Menu chính"}
    ]
    assert emu.commands({"type": "chat", "chat_id": an.id}, "en") is None
    got = await bot.get_my_commands(
        scope=BotCommandScopeChat(chat_id=str(an.id)), language_code="vi"
    )
    assert [c.command for c in got] == ["start"]
    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=an.id), language_code="vi")
    assert emu.commands({"type": "chat", "chat_id": an.id}, "vi") is None


async def test_group_scopes_are_stored_apart(emu: Emulator, bot: Bot) -> None:
    await bot.set_my_commands(START, scope=BotCommandScopeAllGroupChats())
    assert emu.commands({"type": "all_group_chats"}) == [
        {"command": "start", "description": "Menu chính"}
    ]
    assert emu.commands({"type": "all_chat_administrators"}) is None
    await bot.set_my_commands(START, scope=BotCommandScopeAllChatAdministrators())
    assert emu.commands({"type": "all_chat_administrators"}) is not None


async def test_a_chat_the_bot_does_not_know_is_not_found(emu: Emulator, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.set_my_commands(START, scope=BotCommandScopeChat(chat_id=123456789))
    group = emu.group("Nhóm chưa có bot")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.set_my_commands(START, scope=BotCommandScopeChat(chat_id=group.id))
    assert emu.commands({"type": "chat", "chat_id": 123456789}) is None


async def test_administrator_and_member_scopes_are_for_groups_only(
    emu: Emulator, bot: Bot
) -> None:
    an = emu.person("An")
    with pytest.raises(TelegramBadRequest, match="can't use specified scope in private chats"):
        await bot.set_my_commands(START, scope=BotCommandScopeChatAdministrators(chat_id=an.id))
    group = emu.group("Nhóm")
    await group.add_bot(by=an)
    await bot.set_my_commands(START, scope=BotCommandScopeChatAdministrators(chat_id=group.id))
    await bot.set_my_commands(
        START, scope=BotCommandScopeChatMember(chat_id=group.id, user_id=an.id)
    )
    assert emu.commands({"type": "chat_member", "chat_id": group.id, "user_id": an.id})
    with pytest.raises(TelegramBadRequest, match="user not found"):
        await bot.set_my_commands(
            START, scope=BotCommandScopeChatMember(chat_id=group.id, user_id=987654)
        )


@pytest.mark.parametrize(
    ("scope", "error"),
    [
        ('{"type": "everyone"}', "Can't parse BotCommandScope: Unsupported type specified"),
        ('{"type": "chat"}', "Can't parse BotCommandScope: Can't find field \"chat_id\""),
        ("[1]", "Can't parse BotCommandScope: BotCommandScope must be an Object"),
        ("{oops", "Can't parse BotCommandScope JSON object"),
    ],
)
async def test_a_malformed_scope_is_refused(
    emu: Emulator, bot: Bot, scope: str, error: str
) -> None:
    url = f"{emu.base_url}/bot{bot.token}/setMyCommands"
    session = await bot.session.create_session()
    async with session.post(
        url, data={"commands": '[{"command": "start", "description": "x"}]', "scope": scope}
    ) as response:
        body = await response.json()
    assert response.status == 400
    assert body == {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}


@pytest.mark.parametrize(
    ("commands", "language", "error"),
    [
        ([BotCommand(command="a" * 33, description="x")], None, "must not exceed 32"),
        ([BotCommand(command="đơn_hàng", description="x")], None, "BOT_COMMAND_INVALID"),
        ([BotCommand(command="Orders", description="x")], None, "BOT_COMMAND_INVALID"),
        ([BotCommand(command="start", description=" ")], None, "description must be non-empty"),
        ([BotCommand(command="start", description="x" * 257)], None, "must not exceed 256"),
        (
            [BotCommand(command=f"c{i}", description="x") for i in range(101)],
            None,
            "BOT_COMMANDS_TOO_MUCH",
        ),
        (START, "vi-VN", "invalid language code specified"),
        (START, "VI", "invalid language code specified"),
    ],
)
async def test_telegram_limits_on_commands_are_enforced(
    emu: Emulator, bot: Bot, commands: list[BotCommand], language: str | None, error: str
) -> None:
    with pytest.raises(TelegramBadRequest, match=error):
        await bot(SetMyCommands(commands=commands, language_code=language))
    assert emu.bot.commands == {}


async def test_exactly_one_hundred_commands_and_a_slash_are_accepted(
    emu: Emulator, bot: Bot
) -> None:
    commands = [BotCommand(command=f"c{i}", description="x") for i in range(100)]
    await bot.set_my_commands(commands)
    assert len(emu.commands()) == 100
    await bot.set_my_commands([BotCommand(command="/start", description=" Menu ")])
    assert emu.commands() == [{"command": "start", "description": "Menu"}]
