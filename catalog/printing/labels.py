"""QR labels of products and producers, and producers' posters, in a given language.

Shared by the bot (``/qr``, ``/poster``) and the command line (``ocop-bot qr``, ``ocop-bot
poster``); the texts are translated by the ``translate`` they are given.
"""

from __future__ import annotations

from collections.abc import Callable

from catalog.links import Linker, LinkSource, producer_link, product_link
from catalog.money import format_vnd
from catalog.printing.poster import Poster, PosterItem, render_poster
from catalog.printing.qr import Label
from catalog.snapshot import CatalogSnapshot, ProducerView, ProductView
from catalog.text import N_

Translate = Callable[[str], str]


def price_line(product: ProductView, language: str) -> str:
    return f"{format_vnd(product.price, language)} / {product.unit(language)}"


def rating_line(product: ProductView) -> str:
    return f"{'★' * product.ocop_stars} OCOP {product.ocop_year}"


def product_label(product: ProductView, bot_username: str | Linker, language: str) -> Label:
    """A product's code (for its label or shelf tag), its name and price under it: a link
    into the bot (``bot_username``) or into another channel (a ``Linker``)."""
    url = Linker.of(bot_username).url(product_link(product.sku, LinkSource.product))
    return Label(url, product.name(language), (price_line(product, language),))


def producer_label(producer: ProducerView, bot_username: str | Linker, language: str) -> Label:
    """A producer's code (for a stall or a page), its name and place under it."""
    url = Linker.of(bot_username).url(producer_link(producer.code, LinkSource.producer))
    return Label(url, producer.name(language), (producer.place,))


def producer_poster(
    snapshot: CatalogSnapshot,
    producer: ProducerView,
    bot_username: str,
    language: str,
    translate: Translate,
) -> tuple[bytes, int]:
    """The producer's A4 poster as PDF, and how many products it shows (those on sale)."""
    products = snapshot.products_of_producer(producer.id, language)
    items = tuple(
        PosterItem(
            name=product.name(language),
            price=price_line(product, language),
            stars=product.ocop_stars,
            rating=rating_line(product),
            url=product_link(product.sku, LinkSource.poster).url(bot_username),
        )
        for product in products
    )
    poster = Poster(
        title=producer.name(language),
        place=", ".join(part for part in (producer.street, producer.place) if part),
        url=producer_link(producer.code, LinkSource.poster).url(bot_username),
        scan_shop=translate(N_("Scan to open our shop in Telegram")),
        heading=translate(N_("Our OCOP products: scan a code to see it and order")),
        footer=translate(N_("Hanoi OCOP shop in Telegram: @{bot}")).format(bot=bot_username),
        language=language,
        items=items,
    )
    return render_poster(poster), len(items)
