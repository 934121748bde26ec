"""The customer's orders: a paginated list, a detail view, cancelling a new order."""

from __future__ import annotations

from catalog.errors import InvalidTransition, NotAllowed, OrderNotFound
from catalog.services import orders as order_service
from catalog.services.orders import OrderPage, OrderView
from locales.translation import gettext as _
from storefront.actions import MyOrders, OrderAction
from storefront.card import not_allowed
from storefront.format import (
    delivery_text,
    fit_text,
    language,
    line_name,
    money,
    payment_label,
    payment_line,
    status_label,
    when_zoned,
)
from storefront.paging import page_row
from storefront.screens import Choice, Item, Row, Screen, rows
from storefront.visit import Visit


def orders_screen(page: OrderPage) -> Screen:
    if not page.orders:
        return Screen(_("📦 You have no orders yet."))
    items = tuple(
        Item(
            label=f"{order.number} · {money(order.total)} · {status_label(order.status)}",
            action=MyOrders(action=OrderAction.show, id=order.id, page=page.page),
            title=f"{order.number} · {status_label(order.status)}",
            subtitle=f"{money(order.total)} · {order.producer_name(language())}",
        )
        for order in page.orders
    )
    paging = page_row(
        page.page,
        page.pages,
        lambda n: MyOrders(action=OrderAction.list, page=n),
        back=_("◀️ Newer"),
        forward=_("Older ▶️"),
    )
    text = _("📦 <b>My orders</b> (page {page}/{pages})").format(
        page=page.page + 1, pages=page.pages
    )
    return Screen(text, rows(paging), items)


def order_text(order: OrderView, *, limit: int) -> str:
    lang = language()
    head = [
        _("📦 <b>Order {number}</b>").format(number=order.number),
        f"🕒 {when_zoned(order.created_at)}",
        f"🏡 {line_name(order.producer_name(lang))}",
        _("Status: {status}").format(status=status_label(order.status)),
        "",
    ]
    lines = [
        f"• {line_name(line.name(lang))} × {line.quantity} — {money(line.line_total)}"
        for line in order.lines
    ]
    tail = [
        _("<b>Total: {amount}</b>").format(amount=money(order.total)),
        f"💳 {payment_label(order.payment_method)}",
    ]
    if paid := payment_line(order):
        tail.append(paid)
    tail += ["", delivery_text(order.details)]
    return fit_text(head, lines, tail, limit=limit)


def order_choices(order: OrderView, page: int, *, confirm_cancel: bool = False) -> tuple[Row, ...]:
    choices = []
    if order.customer_may_cancel:
        if confirm_cancel:
            choices += [
                Choice(
                    _("Yes, cancel it"),
                    MyOrders(action=OrderAction.cancel_confirmed, id=order.id, page=page),
                ),
                Choice(
                    _("No, keep it"), MyOrders(action=OrderAction.show, id=order.id, page=page)
                ),
            ]
        else:
            choices.append(
                Choice(
                    _("✖️ Cancel this order"),
                    MyOrders(action=OrderAction.cancel, id=order.id, page=page),
                )
            )
    choices.append(Choice(_("⬅️ Back"), MyOrders(action=OrderAction.list, page=page)))
    width = 2 if confirm_cancel else 1
    return tuple(tuple(choices[i : i + width]) for i in range(0, len(choices), width))


async def open_orders(visit: Visit) -> None:
    await visit.state.set_state(None)
    page = await order_service.list_orders(visit.uow, user_id=visit.user_id)
    await visit.out.send(orders_screen(page))


async def on_orders(visit: Visit, action: MyOrders) -> None:
    user_id = visit.user_id
    step = action.action
    if step == OrderAction.list:
        await visit.out.answer()
        page = await order_service.list_orders(visit.uow, user_id=user_id, page=action.page)
        await visit.out.show(orders_screen(page))
        return
    try:
        if step == OrderAction.cancel_confirmed:
            order = await order_service.cancel_order_by_customer(
                visit.uow, user_id=user_id, order_id=action.id
            )
            await visit.out.answer(_("Order {number} is cancelled.").format(number=order.number))
        else:
            order = await order_service.get_order(visit.uow, user_id=user_id, order_id=action.id)
            await visit.out.answer()
    except OrderNotFound:
        await visit.out.answer(_("This order is no longer available."), alert=True)
        return
    except NotAllowed:
        await visit.out.answer(not_allowed(), alert=True)
        return
    except InvalidTransition:
        order = await order_service.get_order(visit.uow, user_id=user_id, order_id=action.id)
        await visit.out.answer(
            _(
                "The producer has already taken this order in hand: it can no longer be "
                "cancelled here. Please contact them."
            ),
            alert=True,
        )
    confirm = step == OrderAction.cancel and order.customer_may_cancel
    await visit.out.show(
        Screen(
            order_text(order, limit=visit.out.text_limit),
            order_choices(order, action.page, confirm_cancel=confirm),
        )
    )
