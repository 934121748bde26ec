"""What a rush run stands on: the database (SQLite or a throw-away PostgreSQL), the bot process."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import platform
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.run import UNPACED
from bench.synthetic import add_synthetic_products
from catalog import migrate
from catalog.db import create_engine, create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.uow import UnitOfWork
from emulators.telegram import Emulator

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Database:
    url: str
    media: Path

    async def prepare(self, catalog_size: int) -> None:
        engine = create_engine(self.url)
        try:
            await migrate.upgrade(engine)
            await seed_demo_catalog(UnitOfWork(create_session_factory(engine)), self.media)
            await add_synthetic_products(engine, catalog_size)
        finally:
            await engine.dispose()

    async def scalar(self, sql: str) -> Any:
        engine = create_engine(self.url)
        try:
            async with engine.connect() as connection:
                return (await connection.execute(text(sql))).scalar()
        finally:
            await engine.dispose()

    async def rows(self, sql: str) -> list[Any]:
        engine = create_engine(self.url)
        try:
            async with engine.connect() as connection:
                return list((await connection.execute(text(sql))).all())
        finally:
            await engine.dispose()


def support_module(name: str) -> Any:
    """A module of tests/support (the tests' throw-away servers), loaded from its file."""
    sys.path.insert(0, str(ROOT / "tests"))
    path = ROOT / "tests" / "support" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"ocop_bench_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _postgres_cluster() -> Any:
    """The tests' throw-away cluster (Debian's PostgreSQL, 127.0.0.1, a temporary directory)."""
    return support_module("postgres").PostgresCluster()


@contextlib.asynccontextmanager
async def postgres_database(kind: str, root: Path) -> AsyncIterator[Database]:
    if kind == "sqlite":
        yield Database(f"sqlite+aiosqlite:///{root / 'shop.db'}", root / "media")
        return
    cluster = _postgres_cluster()
    await asyncio.to_thread(cluster.start)
    try:
        yield Database(cluster.url(), root / "media")
    finally:
        await asyncio.to_thread(cluster.stop)


class BotProcess:
    """The shop (``ocop-bot run``) or the trivial bot, as a process of its own."""

    def __init__(
        self,
        root: Path,
        emulator: Emulator,
        token: str,
        database: Database,
        *,
        command: str,
        paced: bool = True,
        metrics: bool = True,
    ) -> None:
        self.root, self.emulator, self.token, self.database = root, emulator, token, database
        self.command = command
        # False: the shop counts no metrics ([metrics] enabled = false), to measure their cost.
        self.metrics = metrics
        # False: the bot is told Telegram's limits are wide (the emulator enforces none).
        self.paced = paced
        self.log = root / f"{command}.log"
        self.process: asyncio.subprocess.Process | None = None

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def config_text(self) -> str:
        return (
            f'[shop]\nmedia_dir = "{self.database.media}"\n[telegram]\npolling_timeout = 10\n'
            + ("" if self.paced else UNPACED)
            + ("" if self.metrics else "[metrics]\nenabled = false\n")
        )

    def argv(self, config: Path) -> list[str]:
        if self.command == "shop":
            return [
                str(Path(sys.executable).with_name("ocop-bot")),
                "--config",
                str(config),
                "run",
            ]
        return [sys.executable, "-m", "bench.trivial_bot"]

    def environment(self) -> dict[str, str]:
        return {}

    def ready(self) -> bool:
        # A polling bot is ready when its first getUpdates reaches the emulator.
        return any(c.method.lower() == "getupdates" for c in self.emulator.calls)

    async def start(self) -> None:
        config = self.root / f"{self.command}.toml"
        config.write_text(self.config_text(), encoding="utf-8")
        env = {
            **os.environ,
            "BOT_TOKEN": self.token,
            "TELEGRAM_API_BASE": str(self.emulator.base_url),
            "DATABASE_URL": self.database.url,
            "LOG_LEVEL": "WARNING",
            **self.environment(),
        }
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv(config), cwd=ROOT, env=env, stdout=log,
                stderr=asyncio.subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        for _ in range(1200):
            if self.ready():
                return
            if self.process.returncode is not None:
                break
            await asyncio.sleep(0.05)
        raise RuntimeError(f"the {self.command} bot did not start:\n{self.log_text()}")

    def peak_rss_mb(self) -> float | None:
        """The process's peak resident memory (VmHWM), read from /proc."""
        return self.status_mb("VmHWM")

    def status_mb(self, field: str) -> float | None:
        """A memory figure of the process's /proc status (VmRSS, VmHWM), in MiB."""
        if self.process is None:
            return None
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="utf-8")
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
        return None

    def cpu_seconds(self) -> float | None:
        """CPU time the process has used so far (user and system), read from /proc."""
        if self.process is None:
            return None
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text(encoding="utf-8")
        except OSError:
            return None
        # After the command's name in parentheses: utime and stime are the 12th and 13th.
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.returncode is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=15)
        except TimeoutError:
            os.killpg(process.pid, signal.SIGKILL)
            await process.wait()


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "aiogram": version("aiogram"),
        "sqlalchemy": version("sqlalchemy"),
    }
