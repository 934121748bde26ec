"""A Telegram Bot API emulator on loopback, and people who use it, for end-to-end tests."""

from bot.emulator.driver import Group, Person
from bot.emulator.flood import FloodLimits
from bot.emulator.html import Entity, HtmlParseError, ParsedText, parse_html
from bot.emulator.models import CallbackAnswer, Chat, ChatMessage, Event, User
from bot.emulator.server import Emulator

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
