"""Zalo: text commands as staff type them, and messages cut to Zalo's 2,000 characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.zalo.commands import Command, Verb, parse
from bot.zalo.texts import plain, split_message


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nhan DH00012", Command(Verb.accept, 12)),
        ("Nhận dh00012", Command(Verb.accept, 12)),
        ("NHẬN ĐƠN DH12", Command(Verb.accept, 12)),
        ("/accept DH00012", Command(Verb.accept, 12)),
        ("xác nhận 12", Command(Verb.accept, 12)),
        ("giao DH00007", Command(Verb.ship, 7)),
        ("/ship #7", Command(Verb.ship, 7)),
        ("đã giao DH7", Command(Verb.deliver, 7)),
        ("xong DH00007", Command(Verb.deliver, 7)),
        ("hủy DH00007 Hết hàng rồi", Command(Verb.cancel, 7, "Hết hàng rồi")),
        ("/cancel DH7", Command(Verb.cancel, 7)),
        ("huỷ liên kết", Command(Verb.unlink)),
        ("đơn", Command(Verb.orders)),
        ("/orders", Command(Verb.orders)),
        ("ngôn ngữ en", Command(Verb.language, rest="en")),
        ("K7MX2QPA", Command(Verb.link, rest="K7MX2QPA")),
        ("k7mx2qpa", Command(Verb.link, rest="K7MX2QPA")),
        ("/link K7MX2QPA", Command(Verb.link, rest="K7MX2QPA")),
        ("nhan", Command(Verb.accept)),  # no number: the caller shows how to write one
        ("nhan hoa", Command(Verb.accept)),
    ],
)
def test_commands_are_read_in_both_languages_with_or_without_accents(
    typed: str, expected: Command
) -> None:
    assert parse(typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", "xin chào", "bao giờ giao?", "DH00012", "🙂"])
def test_text_that_is_not_a_command_is_none(typed: str) -> None:
    assert parse(typed) is None


def test_a_short_message_is_one_part_unnumbered() -> None:
    assert split_message("Đơn DH00001\nTổng: 100.000 ₫") == ["Đơn DH00001\nTổng: 100.000 ₫"]
    assert split_message("  ") == []


def test_a_long_message_is_cut_between_lines_into_numbered_parts() -> None:
    lines = [f"• Dòng số {n:03d} " + "x" * 40 for n in range(100)]
    parts = split_message("\n".join(lines))
    assert len(parts) == 3
    assert all(len(part) <= 2000 for part in parts)
    assert [part.split(" ", 1)[0] for part in parts] == ["(1/3)", "(2/3)", "(3/3)"]
    rejoined = "\n".join(part.split(" ", 1)[1] for part in parts)
    assert rejoined == "\n".join(lines)  # nothing lost, no line cut in two


def test_a_line_longer_than_a_part_is_cut_at_a_space() -> None:
    text = " ".join(["chữ"] * 1500)  # 5,999 characters on one line
    parts = split_message(text)
    assert all(len(part) <= 2000 for part in parts)
    assert " ".join(part.split(" ", 1)[1] for part in parts).split() == text.split()


def test_plain_drops_the_shops_tags_and_keeps_escaped_text() -> None:
    assert plain("<b>Tổng</b>: 12 &lt;Hàng Gai&gt; &amp; 🏮") == "Tổng: 12 <Hàng Gai> & 🏮"


def test_zalo_settings_come_from_the_environment() -> None:
    config = load_config(
        environ={"ZALO_BOT_TOKEN": "1234567890:AbC-def_9", "ZALO_API_BASE": "http://127.0.0.1:9/"}
    )
    assert config.zalo.token == "1234567890:AbC-def_9"
    assert config.zalo.api_base == "http://127.0.0.1:9"
    assert config.zalo.monthly_quota == 3000


def test_a_malformed_zalo_token_names_the_variable() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(environ={"ZALO_BOT_TOKEN": "no colon here"})
    assert raised.value.setting == "ZALO_BOT_TOKEN"


def test_a_zalo_webhook_without_a_secret_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text('[zalo]\nwebhook_url = "https://shop.example/zalo/webhook"\n')
    with pytest.raises(ConfigError) as raised:
        load_config(path, environ={})
    assert "webhook_secret" in raised.value.problem
