"""A person on Messenger, acting as people do — type, tap a quick reply, a button on any
message (Messenger cannot edit a sent message, so old buttons stay tappable), Get Started,
the persistent menu, an m.me link; send a sticker or a picture; comment on a Page post;
block the Page — and reading what the Page sent, waiting for it like the Telegram driver."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from emulators.messenger.models import (
    Button,
    Comment,
    MessengerUser,
    Page,
    Post,
    QuickReply,
    ThreadMessage,
)

if TYPE_CHECKING:
    from emulators.messenger.server import MessengerEmulator

DEFAULT_TIMEOUT = 5.0
TYPING_SECONDS = 20.0  # Messenger stops showing "typing…" after 20 s
THUMBS_UP = 369239263222822
# An m.me link's ref as Messenger passes it on: letters, digits, "-", "_", "=".
REF = re.compile(r"[A-Za-z0-9_=-]{1,2083}")


class MessengerPerson:
    def __init__(self, emulator: MessengerEmulator, user: MessengerUser) -> None:
        self.emulator = emulator
        self.user = user
        self._read = 0  # thread position after which the Page's messages are new

    @property
    def psid(self) -> str:
        return self.user.psid

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def page(self) -> Page:
        return self.emulator.pages[self.user.page_id]

    # -- acting ---------------------------------------------------------------------------

    def _act(self) -> None:
        if self.user.blocked:
            raise AssertionError(f"{self.name} has blocked the Page: unblock_page() first")
        self._read = len(self.user.thread)

    async def _settle(self) -> None:
        await asyncio.sleep(0)

    async def send(self, text: str, *, duplicate: bool = False) -> ThreadMessage:
        """Type ``text``; ``duplicate`` has Meta deliver the event twice."""
        self._act()
        message = self.emulator.person_writes(self.user, text, duplicate=duplicate)
        await self._settle()
        return message

    async def tap_quick_reply(self, title: str, *, duplicate: bool = False) -> ThreadMessage:
        """Tap the quick reply titled ``title`` under the latest message."""
        return await self._tap_reply(lambda r: r.title == title, repr(title), duplicate)

    async def share_phone(self) -> ThreadMessage:
        """Tap the quick reply that offers the phone number of one's profile."""
        return await self._tap_reply(
            lambda r: r.content_type == "user_phone_number", "user_phone_number", False
        )

    async def share_email(self) -> ThreadMessage:
        return await self._tap_reply(lambda r: r.content_type == "user_email", "user_email", False)

    async def _tap_reply(
        self, match: Callable[[QuickReply], bool], what: str, duplicate: bool
    ) -> ThreadMessage:
        reply = next((r for r in self.quick_reply_options() if match(r)), None)
        if reply is None:
            raise AssertionError(
                f"no quick reply {what} is shown; shown: {self.quick_replies}\n{self.explain()}"
            )
        self._act()
        message = self.emulator.person_taps_quick_reply(self.user, reply, duplicate=duplicate)
        await self._settle()
        return message

    async def tap_button(
        self,
        title: str,
        *,
        element: str | None = None,
        message: ThreadMessage | None = None,
        duplicate: bool = False,
    ) -> ThreadMessage | None:
        """Tap the button titled ``title`` on the newest message showing it (or ``message``);
        on a carousel, on the card titled ``element``. A postback reaches the Page; a web_url
        or phone_number button opens a browser or the dialler (None)."""
        candidates = [message] if message is not None else list(reversed(self.messages))
        for candidate in candidates:
            found = self._buttons(candidate, title, element)
            if len(found) > 1:
                cards = [card for card, _ in found]
                raise AssertionError(
                    f"{len(found)} buttons {title!r} on one message (cards {cards}): "
                    f"say which with element=\n{self.explain()}"
                )
            if found:
                button = found[0][1]
                if button.type != "postback":
                    return None
                self._act()
                posted = self.emulator.person_postback(
                    self.user, button.title, button.payload or "", duplicate=duplicate
                )
                await self._settle()
                return posted
        where = f" on a card {element!r}" if element else ""
        raise AssertionError(f"no button {title!r}{where} is shown\n{self.explain()}")

    @staticmethod
    def _buttons(
        message: ThreadMessage, title: str, element: str | None
    ) -> list[tuple[str | None, Button]]:
        found: list[tuple[str | None, Button]] = []
        if element is None:
            found += [(None, b) for b in message.content.buttons if b.title == title]
        for card in message.content.elements:
            if element in (None, card.title):
                found += [(card.title, b) for b in card.buttons if b.title == title]
        return found

    async def get_started(self, ref: str | None = None) -> ThreadMessage:
        """Tap Get Started in a new thread (``ref``: opened through an m.me link with it)."""
        started = self.page.profile.get("get_started")
        if started is None:
            raise AssertionError(f"the Page shows no Get Started button\n{self.explain()}")
        if self.user.thread:
            raise AssertionError(f"Get Started is shown in a new thread only\n{self.explain()}")
        self._act()
        message = self.emulator.person_postback(
            self.user, "Get Started", str(started["payload"]), ref=ref
        )
        await self._settle()
        return message

    async def open_link(self, url: str) -> ThreadMessage | None:
        """Open a link, as tapping it or scanning its code does. ``m.me/<page>?ref=…`` opens
        the thread: a new one shows Get Started, which this taps (the ref rides along); an
        existing one sends a referral event. A ref Messenger would not pass on is dropped.
        Other links open a browser: the Page hears nothing (None)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc not in ("m.me", "www.m.me"):
            return None
        target = parts.path.strip("/").lower()
        if target not in (self.page.username.lower(), self.page.id):
            raise AssertionError(f"{url} leads to another Page, not m.me/{self.page.username}")
        ref = parse_qs(parts.query).get("ref", [None])[0]
        ref = ref if ref is not None and REF.fullmatch(ref) else None
        if not self.user.thread:
            return await self.get_started(ref)
        if ref is not None:
            self._act()
            self.emulator.person_referral(self.user, ref)
            await self._settle()
        return None

    async def tap_menu(self, title: str) -> ThreadMessage | None:
        """Tap an item of the Page's persistent menu, in the person's locale or the default."""
        menus = {m["locale"]: m for m in self.page.profile.get("persistent_menu", [])}
        menu = menus.get(self.user.locale) or menus.get("default")
        items: list[dict[str, Any]] = menu["call_to_actions"] if menu else []
        item = next((i for i in items if i.get("title") == title), None)
        if item is None:
            titles = [i.get("title") for i in items]
            raise AssertionError(f"no menu item {title!r}; the menu shows {titles}")
        if item["type"] != "postback":
            return None
        self._act()
        message = self.emulator.person_postback(self.user, title, str(item["payload"]))
        await self._settle()
        return message

    async def send_sticker(self, sticker_id: int = THUMBS_UP) -> ThreadMessage:
        self._act()
        message = self.emulator.person_sends_sticker(self.user, sticker_id)
        await self._settle()
        return message

    async def send_image(self, url: str | None = None) -> ThreadMessage:
        self._act()
        message = self.emulator.person_sends_image(self.user, url)
        await self._settle()
        return message

    async def comment(self, post: Post, text: str, *, reply_to: Comment | None = None) -> Comment:
        """Comment on a Page's post (or answer a comment there): a ``feed`` change."""
        comment = self.emulator.person_comments(self.user, post, text, reply_to)
        await self._settle()
        return comment

    def block_page(self) -> None:
        self.emulator.set_blocked(self.user, blocked=True)

    def unblock_page(self) -> None:
        self.emulator.set_blocked(self.user, blocked=False)

    # -- reading --------------------------------------------------------------------------

    @property
    def messages(self) -> list[ThreadMessage]:
        """Everything the Page sent this person, oldest first."""
        return [message for message in self.user.thread if message.from_page]

    @property
    def last_message(self) -> ThreadMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    def quick_reply_options(self) -> tuple[QuickReply, ...]:
        """Quick replies shown now: those of the latest message, if the Page sent it."""
        shown = [m for m in self.user.thread if m.action != "referral"]
        if not shown or not shown[-1].from_page:
            return ()
        return shown[-1].content.quick_replies

    @property
    def quick_replies(self) -> list[str]:
        return [reply.title or reply.content_type for reply in self.quick_reply_options()]

    @property
    def typing(self) -> bool:
        """Whether the Page shows "typing…": until typing_off, its next message or 20 s."""
        since = self.emulator.typing.get(self.psid)
        return since is not None and self.emulator.clock.now() - since < TYPING_SECONDS

    @property
    def marked_seen(self) -> bool:
        """Whether the Page marked this person's latest message seen."""
        seen = self.emulator.seen.get(self.psid)
        mine = [m.timestamp for m in self.user.thread if not m.from_page]
        return seen is not None and bool(mine) and seen >= mine[-1]

    async def next_message(
        self,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the driver's API, as tests read it
    ) -> ThreadMessage:
        """The next message the Page sends after this person's latest action."""
        start = self._read

        def probe() -> tuple[int, ThreadMessage] | None:
            for index in range(start, len(self.user.thread)):
                if self.user.thread[index].from_page:
                    return index, self.user.thread[index]
            return None

        found = await self.emulator.wait_until(probe, timeout, chat_id=self.psid)
        if found is None:
            raise AssertionError(
                f"the Page sent no new message within {timeout}s\n{self.explain()}"
            )
        self._read = found[0] + 1
        return found[1]

    async def wait_for(
        self,
        predicate: Callable[[ThreadMessage], bool],
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the driver's API, as tests read it
    ) -> ThreadMessage:
        """A message the Page sent since this person's latest action that satisfies
        ``predicate``."""
        start = self._read

        def probe() -> ThreadMessage | None:
            thread = self.user.thread[start:]
            return next((m for m in thread if m.from_page and predicate(m)), None)

        found = await self.emulator.wait_until(probe, timeout, chat_id=self.psid)
        if found is None:
            raise AssertionError(
                f"no message from the Page matched within {timeout}s\n{self.explain()}"
            )
        return found

    def transcript(self) -> str:
        return self.user.transcript()

    def explain(self) -> str:
        """The thread, the Page's refused calls for this person and the webhook's state."""
        lines = [self.transcript()]
        errors = self.emulator.errors_for(self.psid)
        lines += [f"refused: {e.path} -> {e.code}/{e.subcode} {e.message}" for e in errors[-5:]]
        webhook = self.emulator.webhook
        if webhook.dropped:
            lines.append(f"webhook dropped {len(webhook.dropped)}: {webhook.dropped[-1][0]}")
        lines += [f"webhook POST #{d.seq}: {d.status or d.error}" for d in webhook.deliveries[-3:]]
        return "\n".join(lines)
