"""A Zalo Bot API emulator on loopback, and Zalo users who talk to it (tests, playground)."""

from bot.zalo_emulator.driver import ZaloPerson
from bot.zalo_emulator.server import ZaloApiError, ZaloEmulator, ZaloMessage

__all__ = ["ZaloApiError", "ZaloEmulator", "ZaloMessage", "ZaloPerson"]
