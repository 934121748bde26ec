"""Inline mode: ``@bot gốm`` in any chat lists matching products, each with a button that
opens its card in the bot, so customers pass products on in their own chats."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultCachedPhoto,
    InlineQueryResultUnion,
    InputTextMessageContent,
    Message,
)
from aiogram.utils.i18n import gettext as _

from catalog import rules
from catalog.links import LinkSource, product_link
from catalog.lookup import find_product
from catalog.snapshot import CatalogCache, CatalogSnapshot, ProductView
from handlers.links import bot_username
from handlers.screens import PhotoCache
from handlers.settings import Settings
from storefront.format import esc, language, money, shorten, stars
from storefront.search import MAX_QUERY_LENGTH

# Telegram takes at most 50 results per answer; fewer make the first screen come sooner.
PAGE_SIZE = 20
# Results depend on stock and the asker's language: cache them briefly, per person.
CACHE_SECONDS = 30


def matching(snapshot: CatalogSnapshot, text: str, lang: str) -> list[ProductView]:
    """What a query lists: the product whose SKU it is (the share button sends one), else
    a search, else (nothing typed) every product, the highest rated first."""
    text = text.strip()[:MAX_QUERY_LENGTH]
    if not text:
        active = [p for p in snapshot.products.values() if p.active]
        return sorted(active, key=lambda p: (-p.ocop_stars, snapshot.sort_key(p, lang)))
    product = find_product(snapshot, text) if " " not in text else None
    if product is not None and product.active:
        return [product]
    return snapshot.search(text, lang)


def _offset(raw: str) -> int:
    offset = rules.parse_whole(raw, grouped=False) if len(raw) <= 6 else None
    return offset or 0


def _text(snapshot: CatalogSnapshot, product: ProductView, lang: str) -> str:
    producer = snapshot.producers[product.producer_id]
    return "\n".join(
        (
            f"<b>{esc(product.name(lang))}</b>",
            f"💰 {money(product.price)} / {esc(product.unit(lang))}",
            f"{stars(product.ocop_stars)} OCOP {product.ocop_year}",
            f"🏡 {esc(producer.name(lang))} — {esc(producer.place)}",
        )
    )


def _result(
    snapshot: CatalogSnapshot,
    product: ProductView,
    username: str,
    photos: PhotoCache,
    settings: Settings,
) -> InlineQueryResultUnion:
    lang = language()
    url = product_link(product.sku, LinkSource.share).url(username)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=_("🛍 Open in the shop"), url=url)]]
    )
    title = shorten(product.name(lang), 100)
    description = f"{money(product.price)} · {stars(product.ocop_stars)}"
    text = _text(snapshot, product, lang)
    # A photo Telegram already has (the card was shown since the bot started) goes as a
    # photo; the others as text, as there is no public address for Telegram to fetch from.
    photo = photos.input_for(str(settings.media_dir / product.photo)) if product.photo else None
    if isinstance(photo, str):
        return InlineQueryResultCachedPhoto(
            id=str(product.id),
            photo_file_id=photo,
            title=title,
            description=description,
            caption=text,
            reply_markup=keyboard,
        )
    return InlineQueryResultArticle(
        id=str(product.id),
        title=title,
        description=description,
        input_message_content=InputTextMessageContent(message_text=text),
        reply_markup=keyboard,
    )


async def on_inline_query(
    query: InlineQuery,
    catalog_cache: CatalogCache,
    photos: PhotoCache,
    settings: Settings,
    bot: Bot,
) -> None:
    snapshot = await catalog_cache.get()
    products = matching(snapshot, query.query, language())
    start = _offset(query.offset)
    page = products[start : start + PAGE_SIZE]
    username = await bot_username(bot)
    await query.answer(
        [_result(snapshot, product, username, photos, settings) for product in page],
        cache_time=CACHE_SECONDS,
        is_personal=True,
        next_offset=str(start + PAGE_SIZE) if start + PAGE_SIZE < len(products) else "",
    )


async def on_sent_via_bot(message: Message) -> None:
    """A product the person sent through inline mode into their chat with the bot: it is
    their message to themselves, not a request, so it gets no answer."""


def create_router() -> Router:
    """Before the routers that take free text (a message sent via the bot is not a search)."""
    router = Router(name=__name__)
    router.inline_query.register(on_inline_query)
    router.message.register(on_sent_via_bot, F.via_bot)
    return router
