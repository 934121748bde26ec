"""``/qr`` and ``/poster``: printable codes for admins and producer managers, sent as files."""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from catalog import rules
from catalog.links import Linker
from catalog.lookup import find_producer, find_product
from catalog.paging import page_count
from catalog.printing.labels import producer_label, producer_poster, product_label
from catalog.printing.poster import PER_PAGE
from catalog.printing.qr import label_png, label_svg
from catalog.services.inventory import Actor
from catalog.snapshot import CatalogCache, CatalogSnapshot, ProducerView
from handlers.access import Acting, Who, refuse
from handlers.admin import producers_kb
from handlers.callbacks import PosterCb
from handlers.links import bot_username
from handlers.screens import OnChatMessage, show_text
from handlers.settings import Settings
from handlers.tools import usage
from storefront.format import esc, language

MESSENGER_WORDS = ("messenger", "m", "fb", "facebook")


async def cmd_qr(
    message: Message,
    command: CommandObject,
    actor: Actor,
    catalog_cache: CatalogCache,
    bot: Bot,
    settings: Settings,
) -> None:
    words = (command.args or "").split()
    key = words[0] if words else ""
    channel = words[1].lower() if len(words) == 2 else ""
    if not rules.is_sku(key) or len(words) > 2 or channel not in ("", *MESSENGER_WORDS):
        await message.answer(
            usage("/qr SKU | /qr PRODUCER_CODE [messenger]", "/qr BABE-SA-10 messenger")
        )
        return
    if channel and not settings.messenger_page:
        await message.answer(
            _(
                "Messenger links need the Facebook Page's username: set [messenger] "
                "page_username in the bot's configuration."
            )
        )
        return
    snapshot = await catalog_cache.get()
    lang = language()
    links = (
        Linker(settings.messenger_page, messenger=True)
        if channel
        else Linker(await bot_username(bot))
    )
    product = find_product(snapshot, key)
    producer = find_producer(snapshot, key) if product is None else None
    if product is not None:
        producer_id, name = product.producer_id, product.sku
        label = product_label(product, links, lang)
    elif producer is not None:
        producer_id, name = producer.id, producer.code
        label = producer_label(producer, links, lang)
    else:
        await message.answer(
            _("No product or producer has the code {code}.").format(code=esc(key))
        )
        return
    if not actor.may_manage(producer_id):
        await refuse(message)
        return
    png, svg = await asyncio.to_thread(lambda: (label_png(label), label_svg(label)))
    caption = _("QR code for {name}: {url}\nPNG to print as it is, SVG for any size.").format(
        name=esc(label.title), url=label.url
    )
    await message.answer_document(
        BufferedInputFile(png, filename=f"qr-{name}.png"), caption=caption
    )
    await message.answer_document(
        BufferedInputFile(svg.encode("utf-8"), filename=f"qr-{name}.svg")
    )


async def cmd_poster(
    message: Message, command: CommandObject, actor: Actor, catalog_cache: CatalogCache, bot: Bot
) -> None:
    code = (command.args or "").strip()
    snapshot = await catalog_cache.get()
    if not code and actor.is_admin:
        # Which producer's: one tap instead of a second message with its code.
        keyboard = await producers_kb(catalog_cache, 0, PosterCb)
        await message.answer(_("Whose poster do you want to print?"), reply_markup=keyboard)
        return
    if not code and actor.producer_id is not None:
        producer = snapshot.producers.get(actor.producer_id)
    elif rules.is_sku(code):
        producer = find_producer(snapshot, code)
        if producer is None:
            await message.answer(_("No producer has the code {code}.").format(code=esc(code)))
            return
    else:
        await message.answer(usage("/poster PRODUCER_CODE", "/poster BABE"))
        return
    if producer is None or not actor.may_manage(producer.id):
        await refuse(message)
        return
    await _send_poster(message, snapshot, producer, bot)


async def on_poster_producer(
    query: CallbackQuery,
    callback_data: PosterCb,
    message: Message,
    catalog_cache: CatalogCache,
    bot: Bot,
) -> None:
    """A producer chosen from the list (or another page of it); the list stays, for the
    next poster."""
    snapshot = await catalog_cache.get()
    if not callback_data.producer_id:
        await query.answer()
        keyboard = await producers_kb(catalog_cache, callback_data.page, PosterCb)
        await show_text(query, _("Whose poster do you want to print?"), keyboard)
        return
    producer = snapshot.producers.get(callback_data.producer_id)
    if producer is None:
        await query.answer(_("This is no longer available."), show_alert=True)
        return
    await query.answer()
    await _send_poster(message, snapshot, producer, bot)


async def _send_poster(
    message: Message, snapshot: CatalogSnapshot, producer: ProducerView, bot: Bot
) -> None:
    username = await bot_username(bot)
    lang = language()
    pdf, count = await asyncio.to_thread(producer_poster, snapshot, producer, username, lang, _)
    pages = page_count(count, PER_PAGE)
    caption = ngettext(
        "Poster of {name}: {count} product, {pages} × A4. Print it for a stall, a shop or "
        "a fair: each code opens its product in the shop.",
        "Poster of {name}: {count} products, {pages} × A4. Print it for a stall, a shop or "
        "a fair: each code opens its product in the shop.",
        count,
    ).format(name=esc(producer.name(lang)), count=count, pages=pages)
    await message.answer_document(
        BufferedInputFile(pdf, filename=f"poster-{producer.code}.pdf"), caption=caption
    )


def create_router() -> Router:
    router = Router(name=__name__)
    # Files for printing, not something to post in a producer's group.
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_qr, Command("qr"), Acting())
    router.message.register(cmd_poster, Command("poster"), Acting())
    router.message.register(refuse, Command("qr", "poster"))
    router.callback_query.register(
        on_poster_producer, PosterCb.filter(), Acting(Who.admins), OnChatMessage()
    )
    router.callback_query.register(refuse, PosterCb.filter())
    return router
