"""What the conversation is handed for one thing a customer did: who, what, and the ports
through which it reads and answers — implemented by each channel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from catalog.language_cache import LanguageCache
from catalog.links import DeepLink
from catalog.services.payments.links import CheckoutPayments
from catalog.snapshot import CatalogCache
from catalog.uow import UnitOfWork
from storefront.actions import Action
from storefront.screens import Screen


@dataclass(frozen=True, slots=True)
class Person:
    """A customer on a channel. ``user_id`` is the shop's id of them (Telegram's own id on
    Telegram); carts, saved details, orders and language belong to it."""

    user_id: int
    channel: str
    first_name: str
    last_name: str | None = None
    username: str | None = None
    # What the person's app says it speaks, where the channel tells (Telegram does).
    language_code: str | None = None
    # First seen by the shop in this very event (a channel that numbers people as they come).
    new: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


# -- what the person did -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Start:
    """The first message (Telegram's /start), or a link opened: ``payload`` names what."""

    payload: str | None = None


@dataclass(frozen=True, slots=True)
class Press:
    """A button pressed: ``action`` is None when its payload is not ours or is broken.
    ``on_screen`` is False when the message it was on can no longer be changed."""

    action: Action | None
    on_screen: bool = True


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Contact:
    """A phone number shared with the channel's own button (the person's own, with the name
    the channel gives them; ``name`` is empty where the channel gives none)."""

    phone: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Other:
    """Anything else: a sticker, a photo, a voice message."""


Event = Start | Press | Text | Contact | Location | Other


# -- the ports -------------------------------------------------------------------------------


class Output(Protocol):
    """How the conversation answers. Where the person pressed a button, ``show`` replaces
    the screen it was on when the channel can (otherwise it sends a new one)."""

    # The longest text one message of the channel holds, counted as shown
    # (format.visible_length): long lists are fitted to it (format.fit_text).
    text_limit: int

    async def send(self, screen: Screen) -> None: ...

    async def show(self, screen: Screen) -> None: ...

    async def answer(self, text: str = "", *, alert: bool = False) -> None:
        """The answer to the press in hand: a passing note, or (``alert``) one to dismiss."""

    async def close(self, text: str | None = None) -> None:
        """The pressed screen is done with: its buttons go (its text becomes ``text``)."""


class ConversationState(Protocol):
    """Where the person is in a conversation and what they answered, kept across restarts."""

    async def get_state(self) -> str | None: ...

    async def set_state(self, state: Any = None) -> None: ...

    async def get_data(self) -> dict[str, Any]: ...

    async def set_data(self, data: Mapping[str, Any]) -> None: ...

    async def update_data(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> Any: ...

    async def clear(self) -> None: ...


class Links(Protocol):
    """Links into the shop on this channel (Telegram's t.me/<bot>?start=…)."""

    # The channel can send a product into another chat with a button (Telegram's inline mode).
    shares_into_chats: bool

    async def url(self, link: DeepLink) -> str | None: ...


@dataclass(frozen=True, slots=True)
class StaffHints:
    """What a channel with staff tools adds for a staff member (Telegram: their commands)."""

    # A paragraph under the greeting, and under the help, for staff (None for customers).
    greeting: Callable[[], Awaitable[str | None]]
    help: Callable[[], Awaitable[str | None]]
    # Called once the greeting is sent.
    greeted: Callable[[], Awaitable[None]]


@dataclass(slots=True)
class Visit:
    person: Person
    state: ConversationState
    uow: UnitOfWork
    catalog: CatalogCache
    out: Output
    links: Links
    language_cache: LanguageCache
    media_dir: Path
    staff: StaffHints | None = None
    # How long a transfer order waits for its money, and the VietQR code to pay it with
    # (a payOS link's, for a producer on payOS).
    payments: CheckoutPayments = field(default_factory=CheckoutPayments)
    # Whatever else a channel passes along for its own steps.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def user_id(self) -> int:
        return self.person.user_id
