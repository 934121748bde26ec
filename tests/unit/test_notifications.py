"""Order alerts stay within Telegram's limits whatever the order holds."""

from datetime import UTC, datetime

import pytest

from bot.i18n import build_i18n
from catalog.models import OrderStatus, PaymentMethod
from catalog.services.orders import DeliveryDetails, OrderLineView, OrderView
from handlers.notifications import TEXT_LIMIT, digest_parts, order_alert_text


def huge_order(order_id: int, lines: int) -> OrderView:
    return OrderView(
        id=order_id,
        number=f"DH{order_id:05d}",
        checkout_id=1,
        user_id=1,
        producer_id=1,
        producer_name_vi="Gốm <sứ> & Quang Vinh",
        producer_name_en="Quang Vinh Ceramics",
        status=OrderStatus.new,
        payment_method=PaymentMethod.bank_transfer,
        details=DeliveryDetails(
            recipient_name="N" * 100,
            phone="+84912345678",
            province="Hà Nội",
            ward="W" * 100,
            street="S & <" * 60,
            note="🙂" * 500,
        ),
        total=123_456_000,
        created_at=datetime(2026, 11, 23, 5, 0, tzinfo=UTC),
        lines=tuple(
            OrderLineView(f"SKU-{n}", "Bình " * 40, "Vase " * 40, "chiếc", "piece", 9_999_000, 99)
            for n in range(lines)
        ),
        bank_bin="970436",
        bank_account="0011001234567",
        bank_account_name="GOM SU QUANG VINH",
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_enormous_order_still_fits_one_message(language: str) -> None:
    i18n = build_i18n()
    with i18n.context(), i18n.use_locale(language):
        text = order_alert_text(huge_order(1, 80))
        assert len(text) <= TEXT_LIMIT
        assert "55" in text  # "…and 55 more lines" once 25 are shown
        assert "&lt;sứ&gt;" not in text  # the producer's name is not part of the alert
        assert "S &amp; &lt;" in text
        parts = digest_parts([huge_order(n, 30) for n in range(1, 6)])
    assert all(len(text) <= TEXT_LIMIT for text, _orders in parts)
    assert len(parts) >= 2
    assert [order.id for _text, orders in parts for order in orders] == [1, 2, 3, 4, 5]
