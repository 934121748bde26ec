"""A comment on the shop's Page, answered in private: what the answer offers.

- A comment that names products by their code ("chốt BABE-SA-10") is answered with those
  products, under any post.
- A buying word ("chốt", "mua") under a post an admin tied to products is answered with the
  post's products.
- Anything else gets the shop's welcome and its menu.

Products are offered as cards with "Add to cart" and "View"; one not on sale any more is left
out, one sold out is offered without "Add to cart". A channel that may answer a comment with
one message only (Messenger's private reply) draws the cards alone: its platform shows the
comment above the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from catalog import rules
from catalog.snapshot import CatalogSnapshot, ProductView
from locales.translation import gettext as _
from storefront.actions import OpenProduct, ProductAction, View
from storefront.format import language, money, stars
from storefront.menu import MAIN_MENU
from storefront.screens import Choice, Item, Screen

# What may be a product's code in a comment (a SKU's characters), and what ends a sentence.
_CODE = re.compile(r"[A-Za-z0-9._-]+")
# Longer comments are read this far for codes.
_READ = 2000


def named_products(snapshot: CatalogSnapshot, text: str) -> list[ProductView]:
    """The products on sale whose codes a comment names (letter case ignored), in the order
    named, each once, at most a carousel's worth."""
    codes = [word.strip("._-") for word in _CODE.findall(text[:_READ])]
    wanted = {code.casefold() for code in codes if code and rules.is_sku(code)}
    if not wanted:
        return []
    by_code = {
        product.sku.casefold(): product
        for product in snapshot.products.values()
        if product.active and product.sku.casefold() in wanted
    }
    found = dict.fromkeys(by_code[code.casefold()] for code in codes if code.casefold() in by_code)
    return list(found)[: rules.MAX_POST_PRODUCTS]


def offered_products(
    snapshot: CatalogSnapshot, text: str, tied: Sequence[int]
) -> list[ProductView]:
    """What a comment is answered with: the products it names; the post's products when it
    says a buying word under a tied post; nothing (the welcome) otherwise."""
    named = named_products(snapshot, text)
    if named or not tied or not rules.says_buy(text):
        return named
    products = (snapshot.products.get(product_id) for product_id in tied)
    return [p for p in products if p is not None and p.active][: rules.MAX_POST_PRODUCTS]


def _item(snapshot: CatalogSnapshot, product: ProductView) -> Item:
    lang = language()
    opened = OpenProduct(
        action=ProductAction.show, id=product.id, back=View.producer, back_id=product.producer_id
    )
    view = Choice(_("🔍 View"), opened)
    if product.in_stock:
        add = Choice(_("🛒 Add to cart"), opened.replace(action=ProductAction.add))
        choices: tuple[Choice, ...] = (add, view)
        mark = ""
    else:
        choices = (view,)
        mark = "⛔ "
    producer = snapshot.producers.get(product.producer_id)
    subtitle = f"{money(product.price)} / {product.unit(lang)} · {stars(product.ocop_stars)}"
    return Item(
        label=product.name(lang),
        action=opened,
        title=f"{mark}{product.name(lang)}",
        subtitle=subtitle + (f" · {producer.name(lang)}" if producer else ""),
        picture=product.photo,
        choices=choices,
    )


def comment_answer(snapshot: CatalogSnapshot, products: Sequence[ProductView]) -> Screen:
    """The private answer to a comment: the products offered as cards, or the welcome."""
    if not products:
        return Screen(
            _(
                "Hello! 👋 Thank you for your comment.\n"
                "This is the OCOP shop: products of Hanoi's craft villages and cooperatives, "
                "certified under the One Commune, One Product programme. Choose from the menu "
                "below, or write a product's name."
            ),
            keyboard=MAIN_MENU,
        )
    return Screen(
        _("Thank you for your comment! 👋 Here is what you asked about:"),
        items=tuple(_item(snapshot, product) for product in products),
        keyboard=MAIN_MENU,
    )
