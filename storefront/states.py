"""Where a customer is in a conversation, kept across restarts (and across workers).

The names are those the conversation state was stored under before the storefront was
channel-free (``Group:step``), so a customer half-way through a checkout during a deploy
keeps their place.
"""

from __future__ import annotations

SEARCH_QUERY = "Search:query"


class Checkout:
    saved = "Checkout:saved"
    name = "Checkout:name"
    phone = "Checkout:phone"
    province = "Checkout:province"
    ward = "Checkout:ward"
    street = "Checkout:street"
    note = "Checkout:note"
    payment = "Checkout:payment"
    review = "Checkout:review"

    ALL = (saved, name, phone, province, ward, street, note, payment, review)
