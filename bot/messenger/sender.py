"""Delivering the Messenger outbox: order news to customers who shop on Messenger.

Like the Telegram and Zalo senders, through catalog.services.delivery: rows are claimed with a
lease (a crash means "sent again", never "lost"), sent, and marked sent. Messenger lets a Page
write to a person for 24 hours after their last message, postback or referral:

- inside the window, the news is a normal message (``messaging_type`` UPDATE);
- outside it, it goes as the utility template configured for the customer's language, when
  there is one (``[messenger] utility_templates``; body: {{1}} the order number, {{2}} the
  news); otherwise it waits, and the customer's next message brings it forward
  (catalog.services.messenger.first_time) — the three message tags for purchase updates
  stopped working on 27 April 2026.

Graph's refusals by what they mean: outside the window (10/2018278) as above; a person who
blocked the Page (551) fails the news, one log line; a restricted Page (10/1893063) warns the
admins (bot/messenger/troubles.py) and tries again in an hour; rate limits (4, 613) and
Graph's own failures (1, 2, 5xx) back off and retry. Each settling is counted in the metrics
(queue ``messenger``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.config import MessengerSettings, OutboxSettings
from bot.messenger.drawing import MAX_TEXT, cut, plain
from bot.messenger.graph import (
    GraphClient,
    GraphError,
    GraphNetworkError,
    MessagingType,
    Trouble,
)
from bot.messenger.troubles import Troubles
from bot.outbox.rounds import Rounds, settle_all
from catalog import logcontext
from catalog.models import MessengerOutboxMessage, utcnow
from catalog.outbox import OutboxSignal
from catalog.services import delivery
from catalog.services import messenger as messenger_service
from catalog.services.delivery import Claimed
from catalog.services.messenger import MessengerCustomer, MessengerRecipients
from catalog.services.orders import OrderView
from catalog.uow import UnitOfWork
from locales.translation import use_language
from storefront.notices import CUSTOMER_NEWS, customer_news

log = logging.getLogger(__name__)

TABLE = MessengerOutboxMessage
QUEUE = "messenger"  # the outbox's queue in the metrics (bot/metrics.py OUTBOX_QUEUES)
MAX_PARAMETER = 1024


class _Waits(Exception):
    """Outside the window without a template: the rest waits for the customer's message."""


class MessengerSender:
    def __init__(
        self,
        client: GraphClient,
        session_factory: async_sessionmaker[AsyncSession],
        settings: MessengerSettings,
        outbox_settings: OutboxSettings,
        signal: OutboxSignal,
        troubles: Troubles,
        default_language: str,
    ) -> None:
        self.client = client
        self.session_factory = session_factory
        self.settings = settings
        self.outbox_settings = outbox_settings
        self.troubles = troubles
        self.default_language = default_language
        self._rounds = Rounds("messenger-sender", signal, outbox_settings.poll_seconds)

    def _uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def start(self) -> None:
        self._rounds.start(self.deliver_due)

    async def stop(self) -> None:
        await self._rounds.stop()

    async def deliver_due(self) -> int:
        rows = await delivery.claim(
            self._uow(), TABLE, now=utcnow(), lease_seconds=self.outbox_settings.lease_seconds
        )
        if not rows:
            return 0
        about = await messenger_service.messenger_recipients(self._uow(), rows)
        by_person: dict[int, list[Claimed]] = defaultdict(list)
        for row in rows:
            by_person[row.user_id or 0].append(row)
        return await settle_all(
            "messenger outbox",
            (self._deliver(user_id, queue, about) for user_id, queue in by_person.items()),
        )

    # -- one person's news ----------------------------------------------------------------------

    async def _deliver(self, user_id: int, rows: list[Claimed], about: MessengerRecipients) -> int:
        customer = about.customers.get(user_id)
        if customer is None:
            log.error("messenger outbox: user %s is not a Messenger customer", user_id)
            await delivery.fail(self._uow(), TABLE, [row.id for row in rows], "not on Messenger")
            metrics.outbox_settled(QUEUE, "failed", len(rows))
            return len(rows)
        with logcontext.about(channel="messenger", person=customer.psid, chat=customer.psid):
            return await self._deliver_in_turn(customer, rows, about)

    async def _deliver_in_turn(
        self, customer: MessengerCustomer, rows: list[Claimed], about: MessengerRecipients
    ) -> int:
        language = customer.language or self.default_language
        for position, row in enumerate(rows):
            rest = [later.id for later in rows[position:]]
            order = about.orders.get(row.payload.get("order_id", -1))
            if order is None or row.kind not in CUSTOMER_NEWS:
                await delivery.mark_sent(self._uow(), TABLE, [row.id])  # nothing to say
                continue
            logcontext.note(order=order.number)
            with use_language(language):
                text = plain(customer_news(order, row.kind, row.payload))
            try:
                await self._send(customer, language, order, text)
            except _Waits:
                log.info("messenger: news for %s waits for their next message", customer.psid)
                await messenger_service.wait_for_next_message(self._uow(), rest)
                metrics.outbox_settled(QUEUE, "postponed", len(rest))
                return position
            except (GraphError, GraphNetworkError) as err:
                if not await self._refused(customer, row, rest, err):
                    return position
                continue
            self.troubles.got_through()
            await delivery.mark_sent(self._uow(), TABLE, [row.id])
            metrics.outbox_settled(QUEUE, "sent")
        return len(rows)

    async def _send(
        self, customer: MessengerCustomer, language: str, order: OrderView, text: str
    ) -> None:
        if customer.window_open(utcnow()):
            try:
                await self.client.send(customer.psid, {"text": cut(text, MAX_TEXT)},
                                       MessagingType.update)  # fmt: skip
                return
            except GraphError as err:
                # Meta's clock has the last word on the window.
                if err.trouble != Trouble.outside_window:
                    raise
        template = self.settings.utility_templates.get(language)  # type: ignore[call-overload]
        if not template:
            raise _Waits
        await self.client.send(
            customer.psid, utility_message(template, order.number, text), MessagingType.utility
        )

    async def _refused(
        self,
        customer: MessengerCustomer,
        row: Claimed,
        rest: list[int],
        err: GraphError | GraphNetworkError,
    ) -> bool:
        """Settle what a refusal means; True when the person's next news may still be tried."""
        self.troubles.note(err, customer.psid)
        if isinstance(err, GraphNetworkError) or err.passing:
            await delivery.retry_later(self._uow(), TABLE, rest, str(err))
            metrics.outbox_settled(QUEUE, "retried", len(rest))
            return False
        if err.trouble == Trouble.restricted:
            await delivery.postpone(
                self._uow(), TABLE, rest, utcnow() + messenger_service.RESTRICTED_WAIT
            )
            metrics.outbox_settled(QUEUE, "postponed", len(rest))
            return False
        if err.trouble == Trouble.unavailable:
            await delivery.fail(self._uow(), TABLE, rest, str(err))
            metrics.outbox_settled(QUEUE, "failed", len(rest))
            return False
        await delivery.fail(self._uow(), TABLE, [row.id], str(err))
        metrics.outbox_settled(QUEUE, "failed")
        return True


def utility_message(template: str, number: str, news: str) -> dict[str, Any]:
    """A utility template ``name:language_code`` with the order number and the news."""
    name, code = template.split(":", 1)
    parameters = [
        {"type": "text", "text": number},
        {"type": "text", "text": cut(news, MAX_PARAMETER)},
    ]
    return {
        "template": {
            "name": name,
            "language": {"code": code},
            "components": [{"type": "body", "parameters": parameters}],
        }
    }
