"""Images the Page sends: fetched from their URL as Meta fetches them (an address that does not
answer 200, or answers something that is not an image, is refused with Graph's error), or
uploaded once with ``POST /{page-id}/message_attachments`` and sent again by
``attachment_id`` for 90 days."""

from __future__ import annotations

import contextlib
import io
import ipaddress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
from PIL import Image, UnidentifiedImageError

from emulators.messenger.errors import fetch_failed, invalid, upload_failed
from emulators.messenger.models import ATTACHMENT_LIFETIME, Page, StoredAttachment, new_numeric_id
from emulators.messenger.validate import check_keys, read_image

if TYPE_CHECKING:
    from emulators.messenger.state import MessengerState

MAX_FETCHED = 8 * 1024 * 1024  # images fetched by URL
MAX_UPLOADED = 25 * 1024 * 1024  # files uploaded with the request


def _is_private(host: str) -> bool:
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


def _check_image(data: bytes) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise upload_failed() from None


class Attachments:
    def __init__(self, state: MessengerState) -> None:
        self.state = state
        # Meta fetches from the public internet only; tests serve images on loopback.
        self.public_urls_only = False
        self.fetched: list[str] = []  # every URL fetched, in order
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(self, url: str) -> bytes:
        """The image at ``url``, as Meta's fetcher gets it."""
        if self.public_urls_only and _is_private(urlsplit(url).hostname or ""):
            raise fetch_failed()
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20))
        self.fetched.append(url)
        data = b""
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with self._session.get(url) as response:
                if response.status != 200:
                    raise fetch_failed()
                data = await response.content.read(MAX_FETCHED + 1)
        if not data:
            raise fetch_failed()
        if len(data) > MAX_FETCHED:
            raise invalid("Attachment size exceeds allowable limit", 2018294)
        _check_image(data)
        return data

    def store(
        self, page: Page, data: bytes, url: str | None, *, reusable: bool
    ) -> StoredAttachment:
        attachment = StoredAttachment(
            new_numeric_id(16), "image", url, data, self.state.clock.now(), reusable
        )
        page.attachments[attachment.id] = attachment
        return attachment

    def lookup(self, page: Page, attachment_id: str) -> StoredAttachment:
        """A reusable attachment of this Page, no older than 90 days."""
        attachment = page.attachments.get(attachment_id)
        if attachment is None or not attachment.reusable:
            raise invalid(
                f"Invalid attachment_id {attachment_id}: it does not exist for this Page"
            )
        if self.state.clock.now() - attachment.created > ATTACHMENT_LIFETIME:
            raise invalid(f"The attachment_id {attachment_id} has expired")
        return attachment

    async def upload(self, page: Page, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        """``POST /{page-id}/message_attachments``: an image by URL, or uploaded as
        ``filedata``, kept for reuse."""
        message = check_keys(params.get("message"), "message", ("attachment",))
        attachment = check_keys(message.get("attachment"), "message[attachment]",
                                ("type", "payload"))  # fmt: skip
        if attachment.get("type") != "image":
            raise invalid("param message[attachment][type] must be image in this emulator")
        payload = attachment.get("payload")
        where = "message[attachment][payload]"
        if isinstance(payload, dict) and payload.get("is_reusable") is not True:
            raise invalid(f"param {where}[is_reusable] must be true")
        if "filedata" in files:
            if isinstance(payload, dict) and "url" in payload:
                raise invalid("Send either a url or filedata, not both")
            data = files["filedata"]
            if len(data) > MAX_UPLOADED:
                raise invalid("Attachment size exceeds allowable limit", 2018294)
            _check_image(data)
            url = None
        else:
            content = read_image(payload, where)
            if content.image_url is None:
                raise invalid(f"param {where}[url] is required")
            url = content.image_url
            data = await self.fetch(url)
        return {"attachment_id": self.store(page, data, url, reusable=True).id}
