"""The playground as an ``ocop-bot playground`` subprocess, and a client for its page API."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OCOP_BOT = Path(sys.executable).with_name("ocop-bot")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
DESKTOP = {"width": 1440, "height": 900}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def api(url: str, path: str, body: object | None = None) -> dict[str, object]:
    """GET (or POST JSON to) the playground's own API."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url + path, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, object] = json.loads(response.read())
        return result


class PlaygroundProcess:
    def __init__(self, root: Path, media: Path) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = root / "playground.log"
        config = root / "bot.toml"
        config.write_text(f'[shop]\nmedia_dir = "{media}"\n', encoding="utf-8")
        self.command = [str(OCOP_BOT), "--config", str(config), "playground"]
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "ADMIN_IDS")},
            "DATABASE_URL": f"sqlite+aiosqlite:///{root / 'shop.db'}",
            "LOG_LEVEL": "WARNING",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*self.command, "--port", str(self.port)],
                cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the playground exited:\n{self.log_text()}")
            try:
                if api(self.url, "/api/state").get("ready"):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"the playground did not start:\n{self.log_text()}")

    def stop(self) -> int:
        process, self.process = self.process, None
        if process is None:
            return 0
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")
