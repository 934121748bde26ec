"""What the emulated Messenger Platform holds: its clock, Pages, the people who talk to them,
their threads, Page posts and comments, reusable attachments and utility templates."""

from __future__ import annotations

import secrets
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any, Literal

DAY = 24 * 3600.0
STANDARD_WINDOW = DAY  # the standard messaging window after a person's last message
HUMAN_AGENT_WINDOW = 7 * DAY
PRIVATE_REPLY_WINDOW = 7 * DAY
ATTACHMENT_LIFETIME = 90 * DAY


class Clock:
    """Seconds since the epoch as the emulator sees them: real time, moved on by tests."""

    def __init__(self) -> None:
        self.offset = 0.0
        self._frozen: float | None = None

    def now(self) -> float:
        base = self._frozen if self._frozen is not None else time.time()
        return base + self.offset

    def freeze(self) -> None:
        """Stop real time from passing (only ``advance`` moves the clock), for tests that
        count calls within a second on a slow machine."""
        self._frozen = time.time()

    def ms(self) -> int:
        return int(self.now() * 1000)

    def advance(
        self, seconds: float = 0.0, *, minutes: float = 0.0, hours: float = 0.0, days: float = 0.0
    ) -> None:
        """Move the clock forward (windows close, templates and attachments age)."""
        self.offset += seconds + 60 * minutes + 3600 * hours + 86400 * days


@dataclass
class Limits:
    """Meta's rate limits as the emulator applies them (None: not applied)."""

    send_per_second: int | None = 300  # Send API calls per second per Page
    profile_calls: int | None = 10  # Messenger Profile API calls per Page ...
    profile_window: float = 600.0  # ... per 10 minutes

    @classmethod
    def off(cls) -> Limits:
        return cls(send_per_second=None, profile_calls=None)


@dataclass(frozen=True)
class Button:
    type: Literal["postback", "web_url", "phone_number"]
    title: str
    payload: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Element:
    """One card of a generic template (a carousel when there are several)."""

    title: str
    subtitle: str | None = None
    image_url: str | None = None
    default_url: str | None = None
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class QuickReply:
    content_type: Literal["text", "user_phone_number", "user_email"]
    title: str | None = None
    payload: str | None = None
    image_url: str | None = None


@dataclass(frozen=True)
class Content:
    """A message as the person sees it, read from what the Page sent."""

    text: str | None = None
    # None for text; "image", "template" (button or generic) or "utility".
    kind: str | None = None
    template_type: str | None = None
    image_url: str | None = None
    attachment_id: str | None = None
    is_reusable: bool = False
    elements: tuple[Element, ...] = ()
    buttons: tuple[Button, ...] = ()
    quick_replies: tuple[QuickReply, ...] = ()
    metadata: str | None = None
    template_name: str | None = None


@dataclass
class ThreadMessage:
    """One message in a person's thread with a Page: sent by the Page or by the person."""

    mid: str
    from_page: bool
    timestamp: int  # milliseconds, on the emulator's clock
    content: Content = field(default_factory=Content)
    # What the person did: "text", "quick_reply", "postback", "sticker", "image", "referral".
    action: str | None = None
    payload: str | None = None
    messaging_type: str | None = None
    tag: str | None = None
    private_reply_to: str | None = None  # the comment a private reply answers

    @property
    def text(self) -> str | None:
        return self.content.text

    @property
    def quick_replies(self) -> list[str]:
        """Titles of its text quick replies (the content type of the others)."""
        return [reply.title or reply.content_type for reply in self.content.quick_replies]

    @property
    def template_type(self) -> str | None:
        return self.content.template_type

    @property
    def elements(self) -> tuple[Element, ...]:
        return self.content.elements

    @property
    def image_url(self) -> str | None:
        return self.content.image_url

    @property
    def buttons(self) -> list[str]:
        """Titles of the buttons of a button template or utility message."""
        return [button.title for button in self.content.buttons]

    def element(self, title: str) -> Element:
        for element in self.content.elements:
            if element.title == title:
                return element
        titles = [element.title for element in self.content.elements]
        raise AssertionError(f"no card titled {title!r} in this message; cards: {titles}")

    def describe(self) -> str:
        """One line for transcripts in assertion messages."""
        content = self.content
        if not self.from_page:
            what = self.action or "text"
            extra = f" [{what} {self.payload!r}]" if self.payload else f" [{what}]"
            return f"person: {content.text or ''}{extra if what != 'text' else ''}"
        parts = [content.text or ""]
        if content.kind == "image":
            parts.append(f"[image {content.image_url or content.attachment_id}]")
        for element in content.elements:
            buttons = [b.title for b in element.buttons]
            parts.append(f"[card {element.title!r} {element.subtitle or ''!r} {buttons}]")
        if content.buttons:
            parts.append(f"buttons {[b.title for b in content.buttons]}")
        if content.quick_replies:
            parts.append(
                f"quick replies {[q.title or q.content_type for q in content.quick_replies]}"
            )
        tag = f" ({self.messaging_type})" if self.messaging_type != "RESPONSE" else ""
        return f"page{tag}: " + " ".join(p for p in parts if p)


@dataclass
class MessengerUser:
    """A person as one Page knows them: a page-scoped id, a locale, their thread."""

    psid: str
    page_id: str
    name: str
    locale: str = "vi_VN"
    phone: str | None = None
    email: str | None = None
    # The id comments carry in the feed (not a PSID: a Page cannot message it).
    user_id: str = field(default_factory=lambda: str(10**15 + secrets.randbelow(10**15)))
    blocked: bool = False
    last_inbound: float | None = None  # clock time of the last message, postback or referral
    thread: list[ThreadMessage] = field(default_factory=list)

    def window_open(self, now: float, span: float = STANDARD_WINDOW) -> bool:
        return self.last_inbound is not None and now - self.last_inbound < span

    def transcript(self, last: int = 30) -> str:
        lines = [message.describe() for message in self.thread[-last:]]
        return f"--- {self.name} (PSID {self.psid}) ---\n" + "\n".join(lines or ["(empty)"])


@dataclass
class Post:
    id: str  # "<page-id>_<post number>"
    page_id: str
    message: str
    created_time: float


@dataclass
class Comment:
    id: str  # "<post number>_<comment number>"
    post: Post
    author: MessengerUser  # as known to the post's Page
    message: str
    created_time: float
    parent_id: str
    replied: bool = False
    removed: bool = False


@dataclass
class StoredAttachment:
    id: str
    type: str
    url: str | None
    data: bytes
    created: float
    reusable: bool


@dataclass(frozen=True)
class UtilityTemplate:
    """An approved utility message template: ``{{1}}``-style placeholders in its body, and
    postback buttons whose payloads the sender may fill in."""

    name: str
    language: str
    body: str
    buttons: tuple[Button, ...] = ()

    @property
    def placeholders(self) -> int:
        count = 0
        while "{{" + str(count + 1) + "}}" in self.body:
            count += 1
        return count


@dataclass
class Page:
    id: str
    name: str
    username: str
    token: str
    restricted: bool = False  # Meta has restricted the Page's messaging (10 / 1893063)
    human_agent: bool = False  # the app may use the HUMAN_AGENT tag
    subscribed_fields: tuple[str, ...] | None = None  # via /{page-id}/subscribed_apps
    profile: dict[str, Any] = field(default_factory=dict)
    profile_calls: deque[float] = field(default_factory=deque)
    send_calls: deque[float] = field(default_factory=deque)
    users: dict[str, MessengerUser] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    comments: dict[str, Comment] = field(default_factory=dict)
    attachments: dict[str, StoredAttachment] = field(default_factory=dict)
    utility_templates: dict[tuple[str, str], UtilityTemplate] = field(default_factory=dict)


@dataclass
class Stats:
    """What the Page's app did, for bench: messages sent, typing/seen, and refusals."""

    messages_sent: int = 0
    sender_actions: int = 0
    private_replies: int = 0
    errors: Counter[tuple[int, int | None]] = field(default_factory=Counter)

    def errors_by_code(self) -> dict[int, int]:
        totals: Counter[int] = Counter()
        for (code, _subcode), count in self.errors.items():
            totals[code] += count
        return dict(totals)


def new_mid() -> str:
    return "m_" + secrets.token_urlsafe(48)


def new_numeric_id(digits: int = 16) -> str:
    return str(10 ** (digits - 1) + secrets.randbelow(9 * 10 ** (digits - 1)))
