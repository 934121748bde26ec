"""Delivering the Zalo outbox: order alerts, status changes and answers to producers' staff.

Like the Telegram sender (bot/outbox.py): rows are claimed with a lease (a crash means "sent
again", never "lost"), sent within Zalo's limits and marked sent. Zalo counts messages per
month (3,000 on the free plan): each part of a long message is one, counted in ``zalo_usage``;
when the month's reserve is reached, new-order alerts go out as one digest per person and the
admins are told; when none are left, messages wait for the next month.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram.utils.i18n import I18n
from aiolimiter import AsyncLimiter
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import OutboxSettings, ZaloSettings
from bot.zalo import quota, texts
from bot.zalo.client import ZaloClient, ZaloError, ZaloNetworkError
from catalog import outbox
from catalog.models import (
    Order,
    OrderStatus,
    OutboxStatus,
    ZaloOutboxMessage,
    ZaloStaff,
    utcnow,
)
from catalog.outbox import AdminEvent, OutboxKind, OutboxSignal, claim_leased
from catalog.services.orders import EVERYTHING, OrderView, order_view

log = logging.getLogger(__name__)

BATCH = 200
MAX_BACKOFF = 300.0


@dataclass
class Outgoing:
    """One Zalo message (in parts when long) and the rows it settles."""

    rows: list[ZaloOutboxMessage]
    parts: list[str]
    start: int = 0  # parts already sent before a crash or a retry


class ZaloSender:
    def __init__(
        self,
        client: ZaloClient,
        session_factory: async_sessionmaker[AsyncSession],
        i18n: I18n,
        settings: ZaloSettings,
        outbox_settings: OutboxSettings,
        signal: OutboxSignal,
    ) -> None:
        self.client = client
        self.session_factory = session_factory
        self.i18n = i18n
        self.settings = settings
        self.outbox_settings = outbox_settings
        self.signal = signal
        self._pace = AsyncLimiter(1, 1 / settings.messages_per_second)
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="zalo-sender")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stopping = True
        self.signal.notify()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=5)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def run(self) -> None:
        while not self._stopping:
            try:
                delivered = await self.deliver_due()
            except Exception:
                log.exception("zalo outbox round failed")
                delivered = 0
            if not delivered and not self._stopping:
                await self.signal.wait(self.outbox_settings.poll_seconds)

    # -- one round --------------------------------------------------------------------------

    async def deliver_due(self) -> int:
        await self._fan_out()
        now = utcnow()
        rows = await self._claim(now)
        if not rows:
            return 0
        left, warned = await quota.messages_left(
            self.session_factory, self.settings.monthly_quota, self.settings.quota_reserve, now
        )
        if warned:
            self.signal.notify()
        if left <= 0:
            # The month's quota is spent: everything waits for the next month.
            await self._postpone(rows, quota.next_month_start(now))
            return 0
        messages = await self._render(rows, digest=left <= self.settings.quota_reserve)
        by_chat: dict[str, list[Outgoing]] = defaultdict(list)
        for message in messages:
            by_chat[message.rows[0].zalo_id or ""].append(message)
        results = await asyncio.gather(
            *(self._deliver(chat_id, queue) for chat_id, queue in by_chat.items()),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                log.error("zalo delivery failed", exc_info=result)
        return sum(result for result in results if isinstance(result, int))

    async def _fan_out(self) -> None:
        """A producer's row becomes one row per linked staff member (the one who acted
        on Zalo is answered directly and skipped); with nobody linked it is settled."""
        async with self.session_factory() as session:
            shared = list(
                await session.scalars(
                    select(ZaloOutboxMessage).where(
                        ZaloOutboxMessage.status == OutboxStatus.pending,
                        ZaloOutboxMessage.zalo_id.is_(None),
                    )
                )
            )
            if not shared:
                return
            staff: dict[int, list[str]] = defaultdict(list)
            for zalo_id, producer_id in await session.execute(
                select(ZaloStaff.zalo_id, ZaloStaff.producer_id).where(
                    ZaloStaff.producer_id.in_({row.producer_id for row in shared})
                )
            ):
                staff[producer_id].append(zalo_id)
            for row in shared:
                # Settled with a condition: another process fanning out the same row wins
                # or loses whole, so nobody gets a message twice.
                taken = await session.execute(
                    update(ZaloOutboxMessage)
                    .where(
                        ZaloOutboxMessage.id == row.id,
                        ZaloOutboxMessage.status == OutboxStatus.pending,
                    )
                    .values(status=OutboxStatus.sent, sent_at=utcnow())
                )
                if taken.rowcount != 1:  # type: ignore[attr-defined]
                    continue
                for zalo_id in staff.get(row.producer_id or -1, []):
                    if zalo_id != row.payload.get("zalo_actor"):
                        session.add(
                            ZaloOutboxMessage(
                                kind=row.kind,
                                zalo_id=zalo_id,
                                producer_id=row.producer_id,
                                payload=row.payload,
                                next_attempt_at=row.next_attempt_at,
                            )
                        )
            await session.commit()

    async def _claim(self, now: datetime) -> list[ZaloOutboxMessage]:
        async with self.session_factory() as session:
            ids = list(
                await session.scalars(
                    select(ZaloOutboxMessage.id)
                    .where(
                        ZaloOutboxMessage.status == OutboxStatus.pending,
                        ZaloOutboxMessage.zalo_id.is_not(None),
                        ZaloOutboxMessage.next_attempt_at <= now,
                    )
                    .order_by(ZaloOutboxMessage.id)
                    .limit(BATCH)
                )
            )
            if not ids:
                return []
            return await claim_leased(
                session, ZaloOutboxMessage, ids, now, self.outbox_settings.lease_seconds
            )

    # -- rendering --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locale(self, language: str) -> Iterator[None]:
        with self.i18n.context(), self.i18n.use_locale(language):
            yield

    async def _render(self, rows: list[ZaloOutboxMessage], *, digest: bool) -> list[Outgoing]:
        order_ids = {row.payload["order_id"] for row in rows if "order_id" in row.payload}
        async with self.session_factory() as session:
            orders = {
                order.id: order_view(order)
                for order in await session.scalars(
                    select(Order).where(Order.id.in_(order_ids)).options(*EVERYTHING)
                )
            }
            languages: dict[str, str] = {
                zalo_id: language
                for zalo_id, language in await session.execute(
                    select(ZaloStaff.zalo_id, ZaloStaff.language).where(
                        ZaloStaff.zalo_id.in_({row.zalo_id for row in rows})
                    )
                )
            }
        messages: list[Outgoing] = []
        digests: dict[str, list[tuple[ZaloOutboxMessage, OrderView]]] = defaultdict(list)
        for row in rows:
            zalo_id = row.zalo_id or ""
            order = orders.get(row.payload.get("order_id", -1))
            if digest and row.kind == OutboxKind.order_alert and order is not None:
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

    def _text(self, row: ZaloOutboxMessage, order: OrderView | None) -> str:
        payload = row.payload
        if row.kind == OutboxKind.zalo_reply:
            return str(payload.get("text", ""))
        if order is None:
            return ""  # the order is gone: nothing to say
        if row.kind == OutboxKind.order_alert:
            return texts.alert_text(order)
        if row.kind == OutboxKind.order_cancelled:
            return texts.customer_cancelled_text(order)
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
        for attempt in range(2):
            async with self.session_factory() as session:
                if len(message.rows) == 1:
                    await session.execute(
                        update(ZaloOutboxMessage)
                        .where(ZaloOutboxMessage.id == message.rows[0].id)
                        .values(parts_sent=parts_sent)
                    )
                await quota.count_sent(session)
                try:
                    await session.commit()
                    return
                except IntegrityError:
                    # Another process counted the month's first message at the same moment.
                    if attempt:
                        raise

    async def _mark_sent(self, rows: list[ZaloOutboxMessage]) -> None:
        async with self.session_factory() as session:
            await session.execute(
                update(ZaloOutboxMessage)
                .where(ZaloOutboxMessage.id.in_([row.id for row in rows]))
                .values(status=OutboxStatus.sent, sent_at=utcnow())
            )
            await session.commit()

    async def _postpone(self, rows: list[ZaloOutboxMessage], until: datetime) -> None:
        async with self.session_factory() as session:
            await session.execute(
                update(ZaloOutboxMessage)
                .where(ZaloOutboxMessage.id.in_([row.id for row in rows]))
                .values(next_attempt_at=until)
            )
            await session.commit()

    async def _retry_later(self, rows: list[ZaloOutboxMessage], error: str) -> None:
        log.warning("zalo: %s; retrying later", error)
        async with self.session_factory() as session:
            for row in await session.scalars(
                select(ZaloOutboxMessage).where(
                    ZaloOutboxMessage.id.in_([row.id for row in rows]),
                    ZaloOutboxMessage.status == OutboxStatus.pending,
                )
            ):
                row.attempts += 1
                row.last_error = error[:500]
                delay = min(2.0**row.attempts, MAX_BACKOFF)
                row.next_attempt_at = utcnow() + timedelta(seconds=delay)
            await session.commit()

    async def _give_up(self, chat_id: str, message: Outgoing, err: ZaloError) -> None:
        log.error("zalo chat %s: %s; not retrying", chat_id, err)
        async with self.session_factory() as session:
            await session.execute(
                update(ZaloOutboxMessage)
                .where(ZaloOutboxMessage.id.in_([row.id for row in message.rows]))
                .values(status=OutboxStatus.failed, last_error=str(err)[:500])
            )
            if err.code == 403 or "chat not found" in err.description:
                # The person left the chat or blocked the bot: stop sending them orders.
                await session.execute(delete(ZaloStaff).where(ZaloStaff.zalo_id == chat_id))
            if any(row.kind != OutboxKind.zalo_reply for row in message.rows):
                outbox.to_admins(
                    session,
                    AdminEvent.delivery_failed,
                    target=f"Zalo {chat_id}",
                    error=err.description[:200],
                )
            await session.commit()
        self.signal.notify()
