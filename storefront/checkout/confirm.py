"""Placing the order from the review: exactly once, whatever the taps; what the customer is
told after (the orders, a shortage, a changed cart) and the VietQR codes to pay by transfer."""

from __future__ import annotations

import secrets

from catalog import rules
from catalog.errors import CartChanged, CartFull, EmptyCart, ItemsUnavailable, NotAllowed
from catalog.models import PaymentMethod
from catalog.services import links as link_service
from catalog.services import orders as order_service
from catalog.services.orders import OrderView, PlacedCheckout
from catalog.vietqr import build_payload, render_qr_png
from locales.translation import gettext as _
from storefront.actions import Checkout as CheckoutPress
from storefront.checkout.draft import CheckoutDraft, drop_draft, load_draft, save_draft
from storefront.checkout.review import ask_review, leave, too_many_products
from storefront.format import esc, fit_text, language, line_name, money
from storefront.menu import MAIN_MENU
from storefront.screens import Picture, Screen
from storefront.states import Checkout
from storefront.visit import Visit


async def on_confirm(visit: Visit, action: CheckoutPress) -> None:
    user_id = visit.user_id
    draft = await load_draft(visit.state)
    key = f"{user_id}:{action.token}"
    current_review = (
        await visit.state.get_state() == Checkout.review and draft.token == action.token
    )
    if not current_review or draft.payment is None:
        # A second tap, or an update delivered twice: the orders exist already, or never will.
        existing = await order_service.find_checkout(visit.uow, user_id=user_id, key=key)
        if existing is not None:
            await visit.out.answer(_("This order has already been placed."))
        else:
            await visit.out.answer(
                _("This summary is out of date. Open the cart to order."), alert=True
            )
        return
    # The review is still current until the customer has been told everything, so this
    # also finishes what a worker that died half-way left: the key finds its orders again.
    try:
        placed = await order_service.place_order(
            visit.uow,
            user_id=user_id,
            details=draft.details(),
            payment=draft.payment,
            idempotency_key=key,
            locale=language(),
            reviewed=draft.reviewed,
            source=await link_service.order_source(visit.uow, user_id=user_id),
            channel=visit.person.channel,
        )
    except CartChanged:
        await _review_again(visit)
        return
    except ItemsUnavailable as err:
        await _tell_shortages(visit, err)
        return
    except CartFull as err:
        await visit.out.answer(too_many_products(err.limit), alert=True)
        return
    except (EmptyCart, NotAllowed):
        await visit.out.answer(_("Your cart is empty."), alert=True)
        await visit.state.set_state(None)
        return
    await visit.out.answer(_("Thank you! Your order is placed."))
    await visit.out.close()
    await _tell_placed(visit, draft, placed)


async def _tell_placed(visit: Visit, draft: CheckoutDraft, placed: PlacedCheckout) -> None:
    """The order numbers, then each order's VietQR code for a bank transfer; each noted in
    the draft once sent, and the checkout left when all is said."""
    if not draft.told:
        text = placed_text(placed, limit=visit.out.text_limit)
        await visit.out.send(Screen(text, keyboard=MAIN_MENU))
        draft = await save_draft(visit.state, draft.replace(told=True))
    for order in placed.orders:
        if (
            order.payment_method == PaymentMethod.bank_transfer
            and order.id not in draft.codes_sent
        ):
            screen = transfer_screen(order)
            if screen is not None:
                await visit.out.send(screen)
            draft = await save_draft(
                visit.state, draft.replace(codes_sent=(*draft.codes_sent, order.id))
            )
    await drop_draft(visit.state)


async def _review_again(visit: Visit) -> None:
    """The cart or a price changed after the summary was shown: show it again."""
    await visit.out.answer(
        _("Your cart or a price has changed: please check the order again."), alert=True
    )
    draft = (await load_draft(visit.state)).replace(token=secrets.token_hex(8))
    await visit.out.close()
    await ask_review(visit, draft)


async def _tell_shortages(visit: Visit, err: ItemsUnavailable) -> None:
    await visit.out.answer()
    lang = language()
    lines = [
        _(
            "Sorry, some items ran out while you were ordering. Nothing was ordered, "
            "and your cart is kept:"
        )
    ]
    for shortage in err.shortages:
        if shortage.available:
            lines.append(
                _("• {name}: only {available} left (you wanted {wanted})").format(
                    name=esc(shortage.name(lang)),
                    available=shortage.available,
                    wanted=shortage.requested,
                )
            )
        else:
            lines.append(_("• {name}: sold out").format(name=esc(shortage.name(lang))))
    await visit.out.close()
    await leave(visit, "\n".join(lines))


def placed_text(placed: PlacedCheckout, *, limit: int) -> str:
    lang = language()
    orders = [
        f"📦 {order.number} — {line_name(order.producer_name(lang))}: {money(order.total)}"
        for order in placed.orders
    ]
    tail = []
    if len(placed.orders) > 1:
        tail.append(_("<b>Total: {amount}</b>").format(amount=money(placed.total)))
    tail.append("")
    tail.append(_("Each producer will confirm their order here. Follow it in “My orders”."))
    return fit_text([_("✅ <b>Thank you! Your order is placed.</b>")], orders, tail, limit=limit)


def transfer_purpose(order: OrderView) -> str:
    return rules.transfer_content(order.number)


def transfer_screen(order: OrderView) -> Screen | None:
    """The VietQR code to pay ``order`` to its producer's own account (None without one)."""
    if not (order.bank_bin and order.bank_account):
        return None
    payload = build_payload(
        bank_bin=order.bank_bin,
        account=order.bank_account,
        amount=order.total,
        purpose=transfer_purpose(order),
    )
    caption = _(
        "🏦 <b>Bank transfer for {number}</b>\n"
        "Scan with your banking app, or transfer by hand:\n"
        "Amount: <b>{amount}</b>\n"
        "Account: {account} ({holder}), bank code {bin}\n"
        "Content: <code>{purpose}</code>"
    ).format(
        number=order.number,
        amount=money(order.total),
        account=esc(order.bank_account),
        holder=esc(order.bank_account_name or ""),
        bin=order.bank_bin,
        purpose=transfer_purpose(order),
    )
    picture = Picture(data=render_qr_png(payload), name=f"vietqr-{order.number}.png")
    return Screen(caption, picture=picture)
