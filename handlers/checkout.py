"""Checkout: recipient, phone, address (2025 units: province, ward), note, payment, review.

Every step is a conversation state kept in the database, so a restart of the bot leaves the
customer where they were. Each step can be shown again as it is (after a language switch,
or after text where a button was expected).
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from catalog.addresses import (
    MAX_STREET_LENGTH,
    PROVINCES,
    AddressProblem,
    InvalidAddress,
    format_address,
    match_province,
    validate_address_part,
)
from catalog.errors import CartChanged, EmptyCart, ItemsUnavailable, NotAllowed
from catalog.models import PaymentMethod
from catalog.phone import (
    InvalidPhone,
    PhoneProblem,
    find_phone,
    format_phone_display,
    is_dialable,
    normalize_phone,
)
from catalog.services import cart as cart_service
from catalog.services import links as link_service
from catalog.services import orders as order_service
from catalog.services.orders import DeliveryDetails, OrderView, PlacedCheckout
from catalog.snapshot import CatalogCache
from catalog.text import N_
from catalog.uow import UnitOfWork
from catalog.vietqr import build_payload, render_qr_png
from handlers import address_step
from handlers.callbacks import CheckoutAction, CheckoutCb, WardCb
from handlers.format import esc, language, money, payment_label
from handlers.menu import Label, LabelPressed, main_menu_kb
from handlers.states import Checkout

log = logging.getLogger(__name__)

MAX_NAME_LENGTH = 100
MAX_WARD_LENGTH = 100
MAX_NOTE_LENGTH = 500
PROVINCES_PER_PAGE = 12
STEPS = 7

CANCEL = Label("✖️", N_("Cancel checkout"))
SKIP_NOTE = Label("⏭", N_("No note"))
SHARE_PHONE = Label("📱", N_("Share my phone number"))
SHARE_LOCATION = Label("📍", N_("Share my location"))


def _step(number: int, text: str) -> str:
    return _("Step {step} of {steps}").format(step=number, steps=STEPS) + " · " + text


def _reply_kb(*rows: list[KeyboardButton]) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[*rows, [CANCEL.button()]], resize_keyboard=True, one_time_keyboard=False
    )


def details_text(data: dict[str, Any]) -> str:
    lines = [
        "👤 {name}".format(name=esc(data["name"])),
        "📞 {phone}".format(phone=format_phone_display(data["phone"])),
        "📍 " + esc(format_address(data["street"], data["ward"], data["province"])),
    ]
    if data.get("note"):
        lines.append("📝 {note}".format(note=esc(data["note"])))
    return "\n".join(lines)


# -- the steps: each asks its question ----------------------------------------------------


async def ask_saved(message: Message, data: dict[str, Any]) -> None:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("✅ Deliver there"), callback_data=CheckoutCb(action=CheckoutAction.use_saved)
    )
    builder.button(
        text=_("✏️ Other details"), callback_data=CheckoutCb(action=CheckoutAction.new_details)
    )
    builder.button(text=_("✖️ Cancel"), callback_data=CheckoutCb(action=CheckoutAction.cancel))
    builder.adjust(2, 1)
    await message.answer(
        _("Deliver to the same place as last time?") + "\n\n" + details_text(data),
        reply_markup=builder.as_markup(),
    )


async def ask_name(message: Message, data: dict[str, Any]) -> None:
    suggestions = [KeyboardButton(text=data["name"])] if data.get("name") else []
    await message.answer(
        _step(1, _("Who receives the parcel? Type the recipient's full name.")),
        reply_markup=_reply_kb(suggestions),
    )


async def ask_phone(message: Message, data: dict[str, Any]) -> None:
    rows = [[KeyboardButton(text=SHARE_PHONE.text(), request_contact=True)]]
    if data.get("phone"):
        rows.append([KeyboardButton(text=format_phone_display(data["phone"]))])
    await message.answer(
        _step(
            2,
            _(
                "A phone number for the delivery: press the button to share yours, "
                "or type one (for example 0912 345 678)."
            ),
        ),
        reply_markup=_reply_kb(*rows),
    )


def provinces_kb(page: int) -> InlineKeyboardMarkup:
    pages = -(-len(PROVINCES) // PROVINCES_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    builder = InlineKeyboardBuilder()
    start = page * PROVINCES_PER_PAGE
    for index, name in enumerate(PROVINCES[start : start + PROVINCES_PER_PAGE], start):
        builder.button(
            text=name, callback_data=CheckoutCb(action=CheckoutAction.province, value=index)
        )
    builder.adjust(2)
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                text="◀️",
                callback_data=CheckoutCb(
                    action=CheckoutAction.province_page, value=page - 1
                ).pack(),
            )
        )
    if page < pages - 1:
        nav.append(
            InlineKeyboardButton(
                text=_("More ▶️"),
                callback_data=CheckoutCb(
                    action=CheckoutAction.province_page, value=page + 1
                ).pack(),
            )
        )
    builder.row(*nav)
    return builder.as_markup()


async def ask_province(message: Message, data: dict[str, Any]) -> None:
    # The number as it will be dialled: what was read out of a pasted text is shown back.
    phone = _("📞 Phone: {phone}").format(phone=format_phone_display(data["phone"]))
    # The cancel button stays on the reply keyboard; this question has its own buttons.
    await message.answer(
        phone + "\n" + _step(3, _("Province or city? Choose below or type it.")),
        reply_markup=_reply_kb(),
    )
    await message.answer(_("Provinces and cities:"), reply_markup=provinces_kb(0))


async def ask_ward(message: Message, data: dict[str, Any]) -> None:
    await message.answer(
        _step(
            4,
            _(
                "Ward or commune (phường / xã) in {province}? Type it as you know it, with or "
                "without accents; an old name from before July 2025 is fine too. "
                "For example: Phường Hoàn Kiếm, Xã Bát Tràng."
            ),
        ).format(province=esc(data["province"])),
        reply_markup=_reply_kb(),
    )


async def ask_street(message: Message, data: dict[str, Any]) -> None:
    await message.answer(
        "📍 "
        + esc(format_address("", data["ward"], data["province"]))
        + "\n"
        + _step(
            5,
            _(
                "House number and street, or village (số nhà, ngõ, đường, thôn…). "
                "You can also share your location."
            ),
        ),
        reply_markup=_reply_kb(
            [KeyboardButton(text=SHARE_LOCATION.text(), request_location=True)]
        ),
    )


async def ask_note(message: Message, data: dict[str, Any]) -> None:
    await message.answer(
        _step(
            6,
            _(
                "A note for the producer? (a delivery time, a gift message…) "
                "Type it, or press “No note”."
            ),
        ),
        reply_markup=_reply_kb([SKIP_NOTE.button()]),
    )


def payment_kb(bank_possible: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text="💵 " + _("Cash on delivery"), callback_data=CheckoutCb(action=CheckoutAction.cash)
    )
    if bank_possible:
        builder.button(
            text="🏦 " + _("Bank transfer (VietQR)"),
            callback_data=CheckoutCb(action=CheckoutAction.bank),
        )
    builder.adjust(1)
    return builder.as_markup()


async def ask_payment(message: Message, data: dict[str, Any]) -> None:
    await message.answer(
        _step(7, _("How will you pay?")), reply_markup=payment_kb(data.get("bank_ok", True))
    )


async def ask_review(message: Message, data: dict[str, Any], uow: UnitOfWork) -> None:
    cart = await cart_service.get_cart(uow, user_id=message.chat.id)
    data["reviewed"] = cart.fingerprint
    lang = language()
    lines = [_("🧾 <b>Your order</b>")]
    for group in cart.groups:
        lines.append("")
        for line in group.lines:
            lines.append(f"• {esc(line.name(lang))} × {line.quantity} — {money(line.line_total)}")
        lines.append(_("Subtotal: {amount}").format(amount=money(group.subtotal)))
    lines += [
        "",
        _("<b>Total: {amount}</b>").format(amount=money(cart.total)),
        "",
        details_text(data),
        "💳 {method}".format(method=payment_label(PaymentMethod(data["payment"]))),
    ]
    builder = InlineKeyboardBuilder()
    token = data["token"]
    builder.button(
        text=_("✅ Confirm order"),
        callback_data=CheckoutCb(action=CheckoutAction.confirm, token=token),
    )
    builder.button(text=_("✏️ Edit"), callback_data=CheckoutCb(action=CheckoutAction.edit))
    builder.button(text=_("✖️ Cancel"), callback_data=CheckoutCb(action=CheckoutAction.cancel))
    builder.adjust(1, 2)
    await message.answer("\n".join(lines), reply_markup=builder.as_markup())


async def resume_checkout(message: Message, state: FSMContext, uow: UnitOfWork) -> bool:
    """Show the current checkout step again; False if no checkout is going on."""
    current = await state.get_state()
    data = await state.get_data()
    steps = {
        Checkout.saved.state: ask_saved,
        Checkout.name.state: ask_name,
        Checkout.phone.state: ask_phone,
        Checkout.province.state: ask_province,
        Checkout.ward.state: ask_ward,
        Checkout.street.state: ask_street,
        Checkout.note.state: ask_note,
        Checkout.payment.state: ask_payment,
    }
    if current == Checkout.review.state:
        await ask_review(message, data, uow)
        await state.update_data(reviewed=data["reviewed"])
        return True
    step = steps.get(current or "")
    if step is None:
        return False
    await step(message, data)
    return True


# -- entering and leaving -----------------------------------------------------------------


def _chat_message(query: CallbackQuery) -> Message | None:
    message = query.message
    return None if message is None or isinstance(message, InaccessibleMessage) else message


async def start_checkout(query: CallbackQuery, uow: UnitOfWork, state: FSMContext) -> None:
    """From the cart's Checkout button."""
    message = _chat_message(query)
    cart = await cart_service.get_cart(uow, user_id=query.from_user.id)
    if cart.is_empty or message is None:
        await query.answer(_("Your cart is empty."), show_alert=True)
        return
    if any(not line.active or line.quantity > line.stock for line in cart.lines):
        await query.answer(
            _("Some items are no longer available in that quantity: please adjust the cart."),
            show_alert=True,
        )
        return
    await query.answer()
    banks = await order_service.producer_bank_details(
        uow, [group.producer_id for group in cart.groups]
    )
    saved = await order_service.saved_details(uow, user_id=query.from_user.id)
    data: dict[str, Any] = {"bank_ok": all(banks.values())}
    if saved is not None:
        data.update(
            name=saved.recipient_name,
            phone=saved.phone,
            province=saved.province,
            ward=saved.ward,
            street=saved.street,
        )
        if not is_dialable(saved.phone):
            # Saved before numbers were checked against allocations: ask for one again.
            del data["phone"]
            await state.set_state(Checkout.phone)
            await state.set_data(data)
            await ask_phone(message, data)
            return
        await state.set_state(Checkout.saved)
        await state.set_data(data)
        await ask_saved(message, data)
        return
    data["name"] = query.from_user.full_name
    await state.set_state(Checkout.name)
    await state.set_data(data)
    await ask_name(message, data)


async def _leave(message: Message, state: FSMContext, text: str) -> None:
    await state.set_state(None)
    await state.set_data({})
    await message.answer(text, reply_markup=main_menu_kb())


async def on_cancel_text(message: Message, state: FSMContext) -> None:
    await _leave(message, state, _("Checkout cancelled. Your cart is kept."))


# -- answers to each step -----------------------------------------------------------------


async def process_name(message: Message, state: FSMContext) -> None:
    try:
        name = validate_address_part(message.text or "", max_length=MAX_NAME_LENGTH)
    except InvalidAddress as err:
        await message.answer(_address_problem(err))
        await ask_name(message, await state.get_data())
        return
    data = await state.update_data(name=name)
    await state.set_state(Checkout.phone)
    await ask_phone(message, data)


def _phone_problem(err: InvalidPhone) -> str:
    if err.reason == PhoneProblem.FOREIGN:
        return _(
            "That is not a Vietnamese number. We deliver in Vietnam: please give a "
            "Vietnamese phone number."
        )
    return _(
        "“{text}” is not a phone number we can call. A mobile number has 10 digits and "
        "starts with 03, 05, 07, 08 or 09 (like 0912 345 678 or +84 912 345 678); a landline "
        "starts with its area code (like 024 3826 1234 in Hà Nội)."
    ).format(text=esc(err.text[:40]))


async def process_phone(message: Message, state: FSMContext) -> None:
    raw = message.contact.phone_number if message.contact else (message.text or "")
    try:
        phone = normalize_phone(raw) if message.contact else find_phone(raw)
    except InvalidPhone as err:
        await message.answer(_phone_problem(err))
        await ask_phone(message, await state.get_data())
        return
    data = await state.update_data(phone=phone)
    await state.set_state(Checkout.province)
    await ask_province(message, data)


async def process_province_text(message: Message, state: FSMContext) -> None:
    province = match_province(message.text or "")
    if province is None:
        await message.answer(
            _(
                "I don't know the province “{text}”. Since July 2025 Vietnam has 34 provinces "
                "and cities: choose one from the list."
            ).format(text=esc((message.text or "")[:60]))
        )
        await message.answer(_("Provinces and cities:"), reply_markup=provinces_kb(0))
        return
    await _province_chosen(message, state, province)


async def _province_chosen(message: Message, state: FSMContext, province: str) -> None:
    data = await state.update_data(province=province)
    await state.set_state(Checkout.ward)
    address_step.prepare(province)
    await ask_ward(message, data)


def _address_problem(err: InvalidAddress) -> str:
    if err.reason == AddressProblem.TOO_LONG:
        return _("That is too long: at most {count} characters, please.").format(
            count=err.max_length
        )
    return _("That is empty: please type something.")


async def process_ward(message: Message, state: FSMContext) -> None:
    try:
        typed = validate_address_part(message.text or "", max_length=MAX_WARD_LENGTH)
    except InvalidAddress as err:
        await message.answer(_address_problem(err))
        await ask_ward(message, await state.get_data())
        return
    if await address_step.offer_wards(message, state, typed):
        await _ward_chosen(message, state)


async def on_ward_button(query: CallbackQuery, callback_data: WardCb, state: FSMContext) -> None:
    message = _chat_message(query)
    if message is None:
        await query.answer(
            _("This menu has expired. Send /start for a fresh one."), show_alert=True
        )
        return
    if await address_step.choose_ward(query, callback_data, state, message):
        await _ward_chosen(message, state)


async def _ward_chosen(message: Message, state: FSMContext) -> None:
    await state.set_state(Checkout.street)
    await ask_street(message, await state.get_data())


async def process_street(message: Message, state: FSMContext) -> None:
    if message.location is not None:
        street = _("📍 Location {lat:.5f}, {lon:.5f}").format(
            lat=message.location.latitude, lon=message.location.longitude
        )
    else:
        try:
            street = validate_address_part(message.text or "", max_length=MAX_STREET_LENGTH)
        except InvalidAddress as err:
            await message.answer(_address_problem(err))
            await ask_street(message, await state.get_data())
            return
    data = await state.update_data(street=street)
    await state.set_state(Checkout.note)
    await ask_note(message, data)


async def process_note(message: Message, state: FSMContext) -> None:
    note = "" if await LabelPressed(SKIP_NOTE)(message) else (message.text or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        await message.answer(
            _("That is too long: at most {count} characters, please.").format(
                count=MAX_NOTE_LENGTH
            )
        )
        return
    data = await state.update_data(note=note)
    await state.set_state(Checkout.payment)
    # The payment and the review take inline buttons: "No note" must not stay on screen.
    ack = _("📝 Note: {note}").format(note=esc(note)) if note else _("📝 No note.")
    await message.answer(ack, reply_markup=ReplyKeyboardRemove())
    await ask_payment(message, data)


async def on_unexpected_input(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Text, a sticker, a photo… where a button or another kind of answer was expected."""
    await message.answer(_("Please answer with the buttons below."))
    await resume_checkout(message, state, uow)


# -- buttons --------------------------------------------------------------------------------


async def on_checkout_button(
    query: CallbackQuery,
    callback_data: CheckoutCb,
    state: FSMContext,
    uow: UnitOfWork,
    bot: Bot,
    catalog_cache: CatalogCache,
) -> None:
    message = _chat_message(query)
    action = callback_data.action
    current = await state.get_state()
    if action == CheckoutAction.confirm:
        await _confirm(query, callback_data, state, uow, bot)
        return
    if message is None or current not in _BUTTON_STATES.get(action, set()):
        await query.answer(
            _("This menu has expired. Send /start for a fresh one."), show_alert=True
        )
        return
    data = await state.get_data()
    if action == CheckoutAction.cancel:
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        await _leave(message, state, _("Checkout cancelled. Your cart is kept."))
    elif action == CheckoutAction.use_saved:
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        await state.set_state(Checkout.note)
        await ask_note(message, data)
    elif action in (CheckoutAction.new_details, CheckoutAction.edit):
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        await state.set_state(Checkout.name)
        await ask_name(message, data)
    elif action == CheckoutAction.province_page:
        await query.answer()
        await message.edit_reply_markup(reply_markup=provinces_kb(callback_data.value))
    elif action == CheckoutAction.province:
        if not 0 <= callback_data.value < len(PROVINCES):
            await query.answer(_("That is not allowed."), show_alert=True)
            return
        await query.answer()
        province = PROVINCES[callback_data.value]
        await message.edit_text(_("Province or city: {name}").format(name=esc(province)))
        await _province_chosen(message, state, province)
    elif action in (CheckoutAction.cash, CheckoutAction.bank):
        if action == CheckoutAction.bank and not data.get("bank_ok", True):
            await query.answer(_("That is not allowed."), show_alert=True)
            return
        await query.answer()
        method = (
            PaymentMethod.cod if action == CheckoutAction.cash else PaymentMethod.bank_transfer
        )
        await message.edit_text(f"💳 {payment_label(method)}")
        data = await state.update_data(payment=method.value, token=secrets.token_hex(8))
        await state.set_state(Checkout.review)
        await ask_review(message, data, uow)
        await state.update_data(reviewed=data["reviewed"])


_BUTTON_STATES: dict[CheckoutAction, set[str | None]] = {
    CheckoutAction.use_saved: {Checkout.saved.state},
    CheckoutAction.new_details: {Checkout.saved.state},
    CheckoutAction.cancel: {Checkout.saved.state, Checkout.review.state},
    CheckoutAction.edit: {Checkout.review.state},
    CheckoutAction.province_page: {Checkout.province.state},
    CheckoutAction.province: {Checkout.province.state},
    CheckoutAction.cash: {Checkout.payment.state},
    CheckoutAction.bank: {Checkout.payment.state},
}


async def _confirm(
    query: CallbackQuery, callback_data: CheckoutCb, state: FSMContext, uow: UnitOfWork, bot: Bot
) -> None:
    user_id = query.from_user.id
    message = _chat_message(query)
    data = await state.get_data()
    key = f"{user_id}:{callback_data.token}"
    current_review = (
        await state.get_state() == Checkout.review.state
        and data.get("token") == callback_data.token
    )
    if not current_review:
        # A second tap, or an update delivered twice: the orders exist already, or never will.
        existing = await order_service.find_checkout(uow, user_id=user_id, key=key)
        if existing is not None:
            await query.answer(_("This order has already been placed."))
        else:
            await query.answer(
                _("This summary is out of date. Open the cart to order."), show_alert=True
            )
        return
    details = DeliveryDetails(
        recipient_name=data["name"],
        phone=data["phone"],
        province=data["province"],
        ward=data["ward"],
        street=data["street"],
        note=data.get("note", ""),
    )
    try:
        placed = await order_service.place_order(
            uow,
            user_id=user_id,
            details=details,
            payment=PaymentMethod(data["payment"]),
            idempotency_key=key,
            locale=language(),
            reviewed=data.get("reviewed", ""),
            source=await link_service.order_source(uow, user_id=user_id),
        )
    except CartChanged:
        await _review_again(query, message, state, uow)
        return
    except ItemsUnavailable as err:
        await _tell_shortages(query, message, state, err)
        return
    except (EmptyCart, NotAllowed):
        await query.answer(_("Your cart is empty."), show_alert=True)
        await state.set_state(None)
        return
    await query.answer(_("Thank you! Your order is placed."))
    if message is not None:
        await message.edit_reply_markup(reply_markup=None)
        await _leave(message, state, placed_text(placed))
        if placed.orders and placed.orders[0].payment_method == PaymentMethod.bank_transfer:
            await send_transfer_codes(bot, message.chat.id, placed.orders)


async def _review_again(
    query: CallbackQuery, message: Message | None, state: FSMContext, uow: UnitOfWork
) -> None:
    """The cart or a price changed after the summary was shown: show it again."""
    await query.answer(
        _("Your cart or a price has changed: please check the order again."), show_alert=True
    )
    if message is not None:
        data = await state.update_data(token=secrets.token_hex(8))
        await message.edit_reply_markup(reply_markup=None)
        await ask_review(message, data, uow)
        await state.update_data(reviewed=data["reviewed"])


async def _tell_shortages(
    query: CallbackQuery, message: Message | None, state: FSMContext, err: ItemsUnavailable
) -> None:
    await query.answer()
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
    if message is not None:
        await message.edit_reply_markup(reply_markup=None)
        await _leave(message, state, "\n".join(lines))


def placed_text(placed: PlacedCheckout) -> str:
    lang = language()
    lines = [_("✅ <b>Thank you! Your order is placed.</b>")]
    for order in placed.orders:
        lines.append(f"📦 {order.number} — {esc(order.producer_name(lang))}: {money(order.total)}")
    if len(placed.orders) > 1:
        lines.append(_("<b>Total: {amount}</b>").format(amount=money(placed.total)))
    lines.append("")
    lines.append(_("Each producer will confirm their order here. Follow it in “My orders”."))
    return "\n".join(lines)


def transfer_purpose(order: OrderView) -> str:
    return f"OCOP {order.number}"


async def send_transfer_codes(bot: Bot, chat_id: int, orders: tuple[OrderView, ...]) -> None:
    """One VietQR code per producer: each is paid to its own account."""
    for order in orders:
        if not (order.bank_bin and order.bank_account):
            continue
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
        await bot.send_photo(
            chat_id,
            BufferedInputFile(render_qr_png(payload), filename=f"vietqr-{order.number}.png"),
            caption=caption,
        )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    # In any state: after leaving the checkout by a command its keyboard may still be shown.
    router.message.register(on_cancel_text, LabelPressed(CANCEL))
    router.message.register(process_name, Checkout.name, F.text)
    router.message.register(process_phone, Checkout.phone, F.contact | F.text)
    router.message.register(process_province_text, Checkout.province, F.text)
    router.message.register(process_ward, Checkout.ward, F.text)
    router.callback_query.register(on_ward_button, WardCb.filter())
    router.message.register(process_street, Checkout.street, F.location | F.text)
    router.message.register(process_note, Checkout.note, F.text)
    router.message.register(on_unexpected_input, StateFilter(Checkout))
    router.callback_query.register(on_checkout_button, CheckoutCb.filter())
    return router
