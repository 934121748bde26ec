"""What every bench shares: reading the screens a customer sees, and running under a time limit.

A simulated customer finds buttons by what they do (their callback data, unpacked with the
bot's own ``CallbackData`` classes) and the main menu by its place on the reply keyboard, so
the same session works in Vietnamese and in English.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from emulators.telegram import Chat, ChatMessage
from storefront.actions import Action, Browse, OpenProduct, ProductAction, View

# What the bot did in a chat, as Telegram counts it, by the emulator's kinds of event.
TRAFFIC = {
    "bot_message": "new",
    "edited": "edits",
    "deleted": "deletes",
    "callback_answer": "answers",
}


def traffic(events: Iterable[Any]) -> dict[str, int]:
    """New messages, edits, deletes and press answers among a chat's ``events``."""
    counts = dict.fromkeys(TRAFFIC.values(), 0)
    for event in events:
        name = TRAFFIC.get(event.kind)
        if name is not None:
            counts[name] += 1
    return counts


Chooser = Callable[[str], bool]


def unpack(factory: type[Action], data: str) -> Any:
    """The button's data as ``factory``, or None when it is some other kind of button."""
    try:
        return factory.unpack(data)
    except (ValueError, TypeError):
        return None


def callback_data(message: ChatMessage) -> list[str]:
    """The callback data of the message's inline buttons, in reading order."""
    buttons = [button for row in message.inline_keyboard for button in row]
    return [str(button["callback_data"]) for button in buttons if "callback_data" in button]


def nav(view: View) -> Chooser:
    return lambda data: (cb := unpack(Browse, data)) is not None and cb.view == view


def product(action: ProductAction) -> Chooser:
    return lambda data: (cb := unpack(OpenProduct, data)) is not None and cb.action == action


def menu_text(chat: Chat, row: int, column: int) -> str | None:
    """The label of the main-menu (reply keyboard) button at ``row``, ``column``, if shown."""
    keyboard = (chat.reply_keyboard or {}).get("keyboard") or []
    try:
        button = keyboard[row][column]
    except IndexError:
        return None
    return button if isinstance(button, str) else str(button.get("text"))


def run_bounded(
    prog: str,
    benchmark: Callable[[argparse.Namespace], Coroutine[Any, Any, dict[str, Any]]],
    args: argparse.Namespace,
    render: Callable[[dict[str, Any]], str],
) -> int:
    """Run ``benchmark(args)`` within ``args.time_limit`` seconds and print its report."""

    async def bounded() -> dict[str, Any]:
        return await asyncio.wait_for(benchmark(args), args.time_limit)

    try:
        report = asyncio.run(bounded())
    except TimeoutError:
        print(f"{prog}: did not finish within {args.time_limit:g} s", file=sys.stderr)
        return 1
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else render(report))
    return 0
