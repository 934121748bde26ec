"""LOG_FORMAT=json: one JSON object a line, naming what the line is about, with a traceback
inside the object; the default stays readable text."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from bot.logs import HANDLER_NAME, JsonFormatter, set_up_logging
from catalog import logcontext


def record(message: str, *, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("bad <value>")
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord("bot.outbox", logging.WARNING, __file__, 1, message, (), exc_info)


def test_a_json_line_names_the_update_channel_person_and_order_in_hand() -> None:
    with logcontext.about(update_id=42, channel="telegram", person=7, chat=-100):
        logcontext.note(order="DH00012")
        line = JsonFormatter().format(record("chat %s: flood control"))
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "bot.outbox"
    assert entry["message"] == "chat %s: flood control"
    assert (entry["update_id"], entry["channel"], entry["person"], entry["chat"]) == (
        42,
        "telegram",
        7,
        -100,
    )
    assert entry["order"] == "DH00012"
    assert entry["time"].endswith("+00:00")


def test_outside_an_update_a_line_says_only_what_it_knows() -> None:
    entry = json.loads(JsonFormatter().format(record("polling")))
    assert set(entry) == {"time", "level", "logger", "message"}


def test_a_traceback_goes_inside_the_object_not_onto_lines_of_its_own() -> None:
    line = JsonFormatter().format(record("round failed", exc=True))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert "ValueError: bad <value>" in entry["exception"]


def test_the_context_of_an_update_ends_with_it() -> None:
    with logcontext.about(update_id=1, channel="zalo"):
        assert logcontext.current().channel == "zalo"
    assert logcontext.current().fields() == {}


@pytest.mark.parametrize(("form", "json_lines"), [("json", True), ("text", False)])
def test_the_root_logger_writes_the_chosen_format(
    capsys: pytest.CaptureFixture[str], form: str, json_lines: bool
) -> None:
    set_up_logging("INFO", form)
    try:
        logging.getLogger("bot.test").info("hello %s", "world")
        line = capsys.readouterr().err.strip().splitlines()[-1]
        if json_lines:
            assert json.loads(line)["message"] == "hello world"
        else:
            assert line.endswith("INFO bot.test: hello world")
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
            root.removeHandler(handler)
