"""Printing from the command line: ``ocop-bot qr`` and ``ocop-bot poster`` write a QR label or
a producer's poster to a file (the bot sends the same from ``/qr`` and ``/poster``)."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import build_i18n
from catalog.links import Linker
from catalog.lookup import find_producer, find_product
from catalog.printing.labels import producer_label, producer_poster, product_label
from catalog.printing.qr import label_png, label_svg
from catalog.snapshot import CatalogSnapshot


def print_file(
    snapshot: CatalogSnapshot,
    key: str,
    file: Path,
    bot_username: str,
    language: str,
    linker: Linker | None = None,
) -> str:
    """Write a poster (``.pdf``: ``key`` is a producer code) or a QR label (``.png``,
    ``.svg``: a SKU or a producer code) to ``file``; says what was written. A label's link
    leads into the bot, or into another channel (``linker``: Messenger's m.me links).
    LookupError when nothing has that code."""
    if file.suffix.lower() == ".pdf":
        producer = find_producer(snapshot, key)
        if producer is None:
            raise LookupError(key)
        i18n = build_i18n()
        pdf, count = producer_poster(
            snapshot,
            producer,
            bot_username,
            language,
            lambda msgid: i18n.gettext(msgid, locale=language),
        )
        file.write_bytes(pdf)
        return f"poster of {producer.code} with {count} products"
    product = find_product(snapshot, key)
    producer = find_producer(snapshot, key) if product is None else None
    links = linker or Linker(bot_username)
    if product is not None:
        label = product_label(product, links, language)
    elif producer is not None:
        label = producer_label(producer, links, language)
    else:
        raise LookupError(key)
    svg = file.suffix.lower() == ".svg"
    file.write_bytes(label_svg(label).encode("utf-8") if svg else label_png(label))
    return f"QR code for {label.url}"
