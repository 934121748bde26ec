"""Telegram events in, service calls out: the storefront's adapter (customers) and one router
per area of the staff's tools."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin,
    customers,
    fallback,
    inline,
    managers,
    payments,
    posts,
    printing,
    producer,
    product_wizard,
    spreadsheets,
    staff,
    staff_orders,
    zalo_staff,
)


def create_routers() -> list[Router]:
    """Fresh routers, in the order they must be tried."""
    return [
        # Group chats first: their /orders and /language mean the producer's, not a customer's.
        producer.create_router(),
        # Inline queries, and swallowing what people send through them before free text.
        inline.create_router(),
        # Staff get the shop's orders from /orders; everyone else their own (the storefront).
        staff_orders.create_router(),
        # The storefront's commands, menu and buttons work in every state, so they come
        # before the staff's tools and the conversation steps that take free text.
        customers.create_router(),
        staff.create_router(),
        managers.create_router(),
        payments.create_router(),
        printing.create_router(),
        posts.create_router(),
        product_wizard.create_router(),
        spreadsheets.create_router(),
        admin.create_router(),
        zalo_staff.create_router(),
        # The checkout's answers, a search typed at the main menu, anything not understood.
        customers.create_answers_router(),
        # Last: it answers whatever the routers above did not take.
        fallback.create_router(),
    ]
