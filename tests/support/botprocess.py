"""The bot as a separate ``ocop-bot run`` process, and the files it works on."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from emulators.telegram import Emulator, Group, Person

TOKEN = "777000:E2E-token_for-tests"
ADMIN_ID = 500001
OCOP_BOT = Path(sys.executable).with_name("ocop-bot")


@dataclass(frozen=True)
class Shop:
    """A working directory for one bot process: its config, database and media."""

    root: Path
    config: Path
    database: Path
    log: Path
    # API errors the end-of-module check lets pass: codes (a 429 in a flood test), or words
    # of a description (a photo Telegram refuses, on purpose).
    tolerated_errors: tuple[int | str, ...] = ()

    def tolerates(self, code: int | None, description: str | None) -> bool:
        return any(
            code == allowed if isinstance(allowed, int) else allowed in (description or "")
            for allowed in self.tolerated_errors
        )

    @property
    def database_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.database}"


class BotProcess:
    """``ocop-bot run`` in a subprocess; its log is checked for tracebacks at the end."""

    def __init__(
        self,
        emulator: Emulator,
        shop: Shop,
        extra_env: dict[str, str] | None = None,
        command: list[str] | None = None,
        cwd: Path | None = None,
        ready_line: str = "Run polling for bot",
    ):
        self.emulator = emulator
        self.shop = shop
        self.extra_env = extra_env or {}
        self.command = command or [str(OCOP_BOT), "--config", str(shop.config), "run"]
        self.cwd = cwd or shop.root
        # What the log says once the bot takes updates (a webhook worker says it differently).
        self.ready_line = ready_line
        self.process: asyncio.subprocess.Process | None = None
        self.admin: Person | None = None

    def _starts(self) -> int:
        # A long poll of the previous process may complete after it was stopped, so API
        # calls cannot tell when the new one is ready; its log line can.
        return self.log_text().count(self.ready_line) if self.shop.log.exists() else 0

    async def start(self) -> None:
        env = {
            **os.environ,
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": str(self.emulator.base_url),
            "DATABASE_URL": self.shop.database_url,
            "ADMIN_IDS": str(ADMIN_ID),
            "LOG_LEVEL": "INFO",
            **self.extra_env,
        }
        starts = self._starts()
        with self.shop.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *self.command,
                cwd=self.cwd,
                env=env,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                # Its own process group, so that stopping `make` stops the bot under it too.
                start_new_session=True,
            )
        for _ in range(600):
            if self._starts() > starts or self.process.returncode is not None:
                break
            await asyncio.sleep(0.05)
        if self._starts() <= starts or self.process.returncode is not None:
            await self.stop()
            raise AssertionError(f"the bot did not start:\n{self.log_text()}")

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process is None:
            return 0
        process, self.process = self.process, None
        if process.returncode is None:
            os.killpg(process.pid, sig)
        try:
            return await asyncio.wait_for(process.wait(), timeout=10)
        except TimeoutError:
            os.killpg(process.pid, signal.SIGKILL)
            return await process.wait()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def log_text(self) -> str:
        return self.shop.log.read_text(encoding="utf-8", errors="replace")


async def link_group_through_the_bot(
    emulator: Emulator, admin: Person, group: Group, staff: Person, producer_label: str
) -> None:
    """What an admin and a producer do: /linkgroup, pick the producer, /link CODE in the group."""
    await group.add_bot(by=staff)
    await admin.send("/linkgroup")
    # The producers to pick from; not merely the bot's next message, which may be the notice
    # of a group linked just before.
    await admin.wait_for(lambda m: m.inline_button(producer_label) is not None)
    await admin.press(producer_label)
    message = await admin.wait_for(lambda m: "/link " in m.text)
    code = message.text.split("/link ")[1].split()[0]
    await staff.send(f"/link {code}", chat=group)
    await emulator.wait_until(
        lambda: next((m for m in group.bot_messages if m.text.startswith("✅")), None), 10
    )
