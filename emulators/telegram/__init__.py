"""A Telegram Bot API emulator on loopback, and people who use it, for end-to-end tests."""

from emulators.telegram.driver import Group, Person
from emulators.telegram.flood import FloodLimits
from emulators.telegram.html import Entity, HtmlParseError, ParsedText, parse_html
from emulators.telegram.models import CallbackAnswer, Chat, ChatMessage, Event, User
from emulators.telegram.server import Emulator

__all__ = [
    "CallbackAnswer",
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
