"""Deep links into the shop: what a QR code, a poster or a shared link carries.

A link opens a product (by SKU) or a producer's shop (by producer code) and says where it was
found, so that orders can be counted by source. Telegram carries it as the ``start``
parameter of ``https://t.me/<bot>?start=<payload>``: at most 64 characters of
``A-Z a-z 0-9 _ -``; Messenger as the ``ref`` of
``https://m.me/<page>?ref=<payload>``. The payload is two letters and a separator, then the key:

    <target><source><sep><key>     target: p product, s shop (producer)
                                   source: p product code, s shop code, o poster, f friend share
                                   sep: "_" the key as it is, "-" the key in base64url

SKUs may hold a "." that payloads may not: those keys travel in base64url.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from enum import StrEnum

from catalog import rules

PAYLOAD_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
USERNAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
MESSENGER_USERNAME_PATTERN = re.compile(r"[A-Za-z0-9.]{5,50}")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,61}")


def _is_key(text: str) -> bool:
    """What a link may open: a product's SKU or a producer's code."""
    return rules.is_sku(text) or rules.is_producer_code(text)


class LinkTarget(StrEnum):
    product = "product"
    producer = "producer"


class LinkSource(StrEnum):
    """Where a customer found the link; orders are counted by it."""

    product = "product"  # a product's own QR code: a label, a shelf tag, a price card
    producer = "producer"  # a producer's own QR code or link: a stall sign, a page
    poster = "poster"  # a code on a producer's printed poster
    share = "share"  # a customer passed it on: the card's "share" action, inline mode


_TARGET_LETTERS = {LinkTarget.product: "p", LinkTarget.producer: "s"}
_SOURCE_LETTERS = {
    LinkSource.product: "p",
    LinkSource.producer: "s",
    LinkSource.poster: "o",
    LinkSource.share: "f",
}
_TARGETS = {letter: target for target, letter in _TARGET_LETTERS.items()}
_SOURCES = {letter: source for source, letter in _SOURCE_LETTERS.items()}


@dataclass(frozen=True, slots=True)
class DeepLink:
    target: LinkTarget
    key: str  # a SKU or a producer code
    source: LinkSource

    def __post_init__(self) -> None:
        if not _is_key(self.key):
            raise ValueError(f"not a SKU or producer code: {self.key!r}")

    @property
    def payload(self) -> str:
        head = _TARGET_LETTERS[self.target] + _SOURCE_LETTERS[self.source]
        if _PLAIN_KEY.fullmatch(self.key):
            return f"{head}_{self.key}"
        encoded = base64.urlsafe_b64encode(self.key.encode("ascii")).rstrip(b"=")
        return f"{head}-{encoded.decode('ascii')}"

    def url(self, bot_username: str) -> str:
        return deep_link_url(bot_username, self.payload)


def product_link(sku: str, source: LinkSource) -> DeepLink:
    return DeepLink(LinkTarget.product, sku, source)


def producer_link(code: str, source: LinkSource) -> DeepLink:
    return DeepLink(LinkTarget.producer, code, source)


def deep_link_url(bot_username: str, payload: str) -> str:
    if not USERNAME_PATTERN.fullmatch(bot_username):
        raise ValueError(f"not a Telegram username: {bot_username!r}")
    if not PAYLOAD_PATTERN.fullmatch(payload):
        raise ValueError(f"not a valid start payload: {payload!r}")
    return f"https://t.me/{bot_username}?start={payload}"


def messenger_url(page_username: str, payload: str) -> str:
    """The Page's m.me link carrying ``payload`` as its ``ref``, which Messenger hands to the
    shop (letters, digits, "_", "-" and "=": every payload fits)."""
    if not MESSENGER_USERNAME_PATTERN.fullmatch(page_username):
        raise ValueError(f"not a Facebook Page username: {page_username!r}")
    if not PAYLOAD_PATTERN.fullmatch(payload):
        raise ValueError(f"not a valid link payload: {payload!r}")
    return f"https://m.me/{page_username}?ref={payload}"


@dataclass(frozen=True, slots=True)
class Linker:
    """Links on one channel: ``t.me/<name>?start=…`` (Telegram, ``name`` the bot's username)
    or ``m.me/<name>?ref=…`` (Messenger, ``name`` the Page's username)."""

    name: str
    messenger: bool = False

    @classmethod
    def of(cls, target: str | Linker) -> Linker:
        """A Telegram bot's username stands for its links."""
        return target if isinstance(target, Linker) else cls(target)

    def url(self, link: DeepLink) -> str:
        if self.messenger:
            return messenger_url(self.name, link.payload)
        return link.url(self.name)


def parse_payload(payload: str | None) -> DeepLink | None:
    """The link a ``/start`` payload stands for, or None for anything else."""
    if not payload or not PAYLOAD_PATTERN.fullmatch(payload) or len(payload) < 4:
        return None
    target = _TARGETS.get(payload[0])
    source = _SOURCES.get(payload[1])
    separator, body = payload[2], payload[3:]
    if target is None or source is None:
        return None
    if separator == "-":
        try:
            key = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("ascii")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
    elif separator == "_":
        key = body
    else:
        return None
    if not _is_key(key):
        return None
    return DeepLink(target, key, source)
