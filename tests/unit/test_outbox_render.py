"""Outbox rows rendered into Telegram messages: pure functions, no database, in vi and en."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from bot.outbox.pacing import DIGEST_RESERVE
from bot.outbox.render import Outgoing, Rendered, admin_text, alert_messages, render
from catalog.models import OrderStatus, PaymentMethod
from catalog.outbox import AdminEvent, OutboxKind
from catalog.services.delivery import Claimed
from catalog.services.orders import DeliveryDetails, OrderLineView, OrderView
from catalog.services.recipients import ProducerCard, TelegramRecipients
from catalog.services.warnings import Cause, State, Telling
from handlers import notifications

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
GROUP = -1001
PRODUCER = ProducerCard(7, "Gốm <Bát Tràng>", "Bat Trang <Pottery>", GROUP, "vi")


def order(order_id: int, status: OrderStatus = OrderStatus.new, locale: str = "vi") -> OrderView:
    return OrderView(
        id=order_id,
        number=f"DH{order_id:05d}",
        checkout_id=1,
        user_id=500,
        producer_id=PRODUCER.id,
        producer_name_vi=PRODUCER.name_vi,
        producer_name_en=PRODUCER.name_en,
        status=status,
        payment_method=PaymentMethod.cod,
        details=DeliveryDetails("An", "+84912345678", "Hà Nội", "Phường Láng", "1 Láng"),
        total=150_000,
        created_at=NOW,
        lines=(OrderLineView("BT-1", "Bình gốm", "Vase", "chiếc", "piece", 150_000, 1),),
        bank_bin=None,
        bank_account=None,
        bank_account_name=None,
        locale=locale,
    )


def about(
    *orders: OrderView, producer: ProducerCard = PRODUCER, **kw: object
) -> TelegramRecipients:
    fields: dict[str, object] = {
        "orders": {o.id: o for o in orders},
        "alerts": {},
        "producers": {producer.id: producer},
        "languages": {},
    }
    fields.update(kw)
    return TelegramRecipients(**fields)  # type: ignore[arg-type]


def render_with_room(rows: list[Claimed], recipients: TelegramRecipients, i18n: I18n) -> Rendered:
    """``render`` at NOW, every group still allowed 20 messages this minute."""
    return render(rows, recipients, i18n, group_remaining=lambda _c: 20, now=NOW)


def alert_row(row_id: int, order_id: int) -> Claimed:
    return Claimed(row_id, OutboxKind.order_alert, {"order_id": order_id}, PRODUCER.id)


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n()


def in_locale(i18n: I18n, language: str, make: object) -> str:
    with i18n.context(), i18n.use_locale(language):
        return make()  # type: ignore[operator,no-any-return]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_status_notice_goes_to_the_customer_in_their_language(i18n: I18n, language: str) -> None:
    placed = order(1, OrderStatus.accepted, locale="vi")
    row = Claimed(
        3,
        OutboxKind.status_notice,
        {"order_id": 1, "status": "accepted", "reason": ""},
        user_id=500,
    )
    rendered = render_with_room([row], about(placed, languages={500: language}), i18n)
    [destination] = rendered.destinations
    [message] = destination.messages
    expected = in_locale(
        i18n, language, lambda: notifications.status_notice_text(placed, OrderStatus.accepted, "")
    )
    assert (destination.chat_id, destination.is_group) == (500, False)
    assert (message.chat_id, message.text, message.rows) == (500, expected, [3])
    assert placed.number in message.text
    other = "en" if language == "vi" else "vi"
    assert message.text != in_locale(
        i18n, other, lambda: notifications.status_notice_text(placed, OrderStatus.accepted, "")
    )


def test_a_customer_without_a_language_reads_the_one_they_ordered_in(i18n: I18n) -> None:
    placed = order(1, OrderStatus.shipped, locale="en")
    row = Claimed(
        3,
        OutboxKind.status_notice,
        {"order_id": 1, "status": "shipped", "reason": ""},
        user_id=500,
    )
    [destination] = render_with_room([row], about(placed), i18n).destinations
    assert destination.messages[0].text == in_locale(
        i18n, "en", lambda: notifications.status_notice_text(placed, OrderStatus.shipped, "")
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_few_new_orders_go_to_the_group_one_alert_each_with_buttons(
    i18n: I18n, language: str
) -> None:
    producer = replace(PRODUCER, group_language=language)
    orders = [order(1), order(2)]
    rows = [alert_row(10, 1), alert_row(11, 2)]
    rendered = render_with_room(rows, about(*orders, producer=producer), i18n)
    [destination] = rendered.destinations
    assert (destination.chat_id, destination.is_group) == (GROUP, True)
    assert [(m.rows, m.alert_for) for m in destination.messages] == [([10], 1), ([11], 2)]
    assert destination.messages[0].text == in_locale(
        i18n, language, lambda: notifications.order_alert_text(orders[0])
    )
    assert destination.messages[0].keyboard is not None


@pytest.mark.parametrize("language", ["vi", "en"])
def test_more_new_orders_than_the_window_lets_through_go_as_one_digest(
    i18n: I18n, language: str
) -> None:
    orders = [order(n) for n in range(1, 5)]
    items = [(alert_row(10 + n, n), o) for n, o in enumerate(orders, 1)]
    remaining = DIGEST_RESERVE + 3  # room for three alerts, and there are four
    messages = in_locale(i18n, language, lambda: alert_messages(GROUP, items, remaining))
    expected = in_locale(i18n, language, lambda: notifications.digest_parts(orders))
    assert [m.text for m in messages] == [text for text, _orders in expected]
    assert [m.rows for m in messages] == [[11, 12, 13, 14]]
    assert buttons(messages[0]) == ["📋 DH00001", "📋 DH00002", "📋 DH00003", "📋 DH00004"]
    assert all(m.alert_for is None for m in messages)
    separate = in_locale(i18n, language, lambda: alert_messages(GROUP, items, remaining + 1))
    assert [m.alert_for for m in separate] == [1, 2, 3, 4]


def buttons(message: Outgoing) -> list[str]:
    keyboard = message.keyboard.inline_keyboard if message.keyboard else []
    return [button.text for row in keyboard for button in row]


def test_a_backlog_digest_keeps_within_telegrams_limits_each_part_settling_its_own_orders(
    i18n: I18n,
) -> None:
    """200 alerts that waited: in parts of at most 4,096 characters and a button per order
    (Telegram allows 100), each part settling the rows of the orders it shows, so that a part
    sent stays sent when the group's budget cuts the digest short."""
    orders = [replace(order(1), id=n, number=f"DH{n:05d}") for n in range(1, 201)]
    items = [(alert_row(1000 + n, n), o) for n, o in enumerate(orders, 1)]
    messages = in_locale(i18n, "vi", lambda: alert_messages(GROUP, items, 20))

    assert len(messages) >= 10
    assert all(len(m.text) <= notifications.TEXT_LIMIT for m in messages)
    assert all(0 < len(buttons(m)) <= notifications.DIGEST_PART_ORDERS for m in messages)
    shown = [label.removeprefix("📋 ") for m in messages for label in buttons(m)]
    assert shown == [f"DH{n:05d}" for n in range(1, 201)]  # every order once, oldest first
    for m in messages:
        assert m.rows == [1000 + int(label[-5:]) for label in buttons(m)]
        assert all(label.removeprefix("📋 ") in m.text for label in buttons(m))


def test_an_alert_for_an_order_no_longer_new_is_settled_without_a_word(i18n: I18n) -> None:
    accepted, cancelled = order(1, OrderStatus.accepted), order(2, OrderStatus.cancelled)
    rows = [alert_row(10, 1), alert_row(11, 2), alert_row(12, 3)]
    rendered = render_with_room(rows, about(accepted, cancelled, order(3)), i18n)
    messages = [(d.chat_id, m.text, m.rows) for d in rendered.destinations for m in d.messages]
    assert messages[:2] == [(0, "", [10]), (0, "", [11])]
    assert [(chat, rows) for chat, _text, rows in messages[2:]] == [(GROUP, [12])]


def test_an_alert_for_a_producer_without_a_group_waits(i18n: I18n) -> None:
    unlinked = replace(PRODUCER, group_chat_id=None)
    rendered = render_with_room([alert_row(10, 1)], about(order(1), producer=unlinked), i18n)
    assert rendered.destinations == []
    assert rendered.unrenderable == []


def test_a_row_whose_order_is_gone_is_settled_with_nothing_to_say(i18n: I18n) -> None:
    rendered = render_with_room([alert_row(10, 99)], about(), i18n)
    [destination] = rendered.destinations
    assert [(m.chat_id, m.text, m.rows) for m in destination.messages] == [(0, "", [10])]


def test_a_row_that_cannot_be_rendered_is_set_aside_and_the_others_go(i18n: I18n) -> None:
    broken = Claimed(
        10, OutboxKind.status_notice, {"order_id": 1, "status": "lost", "reason": ""}, user_id=500
    )
    unknown = Claimed(11, "carrier_pigeon", {"order_id": 1}, PRODUCER.id)
    rendered = render_with_room([broken, unknown, alert_row(12, 1)], about(order(1)), i18n)
    assert rendered.unrenderable == [10, 11]
    assert [m.rows for d in rendered.destinations for m in d.messages] == [[12]]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_cancellation_tells_the_group_and_takes_the_buttons_off_the_alert(
    i18n: I18n, language: str
) -> None:
    producer = replace(PRODUCER, group_language=language)
    cancelled = order(1, OrderStatus.cancelled)
    row = Claimed(10, OutboxKind.order_cancelled, {"order_id": 1}, PRODUCER.id)
    rendered = render_with_room(
        [row], about(cancelled, producer=producer, alerts={1: (GROUP, 77)}), i18n
    )
    [message] = rendered.destinations[0].messages
    assert message.text == in_locale(
        i18n, language, lambda: notifications.customer_cancelled_text(cancelled)
    )
    assert message.edit_alert == (
        GROUP,
        77,
        in_locale(i18n, language, lambda: notifications.order_alert_text(cancelled)),
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_change_made_on_zalo_shows_the_group_the_card_anew(i18n: I18n, language: str) -> None:
    producer = replace(PRODUCER, group_language=language)
    accepted = order(1, OrderStatus.accepted)
    payload = {"order_id": 1, "status": "accepted", "actor": "Lan", "reason": ""}
    row = Claimed(10, OutboxKind.status_changed, payload, PRODUCER.id)
    rendered = render_with_room(
        [row], about(accepted, producer=producer, alerts={1: (GROUP, 77)}), i18n
    )
    [message] = rendered.destinations[0].messages
    card = in_locale(i18n, language, lambda: notifications.order_alert_text(accepted))
    footer = in_locale(
        i18n, language, lambda: notifications.status_footer(OrderStatus.accepted, "Lan", NOW)
    )
    assert card in message.text
    assert message.text.endswith(footer)
    assert message.edit_alert == (GROUP, 77, card)
    assert (message.alert_for, message.keyboard is not None) == (1, True)


def group_lost(producer_id: int) -> dict[str, object]:
    """The warning's payload when the bot was removed from a producer's group."""
    detail = {"producer_id": producer_id, "chat_id": GROUP, "error": ""}
    return Telling(Cause.group_unreachable, str(producer_id), State.raised, NOW, detail).payload()


def quota_near(used: int, quota: int) -> dict[str, object]:
    detail = {"used": used, "quota": quota}
    return Telling(Cause.zalo_quota, "", State.raised, NOW, detail).payload()


def test_admin_notices_name_the_producer_in_the_admins_language(i18n: I18n) -> None:
    producers = {PRODUCER.id: PRODUCER}
    payload = {"event": AdminEvent.warning, **group_lost(PRODUCER.id)}
    vi = in_locale(i18n, "vi", lambda: admin_text(payload, producers, "vi"))
    en = in_locale(i18n, "en", lambda: admin_text(payload, producers, "en"))
    assert "Gốm &lt;Bát Tràng&gt;" in vi
    assert "Bat Trang &lt;Pottery&gt;" in en
    assert "/linkgroup" in vi
    assert vi != en.replace("Bat Trang &lt;Pottery&gt;", "Gốm &lt;Bát Tràng&gt;")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_admin_notice_differs_and_a_failure_names_its_target(
    i18n: I18n, language: str
) -> None:
    producers = {PRODUCER.id: PRODUCER}
    events = [
        {"event": AdminEvent.group_linked, "producer_id": 7},
        {"event": AdminEvent.warning, **group_lost(7)},
        {"event": AdminEvent.zalo_linked, "producer_id": 7, "name": "<Lan>"},
        {"event": AdminEvent.warning, **quota_near(2900, 3000)},
        {"event": AdminEvent.orders_waiting, "producer_id": 7},
        {"event": AdminEvent.delivery_failed, "target": -42, "error": "chat <not> found"},
    ]
    texts = [
        in_locale(i18n, language, lambda e=e: admin_text(e, producers, language)) for e in events
    ]
    assert len(set(texts)) == len(events)
    assert "&lt;Lan&gt;" in texts[2]
    assert "2900" in texts[3]
    assert "-42" in texts[5]
    assert "chat &lt;not&gt; found" in texts[5]
