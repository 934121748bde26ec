"""What the handlers read of the configuration, handed to them as ``settings``
(bot/factory.py builds it from the bot's configuration)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    admin_ids: frozenset[int]
    # Product photos live here (the wizard saves uploads below it).
    media_dir: Path
    # /lowstock without a number lists products with this many or fewer.
    low_stock_threshold: int
    # The Facebook Page's username: /qr … messenger prints its m.me links ("" without one).
    messenger_page: str = ""
