"""The offline playground: the real bot against the emulators, shown as five chats in a page
(Telegram, Messenger, a producer group, an admin, Zalo)."""

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
