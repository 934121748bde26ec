"""The Telegram sender: a loop that claims due outbox rows, renders them and sends them.

Rows are claimed with a lease (so a crash means "sent again later", never "lost"), sent within
Telegram's limits, and marked sent. A 429 is honoured with its retry_after; network errors and
5xx back off. A group that will not take the bot's messages loses none: removed from it (or
the group gone), the group is unlinked and its alerts wait for the next one; without the right
to post there, its alerts are tried again now and then until it may. Either is a warning to
the admins (catalog.services.warnings), raised once and resolved when a message gets through
or a group is linked. To a person, a 403 or "chat not found" stops retrying (and tells the
admins, unless the person blocked the bot). The rows' bookkeeping is
catalog.services.delivery; the texts are bot.outbox.render; when to send, bot.outbox.pacing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from datetime import timedelta

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
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.config import OutboxSettings
from bot.outbox.pacing import wait_for_slot
from bot.outbox.render import Destination, Outgoing, render
from bot.outbox.rounds import Rounds, settle_all
from bot.sending import SendingBudget
from bot.worker import Worker
from catalog import logcontext
from catalog.models import OutboxMessage, utcnow
from catalog.outbox import OutboxSignal
from catalog.rules import format_order_number
from catalog.services import delivery, fulfilment
from catalog.services.recipients import telegram_recipients

log = logging.getLogger(__name__)


# How Telegram answers a bot that is still in a group but may not post there.
NO_RIGHT_TO_POST = (
    "not enough rights", "have no rights", "need administrator rights", "CHAT_WRITE_FORBIDDEN",
    "CHAT_RESTRICTED",
)  # fmt: skip


class DeliveryStopped(Exception):
    """A destination must not be tried again in this round."""


def bot_is_out(err: TelegramAPIError) -> bool:
    """The bot was removed from the chat, or the chat is gone."""
    return isinstance(err, TelegramForbiddenError) or "chat not found" in err.message


def may_not_post(err: TelegramAPIError) -> bool:
    """The bot is in the group but may not post there (whatever the status code says)."""
    return any(words.casefold() in err.message.casefold() for words in NO_RIGHT_TO_POST)


class OutboxSender(Worker):
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        i18n: I18n,
        admin_ids: Sequence[int],
        settings: OutboxSettings,
        signal: OutboxSignal,
        budget: SendingBudget,
    ) -> None:
        super().__init__(session_factory, i18n, signal)
        self.admin_ids = tuple(admin_ids)
        self.settings = settings
        # Shared with every other request the bot makes (bot.sending).
        self.budget = budget
        self._rounds = Rounds("outbox-sender", signal, settings.poll_seconds)

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self, bot: Bot) -> None:
        self._rounds.start(lambda: self.deliver_due(bot))

    async def stop(self) -> None:
        await self._rounds.stop()

    # -- one round --------------------------------------------------------------------------

    async def deliver_due(self, bot: Bot) -> int:
        """Send what is due now; returns how many outbox rows were settled."""
        now = utcnow()
        await delivery.settle_groupless_rows(self._uow())
        await delivery.fan_out_admin_notices(self._uow(), self.admin_ids)
        rows = await delivery.claim(
            self._uow(), OutboxMessage, now=now, lease_seconds=self.settings.lease_seconds
        )
        if not rows:
            return 0
        about = await telegram_recipients(
            self._uow(), rows, self.admin_ids, self.i18n.default_locale
        )
        rendered = render(
            rows,
            about,
            self.i18n,
            group_remaining=lambda chat_id: self.budget.group_window(chat_id).remaining(),
            now=utcnow(),
        )
        if rendered.unrenderable:
            await delivery.fail(
                self._uow(), OutboxMessage, rendered.unrenderable, "cannot be rendered"
            )
        return await settle_all(
            "outbox", (self._deliver(bot, destination) for destination in rendered.destinations)
        )

    def _queue(self, destination: Destination) -> str:
        if destination.is_group:
            return "groups"
        return "admins" if destination.chat_id in self.admin_ids else "customers"

    async def _deliver(self, bot: Bot, destination: Destination) -> int:
        settled = 0
        with logcontext.about(channel="telegram", chat=destination.chat_id):
            for message in destination.messages:
                if message.chat_id == 0:  # nothing to say (no admins, or the order is gone)
                    await delivery.mark_sent(self._uow(), OutboxMessage, message.rows)
                else:
                    if message.alert_for is not None:
                        logcontext.note(order=format_order_number(message.alert_for))
                    try:
                        await self._send(bot, destination, message)
                    except DeliveryStopped:
                        return settled
                settled += len(message.rows)
        return settled

    async def _send(self, bot: Bot, destination: Destination, message: Outgoing) -> None:
        if destination.is_group:
            wait = wait_for_slot(self.budget.group_window(destination.chat_id))
            if wait is not None:
                # This minute's budget is spent: let alerts gather and go as one digest later,
                # instead of holding them (and their lease) while waiting.
                await self._postpone(destination, wait)
                raise DeliveryStopped
        try:
            sent = await bot.send_message(
                message.chat_id, message.text, reply_markup=message.keyboard
            )
        except TelegramRetryAfter as err:
            log.warning(
                "chat %s: flood control, waiting %ss", destination.chat_id, err.retry_after
            )
            await self._postpone(destination, err.retry_after)
            raise DeliveryStopped from err
        except (TelegramNetworkError, TelegramServerError, TimeoutError) as err:
            log.warning("chat %s: %s; retrying later", destination.chat_id, err)
            await delivery.retry_later(self._uow(), OutboxMessage, destination.rows, str(err))
            metrics.outbox_settled(self._queue(destination), "retried", len(destination.rows))
            raise DeliveryStopped from err
        except TelegramMigrateToChat as err:
            # The group became a supergroup with a new id: follow it and send again later.
            log.warning("group %s is now supergroup %s", message.chat_id, err.migrate_to_chat_id)
            await fulfilment.follow_group_migration(
                self._uow(), old_chat_id=destination.chat_id, new_chat_id=err.migrate_to_chat_id
            )
            await self._postpone(destination, 0)
            raise DeliveryStopped from err
        except TelegramAPIError as err:
            if destination.is_group and (bot_is_out(err) or may_not_post(err)):
                await self._hold(destination, err)
                raise DeliveryStopped from err
            await self._give_up(message, destination, err)
            return
        alert = None
        if message.alert_for is not None:
            alert = (message.alert_for, sent.chat.id, sent.message_id)
        await delivery.mark_sent(self._uow(), OutboxMessage, message.rows, alert=alert)
        metrics.outbox_settled(self._queue(destination), "sent", len(message.rows))
        if destination.admins_told_it_waits:
            # It may post again: the warning is resolved (another time it cannot, it is
            # raised again).
            destination.admins_told_it_waits = False
            await fulfilment.group_posts_again(self._uow(), chat_id=destination.chat_id)
        if message.edit_alert is not None:
            chat_id, message_id, text = message.edit_alert
            # The card may be gone, or its group upgraded meanwhile: the news went out anyway.
            with contextlib.suppress(
                TelegramBadRequest, TelegramForbiddenError, TelegramMigrateToChat
            ):
                await bot.edit_message_text(
                    text=text, chat_id=chat_id, message_id=message_id, reply_markup=None
                )

    async def _postpone(self, destination: Destination, seconds: float) -> None:
        until = utcnow() + timedelta(seconds=seconds)
        await delivery.postpone(self._uow(), OutboxMessage, destination.rows, until)
        metrics.outbox_settled(self._queue(destination), "postponed", len(destination.rows))

    async def _hold(self, destination: Destination, err: TelegramAPIError) -> None:
        """The group will not take the bot's messages: nothing is failed, its alerts wait
        (for the next group when the bot is out, else for the right to post)."""
        chat_id, rows = destination.chat_id, destination.rows
        if may_not_post(err):
            log.warning("group %s: %s; its alerts wait until it may post", chat_id, err.message)
            await delivery.retry_later(self._uow(), OutboxMessage, rows, err.message)
            metrics.outbox_settled("groups", "retried", len(rows))
            await fulfilment.group_refuses_posts(self._uow(), chat_id=chat_id, error=err.message)
            return
        log.warning("group %s: %s; its alerts wait for a group", chat_id, err.message)
        # Unlinked, the producer's rows are not claimed again until a group is linked.
        await fulfilment.unlink_group(self._uow(), chat_id=chat_id, unreachable=err.message)
        metrics.outbox_settled("groups", "postponed", len(rows))

    async def _give_up(
        self, message: Outgoing, destination: Destination, err: TelegramAPIError
    ) -> None:
        log.error("chat %s: %s; not retrying", message.chat_id, err.message)
        is_admin_notice = message.chat_id in self.admin_ids and not destination.is_group
        # A customer who blocked the bot is their choice, not something admins must fix (a
        # group out of reach is held, above, and is a warning of its own).
        blocked_customer = not destination.is_group and isinstance(err, TelegramForbiddenError)
        tell = None if is_admin_notice or blocked_customer else (message.chat_id, err.message)
        await delivery.fail(
            self._uow(), OutboxMessage, message.rows, err.message, tell_admins=tell
        )
        metrics.outbox_settled(self._queue(destination), "failed", len(message.rows))
