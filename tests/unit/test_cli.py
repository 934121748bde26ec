"""The command line: clear one-line errors with status 2, never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

OCOP_BOT = Path(sys.executable).with_name("ocop-bot")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("BOT_TOKEN", "TELEGRAM_API_BASE", "DATABASE_URL", "ADMIN_IDS", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_run_without_a_token_says_how_to_give_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ocop-bot: BOT_TOKEN: no bot token")
    assert "BOT_TOKEN=" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BOT_TOKEN", "oops"),
        ("ADMIN_IDS", "1,two"),
        ("DATABASE_URL", "mysql://localhost/shop"),
        ("LOG_LEVEL", "chatty"),
        ("MESSENGER_PAGE_TOKEN", "oops"),
        ("MESSENGER_APP_SECRET", "not-the-app-secret"),
    ],
)
def test_a_malformed_setting_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ocop-bot: {variable}: ")
    assert err.count("\n") == 1


def test_a_missing_config_file_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", "nowhere.toml", "run"]) == 2
    assert "no such file: nowhere.toml" in capsys.readouterr().err


def test_run_refuses_a_database_that_is_not_migrated(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/empty.db")
    assert main(["run"]) == 2
    assert "run `ocop-bot db upgrade`" in capsys.readouterr().err


def test_db_upgrade_and_seed_demo_prepare_a_shop(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/shop.db")
    assert main(["db", "upgrade"]) == 0
    assert main(["catalog", "seed-demo", "--if-empty"]) == 0
    assert main(["catalog", "seed-demo", "--if-empty"]) == 0
    out = capsys.readouterr().out
    assert "8 producers, 5 categories, 46 products added" in out
    assert "catalog not empty: demo not loaded" in out
    assert len(list((tmp_path / "data" / "media" / "products").glob("*.jpg"))) == 46


@pytest.mark.parametrize("command", [[], ["run"], ["db", "upgrade"], ["catalog", "seed-demo"]])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    assert "usage: ocop-bot" in capsys.readouterr().out


def test_the_installed_console_script_exits_2_without_a_token(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(OCOP_BOT), "run"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("ocop-bot: BOT_TOKEN: no bot token")
    assert "Traceback" not in result.stderr


def test_start_with_a_messenger_page_but_no_bot_token_says_the_bot_token_is_needed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MESSENGER_PAGE_ID", "101010101010101")
    monkeypatch.setenv("MESSENGER_PAGE_TOKEN", "EAAG" + "x" * 60)
    monkeypatch.setenv("MESSENGER_APP_SECRET", "0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("MESSENGER_VERIFY_TOKEN", "verify-me-please")
    assert main(["start"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ocop-bot: BOT_TOKEN: no bot token")
    assert err.count("\n") == 1
