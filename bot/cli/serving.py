"""``run``, ``start`` and ``playground``: the bot on Telegram, or the whole shop offline."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.common import Commands, add_command
from bot.config import Config
from bot.runner import run_polling
from bot.webhook import run_webhook


def add_commands(commands: Commands, common: argparse.ArgumentParser) -> None:
    run = add_command(
        commands,
        "run",
        _run,
        parents=[common],
        help="run the bot (long polling, or a webhook worker)",
        description="Run the bot with long polling against TELEGRAM_API_BASE, or with "
        "--webhook as one of the workers behind WEBHOOK_URL (see README: several workers).",
    )
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve updates posted to [webhook] url (WEBHOOK_URL) instead of polling",
    )
    run.add_argument(
        "--port", type=int, default=None, help="with --webhook: the port to listen on"
    )

    start = add_command(
        commands,
        "start",
        _start,
        parents=[common],
        help="the bot on Telegram if a token is configured, else the offline playground",
        description="What `make run` starts: `run` when BOT_TOKEN (or [telegram] token) is "
        "set — with the Messenger channel beside it when the Page is configured "
        "(MESSENGER_PAGE_ID, …) — otherwise `playground` on 127.0.0.1:8080.",
    )
    start.add_argument("--port", type=int, default=8080, help="the playground's port")

    playground = add_command(
        commands,
        "playground",
        _playground,
        parents=[common],
        help="the whole shop offline, in a browser (no bot token needed)",
        description="Start the Bot API emulator, the real bot and a web page showing a "
        "customer, a producer group and an admin chatting with it. Uses DATABASE_URL "
        "(migrated and given the demo catalog when empty).",
    )
    playground.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    playground.add_argument(
        "--port", type=int, default=8080, help="port for the page (default: 8080)"
    )


def _run(config: Config, args: argparse.Namespace) -> int:
    if args.webhook:
        asyncio.run(run_webhook(config, port=args.port))
    else:
        asyncio.run(run_polling(config))
    return 0


def _start(config: Config, args: argparse.Namespace) -> int:
    if config.telegram.token:
        asyncio.run(run_polling(config))
        return 0
    if config.messenger.enabled:
        # Messenger runs beside the Telegram bot: producers' groups and admins are there.
        config.require_token()
    print(
        f"No bot token: starting the offline playground at http://127.0.0.1:{args.port}/ "
        "(set BOT_TOKEN to run the bot on Telegram instead)",
        flush=True,
    )
    return _serve_playground(config, "127.0.0.1", args.port)


def _playground(config: Config, args: argparse.Namespace) -> int:
    return _serve_playground(config, args.host, args.port)


def _serve_playground(config: Config, host: str, port: int) -> int:
    # Imported here: the playground brings both emulators, which `run` has no use for.
    from playground import run_playground  # noqa: PLC0415

    asyncio.run(run_playground(config, host=host, port=port))
    return 0
