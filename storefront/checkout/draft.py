"""The checkout's draft: what the customer has answered so far, kept in the conversation data.

One typed value under one key (``data["checkout"]``), so other conversations (the search)
keep their own data beside it, and every step reads and writes named, checked fields.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from catalog.models import PaymentMethod
from catalog.services.orders import DeliveryDetails
from storefront.visit import ConversationState

KEY = "checkout"
_DETAILS = {field.name for field in fields(DeliveryDetails)}


class CheckoutDraft(BaseModel):
    """What the customer has answered so far; each step fills in its part."""

    model_config = ConfigDict(frozen=True)

    # Bank transfer is offered only when every producer in the cart has an account.
    bank_ok: bool = True
    # Begun with the four-question checkout (the recipient asked after the address); False
    # for a checkout stored before it, which asked the name and phone first.
    recipient_last: bool = False
    # The delivery details, named as in DeliveryDetails ("name": a checkout begun before).
    recipient_name: str = Field("", validation_alias=AliasChoices("recipient_name", "name"))
    phone: str = ""
    province: str = ""
    ward: str = ""
    street: str = ""
    note: str = ""
    payment: PaymentMethod | None = None
    # The review screen's idempotency token: one confirmation, one set of orders.
    token: str = ""
    # The cart the review showed (its fingerprint): placing the order checks it is unchanged.
    reviewed: str = ""
    # The ward step's open question: its number (an older one has expired), the units it
    # offered as (ward, province), and what the customer typed (None when nothing is asked).
    ward_offer_id: int = 0
    ward_offer: tuple[tuple[str, str], ...] = ()
    ward_typed: str | None = None
    # After the orders are placed, what the customer has been sent so far: the placed-order
    # message, then the VietQR code of each order (its id). A Confirm handled again (Telegram
    # posts an update again when the worker handling it died) sends only the rest.
    told: bool = False
    codes_sent: tuple[int, ...] = ()

    @field_validator("ward_offer", mode="before")
    @classmethod
    def _no_offer(cls, value: Any) -> Any:
        return () if value is None else value

    def details(self) -> DeliveryDetails:
        return DeliveryDetails(**self.model_dump(include=_DETAILS))

    def replace(self, **changes: Any) -> CheckoutDraft:
        """A copy with ``changes``, checked like the fields they replace."""
        return CheckoutDraft.model_validate(self.model_dump() | changes)


async def load_draft(state: ConversationState) -> CheckoutDraft:
    data = await state.get_data()
    # A checkout begun before the draft had its own key kept its fields at the top level.
    return CheckoutDraft.model_validate(data.get(KEY, data))


async def save_draft(state: ConversationState, draft: CheckoutDraft) -> CheckoutDraft:
    await state.update_data({KEY: draft.model_dump(mode="json")})
    return draft


async def change_draft(state: ConversationState, **changes: Any) -> CheckoutDraft:
    return await save_draft(state, (await load_draft(state)).replace(**changes))


async def drop_draft(state: ConversationState) -> None:
    """Leave the checkout: its state and draft go, the other conversations' data stays."""
    data = await state.get_data()
    for key in (KEY, "name", *CheckoutDraft.model_fields):
        data.pop(key, None)
    await state.set_state(None)
    await state.set_data(data)
