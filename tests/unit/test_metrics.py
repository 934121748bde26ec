"""The metrics' calls: what they count, under bounded labels, and nothing while switched off."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from prometheus_client import REGISTRY

from bot import metrics
from catalog import events
from catalog.events import ShopEvent


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def counting() -> Iterator[None]:
    metrics.switch_on()
    yield
    metrics.switch_off()


def test_updates_are_counted_and_timed_and_a_failure_counted_too(counting: None) -> None:
    before = value("ocop_updates_total", channel="zalo", kind="message")
    failed = value("ocop_update_errors_total", channel="zalo", kind="message")
    timed = value("ocop_update_seconds_count", channel="zalo", kind="message")
    with metrics.update_handled("zalo", "message"):
        pass
    with pytest.raises(KeyError), metrics.update_handled("zalo", "message"):
        raise KeyError
    assert value("ocop_updates_total", channel="zalo", kind="message") == before + 2
    assert value("ocop_update_seconds_count", channel="zalo", kind="message") == timed + 2
    assert value("ocop_update_errors_total", channel="zalo", kind="message") == failed + 1


def test_labels_outside_their_lists_are_counted_as_other(counting: None) -> None:
    before = value("ocop_api_calls_total", channel="other", method="sendMessage", code="other")
    metrics.api_call("fax", "sendMessage", "418", 0.01)
    after = value("ocop_api_calls_total", channel="other", method="sendMessage", code="other")
    assert after == before + 1
    metrics.payment_notification("a-bank-we-do-not-know", "matched")
    assert value("ocop_payment_notifications_total", provider="other", outcome="matched") >= 1


def test_every_queue_has_a_backlog_figure_and_one_not_named_is_empty(counting: None) -> None:
    metrics.outbox_backlog({"groups": (3, 720.5)})
    assert value("ocop_outbox_waiting_messages", queue="groups") == 3
    assert value("ocop_outbox_oldest_seconds", queue="groups") == 720.5
    metrics.outbox_backlog({})
    for queue in metrics.OUTBOX_QUEUES:
        assert REGISTRY.get_sample_value("ocop_outbox_waiting_messages", {"queue": queue}) == 0


def test_what_the_shop_tells_moves_orders_and_catalog_reloads(counting: None) -> None:
    placed = value("ocop_orders_total", event="placed")
    reloads = value("ocop_catalog_reloads_total", scope="products")
    events.tell(ShopEvent.order_placed, 2)
    events.tell(ShopEvent.catalog_refreshed)
    assert value("ocop_orders_total", event="placed") == placed + 2
    assert value("ocop_catalog_reloads_total", scope="products") == reloads + 1


def test_switched_off_nothing_is_counted() -> None:
    metrics.switch_off()
    placed = value("ocop_orders_total", event="placed")
    sent = value("ocop_outbox_messages_total", queue="groups", outcome="sent")
    events.tell(ShopEvent.order_placed)
    metrics.outbox_settled("groups", "sent")
    with metrics.update_handled("telegram", "message"):
        pass
    assert value("ocop_orders_total", event="placed") == placed
    assert value("ocop_outbox_messages_total", queue="groups", outcome="sent") == sent


def test_the_exposition_is_prometheus_text_with_the_shop_families(counting: None) -> None:
    body, content_type = metrics.exposition()
    assert content_type.startswith("text/plain; version=0.0.4")
    text = body.decode()
    assert "# TYPE ocop_orders_total counter" in text
    # Known in advance, so there from the first scrape (other tests may have counted some).
    series = 'ocop_payment_notifications_total{outcome="bad_signature",provider="sepay"} '
    assert re.search(re.escape(series) + r"\d+\.\d+\n", text)
    _body, asked = metrics.exposition("application/openmetrics-text; version=1.0.0")
    assert asked.startswith("application/openmetrics-text")
