"""Telegram's flood control as the emulator applies it to message-sending methods."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FloodLimits:
    """Limits per private chat (leaky bucket), per group (sliding window) and overall."""

    enabled: bool = True
    private_burst: int = 10
    private_per_second: float = 1.0
    group_messages: int = 20
    group_window: float = 60.0
    global_messages: int = 30
    global_window: float = 1.0

    @classmethod
    def off(cls) -> FloodLimits:
        return cls(enabled=False)


@dataclass
class _Bucket:
    level: float = 0.0
    stamp: float = 0.0


@dataclass
class FloodControl:
    limits: FloodLimits
    _buckets: dict[int, _Bucket] = field(default_factory=dict)
    _windows: dict[int, deque[float]] = field(default_factory=dict)
    _global: deque[float] = field(default_factory=deque)

    def acquire(self, chat_id: int, *, private: bool, now: float) -> int:
        """Take a sending slot; returns 0 when granted, else the seconds to wait (>= 1)."""
        if not self.limits.enabled:
            return 0
        lim = self.limits
        waits = [_window_wait(self._global, lim.global_messages, lim.global_window, now)]
        if private:
            bucket = self._buckets.setdefault(chat_id, _Bucket(stamp=now))
            bucket.level = max(0.0, bucket.level - (now - bucket.stamp) * lim.private_per_second)
            bucket.stamp = now
            overflow = bucket.level + 1 - lim.private_burst
            waits.append(overflow / lim.private_per_second if overflow > 0 else 0.0)
        else:
            window = self._windows.setdefault(chat_id, deque())
            waits.append(_window_wait(window, lim.group_messages, lim.group_window, now))
        wait = max(waits)
        if wait > 0:
            return max(1, math.ceil(wait))
        self._global.append(now)
        if private:
            self._buckets[chat_id].level += 1
        else:
            self._windows[chat_id].append(now)
        return 0


def _window_wait(window: deque[float], limit: int, span: float, now: float) -> float:
    while window and window[0] <= now - span:
        window.popleft()
    if len(window) < limit:
        return 0.0
    return window[len(window) - limit] + span - now
