"""When the outbox sends to a group: its window of 20 messages a minute (kept by
bot/sending.py's budget, shared with every reply) decides between alerts and a digest, and
whether to send now or later."""

from __future__ import annotations

from bot.slots import SlidingWindow

# Slots of a group's per-minute budget kept for digests (and replies) once alerts pile up.
DIGEST_RESERVE = 5


def as_digest(alerts: int, remaining: int) -> bool:
    """Whether a group's ``alerts`` new orders go as one digest: when they are more than its
    window lets through this minute, keeping a reserve, rather than a queue of minutes."""
    return alerts > 1 and alerts > remaining - DIGEST_RESERVE


def wait_for_slot(window: SlidingWindow) -> float | None:
    """None when a message may go to the group now; else how long until a slot frees (the
    rows are postponed meanwhile, so alerts gather into a digest instead of holding their
    lease)."""
    if window.remaining():
        return None
    return window.next_free_in()
