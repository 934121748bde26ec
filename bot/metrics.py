"""Every Prometheus metric of the shop, in one place, and the calls that move them.

Families are registered once per process (prometheus_client's default registry, with its
process and Python collectors), so they are module-level here; what moves them is the
functions below, which every channel calls with its own name. Label values come from the
short lists here and nothing else — never a person, a chat or an order — so that a series
per value stays a handful: anything outside a list is counted as ``other``.

Each worker keeps its own figures and is scraped on its own port (README: Operating the
shop); the outbox gauges say the same for every worker (they are read from the database), so
a dashboard takes their ``max``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder

from catalog import events
from catalog.events import ShopEvent

# Where a person talks to the shop (customers on Telegram and Messenger, producers' staff on
# Telegram and Zalo).
CHANNELS = ("telegram", "zalo", "messenger")
# What waits in the outboxes, by kind of recipient (catalog.services.backlog).
OUTBOX_QUEUES = ("groups", "customers", "admins", "zalo", "messenger")
# How a delivery attempt ended.
OUTBOX_OUTCOMES = ("sent", "retried", "postponed", "failed")
ORDER_EVENTS = ("placed", "cancelled", "paid")
# Bank-transfer notifications: who sent them, and what became of each.
PAYMENT_PROVIDERS = ("sepay", "casso", "payos")
PAYMENT_OUTCOMES = ("matched", "duplicate", "unmatched", "bad_signature", "error")
# An API call's answer: the HTTP-like code, or that there was none.
API_CODES = ("200", "400", "401", "403", "404", "408", "409", "413", "429", "5xx", "network")
CATALOG_SCOPES = ("full", "products")
BACKUP_OUTCOMES = ("done", "failed")
OTHER = "other"

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

UPDATES = Counter(
    "ocop_updates",
    "Updates handled (messages, presses, …), by channel and kind",
    ["channel", "kind"],
)
UPDATE_SECONDS = Histogram(
    "ocop_update_seconds",
    "Seconds from an update's arrival to the end of its handling",
    ["channel", "kind"],
    buckets=LATENCY_BUCKETS,
)
UPDATE_ERRORS = Counter(
    "ocop_update_errors", "Updates whose handling raised, by channel and kind", ["channel", "kind"]
)
API_CALLS = Counter(
    "ocop_api_calls",
    "Calls to a messaging platform's API, by channel, method and answer (429: flood control)",
    ["channel", "method", "code"],
)
API_SECONDS = Histogram(
    "ocop_api_call_seconds",
    "Seconds an API call took (not the wait for the sending budget before it)",
    ["channel", "method"],
    buckets=LATENCY_BUCKETS,
)
OUTBOX_WAITING = Gauge(
    "ocop_outbox_waiting_messages", "Messages waiting in the outbox, by queue", ["queue"]
)
OUTBOX_OLDEST = Gauge(
    "ocop_outbox_oldest_seconds", "Seconds the oldest waiting message has waited", ["queue"]
)
OUTBOX_MESSAGES = Counter(
    "ocop_outbox_messages",
    "Outbox messages settled by this worker, by outcome",
    ["queue", "outcome"],
)
ORDERS = Counter("ocop_orders", "Orders placed, cancelled and paid", ["event"])
PAYMENT_NOTIFICATIONS = Counter(
    "ocop_payment_notifications",
    "Bank-transfer notifications received, by provider and outcome",
    ["provider", "outcome"],
)
CATALOG_RELOADS = Counter(
    "ocop_catalog_reloads", "Reads of the catalog into memory (full, or some products)", ["scope"]
)
ADMIN_WARNINGS = Gauge("ocop_admin_warnings", "Warnings to the admins that last now", ["cause"])
BACKUPS = Counter("ocop_backups", "Scheduled backups, by outcome", ["outcome"])
BACKUP_LAST_SUCCESS = Gauge(
    "ocop_backup_last_success_timestamp_seconds", "When the last scheduled backup was taken"
)

_enabled = False


def _one_of(value: str, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else OTHER


# -- what the shop and its channels call ------------------------------------------------------


@contextmanager
def update_handled(channel: str, kind: str) -> Iterator[None]:
    """Around the handling of one update: counted, timed, and counted as an error if it
    raises (the error goes on)."""
    if not _enabled:
        yield
        return
    labels = (_one_of(channel, CHANNELS), kind)
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        update_failed(*labels)
        raise
    finally:
        UPDATES.labels(*labels).inc()
        UPDATE_SECONDS.labels(*labels).observe(time.perf_counter() - started)


def update_failed(channel: str, kind: str) -> None:
    """An update whose handling failed, where the failure is caught before it is out."""
    if _enabled:
        UPDATE_ERRORS.labels(_one_of(channel, CHANNELS), kind).inc()


def api_call(channel: str, method: str, code: str, seconds: float) -> None:
    """One call to a platform's API and how it was answered (``API_CODES``)."""
    if not _enabled:
        return
    channel = _one_of(channel, CHANNELS)
    API_CALLS.labels(channel, method, _one_of(code, API_CODES)).inc()
    API_SECONDS.labels(channel, method).observe(seconds)


def outbox_settled(queue: str, outcome: str, count: int = 1) -> None:
    """``count`` outbox messages of ``queue`` went out, or were retried, postponed, failed."""
    if _enabled and count:
        OUTBOX_MESSAGES.labels(
            _one_of(queue, OUTBOX_QUEUES), _one_of(outcome, OUTBOX_OUTCOMES)
        ).inc(count)


def outbox_backlog(waiting: dict[str, tuple[int, float]]) -> None:
    """What waits in each queue now, (messages, oldest's seconds); a queue not named waits
    for nothing."""
    if not _enabled:
        return
    for queue in OUTBOX_QUEUES:
        count, oldest = waiting.get(queue, (0, 0.0))
        OUTBOX_WAITING.labels(queue).set(count)
        OUTBOX_OLDEST.labels(queue).set(oldest)


def payment_notification(provider: str, outcome: str) -> None:
    """A bank-transfer notification from ``provider`` (``PAYMENT_PROVIDERS``) ended in
    ``outcome`` (``PAYMENT_OUTCOMES``)."""
    if _enabled:
        PAYMENT_NOTIFICATIONS.labels(
            _one_of(provider, PAYMENT_PROVIDERS), _one_of(outcome, PAYMENT_OUTCOMES)
        ).inc()


def admin_warnings(raised: dict[str, int]) -> None:
    """How many warnings of each cause last now."""
    if not _enabled:
        return
    for cause, count in raised.items():
        ADMIN_WARNINGS.labels(cause).set(count)


def backup_taken(*, ok: bool) -> None:
    if not _enabled:
        return
    BACKUPS.labels("done" if ok else "failed").inc()
    if ok:
        BACKUP_LAST_SUCCESS.set_to_current_time()


_FROM_SHOP = {
    ShopEvent.order_placed: (ORDERS, "placed"),
    ShopEvent.order_cancelled: (ORDERS, "cancelled"),
    ShopEvent.order_paid: (ORDERS, "paid"),
    ShopEvent.catalog_loaded: (CATALOG_RELOADS, "full"),
    ShopEvent.catalog_refreshed: (CATALOG_RELOADS, "products"),
}


def _shop_event(event: ShopEvent, count: int) -> None:
    family, label = _FROM_SHOP[event]
    family.labels(label).inc(count)


# -- switching on, and reading ----------------------------------------------------------------


def switch_on() -> None:
    """Count from now on (``[metrics] enabled``): what the shop commits too. Every series
    that can be known in advance starts at 0, so that a rate is there from the first scrape."""
    global _enabled  # noqa: PLW0603 - one switch for the process, as the registry is
    _enabled = True
    events.listen(_shop_event)
    for family, label in _FROM_SHOP.values():
        family.labels(label)
    outbox_backlog({})
    for provider in PAYMENT_PROVIDERS:
        for outcome in PAYMENT_OUTCOMES:
            PAYMENT_NOTIFICATIONS.labels(provider, outcome)
    for outcome in BACKUP_OUTCOMES:
        BACKUPS.labels(outcome)


def switch_off() -> None:
    global _enabled  # noqa: PLW0603
    _enabled = False
    events.unlisten(_shop_event)


def is_on() -> bool:
    return _enabled


def exposition(accept: str = "") -> tuple[bytes, str]:
    """The body of ``GET /metrics`` and its content type: the format the scraper's
    ``Accept`` asks for (OpenMetrics), Prometheus' classic text otherwise."""
    encode, content_type = choose_encoder(accept)
    return encode(REGISTRY), content_type
