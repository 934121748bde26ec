"""A Telegram Bot API emulator on loopback, and people who use it, for end-to-end tests."""

from emulators.telegram.events import Event
from emulators.telegram.flood import FloodLimits
from emulators.telegram.group import Group
from emulators.telegram.html import Entity, HtmlParseError, ParsedText, parse_html
from emulators.telegram.messages import ChatMessage
from emulators.telegram.models import CallbackAnswer, CallbackQueryRecord, Chat, User
from emulators.telegram.person import Person
from emulators.telegram.server import Emulator

__all__ = [
    "CallbackAnswer",
    "CallbackQueryRecord",
    "Chat",
    "ChatMessage",
    "Emulator",
    "Entity",
    "Event",
    "FloodLimits",
    "Group",
    "HtmlParseError",
    "ParsedText",
    "Person",
    "User",
    "parse_html",
]
