"""The checkout's summary before the order is placed, and the ways out of the checkout."""

from __future__ import annotations

from catalog.services import cart as cart_service
from locales.translation import gettext as _
from storefront.checkout.draft import CheckoutDraft, drop_draft, save_draft
from storefront.checkout.keys import review_choices
from storefront.format import delivery_text, fit_text, language, line_name, money, payment_label
from storefront.menu import MAIN_MENU
from storefront.screens import Screen
from storefront.visit import Visit


async def ask_review(visit: Visit, draft: CheckoutDraft, *, in_place: bool = False) -> None:
    """Show the order as it will be placed, and save ``draft`` with the cart it showed:
    placing the order refuses a cart that changed since (the customer sees it again).
    ``in_place``: it replaces the screen whose button was pressed."""
    cart = await cart_service.get_cart(visit.uow, user_id=visit.user_id)
    draft = await save_draft(visit.state, draft.replace(reviewed=cart.fingerprint))
    assert draft.payment is not None, "the review comes after the payment step"
    lang = language()
    lines: list[str] = []
    for group in cart.groups:
        lines.append("")
        for line in group.lines:
            lines.append(
                f"• {line_name(line.name(lang))} × {line.quantity} — {money(line.line_total)}"
            )
        lines.append(_("Subtotal: {amount}").format(amount=money(group.subtotal)))
    tail = [
        "",
        _("<b>Total: {amount}</b>").format(amount=money(cart.total)),
        "",
        delivery_text(draft.details()),
        f"💳 {payment_label(draft.payment)}",
    ]
    text = fit_text([_("🧾 <b>Your order</b>")], lines, tail, limit=visit.out.text_limit)
    screen = Screen(text, review_choices(draft.token))
    await (visit.out.show if in_place else visit.out.send)(screen)


def too_many_products(limit: int) -> str:
    """A cart filled before orders had a size: it cannot be ordered as it stands."""
    return _(
        "One order can hold at most {limit} different products: please take some out of "
        "the cart, and order them next time."
    ).format(limit=limit)


async def leave(visit: Visit, text: str) -> None:
    await drop_draft(visit.state)
    await visit.out.send(Screen(text, keyboard=MAIN_MENU))


async def on_cancel_text(visit: Visit) -> None:
    await leave(visit, _("Checkout cancelled. Your cart is kept."))


async def on_cancel_button(visit: Visit) -> None:
    await visit.out.answer()
    await visit.out.close()
    await leave(visit, _("Checkout cancelled. Your cart is kept."))
