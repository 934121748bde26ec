"""What the emulated Messenger Platform holds — the app, its Pages, people, the clock, the
counts for bench and the errors answered — and waiting for any of it to change."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from emulators.messenger.errors import GraphError
from emulators.messenger.models import (
    Button,
    Clock,
    Limits,
    MessengerUser,
    Page,
    Stats,
    UtilityTemplate,
    new_numeric_id,
)
from emulators.waiting import Changes

if TYPE_CHECKING:
    from emulators.messenger.webhook import WebhookDelivery


@dataclass(frozen=True)
class ErrorRecord:
    """A Graph error the emulator answered: where, to whom (a PSID, when known), what."""

    path: str
    code: int
    subcode: int | None
    message: str
    psid: str | None


class MessengerState(Changes):
    webhook: WebhookDelivery

    def __init__(self, app_id: str, app_secret: str, limits: Limits | None) -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret
        self.limits = limits or Limits()
        self.clock = Clock()
        self.pages: dict[str, Page] = {}
        self.stats = Stats()
        self.errors: list[ErrorRecord] = []
        # Errors the next Send API calls answer instead of sending (e.g. a run of 613s).
        self.send_failures: list[GraphError] = []
        self.typing: dict[str, float] = {}  # PSID -> when the Page turned "typing…" on
        self.seen: dict[str, int] = {}  # PSID -> when the Page marked their messages seen (ms)
        # Bumped on every change; ``on_change`` is called too (a playground page listens).
        self.version = 0
        self.on_change: Callable[[], None] | None = None

    # -- Pages ------------------------------------------------------------------------------

    def add_page(
        self,
        name: str = "OCOP Shop",
        *,
        page_id: str | None = None,
        username: str = "ocopshop",
        token: str | None = None,
    ) -> Page:
        """A Facebook Page the app manages, with its Page access token."""
        page = Page(
            id=page_id or new_numeric_id(15),
            name=name,
            username=username,
            token=token or "EAAG" + secrets.token_urlsafe(60),
        )
        self.pages[page.id] = page
        return page

    @property
    def page(self) -> Page:
        """The first Page added (most tests have one)."""
        if not self.pages:
            raise RuntimeError("no Page yet: call emulator.add_page() first")
        return next(iter(self.pages.values()))

    def page_for_token(self, token: str) -> Page | None:
        return next((page for page in self.pages.values() if page.token == token), None)

    def add_utility_template(
        self,
        name: str,
        body: str,
        *,
        language: str = "vi",
        buttons: tuple[Button, ...] = (),
        page: Page | None = None,
    ) -> UtilityTemplate:
        """An approved utility template (Meta approves Page-owned ones within seconds)."""
        template = UtilityTemplate(name, language, body, buttons)
        (page or self.page).utility_templates[(name, language)] = template
        return template

    def find_user(self, psid: str) -> MessengerUser | None:
        for page in self.pages.values():
            if psid in page.users:
                return page.users[psid]
        return None

    # -- errors and changes -----------------------------------------------------------------

    def record_error(self, path: str, err: GraphError, psid: str | None = None) -> None:
        self.stats.errors[(err.code, err.subcode)] += 1
        self.errors.append(ErrorRecord(path, err.code, err.subcode, err.message, psid))
        self.notify(psid)

    def errors_for(self, psid: str) -> list[ErrorRecord]:
        return [error for error in self.errors if error.psid == psid]

    def notify_changed(self) -> None:
        self.notify()

    def notify(self, chat_id: Hashable | None = None, *, everyone: bool = False) -> None:
        self.version += 1
        if self.on_change is not None:
            self.on_change()
        super().notify(chat_id, everyone=everyone)
