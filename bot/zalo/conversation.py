"""What the Zalo bot does with a message: link staff, move orders along, list them, help.

The same services and transition checks as the Telegram buttons (catalog.services); answers
go through the Zalo outbox like every other message, so they are counted and paced too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram.utils.i18n import gettext as _

from bot.worker import Worker
from bot.zalo import texts
from bot.zalo.client import IncomingText
from bot.zalo.commands import ORDER_VERBS, Command, Verb, parse
from catalog import outbox, rules
from catalog.errors import InvalidTransition, NotAllowed, OrderNotFound, PaymentMissing
from catalog.models import utcnow
from catalog.outbox import OutboxKind
from catalog.services import orders, zalo_staff, zalo_usage
from catalog.services.fulfilment import LinkCodeRefused, LinkProblem
from catalog.services.orders import CancelReason
from catalog.services.zalo_staff import StaffMember, TooManyStaff
from catalog.text import fold
from handlers.group_orders import TEXT_STEPS
from handlers.notifications import status_footer
from storefront.format import money

log = logging.getLogger(__name__)

# The same text forms as the order steps typed in a Telegram group.
STEPS = {Verb(name): status for name, status in TEXT_STEPS.items()}
ORDERS_SHOWN = 15


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    # False: the person is (still) nobody's staff, a stranger to the shop.
    linked: bool = True
    # An order moved as they asked: news like an alert's, which may use the month's reserve.
    order_news: bool = False


class ZaloConversation(Worker):
    _handled = 0  # messages recorded by this process; each instance counts its own

    async def first_time(self, message_id: str) -> bool:
        """Record the message; False when it was handled before (getUpdates has no offset).
        Every 500th message recorded, the old ones are forgotten."""
        recorded = await zalo_usage.first_time(
            self._uow(), message_id, forget_old=self._handled % 500 == 0
        )
        if recorded:
            self._handled += 1
        return recorded

    async def handle(self, message: IncomingText) -> None:
        if not message.user_id or not await self.first_time(message.message_id):
            return
        staff = await zalo_staff.staff_member(self._uow(), message.user_id)
        language = staff.language if staff else self.i18n.default_locale
        with self.i18n.context(), self.i18n.use_locale(language):
            answer = await self._answer(message, staff)
        if staff is None and not answer.linked:
            # Someone nobody linked: one answer a day at most, so that strangers (or a
            # script) cannot spend the month's messages that the producers' alerts need.
            if not await zalo_usage.reply_to_stranger(self._uow(), message.chat_id, answer.text):
                log.info("zalo user %s was answered today already", message.user_id)
            return
        await self.reply(message.chat_id, answer.text, order_news=answer.order_news)

    async def reply(self, chat_id: str, text: str, *, order_news: bool = False) -> None:
        """Queue an answer; ``order_news`` (an order moved, as asked) may use the month's
        reserve, as alerts do: other answers stop before it."""
        uow = self._uow()
        async with uow:
            news = {"order_news": True} if order_news else {}
            outbox.to_zalo_user(uow, OutboxKind.zalo_reply, chat_id, text=text, **news)
            await uow.commit()

    async def _answer(self, message: IncomingText, staff: StaffMember | None) -> Answer:
        command = parse(message.text) if message.text else None
        if command is not None and command.verb == Verb.link:
            return await self._link(message, command)
        if staff is None:
            if command is not None and command.verb in ORDER_VERBS:
                log.warning("refused %s from unlinked Zalo user %s", command.verb, message.user_id)
            return Answer(texts.help_text(None), linked=False)
        if command is not None and command.verb in ORDER_VERBS:
            return await self._step(message, staff, command)
        return Answer(await self._staff_answer(staff, command))

    async def _staff_answer(self, staff: StaffMember, command: Command | None) -> str:
        producer = staff.name(staff.language)
        if command is None or command.verb == Verb.help:
            return texts.help_text(producer)
        if command.verb == Verb.orders:
            page = await orders.open_orders_for_producer(
                self._uow(), producer_id=staff.producer_id, page_size=ORDERS_SHOWN
            )
            return texts.open_orders_text(page.orders, page.pages)
        if command.verb == Verb.unlink:
            await zalo_staff.unlink_zalo(self._uow(), zalo_id=staff.zalo_id)
            return _(
                "You will no longer get the orders of {producer} here. To get them again, "
                "ask for a new link code."
            ).format(producer=producer)
        return await self._language(staff, command)

    async def _link(self, message: IncomingText, command: Command) -> Answer:
        code = command.rest.split()[0] if command.rest.split() else ""
        if not code:
            return Answer(texts.help_text(None), linked=False)
        try:
            return Answer(await self._use_code(message, code))
        except LinkCodeRefused as err:
            log.info("refused Zalo link code from %s: %s", message.user_id, err.problem)
            return Answer(
                {
                    LinkProblem.unknown: _("That code is not valid. Ask for a new one."),
                    LinkProblem.used: _("That code has already been used. Ask for a new one."),
                    LinkProblem.expired: _(
                        "That code has expired (codes last 15 minutes). Ask for a new one."
                    ),
                }[err.problem],
                linked=False,
            )
        except TooManyStaff as err:
            return Answer(
                _(
                    "The shop's Zalo bot already serves {limit} people, as many as its plan "
                    "allows. Ask the shop's admin."
                ).format(limit=err.limit),
                linked=False,
            )

    async def _use_code(self, message: IncomingText, code: str) -> str:
        """Link the sender with ``code``: the welcome; LinkCodeRefused or TooManyStaff."""
        member = await zalo_staff.use_zalo_link_code(
            self._uow(),
            code=code[:32],
            zalo_id=message.user_id,
            display_name=message.display_name,
            language=self.i18n.current_locale,
        )
        with self.i18n.use_locale(member.language):
            return (
                _("✅ Linked: you will get the orders of {producer} here.").format(
                    producer=member.name(member.language)
                )
                + "\n\n"
                + texts.help_text(member.name(member.language))
            )

    async def _step(self, message: IncomingText, staff: StaffMember, command: Command) -> Answer:
        verb = command.verb
        if command.order_id is None:
            return Answer(texts.usage_text(verb.value))
        reason = ""
        if verb == Verb.cancel:
            reason = command.rest.strip()[:200] or CancelReason.other.value
        unpaid = verb == Verb.ship and fold(command.rest) in rules.SHIP_UNPAID_WORDS
        try:
            order = await orders.change_order_status(
                self._uow(),
                order_id=command.order_id,
                new_status=STEPS[verb],
                actor_id=None,
                chat_id=None,
                producer_id=staff.producer_id,
                zalo_actor=staff.zalo_id,
                actor_name=staff.display_name,
                reason=reason,
                ship_unpaid=unpaid,
            )
        except PaymentMissing as err:
            number = rules.format_order_number(command.order_id)
            return Answer(
                _(
                    "The transfer for this order has not arrived yet ({amount} missing). To "
                    "ship it anyway: giao {number} chua tra"
                ).format(amount=money(err.missing), number=number)
            )
        except (NotAllowed, OrderNotFound):
            log.warning("refused Zalo %s of order %s by %s", verb, command.order_id, staff.zalo_id)
            return Answer(
                _("That is not allowed: no order of {producer} has that number.").format(
                    producer=staff.name(staff.language)
                )
            )
        except InvalidTransition as err:
            return Answer(
                texts.step_refused_text(err, rules.format_order_number(command.order_id))
            )
        footer = texts.plain(status_footer(order.status, staff.display_name, utcnow(), reason))
        return Answer(texts.alert_text(order, footer), order_news=True)

    async def _language(self, staff: StaffMember, command: Command) -> str:
        wanted = fold(command.rest)
        if wanted in ("en", "english", "tieng anh"):
            language = "en"
        elif wanted in ("vi", "tieng viet", "vietnamese"):
            language = "vi"
        else:
            return _("Write “language en” for English or “ngon ngu vi” for Vietnamese.")
        await zalo_staff.set_staff_language(self._uow(), zalo_id=staff.zalo_id, language=language)
        with self.i18n.use_locale(language):
            return (
                _("Messages here are now in English.")
                if language == "en"
                else _("Messages here are now in Vietnamese.")
            )
