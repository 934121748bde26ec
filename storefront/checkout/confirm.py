"""Placing the order from the review: exactly once, whatever the taps; what the customer is
told after (the orders, a shortage, a changed cart, a producer that no longer takes
transfers) and the VietQR codes to pay by transfer."""

from __future__ import annotations

import secrets

from catalog.errors import (
    CartChanged,
    CartFull,
    EmptyCart,
    ItemsUnavailable,
    NotAllowed,
    TransferUnavailable,
)
from catalog.models import PaymentMethod
from catalog.payments.banks import bank
from catalog.services import links as link_service
from catalog.services import orders as order_service
from catalog.services.orders import OrderView, PlacedCheckout
from catalog.services.payments.links import TransferCode
from catalog.vietqr import parse_payload, render_qr_png
from locales.translation import gettext as _
from storefront.actions import Checkout as CheckoutPress
from storefront.checkout.draft import (
    CheckoutDraft,
    change_draft,
    drop_draft,
    load_draft,
    save_draft,
)
from storefront.checkout.payment import ask_payment
from storefront.checkout.review import ask_review, leave, too_many_products
from storefront.format import esc, fit_text, language, line_name, money, when_zoned
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
            payment_window=visit.payments.window,
        )
    except TransferUnavailable as err:
        await _transfer_gone(visit, err)
        return
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
            code = await visit.payments.transfer_code(visit.uow, order)
            if code is not None:
                await visit.out.send(transfer_screen(order, code))
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


async def _transfer_gone(visit: Visit, err: TransferUnavailable) -> None:
    """A producer's bank went after the payment step: the customer chooses again."""
    lang = language()
    names = ", ".join(esc(vi if lang == "vi" else en) for vi, en in err.producers)
    await visit.out.answer(
        _("{names} no longer takes bank transfers: please choose another way to pay.").format(
            names=names
        ),
        alert=True,
    )
    await visit.out.close()
    draft = await change_draft(visit.state, bank_ok=False, payment=None)
    await visit.state.set_state(Checkout.payment)
    await ask_payment(visit, draft)


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


def transfer_screen(order: OrderView, code: TransferCode) -> Screen:
    """The VietQR code to pay ``order`` with, and how the money will be seen."""
    fields = parse_payload(code.payload)
    bin_ = fields.get("38.01.00", order.bank_bin or "")
    known = bank(bin_)
    lines = [
        _(
            "🏦 <b>Bank transfer for {number}</b>\n"
            "Scan with your banking app, or transfer by hand:\n"
            "Amount: <b>{amount}</b>\n"
            "Account: {account} ({holder}), {bank}\n"
            "Content: <code>{purpose}</code>"
        ).format(
            number=order.number,
            amount=money(order.total),
            account=esc(fields.get("38.01.01", order.bank_account or "")),
            holder=esc(order.bank_account_name or ""),
            bank=esc(known.short_name if known else bin_),
            purpose=esc(code.purpose),
        )
    ]
    if code.fallback:
        lines.append(
            _(
                "⚠️ The automatic payment link could not be made just now: this is the "
                "producer's own account, and they confirm your transfer by hand."
            )
        )
    elif code.automatic:
        lines.append(_("✅ The shop sees your transfer by itself and tells you when it arrives."))
    else:
        lines.append(_("The producer checks your transfer and tells you when it arrives."))
    if order.payment_due_at is not None:
        lines.append(
            _("Please pay by {when}: an order still unpaid then is cancelled.").format(
                when=when_zoned(order.payment_due_at)
            )
        )
    picture = Picture(data=render_qr_png(code.payload), name=f"vietqr-{order.number}.png")
    return Screen("\n".join(lines), picture=picture)
