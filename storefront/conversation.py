"""What follows what: each thing a customer does, on any channel, to the step that answers it.

A channel turns its platform's events into :mod:`storefront.visit` events and hands them
here. ``first`` takes what works whatever the person is doing — a link or /start, the menu,
buttons, the search's query, leaving the checkout — and ``rest`` what depends on where the
person is: the checkout's questions, a search typed at the main menu, anything not
understood. A channel with other conversations of its own (Telegram's staff tools) tries
them between the two; a channel without them calls one after the other (:func:`handle`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from locales.translation import gettext as _
from storefront import browse, card, cart, orders, search, welcome
from storefront import language as languages
from storefront.actions import (
    Action,
    Browse,
    ChangeCart,
    ChangeCartPage,
    Checkout,
    CheckoutAction,
    ChooseLanguage,
    MenuItem,
    MyOrders,
    OpenMenu,
    OpenProduct,
    PickWard,
    View,
)
from storefront.checkout import on_unexpected_input
from storefront.checkout.address import (
    on_province,
    on_province_page,
    on_ward_button,
    process_location,
    process_province_text,
    process_street,
    process_ward,
)
from storefront.checkout.confirm import on_confirm
from storefront.checkout.keys import CANCEL
from storefront.checkout.payment import on_no_note, on_note, on_payment, process_note
from storefront.checkout.recipient import (
    on_new_details,
    on_use_saved,
    process_name,
    process_phone,
    process_recipient_again,
)
from storefront.checkout.review import on_cancel_button, on_cancel_text
from storefront.menu import MAIN_MENU, menu_item_of
from storefront.screens import Screen
from storefront.states import SEARCH_QUERY
from storefront.states import Checkout as Step
from storefront.visit import Contact, Event, Location, Press, Start, Text, Visit

Step_ = Callable[[Visit], Awaitable[None]]

MENU: dict[MenuItem, Step_] = {
    MenuItem.catalog: browse.open_catalog,
    MenuItem.search: search.open_search,
    MenuItem.cart: cart.open_cart,
    MenuItem.orders: orders.open_orders,
    MenuItem.language: languages.open_language,
    MenuItem.help: welcome.show_help,
}


def _bare(step: Step_) -> Callable[[Visit, Any], Awaitable[None]]:
    async def run(visit: Visit, _action: Any) -> None:
        await step(visit)

    return run


# The checkout's buttons, each with the steps it belongs to (Confirm is in ``on_press``:
# a second tap, long after, still gets its answer).
CHECKOUT_BUTTONS: dict[
    CheckoutAction, tuple[Callable[[Visit, Any], Awaitable[None]], tuple[str, ...]]
] = {
    CheckoutAction.cancel: (_bare(on_cancel_button), Step.ALL),
    CheckoutAction.use_saved: (_bare(on_use_saved), (Step.saved,)),
    CheckoutAction.new_details: (_bare(on_new_details), (Step.saved,)),
    CheckoutAction.edit: (_bare(on_new_details), (Step.review,)),
    CheckoutAction.province_page: (on_province_page, (Step.province,)),
    CheckoutAction.province: (on_province, (Step.province,)),
    CheckoutAction.cash: (on_payment, (Step.payment,)),
    CheckoutAction.bank: (on_payment, (Step.payment,)),
    CheckoutAction.note: (on_note, (Step.payment,)),
    CheckoutAction.no_note: (on_no_note, (Step.note,)),
}


def expired() -> str:
    return _("This menu has expired. Send /start for a fresh one.")


async def handle(visit: Visit, event: Event) -> None:
    """Everything a customer does, on a channel with no other conversations."""
    if not await first(visit, event):
        await rest(visit, event)


async def first(visit: Visit, event: Event) -> bool:
    """What works whatever the person is doing; False when it is not for these."""
    if isinstance(event, Start):
        if event.payload:
            await welcome.open_link(visit, event.payload)
        else:
            await welcome.greet(visit)
        return True
    if isinstance(event, Press):
        await on_press(visit, event)
        return True
    if isinstance(event, Text):
        item = menu_item_of(event.text)
        if item is not None:
            await MENU[item](visit)
            return True
        if CANCEL.matches(event.text):
            await on_cancel_text(visit)
            return True
        if await visit.state.get_state() == SEARCH_QUERY:
            await search.process_search_query(visit, event.text)
            return True
    return False


async def on_press(visit: Visit, press: Press) -> None:
    action = press.action
    if action is None:
        await visit.out.answer(expired(), alert=True)
    elif isinstance(action, Checkout):
        await _on_checkout_button(visit, press, action)
    elif isinstance(action, PickWard):
        if press.on_screen:
            await on_ward_button(visit, action)
        else:
            await visit.out.answer(expired(), alert=True)
    else:
        await _on_button(visit, action)


async def _on_button(visit: Visit, action: Action) -> None:
    if isinstance(action, Browse):
        if action.view == View.search:
            await search.on_search_page(visit, action)
        elif action.view == View.search_prompt:
            await search.on_search_prompt(visit)
        else:
            await browse.on_browse(visit, action)
    elif isinstance(action, OpenProduct):
        await card.on_product(visit, action)
    elif isinstance(action, ChangeCart | ChangeCartPage):
        await cart.on_cart(visit, action)
    elif isinstance(action, MyOrders):
        await orders.on_orders(visit, action)
    elif isinstance(action, ChooseLanguage):
        await languages.on_language_chosen(visit, action)
    elif isinstance(action, OpenMenu):
        await visit.out.answer()
        await MENU[action.item](visit)
    else:
        await visit.out.answer(expired(), alert=True)


async def _on_checkout_button(visit: Visit, press: Press, action: Checkout) -> None:
    if action.action == CheckoutAction.confirm:
        await on_confirm(visit, action)
        return
    step, states = CHECKOUT_BUTTONS[action.action]
    if not press.on_screen or await visit.state.get_state() not in states:
        await visit.out.answer(expired(), alert=True)
        return
    await step(visit, action)


async def rest(visit: Visit, event: Event) -> None:
    """What depends on where the person is: a checkout's answer, a search, or a hint."""
    state = await visit.state.get_state()
    if state in Step.ALL:
        await _checkout_answer(visit, state, event)
    elif isinstance(event, Text) and state is None and not event.text.startswith("/"):
        # Text typed at the main menu is taken as a search: the quickest way to a product.
        await search.process_search_query(visit, event.text)
    else:
        if isinstance(event, Text) and event.text.startswith("/"):
            text = _("I don't know that command. Use the menu below, or /help.")
        else:
            text = _("I didn't understand that. Use the menu below, or /help.")
        await visit.out.send(Screen(text, keyboard=MAIN_MENU))


_TYPED: dict[str, Callable[[Visit, str], Awaitable[None]]] = {
    Step.name: process_name,
    Step.province: process_province_text,
    Step.ward: process_ward,
    Step.street: process_street,
    Step.note: process_note,
}


_AFTER_THE_ADDRESS = (Step.phone, Step.payment, Step.note, Step.review)
_AFTER_THE_RECIPIENT = (Step.payment, Step.review)


async def _checkout_answer(visit: Visit, state: str, event: Event) -> None:
    if isinstance(event, Contact) and state in _AFTER_THE_ADDRESS:
        # The share button stays under the typing field until the order is placed.
        await process_phone(visit, event.phone, shared=True, name=event.name)
    elif state in _AFTER_THE_RECIPIENT and isinstance(event, Text):
        if not await process_recipient_again(visit, event.text):
            await on_unexpected_input(visit)
    elif state == Step.phone and isinstance(event, Text):
        await process_phone(visit, event.text, shared=False)
    elif state == Step.street and isinstance(event, Location):
        await process_location(visit, event.latitude, event.longitude)
    elif state in _TYPED and isinstance(event, Text):
        await _TYPED[state](visit, event.text)
    else:
        await on_unexpected_input(visit)
