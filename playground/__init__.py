"""The offline playground: the real bot against the emulator, shown as three chats in a page."""

from playground.app import (
    BACKGROUND_TASKS,
    BackgroundTask,
    BotServices,
    Playground,
    PortInUse,
    run_playground,
)

__all__ = [
    "BACKGROUND_TASKS",
    "BackgroundTask",
    "BotServices",
    "Playground",
    "PortInUse",
    "run_playground",
]
