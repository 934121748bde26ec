"""How the bot presents itself: its command menu per scope and language (rules and error
texts in emulators.telegram.commands), descriptions and the chat menu button."""

from __future__ import annotations

from typing import Any

from emulators.telegram import commands
from emulators.telegram.params import Call, api_method


def _commands_key(call: Call) -> tuple[str, str]:
    emulator, params = call.emulator, call.params
    scope = commands.parse_scope(
        params.values.get("scope"), emulator.chats.get, lambda uid: uid in emulator.users
    )
    return commands.scope_key(scope, commands.check_language(params.string("language_code")))


@api_method("setMyCommands")
async def set_my_commands(call: Call) -> Any:
    menu = commands.parse_commands(call.params.values.get("commands"))
    key = _commands_key(call)
    if menu:
        call.bot.commands[key] = menu
    else:
        call.bot.commands.pop(key, None)  # an empty list resets the scope, as deleting does
    call.emulator.notify()
    return True


@api_method("getMyCommands")
async def get_my_commands(call: Call) -> Any:
    return call.bot.commands.get(_commands_key(call), [])


@api_method("deleteMyCommands")
async def delete_my_commands(call: Call) -> Any:
    call.bot.commands.pop(_commands_key(call), None)
    call.emulator.notify()
    return True


@api_method("setMyDescription")
async def set_my_description(call: Call) -> Any:
    language = call.params.string("language_code") or ""
    call.bot.descriptions[language] = call.params.string("description") or ""
    return True


@api_method("setMyShortDescription")
async def set_my_short_description(call: Call) -> Any:
    language = call.params.string("language_code") or ""
    call.bot.short_descriptions[language] = call.params.string("short_description") or ""
    return True


@api_method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> Any:
    button = call.params.json("menu_button") or {"type": "default"}
    call.bot.menu_buttons[call.params.integer("chat_id")] = button
    return True
