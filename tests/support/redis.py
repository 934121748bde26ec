"""A throw-away Redis server from Debian's packages, started for the test session."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from support.postgres import _free_port


class RedisUnavailable(RuntimeError):
    pass


class RedisServer:
    """``redis-server`` on 127.0.0.1 with its data in a temporary directory."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            raise RedisUnavailable(
                "redis-server is not installed (run tests/setup/install-redis.sh, or `make test`)"
            )
        self.binary = binary
        self.port = _free_port()
        self.base = Path(tempfile.mkdtemp(prefix="ocop-redis-"))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary, "--bind", "127.0.0.1", "--port", str(self.port),
                "--dir", str(self.base), "--save", "", "--appendonly", "no",
                "--protected-mode", "yes", "--logfile", str(self.base / "log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        for _ in range(200):
            if self.process.poll() is not None:
                break
            try:
                result = subprocess.run(
                    [self.binary.replace("redis-server", "redis-cli"), "-p", str(self.port),
                     "ping"],
                    capture_output=True, text=True, timeout=5, check=False,
                )  # fmt: skip
            except FileNotFoundError:
                result = None
            if result is not None and result.stdout.strip() == "PONG":
                return
            time.sleep(0.05)
        self.stop()
        raise RedisUnavailable("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"
