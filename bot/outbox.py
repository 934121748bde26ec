"""Delivering the outbox: order alerts to producers' groups, notices to customers and admins.

Rows are claimed with a lease (so a crash means "sent again later", never "lost"), sent within
Telegram's limits, and marked sent. A 429 is honoured with its retry_after; network errors and
5xx back off; a 403 or "chat not found" stops retrying and tells the admins. When a group has
more alerts waiting than its per-minute budget allows, they go out as one digest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import OutboxSettings
from bot.sending import SendingBudget
from catalog.models import (
    Order,
    OutboxMessage,
    OutboxStatus,
    Producer,
    User,
    ZaloStaff,
    utcnow,
)
from catalog.outbox import AdminEvent, OutboxKind, OutboxSignal, claim_leased
from catalog.services.fulfilment import move_group
from catalog.services.orders import EVERYTHING, OrderView, order_view
from catalog.services.users import preferred_language
from handlers import notifications
from handlers.format import esc

log = logging.getLogger(__name__)

BATCH = 200
MAX_BACKOFF = 300.0
# Slots of a group's per-minute budget kept for digests (and replies) once alerts pile up.
DIGEST_RESERVE = 5


@dataclass
class Outgoing:
    """One message to send, and the outbox rows it settles."""

    chat_id: int
    text: str
    rows: list[int]
    keyboard: InlineKeyboardMarkup | None = None
    alert_for: int | None = None  # the order whose alert this is
    edit_alert: tuple[int, int, str] | None = None  # (chat, message, text) to update too


@dataclass
class Destination:
    chat_id: int
    is_group: bool
    messages: list[Outgoing] = field(default_factory=list)


class DeliveryStopped(Exception):
    """A destination must not be tried again in this round."""


class OutboxSender:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        i18n: I18n,
        admin_ids: Sequence[int],
        settings: OutboxSettings,
        signal: OutboxSignal,
        budget: SendingBudget,
    ) -> None:
        self.session_factory = session_factory
        self.i18n = i18n
        self.admin_ids = tuple(admin_ids)
        self.settings = settings
        self.signal = signal
        # Shared with every other request the bot makes (bot.sending).
        self.budget = budget
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self, bot: Bot) -> None:
        self._stopping = False  # an elected sender may stop and start again
        self._task = asyncio.create_task(self.run(bot), name="outbox-sender")

    async def stop(self) -> None:
        """Finish the round under way (cancelling it mid-query would upset the database
        driver), then stop; a round that hangs is cancelled after a few seconds."""
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

    async def run(self, bot: Bot) -> None:
        while not self._stopping:
            try:
                delivered = await self.deliver_due(bot)
            except Exception:
                # A bug in one round must not stop deliveries for good.
                log.exception("outbox round failed")
                delivered = 0
            if not delivered and not self._stopping:
                await self.signal.wait(self.settings.poll_seconds)

    # -- one round --------------------------------------------------------------------------

    async def deliver_due(self, bot: Bot) -> int:
        """Send what is due now; returns how many outbox rows were settled."""
        now = utcnow()
        await self._warn_about_unlinked_producers()
        await self._fan_out_admin_notices()
        rows = await self._claim(now)
        if not rows:
            return 0
        destinations = await self._render(rows)
        results = await asyncio.gather(
            *(self._deliver(bot, destination) for destination in destinations),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                log.error("outbox delivery failed", exc_info=result)
        return sum(result for result in results if isinstance(result, int))

    async def _claim(self, now: datetime) -> list[OutboxMessage]:
        async with self.session_factory() as session:
            due = select(OutboxMessage.id).outerjoin(
                Producer, Producer.id == OutboxMessage.producer_id
            )
            due = due.where(
                OutboxMessage.status == OutboxStatus.pending,
                OutboxMessage.next_attempt_at <= now,
                # Alerts for a producer without a group wait until one is linked.
                or_(OutboxMessage.producer_id.is_(None), Producer.group_chat_id.is_not(None)),
            )
            ids = list(await session.scalars(due.order_by(OutboxMessage.id).limit(BATCH)))
            if not ids:
                return []
            return await claim_leased(
                session, OutboxMessage, ids, now, self.settings.lease_seconds
            )

    async def _fan_out_admin_notices(self) -> None:
        """One row per admin, so that each admin's delivery succeeds or retries on its own."""
        async with self.session_factory() as session:
            shared = list(
                await session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.kind == OutboxKind.admin_notice,
                        OutboxMessage.status == OutboxStatus.pending,
                        OutboxMessage.user_id.is_(None),
                    )
                )
            )
            if not shared:
                return
            for row in shared:
                for admin_id in self.admin_ids:
                    session.add(
                        OutboxMessage(
                            kind=row.kind,
                            user_id=admin_id,
                            payload=row.payload,
                            next_attempt_at=row.next_attempt_at,
                        )
                    )
                row.status = OutboxStatus.sent
                row.sent_at = utcnow()
            await session.commit()

    async def _warn_about_unlinked_producers(self) -> None:
        async with self.session_factory() as session:
            waiting = list(
                await session.scalars(
                    select(Producer.id)
                    .join(OutboxMessage, OutboxMessage.producer_id == Producer.id)
                    .where(
                        OutboxMessage.status == OutboxStatus.pending,
                        Producer.group_chat_id.is_(None),
                        Producer.unlinked_warning_sent.is_(False),
                        # A producer whose staff get the orders on Zalo is not waiting.
                        ~exists().where(ZaloStaff.producer_id == Producer.id),
                    )
                    .distinct()
                )
            )
            if not waiting:
                return
            for producer_id in waiting:
                session.add(
                    OutboxMessage(
                        kind=OutboxKind.admin_notice,
                        payload={"event": AdminEvent.orders_waiting, "producer_id": producer_id},
                    )
                )
            await session.execute(
                update(Producer).where(Producer.id.in_(waiting)).values(unlinked_warning_sent=True)
            )
            await session.commit()

    # -- rendering --------------------------------------------------------------------------

    async def _render(self, rows: list[OutboxMessage]) -> list[Destination]:
        order_ids = {row.payload["order_id"] for row in rows if "order_id" in row.payload}
        producer_ids = {row.producer_id for row in rows if row.producer_id} | {
            row.payload["producer_id"] for row in rows if "producer_id" in row.payload
        }
        async with self.session_factory() as session:
            orders = {
                order.id: order_view(order)
                for order in await session.scalars(
                    select(Order).where(Order.id.in_(order_ids)).options(*EVERYTHING)
                )
            }
            alerts: dict[int, tuple[int, int]] = {
                order_id: (chat_id, message_id)
                for order_id, chat_id, message_id in await session.execute(
                    select(Order.id, Order.alert_chat_id, Order.alert_message_id).where(
                        Order.id.in_(order_ids), Order.alert_message_id.is_not(None)
                    )
                )
                if chat_id is not None and message_id is not None
            }
            producers = {
                producer.id: producer
                for producer in await session.scalars(
                    select(Producer).where(Producer.id.in_(producer_ids))
                )
            }
            people = {row.user_id for row in rows if row.user_id} | set(self.admin_ids)
            default = self.i18n.default_locale
            languages: dict[int, str] = {
                user_id: preferred_language(chosen, telegram, default)
                for user_id, chosen, telegram in await session.execute(
                    select(User.id, User.language, User.telegram_language).where(
                        User.id.in_(people)
                    )
                )
                if chosen or telegram
            }

        destinations: dict[int, Destination] = {}

        def destination(chat_id: int, *, is_group: bool) -> Destination:
            if chat_id not in destinations:
                destinations[chat_id] = Destination(chat_id, is_group)
            return destinations[chat_id]

        group_alerts: dict[int, list[tuple[OutboxMessage, OrderView]]] = defaultdict(list)
        unrenderable: list[int] = []
        for row in rows:
            try:
                self._route(row, orders, alerts, producers, languages, destination, group_alerts)
            except Exception:
                # One row that cannot be rendered must not hold up all the others.
                log.exception("outbox row %s cannot be rendered", row.id)
                unrenderable.append(row.id)
        if unrenderable:
            await self._mark_failed(unrenderable, "cannot be rendered")
        for chat_id, items in group_alerts.items():
            language = producers[items[0][0].producer_id or -1].group_language
            with self._locale(language):
                destination(chat_id, is_group=True).messages.extend(
                    self._alert_messages(chat_id, items)
                )
        return list(destinations.values())

    def _route(
        self,
        row: OutboxMessage,
        orders: dict[int, OrderView],
        alerts: dict[int, tuple[int, int]],
        producers: dict[int, Producer],
        languages: dict[int, str],
        destination: Callable[..., Destination],
        group_alerts: dict[int, list[tuple[OutboxMessage, OrderView]]],
    ) -> None:
        """Render one row and put it on its way (group alerts are gathered for digests)."""
        order = orders.get(row.payload.get("order_id", -1))
        if row.kind == OutboxKind.admin_notice:
            admin_id = row.user_id or 0
            with self._locale(languages.get(admin_id, self.i18n.default_locale)):
                text = self._admin_text(row, producers)
            destination(admin_id, is_group=False).messages.append(
                Outgoing(admin_id, text, [row.id])
            )
            return
        if order is None:
            destination(0, is_group=False).messages.append(Outgoing(0, "", [row.id]))
            return
        if row.kind == OutboxKind.status_notice and row.user_id is not None:
            with self._locale(languages.get(row.user_id, order.locale)):
                text = notifications.status_notice_text(
                    order, type(order.status)(row.payload["status"]), row.payload["reason"]
                )
            destination(row.user_id, is_group=False).messages.append(
                Outgoing(row.user_id, text, [row.id])
            )
            return
        producer = producers.get(row.producer_id or -1)
        if producer is None or producer.group_chat_id is None:
            return  # unlinked since it was claimed: it waits for the next group
        if row.kind == OutboxKind.order_alert:
            group_alerts[producer.group_chat_id].append((row, order))
        elif row.kind == OutboxKind.order_cancelled:
            with self._locale(producer.group_language):
                text = notifications.customer_cancelled_text(order)
                alert_text = notifications.order_alert_text(order)
            alert = alerts.get(order.id)
            destination(producer.group_chat_id, is_group=True).messages.append(
                Outgoing(
                    producer.group_chat_id,
                    text,
                    [row.id],
                    edit_alert=(alert[0], alert[1], alert_text) if alert else None,
                )
            )
        elif row.kind == OutboxKind.status_changed:
            destination(producer.group_chat_id, is_group=True).messages.append(
                self._changed_on_zalo(row, order, producer, alerts.get(order.id))
            )
        else:
            raise ValueError(f"no way to deliver a {row.kind!r} row")

    def _changed_on_zalo(
        self,
        row: OutboxMessage,
        order: OrderView,
        producer: Producer,
        alert: tuple[int, int] | None,
    ) -> Outgoing:
        """Staff moved the order along on Zalo: the group gets the card anew (its buttons
        as they are now), and the old card loses its buttons, so nobody acts on it."""
        assert producer.group_chat_id is not None
        with self._locale(producer.group_language):
            old_text = notifications.order_alert_text(order)
            text = _("Changed on Zalo:") + "\n" + old_text + "\n" + notifications.status_footer(
                order.status, str(row.payload.get("actor") or "?"), utcnow(),
                str(row.payload.get("reason", "")),
            )  # fmt: skip
            keyboard = notifications.order_alert_kb(order)
        return Outgoing(
            producer.group_chat_id,
            text,
            [row.id],
            keyboard=keyboard,
            alert_for=order.id,
            edit_alert=(alert[0], alert[1], old_text) if alert else None,
        )

    def _alert_messages(
        self, chat_id: int, items: list[tuple[OutboxMessage, OrderView]]
    ) -> list[Outgoing]:
        remaining = self.budget.group_window(chat_id).remaining()
        if len(items) > 1 and len(items) > remaining - DIGEST_RESERVE:
            # More alerts than this minute's budget: one digest instead of a long queue.
            views = [order for _, order in items]
            texts = notifications.digest_texts(views)
            parts = [Outgoing(chat_id, text, []) for text in texts]
            # The rows are settled, and the buttons shown, with the last part.
            parts[-1].rows = [row.id for row, _ in items]
            parts[-1].keyboard = notifications.digest_kb(views)
            return parts
        return [
            Outgoing(
                chat_id,
                notifications.order_alert_text(order),
                [row.id],
                keyboard=notifications.order_alert_kb(order),
                alert_for=order.id,
            )
            for row, order in items
        ]

    def _admin_text(self, row: OutboxMessage, producers: dict[int, Producer]) -> str:
        payload = row.payload
        producer = producers.get(payload.get("producer_id", -1))
        english = self.i18n.current_locale == "en"
        name = esc((producer.name_en if english else producer.name_vi) if producer else "?")
        event = payload.get("event")
        if event == AdminEvent.group_linked:
            return _(
                "🔗 The group of {producer} is linked: their order alerts go there now."
            ).format(producer=name)
        if event == AdminEvent.group_lost:
            return _(
                "⚠️ The bot was removed from the group of {producer}. Their order alerts "
                "wait until a group is linked again (/linkgroup)."
            ).format(producer=name)
        if event == AdminEvent.zalo_linked:
            return _(
                "🔗 {name} linked their Zalo account: the orders of {producer} go there too."
            ).format(name=esc(str(payload.get("name", ""))), producer=name)
        if event == AdminEvent.zalo_quota_near:
            return _(
                "⚠️ The Zalo bot has sent {used} of its {quota} messages this month. New order "
                "alerts to Zalo now go out as short digests; at the limit they wait for next "
                "month. The Telegram groups are not affected."
            ).format(used=payload.get("used", "?"), quota=payload.get("quota", "?"))
        if event == AdminEvent.orders_waiting:
            return _(
                "⚠️ {producer} has new orders but no linked group: the alerts wait. "
                "Link one with /linkgroup."
            ).format(producer=name)
        return _("⚠️ A message could not be delivered to {target}: {error}").format(
            target=esc(str(payload.get("target", "?"))), error=esc(str(payload.get("error", "")))
        )

    @contextlib.contextmanager
    def _locale(self, language: str) -> Iterator[None]:
        # Rendered outside any update: the locale must be set explicitly.
        with self.i18n.context(), self.i18n.use_locale(language):
            yield

    # -- sending ----------------------------------------------------------------------------

    async def _deliver(self, bot: Bot, destination: Destination) -> int:
        settled = 0
        pending = list(destination.messages)
        while pending:
            message = pending[0]
            if message.chat_id == 0:  # nothing to say (no admins, or the order is gone)
                await self._mark_sent(message.rows)
                settled += len(message.rows)
                pending.pop(0)
                continue
            try:
                await self._send(bot, destination, message)
            except DeliveryStopped:
                return settled
            settled += len(message.rows)
            pending.pop(0)
        return settled

    async def _send(self, bot: Bot, destination: Destination, message: Outgoing) -> None:
        if destination.is_group:
            window = self.budget.group_window(destination.chat_id)
            if not window.remaining():
                # This minute's budget is spent: let alerts gather and go as one digest later,
                # instead of holding them (and their lease) while waiting.
                await self._postpone(destination, window.next_free_in(), quiet=True)
                raise DeliveryStopped
        try:
            sent = await bot.send_message(
                message.chat_id, message.text, reply_markup=message.keyboard
            )
        except TelegramRetryAfter as err:
            await self._postpone(destination, err.retry_after)
            raise DeliveryStopped from err
        except (TelegramNetworkError, TelegramServerError, TimeoutError) as err:
            await self._retry_later(destination, str(err))
            raise DeliveryStopped from err
        except TelegramMigrateToChat as err:
            # The group became a supergroup with a new id: follow it and send again later.
            await self._move_group(destination.chat_id, err.migrate_to_chat_id)
            await self._postpone(destination, 0, quiet=True)
            raise DeliveryStopped from err
        except TelegramAPIError as err:
            await self._give_up(message, destination, err)
            return
        await self._mark_sent(
            message.rows, alert=(message.alert_for, sent.chat.id, sent.message_id)
        )
        if message.edit_alert is not None:
            chat_id, message_id, text = message.edit_alert
            with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
                await bot.edit_message_text(
                    text=text, chat_id=chat_id, message_id=message_id, reply_markup=None
                )

    async def _mark_sent(
        self, row_ids: list[int], alert: tuple[int | None, int, int] | None = None
    ) -> None:
        async with self.session_factory() as session:
            if row_ids:
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(row_ids))
                    .values(status=OutboxStatus.sent, sent_at=utcnow())
                )
            if alert is not None and alert[0] is not None:
                await session.execute(
                    update(Order)
                    .where(Order.id == alert[0])
                    .values(alert_chat_id=alert[1], alert_message_id=alert[2])
                )
            await session.commit()

    async def _mark_failed(self, row_ids: list[int], error: str) -> None:
        async with self.session_factory() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(row_ids))
                .values(status=OutboxStatus.failed, last_error=error)
            )
            await session.commit()

    def _rows_of(self, destination: Destination) -> list[int]:
        return [row for message in destination.messages for row in message.rows]

    async def _postpone(
        self, destination: Destination, seconds: float, *, quiet: bool = False
    ) -> None:
        if not quiet:
            log.warning("chat %s: flood control, waiting %ss", destination.chat_id, seconds)
        async with self.session_factory() as session:
            await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(self._rows_of(destination)),
                    OutboxMessage.status == OutboxStatus.pending,
                )
                .values(next_attempt_at=utcnow() + timedelta(seconds=seconds))
            )
            await session.commit()

    async def _retry_later(self, destination: Destination, error: str) -> None:
        log.warning("chat %s: %s; retrying later", destination.chat_id, error)
        async with self.session_factory() as session:
            rows = list(
                await session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.id.in_(self._rows_of(destination)),
                        OutboxMessage.status == OutboxStatus.pending,
                    )
                )
            )
            for row in rows:
                row.attempts += 1
                row.last_error = error[:500]
                delay = min(2.0**row.attempts, MAX_BACKOFF)
                row.next_attempt_at = utcnow() + timedelta(seconds=delay)
            await session.commit()

    async def _move_group(self, old_chat_id: int, new_chat_id: int) -> None:
        log.warning("group %s is now supergroup %s", old_chat_id, new_chat_id)
        async with self.session_factory() as session:
            await move_group(session, old_chat_id, new_chat_id)
            await session.commit()

    async def _give_up(
        self, message: Outgoing, destination: Destination, err: TelegramAPIError
    ) -> None:
        log.error("chat %s: %s; not retrying", message.chat_id, err.message)
        is_admin_notice = message.chat_id in self.admin_ids and not destination.is_group
        # A customer who blocked the bot is their choice, not something admins must fix.
        blocked_customer = not destination.is_group and isinstance(err, TelegramForbiddenError)
        async with self.session_factory() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(message.rows))
                .values(status=OutboxStatus.failed, last_error=err.message[:500])
            )
            gone = isinstance(err, TelegramForbiddenError) or "chat not found" in err.message
            if destination.is_group and gone:
                # Removed from the group, or the group is gone: unlink it, so alerts wait.
                await session.execute(
                    update(Producer)
                    .where(Producer.group_chat_id == message.chat_id)
                    .values(group_chat_id=None)
                )
            if not (is_admin_notice or blocked_customer):
                session.add(
                    OutboxMessage(
                        kind=OutboxKind.admin_notice,
                        payload={
                            "event": AdminEvent.delivery_failed,
                            "target": message.chat_id,
                            "error": err.message[:200],
                        },
                    )
                )
            await session.commit()
        self.signal.notify()
