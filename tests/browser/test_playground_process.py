"""The playground as a program: a busy port is one clear line, not a traceback."""

from __future__ import annotations

import subprocess

from browser_support import PlaygroundProcess


def test_a_second_playground_on_a_busy_port_says_which_port_and_how_to_choose_another(
    playground: PlaygroundProcess,
) -> None:
    second = subprocess.run(
        [*playground.command, "--port", str(playground.port)],
        cwd=playground.root, env=playground.env, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert second.returncode == 2, second.stderr
    assert second.stderr.splitlines() == [
        f"ocop-bot: --port: port {playground.port} on 127.0.0.1 is in use (another "
        f"playground?); choose another, e.g. ocop-bot playground --port {playground.port + 1}"
    ]
    assert "Traceback" not in second.stdout + second.stderr
