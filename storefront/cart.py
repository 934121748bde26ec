"""The cart: lines grouped by producer, steppers, clear, and the way to checkout."""

from __future__ import annotations

from catalog.errors import OutOfStock, ProductUnavailable
from catalog.services import cart as cart_service
from catalog.services.cart import CartView
from catalog.snapshot import CatalogSnapshot
from locales.translation import gettext as _
from storefront.actions import Browse, CartAction, ChangeCart, View
from storefront.checkout import start_checkout
from storefront.format import esc, language, money, shorten
from storefront.screens import Choice, Item, Row, Screen
from storefront.visit import Visit


def cart_text(cart: CartView, snapshot: CatalogSnapshot) -> str:
    lang = language()
    if cart.is_empty:
        return _("🛒 Your cart is empty. Open the catalog to find something you like.")
    lines = [_("🛒 <b>Your cart</b>")]
    for group in cart.groups:
        producer = snapshot.producers.get(group.producer_id)
        lines.append("")
        if producer is not None:
            lines.append(f"🏡 <b>{esc(producer.name(lang))}</b>")
        for line in group.lines:
            lines.append(f"• {esc(line.name(lang))} × {line.quantity} — {money(line.line_total)}")
            if not line.active:
                lines.append(_("  ⛔ no longer sold"))
            elif line.quantity > line.stock:
                lines.append(_("  ⚠️ only {count} left").format(count=line.stock))
        lines.append(_("Subtotal: {amount}").format(amount=money(group.subtotal)))
    lines.append("")
    lines.append(_("<b>Total: {amount}</b>").format(amount=money(cart.total)))
    if len(cart.groups) > 1:
        lines.append(
            _("Each producer ships their part separately: you will get one order per producer.")
        )
    return "\n".join(lines)


def cart_screen(cart: CartView, snapshot: CatalogSnapshot) -> Screen:
    lang = language()
    items = tuple(
        Item(
            # The name on a row of its own: beside three buttons it is squeezed onto three
            # lines on a phone.
            label=f"{shorten(line.name(lang), 40)} × {line.quantity}",
            action=ChangeCart(action=CartAction.show),
            title=f"{line.name(lang)} × {line.quantity}",
            subtitle=money(line.line_total),
            choices=(
                Choice("➖", ChangeCart(action=CartAction.less, id=line.product_id)),
                Choice("➕", ChangeCart(action=CartAction.more, id=line.product_id)),
                Choice("🗑", ChangeCart(action=CartAction.remove, id=line.product_id)),
            ),
        )
        for line in cart.lines
    )
    choices: list[Row] = []
    if not cart.is_empty:
        choices.append(
            (
                Choice(_("🧹 Empty the cart"), ChangeCart(action=CartAction.clear)),
                Choice(_("✅ Checkout"), ChangeCart(action=CartAction.checkout)),
            )
        )
    choices.append((Choice(_("🛍 Catalog"), Browse(view=View.home)),))
    return Screen(cart_text(cart, snapshot), tuple(choices), items)


async def open_cart(visit: Visit) -> None:
    await visit.state.set_state(None)
    cart = await cart_service.get_cart(visit.uow, user_id=visit.user_id)
    await visit.out.send(cart_screen(cart, await visit.catalog.get()))


async def on_cart(visit: Visit, action: ChangeCart) -> None:
    user_id = visit.user_id
    step = action.action
    try:
        if step in (CartAction.less, CartAction.more):
            delta = 1 if step == CartAction.more else -1
            await cart_service.change_quantity(
                visit.uow, user_id=user_id, product_id=action.id, delta=delta
            )
        elif step == CartAction.remove:
            await cart_service.remove_from_cart(visit.uow, user_id=user_id, product_id=action.id)
        elif step == CartAction.clear:
            await cart_service.clear_cart(visit.uow, user_id=user_id)
    except ProductUnavailable:
        await visit.out.answer(_("This item is no longer in your cart."))
    except OutOfStock as err:
        await visit.out.answer(_("Only {count} in stock.").format(count=err.available), alert=True)
    else:
        if step == CartAction.checkout:
            await start_checkout(visit)
            return
        await visit.out.answer()
    cart = await cart_service.get_cart(visit.uow, user_id=user_id)
    await visit.out.show(cart_screen(cart, await visit.catalog.get()))
