"""A product's card: caption, quantity stepper, adding to the cart, passing it on."""

from __future__ import annotations

from datetime import date

from catalog import rules
from catalog.errors import CartFull, InvalidQuantity, OutOfStock, ProductUnavailable
from catalog.links import LinkSource, product_link
from catalog.services import cart as cart_service
from catalog.snapshot import CatalogSnapshot, ProductView
from locales.translation import gettext as _
from storefront.actions import Browse, CartAction, ChangeCart, OpenProduct, ProductAction, View
from storefront.format import esc, language, money, rating_lines, shorten
from storefront.screens import Choice, Picture, Screen
from storefront.visit import Visit

CAPTION_LIMIT = 1024


def not_allowed() -> str:
    return _("That is not allowed.")


def product_caption(snapshot: CatalogSnapshot, product: ProductView, today: date) -> str:
    lang = language()
    producer = snapshot.producers[product.producer_id]
    lines = [
        f"<b>{esc(product.name(lang))}</b>",
        f"💰 {money(product.price)} / {esc(product.unit(lang))}",
        *rating_lines(product.ocop_stars, product.ocop_granted, today),
        f"🏡 {esc(producer.name(lang))} — {esc(producer.place)}",
    ]
    if product.in_stock:
        stock = _("✅ In stock: {count}").format(count=product.stock)
    else:
        stock = _("⛔ Out of stock: none left for now. Check back later.")
    head = "\n".join(lines)
    # A photo caption holds 1,024 characters: the description gets what the rest leaves.
    room = CAPTION_LIMIT - len(head) - len(stock) - 4
    return "\n".join((head, "", esc(shorten(product.description(lang), max(room, 0))), "", stock))


def product_choices(product: ProductView, opened: OpenProduct) -> tuple[tuple[Choice, ...], ...]:
    def act(action: ProductAction, qty: int) -> OpenProduct:
        return opened.replace(action=action, qty=qty)

    rows: list[tuple[Choice, ...]] = []
    if product.in_stock:
        qty = min(max(opened.qty, 1), product.stock)
        rows.append(
            (
                Choice("➖", act(ProductAction.less, qty)),
                Choice(str(qty), act(ProductAction.quantity, qty)),
                Choice("➕", act(ProductAction.more, qty)),
            )
        )
        rows.append(
            (Choice(_("🛒 Add {count} to cart").format(count=qty), act(ProductAction.add, qty)),)
        )
    rows.append((Choice(_("📤 Share"), act(ProductAction.share, max(opened.qty, 1))),))
    rows.append(
        (
            Choice(
                _("⬅️ Back"),
                Browse(view=opened.back, id=opened.back_id, page=opened.back_page),
            ),
            Choice(_("🛒 Cart"), ChangeCart(action=CartAction.show)),
        )
    )
    return tuple(rows)


def card_screen(
    snapshot: CatalogSnapshot, product: ProductView, opened: OpenProduct, *, same_picture: bool
) -> Screen:
    caption = product_caption(snapshot, product, rules.shop_now().date())
    picture = Picture(path=product.photo) if product.photo else None
    return Screen(
        caption,
        product_choices(product, opened),
        picture=picture,
        same_picture=same_picture,
    )


def landing_card(snapshot: CatalogSnapshot, product: ProductView) -> Screen:
    """The card a link opens, as a new message; "Back" leads to its producer's shop."""
    opened = OpenProduct(
        action=ProductAction.show, id=product.id, back=View.producer, back_id=product.producer_id
    )
    return card_screen(snapshot, product, opened, same_picture=False)


async def on_product(visit: Visit, action: OpenProduct) -> None:
    snapshot = await visit.catalog.get()
    product = snapshot.products.get(action.id)
    if product is None or not product.active:
        await visit.out.answer(_("This product is no longer available."), alert=True)
        return
    if action.qty < 1:
        await visit.out.answer(not_allowed(), alert=True)
        return
    step = action.action
    qty = min(action.qty, max(product.stock, 1))
    if step == ProductAction.quantity:
        await visit.out.answer()
    elif step == ProductAction.share:
        await _share(visit, product)
    elif step == ProductAction.add:
        # The card stays as it is: the answer says what happened.
        await _add_to_cart(visit, product, qty)
    else:
        await _draw(visit, snapshot, product, action, qty)


def _stepped(product: ProductView, step: ProductAction, qty: int) -> int | str:
    """The quantity after a press of the stepper, or why it stays."""
    if step == ProductAction.more:
        if qty >= product.stock:
            return _("Only {count} in stock.").format(count=product.stock)
        return qty + 1
    if step == ProductAction.less:
        if qty <= 1:
            return _("At least one.")
        return qty - 1
    return qty


async def _draw(
    visit: Visit, snapshot: CatalogSnapshot, product: ProductView, action: OpenProduct, qty: int
) -> None:
    step = action.action
    stepped = _stepped(product, step, qty)
    if isinstance(stepped, str):
        await visit.out.answer(stepped)
        return
    qty = stepped
    await visit.out.answer()
    shown = action.replace(qty=qty, action=ProductAction.show)
    screen = card_screen(snapshot, product, shown, same_picture=step != ProductAction.show)
    await visit.out.show(screen)


def cart_full_text(err: CartFull) -> str:
    return _(
        "Your cart already holds {limit} different products, the most one order can take. "
        "Order these first, or take something out of the cart to make room."
    ).format(limit=err.limit)


async def _add_to_cart(visit: Visit, product: ProductView, qty: int) -> None:
    try:
        in_cart = await cart_service.add_to_cart(
            visit.uow, user_id=visit.user_id, product_id=product.id, quantity=qty
        )
    except ProductUnavailable:
        await visit.out.answer(_("This product is no longer available."), alert=True)
    except OutOfStock as err:
        if err.available == 0:
            text = _("Sorry, no more units are available — your cart has all that is left.")
        else:
            text = _("Only {count} more can be added.").format(count=err.available)
        await visit.out.answer(text, alert=True)
    except CartFull as err:
        await visit.out.answer(cart_full_text(err), alert=True)
    except InvalidQuantity:
        await visit.out.answer(not_allowed(), alert=True)
    else:
        await visit.out.answer(
            _("Added to cart. You have {count} of this product in your cart.").format(
                count=in_cart
            )
        )


async def _share(visit: Visit, product: ProductView) -> None:
    """The product's link to pass on, and (where the channel can) a button to send it."""
    await visit.out.answer()
    url = await visit.links.url(product_link(product.sku, LinkSource.share))
    lines = [f"🔗 <b>{esc(product.name(language()))}</b>"]
    if url:
        lines.append(url)
    if not visit.links.shares_into_chats:
        lines += ["", _("Send this link to a friend or post it anywhere: it opens this product.")]
        await visit.out.send(Screen("\n".join(lines)))
        return
    lines += [
        "",
        _(
            "Send this link to a friend or post it anywhere: it opens this product in "
            "the shop. Or send the product to a chat with the button below."
        ),
    ]
    share = Choice(_("📤 Send to a chat"), share=product.sku)
    await visit.out.send(Screen("\n".join(lines), ((share,),)))
