"""A Facebook Messenger Platform emulator on loopback (Graph API, webhooks, people who use
Messenger), as strict as Meta's documentation, for tests and the playground."""

from emulators.messenger.errors import GraphError
from emulators.messenger.events import meta_json, signature
from emulators.messenger.models import (
    Button,
    Clock,
    Comment,
    Element,
    Limits,
    Page,
    Post,
    QuickReply,
    ThreadMessage,
)
from emulators.messenger.person import MessengerPerson
from emulators.messenger.server import MessengerEmulator
from emulators.messenger.webhook import Delivery, WebhookVerificationError

__all__ = [
    "Button",
    "Clock",
    "Comment",
    "Delivery",
    "Element",
    "GraphError",
    "Limits",
    "MessengerEmulator",
    "MessengerPerson",
    "Page",
    "Post",
    "QuickReply",
    "ThreadMessage",
    "WebhookVerificationError",
    "meta_json",
    "signature",
]
