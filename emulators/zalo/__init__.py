"""A Zalo Bot API emulator on loopback, and Zalo users who talk to it (tests, playground)."""

from emulators.zalo.driver import ZaloPerson
from emulators.zalo.models import ZaloApiError, ZaloMessage
from emulators.zalo.server import ZaloEmulator

__all__ = ["ZaloApiError", "ZaloEmulator", "ZaloMessage", "ZaloPerson"]
