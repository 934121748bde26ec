"""The offline playground: the real bot against the emulator, shown as three chats in a page."""

from playground.app import Playground, PortInUse, run_playground
from playground.running import BACKGROUND_TASKS, BackgroundTask, BotServices

__all__ = [
    "BACKGROUND_TASKS",
    "BackgroundTask",
    "BotServices",
    "Playground",
    "PortInUse",
    "run_playground",
]
