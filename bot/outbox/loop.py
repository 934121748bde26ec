"""The Telegram sender: a loop that claims due outbox rows, renders them and sends them.

Rows are claimed with a lease (so a crash means "sent again later", never "lost"), sent within
Telegram's limits, and marked sent. A 429 is honoured with its retry_after; network errors and
5xx back off; a 403 or "chat not found" stops retrying and tells the admins (a group the bot
was removed from is unlinked). The rows' bookkeeping is catalog.services.delivery; the texts
are bot.outbox.render; when to send, bot.outbox.pacing.
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

from bot.config import OutboxSettings
from bot.outbox.pacing import wait_for_slot
from bot.outbox.render import Destination, Outgoing, render
from bot.outbox.rounds import Rounds, settle_all
from bot.sending import SendingBudget
from bot.worker import Worker
from catalog.models import OutboxMessage, utcnow
from catalog.outbox import OutboxSignal
from catalog.services import delivery, fulfilment
from catalog.services.recipients import telegram_recipients

log = logging.getLogger(__name__)


class DeliveryStopped(Exception):
    """A destination must not be tried again in this round."""


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
        await delivery.warn_about_unlinked_producers(self._uow())
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

    async def _deliver(self, bot: Bot, destination: Destination) -> int:
        settled = 0
        for message in destination.messages:
            if message.chat_id == 0:  # nothing to say (no admins, or the order is gone)
                await delivery.mark_sent(self._uow(), OutboxMessage, message.rows)
            else:
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
            await self._give_up(message, destination, err)
            return
        alert = None
        if message.alert_for is not None:
            alert = (message.alert_for, sent.chat.id, sent.message_id)
        await delivery.mark_sent(self._uow(), OutboxMessage, message.rows, alert=alert)
        if message.edit_alert is not None:
            chat_id, message_id, text = message.edit_alert
            with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
                await bot.edit_message_text(
                    text=text, chat_id=chat_id, message_id=message_id, reply_markup=None
                )

    async def _postpone(self, destination: Destination, seconds: float) -> None:
        until = utcnow() + timedelta(seconds=seconds)
        await delivery.postpone(self._uow(), OutboxMessage, destination.rows, until)

    async def _give_up(
        self, message: Outgoing, destination: Destination, err: TelegramAPIError
    ) -> None:
        log.error("chat %s: %s; not retrying", message.chat_id, err.message)
        is_admin_notice = message.chat_id in self.admin_ids and not destination.is_group
        # A customer who blocked the bot is their choice, not something admins must fix.
        blocked_customer = not destination.is_group and isinstance(err, TelegramForbiddenError)
        tell = None if is_admin_notice or blocked_customer else (message.chat_id, err.message)
        await delivery.fail(
            self._uow(), OutboxMessage, message.rows, err.message, tell_admins=tell
        )
        gone = isinstance(err, TelegramForbiddenError) or "chat not found" in err.message
        if destination.is_group and gone:
            # Removed from the group, or the group is gone: unlink it, so alerts wait.
            await fulfilment.unlink_group(self._uow(), chat_id=message.chat_id)
