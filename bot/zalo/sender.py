"""Delivering the Zalo outbox: order alerts, status changes and answers to producers' staff.

Like the Telegram sender (bot/outbox/), through the same services (catalog.services.delivery):
rows are claimed with a lease (a crash means "sent again", never "lost"), sent within Zalo's
limits and marked sent. Zalo counts messages per month (3,000 on the free plan): each part of
a long message is one, counted in ``zalo_usage``. Answers to people stop before the month's
reserve, which is kept for order news; when the reserve is reached, new-order alerts go out as
one digest per person and the admins are warned; when none are left, alerts wait for the next
month.
"""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from aiogram.utils.i18n import I18n
from aiolimiter import AsyncLimiter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.config import OutboxSettings, ZaloSettings
from bot.outbox.rounds import Rounds, settle_all
from bot.worker import Worker
from bot.zalo import texts
from bot.zalo.client import ZaloClient, ZaloError, ZaloNetworkError
from catalog import logcontext
from catalog.models import OrderStatus, ZaloOutboxMessage, utcnow
from catalog.outbox import OutboxKind, OutboxSignal
from catalog.services import delivery, zalo_staff, zalo_usage
from catalog.services.delivery import Claimed
from catalog.services.orders import OrderView
from catalog.services.recipients import zalo_recipients
from handlers import payment_notices

log = logging.getLogger(__name__)


@dataclass
class Outgoing:
    """One Zalo message (in parts when long) and the rows it settles."""

    rows: list[Claimed]
    parts: list[str]
    start: int = 0  # parts already sent before a crash or a retry


# Why an answer was not sent.
RESERVE_KEPT = "not sent: the rest of the month's messages are kept for order alerts"


def within_reserve(messages: list[Outgoing], room: int) -> tuple[list[Outgoing], list[int]]:
    """The messages that may go, and the rows of the answers that may not: answers to people
    (help, refusals, lists) take only the ``room`` left above the month's reserve, which is
    kept for order news (alerts, changes, an order moved as asked)."""
    kept, left_out = [], []
    for message in messages:
        if all(
            row.kind == OutboxKind.zalo_reply and not row.payload.get("order_news")
            for row in message.rows
        ):
            needed = len(message.parts) - message.start
            if needed > room:
                left_out += [row.id for row in message.rows]
                continue
            room -= needed
        kept.append(message)
    return kept, left_out


class ZaloSender(Worker):
    def __init__(
        self,
        client: ZaloClient,
        session_factory: async_sessionmaker[AsyncSession],
        i18n: I18n,
        settings: ZaloSettings,
        outbox_settings: OutboxSettings,
        signal: OutboxSignal,
    ) -> None:
        super().__init__(session_factory, i18n, signal)
        self.client = client
        self.settings = settings
        self.outbox_settings = outbox_settings
        self._pace = AsyncLimiter(1, 1 / settings.messages_per_second)
        self._rounds = Rounds("zalo-sender", signal, outbox_settings.poll_seconds)

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        self._rounds.start(self.deliver_due)

    async def stop(self) -> None:
        await self._rounds.stop()

    # -- one round --------------------------------------------------------------------------

    async def deliver_due(self) -> int:
        await delivery.fan_out_to_zalo_staff(self._uow())
        now = utcnow()
        rows = await delivery.claim(
            self._uow(),
            ZaloOutboxMessage,
            now=now,
            lease_seconds=self.outbox_settings.lease_seconds,
        )
        if not rows:
            return 0
        reserve = self.settings.quota_reserve
        left = await zalo_usage.messages_left(
            self._uow(), self.settings.monthly_quota, reserve, now
        )
        messages, left_out = within_reserve(
            await self._render(rows, digest=left <= reserve), left - reserve
        )
        if left_out:
            await delivery.fail(self._uow(), ZaloOutboxMessage, left_out, RESERVE_KEPT)
            metrics.outbox_settled("zalo", "failed", len(left_out))
        if left <= 0:
            # The month's quota is spent: everything waits for the next month.
            waiting = [row.id for message in messages for row in message.rows]
            await delivery.postpone(
                self._uow(), ZaloOutboxMessage, waiting, zalo_usage.next_month_start(now)
            )
            metrics.outbox_settled("zalo", "postponed", len(waiting))
            return len(left_out)
        by_chat: dict[str, list[Outgoing]] = defaultdict(list)
        for message in messages:
            by_chat[message.rows[0].zalo_id or ""].append(message)
        return await settle_all(
            "zalo outbox", (self._deliver(chat_id, queue) for chat_id, queue in by_chat.items())
        )

    # -- rendering --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locale(self, language: str) -> Iterator[None]:
        with self.i18n.context(), self.i18n.use_locale(language):
            yield

    async def _render(self, rows: list[Claimed], *, digest: bool) -> list[Outgoing]:
        about = await zalo_recipients(self._uow(), rows)
        orders, languages = about.orders, about.languages
        messages: list[Outgoing] = []
        digests: dict[str, list[tuple[Claimed, OrderView]]] = defaultdict(list)
        for row in rows:
            zalo_id = row.zalo_id or ""
            order = orders.get(row.payload.get("order_id", -1))
            if row.kind == OutboxKind.order_alert:
                if order is None or order.status != OrderStatus.new:
                    # Gone, or moved on before its alert went out: nothing to say (the staff
                    # are told of each change, and "don" lists what is open).
                    messages.append(Outgoing([row], []))
                    continue
                if digest:
                    digests[zalo_id].append((row, order))
                    continue
            with self._locale(languages.get(zalo_id, self.i18n.default_locale)):
                text = self._text(row, order)
            messages.append(Outgoing([row], texts.split_message(text), row.parts_sent))
        for zalo_id, items in digests.items():
            with self._locale(languages.get(zalo_id, self.i18n.default_locale)):
                if len(items) == 1:
                    text = texts.alert_text(items[0][1])
                else:
                    text = texts.digest_text([order for _, order in items])
            messages.append(Outgoing([row for row, _ in items], texts.split_message(text)))
        return messages

    def _text(  # noqa: PLR0911 - one return per kind of row
        self, row: Claimed, order: OrderView | None
    ) -> str:
        payload = row.payload
        if row.kind == OutboxKind.zalo_reply:
            return str(payload.get("text", ""))
        if row.kind == OutboxKind.transfer_unmatched:
            return texts.plain(payment_notices.transfer_unmatched_text(payload))
        if order is None:
            return ""  # the order is gone: nothing to say
        if row.kind == OutboxKind.order_alert:
            return texts.alert_text(order)
        if row.kind == OutboxKind.order_cancelled:
            return texts.customer_cancelled_text(order)
        if row.kind == OutboxKind.payment_alert:
            text = texts.plain(payment_notices.payment_alert_text(order, payload))
            hint = texts.commands_hint(order)
            return f"{text}\n{hint}" if hint else text
        if row.kind == OutboxKind.status_changed:
            return texts.status_changed_text(
                order,
                OrderStatus(payload["status"]),
                str(payload.get("actor", "")),
                str(payload.get("reason", "")),
                on_zalo=payload.get("zalo_actor") is not None,
            )
        raise ValueError(f"no way to deliver a {row.kind!r} row to Zalo")

    # -- sending ----------------------------------------------------------------------------

    async def _deliver(self, chat_id: str, queue: list[Outgoing]) -> int:
        with logcontext.about(channel="zalo", person=chat_id, chat=chat_id):
            return await self._deliver_in_turn(chat_id, queue)

    async def _deliver_in_turn(self, chat_id: str, queue: list[Outgoing]) -> int:
        settled = 0
        for position, message in enumerate(queue):
            for number in range(message.start, len(message.parts)):
                await self._pace.acquire()
                try:
                    await self.client.send_message(chat_id, message.parts[number])
                except (ZaloNetworkError, ZaloError) as err:
                    if isinstance(err, ZaloError) and not err.retryable:
                        await self._give_up(chat_id, message, err)
                        break
                    await self._retry_later(
                        [row for later in queue[position:] for row in later.rows], str(err)
                    )
                    return settled
                await self._part_sent(message, number + 1)
            else:
                await self._mark_sent(message.rows)
            settled += len(message.rows)
        return settled

    async def _part_sent(self, message: Outgoing, parts_sent: int) -> None:
        row_id = message.rows[0].id if len(message.rows) == 1 else None
        await zalo_usage.part_sent(self._uow(), row_id, parts_sent)

    async def _mark_sent(self, rows: list[Claimed]) -> None:
        await delivery.mark_sent(self._uow(), ZaloOutboxMessage, [row.id for row in rows])
        metrics.outbox_settled("zalo", "sent", len(rows))

    async def _retry_later(self, rows: list[Claimed], error: str) -> None:
        log.warning("zalo: %s; retrying later", error)
        await delivery.retry_later(self._uow(), ZaloOutboxMessage, [row.id for row in rows], error)
        metrics.outbox_settled("zalo", "retried", len(rows))

    async def _give_up(self, chat_id: str, message: Outgoing, err: ZaloError) -> None:
        log.error("zalo chat %s: %s; not retrying", chat_id, err)
        gone = err.code == 403 or "chat not found" in err.description
        tell = None
        if not gone and any(row.kind != OutboxKind.zalo_reply for row in message.rows):
            tell = (f"Zalo {chat_id}", err.description)
        rows = [row.id for row in message.rows]
        await delivery.fail(self._uow(), ZaloOutboxMessage, rows, str(err), tell_admins=tell)
        metrics.outbox_settled("zalo", "failed", len(rows))
        if gone:
            # The person left the chat or blocked the bot: stop sending them orders, and
            # warn the admins.
            await zalo_staff.unlink_zalo(
                self._uow(), zalo_id=chat_id, unreachable=err.description or str(err.code)
            )
