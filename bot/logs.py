"""The program's log: readable text by default; with ``LOG_FORMAT=json`` one JSON object a
line for a machine to read, naming the update, channel, person, chat and order in hand
(catalog.logcontext) and carrying a traceback inside the object, never on lines of its own."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from catalog import logcontext

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HANDLER_NAME = "ocop-bot"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **logcontext.current().fields(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def set_up_logging(level: str, form: str = "text") -> None:
    """The root logger writes to standard error, as text or (``json``) JSON lines."""
    handler = logging.StreamHandler()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if form == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    # Ours only: a test's log capture stays.
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
