"""The storefront's answers on Messenger: each screen a new message (Messenger cannot edit one),
drawn by drawing.py; pictures by public URL or uploaded once; a press's note as a message.

- ``show`` sends anew: a postback from an old message works on, its screen arriving below —
  unless it is the very screen this person was just shown by the same kind of press.
- ``answer`` (Telegram's passing note on a press) must still reach the person, and Messenger
  has none: it is a message of its own, unless the screen that follows says it already, or it
  would repeat the note this person was just sent (a flood of taps on "➕" at the stock's
  limit says it once).
- ``close`` does nothing: a sent message stays as it is.
- The latest message is held back until the next one (or the end of what the person did), so
  that the ready answers offered last — the checkout's "Cancel", the main menu — ride on it
  as quick replies: Messenger shows them under the latest message only.
- "typing…" shows while the shop works, when the first answer takes longer than a moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

from bot.messenger.drawing import (
    MAX_TEXT,
    Message,
    draw,
    keyboard_replies,
    plain,
    split_text,
    with_replies,
)
from bot.messenger.graph import GraphClient, GraphError, GraphNetworkError
from locales.translation import gettext as _
from storefront.screens import Picture, Screen

log = logging.getLogger(__name__)

TYPING_AFTER = 0.3  # seconds of work before "typing…" is shown
ATTACHMENT_DAYS = 80  # Meta keeps a reusable attachment 90 days


class Undeliverable(Exception):
    """Messenger refused a message to this person: the rest of the answer is not sent."""

    def __init__(self, error: GraphError | GraphNetworkError) -> None:
        super().__init__(str(error))
        self.error = error


class Pictures:
    """Where Messenger gets a picture: ``public_url`` + its path under the media folder, when
    the folder is served publicly; otherwise uploaded once as a reusable attachment (its id
    kept by path and modification time) — carousels then show no pictures, as a card's
    picture must be a URL."""

    def __init__(self, client: GraphClient, media_dir: Path, public_url: str = "") -> None:
        self.client = client
        self.media_dir = media_dir
        self.public_url = public_url.rstrip("/")
        self._ids: OrderedDict[tuple[str, float], tuple[str, float]] = OrderedDict()

    def url(self, path: str) -> str | None:
        if not self.public_url or not (self.media_dir / path).is_file():
            return None
        return f"{self.public_url}/{quote(path)}"

    async def message(self, picture: Picture) -> Message | None:
        """The image message for ``picture`` (None when its file is gone)."""
        if picture.data is not None:
            attachment = await self.client.upload_image(picture.data, picture.name)
            return _image({"attachment_id": attachment})
        if picture.path is None:
            return None
        url = self.url(picture.path)
        if url is not None:
            return _image({"url": url, "is_reusable": True})
        file = self.media_dir / picture.path
        try:
            key = (str(file), os.stat(file).st_mtime)
        except OSError:
            return None
        known = self._ids.get(key)
        if known is None or time.time() - known[1] > ATTACHMENT_DAYS * 86400:
            attachment = await self.client.upload_image(file.read_bytes(), file.name)
            known = self._ids[key] = (attachment, time.time())
            while len(self._ids) > 10_000:
                self._ids.popitem(last=False)
        return _image({"attachment_id": known[0]})


def _image(payload: dict[str, Any]) -> Message:
    return {"attachment": {"type": "image", "payload": payload}}


@dataclass
class _Said:
    screen: str | None = None  # the screen a press drew last
    note: str | None = None  # the note said with it
    at: float = 0.0


class RecentNotes:
    """What each person was last shown by a press, and the note said with it: the same press
    again, with nothing else between (an old "➕" tapped at the stock's limit, again and
    again), repeats neither."""

    def __init__(self, seconds: float = 30.0, size: int = 10_000) -> None:
        self.seconds = seconds
        self.size = size
        self._said: OrderedDict[str, _Said] = OrderedDict()

    def _of(self, psid: str) -> _Said:
        said = self._said.get(psid)
        if said is None or time.monotonic() - said.at > self.seconds:
            said = self._said[psid] = _Said()
        self._said.move_to_end(psid)
        while len(self._said) > self.size:
            self._said.popitem(last=False)
        return said

    def note_repeated(self, psid: str, text: str) -> bool:
        return self._of(psid).note == text

    def noted(self, psid: str, text: str) -> None:
        said = self._of(psid)
        said.note, said.at = text, time.monotonic()

    def screen_repeated(self, psid: str, drawn: str) -> bool:
        """True for the screen drawn last; otherwise it is now the last (and its note is
        news again)."""
        said = self._of(psid)
        if said.screen == drawn:
            return True
        said.screen, said.note, said.at = drawn, None, time.monotonic()
        return False

    def something_else(self, psid: str) -> None:
        self._said.pop(psid, None)


class MessengerOutput:
    # Long lists (cart, review, an order) are fitted to one Messenger message.
    text_limit = MAX_TEXT

    def __init__(
        self,
        client: GraphClient,
        psid: str,
        pictures: Pictures,
        notes: RecentNotes,
        on_trouble: Callable[[GraphError | GraphNetworkError], None],
        on_through: Callable[[], None] = lambda: None,
    ) -> None:
        self.client = client
        self.psid = psid
        self.pictures = pictures
        self.notes = notes
        self.on_trouble = on_trouble  # Messenger refused a message
        self.on_through = on_through  # a message got through
        self._held: Message | None = None
        self._keyboard: list[dict[str, Any]] | None = None
        self._typing: asyncio.Task[None] | None = None
        self._typing_sent = False
        self._pending_notes: list[str] = []

    # -- the storefront's Output --------------------------------------------------------------

    async def send(self, screen: Screen) -> None:
        self.notes.something_else(self.psid)
        await self._draw(screen)

    async def show(self, screen: Screen) -> None:
        drawn = json.dumps(self._messages(screen), sort_keys=True)
        if self.notes.screen_repeated(self.psid, drawn):
            await self._notes_before(None)
            return
        await self._draw(screen)

    def _messages(self, screen: Screen) -> list[Message]:
        return draw(screen, view_label=_("🔍 View"), picture_url=self.pictures.url)

    async def _draw(self, screen: Screen) -> None:
        await self._notes_before(plain(screen.text))
        # The card's stepper redraws its text and buttons; the picture above them stands.
        if screen.picture is not None and not screen.same_picture:
            try:
                image = await self.pictures.message(screen.picture)
            except (GraphError, GraphNetworkError) as err:
                self._refused(err)
            if image is not None:
                await self._put(image)
        messages = self._messages(screen)
        if screen.keyboard is not None and not (screen.items or screen.choices):
            self._keyboard = keyboard_replies(screen.keyboard)
        for message in messages:
            await self._put(message)

    async def answer(self, text: str = "", *, alert: bool = False) -> None:
        if text and not self.notes.note_repeated(self.psid, text):
            self._pending_notes.append(text)

    async def _notes_before(self, text: str | None) -> None:
        """The notes answered so far, before what comes next — unless it says them itself."""
        notes, self._pending_notes = self._pending_notes, []
        for note in notes:
            self.notes.noted(self.psid, note)
            if text is None or plain(note) not in text:
                for part in split_text(plain(note)):
                    await self._put({"text": part})

    async def close(self, text: str | None = None) -> None:
        """Nothing to do: Messenger cannot change a message once sent."""

    # -- sending -------------------------------------------------------------------------------

    def start_typing(self) -> None:
        """Show "typing…" if nothing is sent within ``TYPING_AFTER`` seconds."""
        self._typing = asyncio.create_task(self._type_later())

    async def _type_later(self) -> None:
        await asyncio.sleep(TYPING_AFTER)
        self._typing_sent = True
        with contextlib.suppress(GraphError, GraphNetworkError):
            await self.client.sender_action(self.psid, "typing_on")

    async def _stop_typing(self) -> None:
        task, self._typing = self._typing, None
        if task is None:
            return
        if not self._typing_sent:
            task.cancel()
        # Sent, or being sent: it must reach Messenger before the answer does.
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _put(self, message: Message) -> None:
        held, self._held = self._held, message
        if held is not None:
            await self._post(held)

    async def finish(self) -> None:
        """Send the message held back, with the ready answers last offered."""
        await self._notes_before(None)
        await self._stop_typing()
        held, self._held = self._held, None
        if held is None:
            return
        if self._keyboard and "quick_replies" not in held:
            held = with_replies(held, self._keyboard)
        await self._post(held)

    async def _post(self, message: Message) -> None:
        await self._stop_typing()
        try:
            await self.client.send(self.psid, message)
        except (GraphError, GraphNetworkError) as err:
            self._refused(err)
        self.on_through()

    def _refused(self, err: GraphError | GraphNetworkError) -> NoReturn:
        self._held = None
        self.on_trouble(err)
        raise Undeliverable(err)
