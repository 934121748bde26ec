"""The cart: lines grouped by producer a page at a time, steppers, clear, and the way to
checkout."""

from __future__ import annotations

from catalog.errors import OutOfStock, ProductUnavailable
from catalog.services import cart as cart_service
from catalog.services.cart import CartPage, CartView, cart_page
from catalog.snapshot import CatalogSnapshot
from locales.translation import gettext as _
from locales.translation import ngettext
from storefront.actions import Browse, CartAction, ChangeCart, ChangeCartPage, View
from storefront.checkout import start_checkout
from storefront.format import fit_text, language, line_name, money, shorten
from storefront.paging import page_row
from storefront.screens import Choice, Item, Row, Screen
from storefront.visit import Visit


def cart_text(page: CartPage, snapshot: CatalogSnapshot, *, limit: int) -> str:
    """The page's lines under their producers; the total is always the whole cart's."""
    lang = language()
    cart = page.cart
    if cart.is_empty:
        return _("🛒 Your cart is empty. Open the catalog to find something you like.")
    head = [_("🛒 <b>Your cart</b>")]
    if page.pages > 1:
        head.append(
            ngettext(
                "{count} product · page {page}/{pages}",
                "{count} products · page {page}/{pages}",
                len(cart.lines),
            ).format(count=len(cart.lines), page=page.page + 1, pages=page.pages)
        )
    lines: list[str] = []
    for shown in page.groups:
        producer = snapshot.producers.get(shown.group.producer_id)
        lines.append("")
        if producer is not None:
            lines.append(f"🏡 <b>{line_name(producer.name(lang))}</b>")
        for line in shown.lines:
            lines.append(
                f"• {line_name(line.name(lang))} × {line.quantity} — {money(line.line_total)}"
            )
            if not line.active:
                lines.append(_("  ⛔ no longer sold"))
            elif line.quantity > line.stock:
                lines.append(_("  ⚠️ only {count} left").format(count=line.stock))
        lines.append(_("Subtotal: {amount}").format(amount=money(shown.group.subtotal)))
    tail = ["", _("<b>Total: {amount}</b>").format(amount=money(cart.total))]
    if len(cart.groups) > 1:
        tail.append(
            _("Each producer ships their part separately: you will get one order per producer.")
        )
    return fit_text(head, lines, tail, limit=limit)


def cart_screen(cart: CartView, snapshot: CatalogSnapshot, page: int = 0, *, limit: int) -> Screen:
    """A stepper for each line of the page, the pages, and the ways on (at most 27 buttons
    on Telegram)."""
    lang = language()
    shown = cart_page(cart, page)

    def press(action: CartAction, product_id: int = 0) -> ChangeCartPage:
        return ChangeCartPage(action=action, id=product_id, page=shown.page)

    items = tuple(
        Item(
            # The name on a row of its own: beside three buttons it is squeezed onto three
            # lines on a phone.
            label=f"{shorten(line.name(lang), 40)} × {line.quantity}",
            action=press(CartAction.show),
            title=f"{line.name(lang)} × {line.quantity}",
            subtitle=money(line.line_total),
            choices=(
                Choice("➖", press(CartAction.less, line.product_id)),
                Choice("➕", press(CartAction.more, line.product_id)),
                Choice("🗑", press(CartAction.remove, line.product_id)),
            ),
        )
        for line in shown.lines
    )
    choices: list[Row] = []
    pages = page_row(
        shown.page,
        shown.pages,
        lambda number: ChangeCartPage(action=CartAction.show, page=number),
        counter=True,
    )
    if pages:
        choices.append(pages)
    if not cart.is_empty:
        choices.append(
            (
                Choice(_("🧹 Empty the cart"), press(CartAction.clear)),
                Choice(_("✅ Checkout"), press(CartAction.checkout)),
            )
        )
    choices.append((Choice(_("🛍 Catalog"), Browse(view=View.home)),))
    return Screen(cart_text(shown, snapshot, limit=limit), tuple(choices), items)


async def open_cart(visit: Visit) -> None:
    await visit.state.set_state(None)
    cart = await cart_service.get_cart(visit.uow, user_id=visit.user_id)
    snapshot = await visit.catalog.get()
    await visit.out.send(cart_screen(cart, snapshot, limit=visit.out.text_limit))


async def on_cart(visit: Visit, action: ChangeCart | ChangeCartPage) -> None:
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
    # A button sent before the cart had pages acts on its first page.
    page = action.page if isinstance(action, ChangeCartPage) else 0
    snapshot = await visit.catalog.get()
    await visit.out.show(cart_screen(cart, snapshot, page, limit=visit.out.text_limit))
