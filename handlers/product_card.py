"""A product's card: caption, quantity stepper, adding to the cart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog import rules
from catalog.errors import CartFull, InvalidQuantity, OutOfStock, ProductUnavailable
from catalog.services import cart as cart_service
from catalog.snapshot import CatalogCache, CatalogSnapshot, ProductView
from catalog.uow import UnitOfWork
from handlers.access import refuse
from handlers.callbacks import CartAction, CartCb, NavCb, ProductAction, ProductCb
from handlers.format import esc, language, money, shorten, stars
from handlers.screens import PhotoCache, show_photo, show_text
from handlers.settings import Settings

CAPTION_LIMIT = 1024


def product_caption(snapshot: CatalogSnapshot, product: ProductView, today: date) -> str:
    lang = language()
    producer = snapshot.producers[product.producer_id]
    lines = [
        f"<b>{esc(product.name(lang))}</b>",
        f"💰 {money(product.price)} / {esc(product.unit(lang))}",
        _("{stars} OCOP {count} stars, {year}").format(
            stars=stars(product.ocop_stars), count=product.ocop_stars, year=product.ocop_year
        ),
    ]
    if product.certificate_lapsed(today):
        lines.append(_("⚠️ Certificate lapsed: OCOP ratings are valid for 36 months"))
    lines.append(f"🏡 {esc(producer.name(lang))} — {esc(producer.place)}")
    if product.in_stock:
        stock = _("✅ In stock: {count}").format(count=product.stock)
    else:
        stock = _("⛔ Out of stock: none left for now. Check back later.")
    head = "\n".join(lines)
    # A photo caption holds 1,024 characters: the description gets what the rest leaves.
    room = CAPTION_LIMIT - len(head) - len(stock) - 4
    return "\n".join((head, "", esc(shorten(product.description(lang), max(room, 0))), "", stock))


def product_kb(product: ProductView, callback: ProductCb) -> InlineKeyboardMarkup:
    def cb(action: ProductAction, qty: int) -> str:
        return callback.model_copy(update={"action": action, "qty": qty}).pack()

    builder = InlineKeyboardBuilder()
    if product.in_stock:
        qty = min(max(callback.qty, 1), product.stock)
        builder.row(
            InlineKeyboardButton(text="➖", callback_data=cb(ProductAction.less, qty)),
            InlineKeyboardButton(text=str(qty), callback_data=cb(ProductAction.quantity, qty)),
            InlineKeyboardButton(text="➕", callback_data=cb(ProductAction.more, qty)),
        )
        builder.row(
            InlineKeyboardButton(
                text=_("🛒 Add {count} to cart").format(count=qty),
                callback_data=cb(ProductAction.add, qty),
            )
        )
    builder.row(
        InlineKeyboardButton(
            text=_("📤 Share"), callback_data=cb(ProductAction.share, max(callback.qty, 1))
        )
    )
    builder.row(
        InlineKeyboardButton(
            text=_("⬅️ Back"),
            callback_data=NavCb(
                view=callback.back, id=callback.back_id, page=callback.back_page
            ).pack(),
        ),
        InlineKeyboardButton(
            text=_("🛒 Cart"), callback_data=CartCb(action=CartAction.show).pack()
        ),
    )
    return builder.as_markup()


async def _show_product(
    query: CallbackQuery,
    snapshot: CatalogSnapshot,
    product: ProductView,
    callback: ProductCb,
    photos: PhotoCache,
    media_dir: Path,
    *,
    same_photo: bool,
) -> None:
    caption = product_caption(snapshot, product, rules.shop_now().date())
    keyboard = product_kb(product, callback)
    path = media_dir / product.photo if product.photo else None
    if path is not None and photos.exists(str(path)):
        await show_photo(query, photos, str(path), caption, keyboard, same_photo=same_photo)
    else:
        await show_text(query, caption, keyboard)


async def on_product(
    query: CallbackQuery,
    callback_data: ProductCb,
    catalog_cache: CatalogCache,
    photos: PhotoCache,
    settings: Settings,
    uow: UnitOfWork,
) -> None:
    snapshot = await catalog_cache.get()
    product = snapshot.products.get(callback_data.id)
    if product is None or not product.active:
        await query.answer(_("This product is no longer available."), show_alert=True)
        return
    if callback_data.qty < 1:
        await refuse(query)
        return
    action = callback_data.action
    qty = min(callback_data.qty, max(product.stock, 1))
    if action == ProductAction.quantity:
        await query.answer()
        return
    if action == ProductAction.add:
        # The card stays as it is: the answer says what happened.
        await _add_to_cart(query, uow, product, qty)
        return
    if action == ProductAction.more:
        if qty >= product.stock:
            await query.answer(_("Only {count} in stock.").format(count=product.stock))
            return
        qty += 1
    elif action == ProductAction.less:
        if qty <= 1:
            await query.answer(_("At least one."))
            return
        qty -= 1
    await query.answer()
    callback = callback_data.model_copy(update={"qty": qty, "action": ProductAction.show})
    await _show_product(
        query,
        snapshot,
        product,
        callback,
        photos,
        settings.media_dir,
        same_photo=action != ProductAction.show,
    )


def cart_full_text(err: CartFull) -> str:
    return _(
        "Your cart already holds {limit} different products, the most one order can take. "
        "Order these first, or take something out of the cart to make room."
    ).format(limit=err.limit)


async def _add_to_cart(
    query: CallbackQuery, uow: UnitOfWork, product: ProductView, qty: int
) -> None:
    try:
        in_cart = await cart_service.add_to_cart(
            uow, user_id=query.from_user.id, product_id=product.id, quantity=qty
        )
    except ProductUnavailable:
        await query.answer(_("This product is no longer available."), show_alert=True)
    except OutOfStock as err:
        if err.available == 0:
            text = _("Sorry, no more units are available — your cart has all that is left.")
        else:
            text = _("Only {count} more can be added.").format(count=err.available)
        await query.answer(text, show_alert=True)
    except CartFull as err:
        await query.answer(cart_full_text(err), show_alert=True)
    except InvalidQuantity:
        await refuse(query)
    else:
        await query.answer(
            _("Added to cart. You have {count} of this product in your cart.").format(
                count=in_cart
            )
        )
