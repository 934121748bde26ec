"""Telegram events in, service calls out: one router per conversation area."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin,
    cart,
    catalog,
    checkout,
    deeplinks,
    fallback,
    inline,
    language,
    managers,
    orders,
    printing,
    producer,
    product_wizard,
    spreadsheets,
    staff,
    staff_orders,
    start,
    zalo_staff,
)


def create_routers() -> list[Router]:
    """Fresh routers, in the order they must be tried."""
    return [
        # Commands and main-menu buttons work in every state, so they come before the
        # conversation steps that take free text.
        # Group chats first: their /orders and /language mean the producer's, not a customer's.
        producer.create_router(),
        # A /start with a payload (a QR code, a shared link) before the plain /start; its
        # share button before the catalog's product buttons.
        deeplinks.create_router(),
        # Inline queries, and swallowing what people send through them before free text.
        inline.create_router(),
        start.create_router(),
        language.create_router(),
        catalog.create_router(),
        cart.create_router(),
        # Staff get the shop's orders from /orders; everyone else their own.
        staff_orders.create_router(),
        orders.create_router(),
        staff.create_router(),
        managers.create_router(),
        printing.create_router(),
        product_wizard.create_router(),
        spreadsheets.create_router(),
        admin.create_router(),
        zalo_staff.create_router(),
        checkout.create_router(),
        # Last: it answers whatever the routers above did not take.
        fallback.create_router(),
    ]
