"""Deep links: ``/start <payload>`` from a QR code, a poster or a shared link opens a product
card or a producer's shop; the card's "share" button gives the product's link."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.markdown import html_decoration as hd

from catalog import rules
from catalog.language_cache import LanguageCache
from catalog.links import DeepLink, LinkSource, LinkTarget, parse_payload, product_link
from catalog.lookup import find_producer, find_product
from catalog.services import links as link_service
from catalog.services.inventory import Actor
from catalog.services.links import Visitor
from catalog.snapshot import CatalogCache, CatalogSnapshot, ProducerView, ProductView
from catalog.text import N_
from catalog.uow import UnitOfWork
from handlers import start
from handlers.callbacks import ProductAction, ProductCb, View
from handlers.catalog import home_kb, home_text, list_screen
from handlers.format import esc, language, money
from handlers.menu import main_menu_kb, private_router
from handlers.product_card import product_caption, product_kb
from handlers.screens import PhotoCache, send_card
from handlers.settings import Settings

# What a link's visitor is recorded with, besides their id: as Telegram names them.
_VISITOR_FIELDS = {"first_name", "last_name", "username", "language_code"}


async def bot_username(bot: Bot) -> str:
    """The bot's @username, from getMe (asked once per process)."""
    me = await bot.me()
    if not me.username:
        raise RuntimeError("the bot has no username")
    return me.username


def _resolve(
    snapshot: CatalogSnapshot, link: DeepLink | None
) -> ProductView | ProducerView | None:
    if link is None:
        return None
    if link.target == LinkTarget.product:
        return find_product(snapshot, link.key)
    return find_producer(snapshot, link.key)


async def send_product_card(
    message: Message,
    snapshot: CatalogSnapshot,
    product: ProductView,
    photos: PhotoCache,
    settings: Settings,
) -> None:
    """The product's card as a new message; "Back" leads to its producer's shop."""
    caption = product_caption(snapshot, product, rules.shop_now().date())
    keyboard = product_kb(
        product,
        ProductCb(
            action=ProductAction.show,
            id=product.id,
            back=View.producer,
            back_id=product.producer_id,
        ),
    )
    path = str(settings.media_dir / product.photo) if product.photo else None
    assert message.bot is not None
    await send_card(message.bot, message.chat.id, photos, path, caption, keyboard)


async def cmd_start_link(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    state: FSMContext,
    catalog_cache: CatalogCache,
    photos: PhotoCache,
    settings: Settings,
    bot: Bot,
    i18n: I18n,
    language_cache: LanguageCache,
) -> None:
    sender = message.from_user
    if sender is None:
        return
    link = parse_payload(command.args)
    snapshot = await catalog_cache.get()
    target = _resolve(snapshot, link)
    if link is None or target is None:
        # Mistyped, cut short or about something gone: the usual welcome, then the catalog.
        await start.cmd_start(
            message, uow, state, settings, catalog_cache, bot, i18n, language_cache
        )
        await message.answer(
            _("This link does not lead to anything in the shop. Have a look at the catalog:")
        )
        await message.answer(home_text(), reply_markup=home_kb())
        return
    await state.clear()
    product = target if isinstance(target, ProductView) else None
    producer_id = target.producer_id if isinstance(target, ProductView) else target.id
    first_contact = await link_service.record_visit(
        uow,
        visitor=Visitor(user_id=sender.id, **sender.model_dump(include=_VISITOR_FIELDS)),
        source=link.source,
        producer_id=producer_id,
        product_id=product.id if product else None,
    )
    if first_contact:
        await message.answer(
            _(
                "Hello, {name}! 👋 Welcome to the OCOP shop: products of Hanoi's craft "
                "villages and cooperatives. Here is what your link shows; the menu below "
                "has the rest."
            ).format(name=hd.quote(sender.first_name)),
            reply_markup=main_menu_kb(),
        )
    if product is not None and not product.active:
        await message.answer(
            _("{name} is not on sale at the moment. Have a look at the catalog:").format(
                name=esc(product.name(language()))
            )
        )
        await message.answer(home_text(), reply_markup=home_kb())
    elif product is not None:
        await send_product_card(message, snapshot, product, photos, settings)
    else:
        screen = list_screen(snapshot, View.producer, producer_id, 0)
        assert screen is not None
        await message.answer(screen[0], reply_markup=screen[1])


async def on_product_share(
    query: CallbackQuery, callback_data: ProductCb, catalog_cache: CatalogCache, bot: Bot
) -> None:
    product = (await catalog_cache.get()).products.get(callback_data.id)
    if product is None or not product.active:
        await query.answer(_("This product is no longer available."), show_alert=True)
        return
    await query.answer()
    url = product_link(product.sku, LinkSource.share).url(await bot_username(bot))
    text = "\n".join(
        (
            f"🔗 <b>{esc(product.name(language()))}</b>",
            url,
            "",
            _(
                "Send this link to a friend or post it anywhere: it opens this product in "
                "the shop. Or send the product to a chat with the button below."
            ),
        )
    )
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=_("📤 Send to a chat"), switch_inline_query=product.sku)]
        ]
    )
    await bot.send_message(query.from_user.id, text, reply_markup=keyboard)


_SOURCE_LABELS = {
    LinkSource.product: N_("Product codes"),
    LinkSource.producer: N_("Producer codes and links"),
    LinkSource.poster: N_("Posters"),
    LinkSource.share: N_("Shared by customers"),
}


async def source_lines(uow: UnitOfWork, actor: Actor, since: datetime) -> list[str]:
    """``/stats``: orders, revenue and links opened per source (nothing when all are zero)."""
    figures = await link_service.stats_by_source(uow, actor=actor, since=since)
    if not any(row.source is not None for row in figures):
        return []
    lines = ["", _("🔗 <b>Orders by source</b>")]
    for row in figures:
        label = _(_SOURCE_LABELS[row.source]) if row.source else _("No link")
        orders = ngettext("{count} order", "{count} orders", row.orders).format(count=row.orders)
        line = f"• {label}: {orders}, {money(row.revenue)}"
        if row.source is not None:
            line += " · " + ngettext(
                "opened {count} time", "opened {count} times", row.visits
            ).format(count=row.visits)
        lines.append(line)
    return lines


def create_router() -> Router:
    """Before ``start`` (a /start with a payload is ours) and ``catalog`` (the share button)."""
    router = private_router(__name__)
    router.message.register(cmd_start_link, CommandStart(deep_link=True))
    router.callback_query.register(
        on_product_share, ProductCb.filter(F.action == ProductAction.share)
    )
    return router
