"""deploy/compose/, read as Docker Compose, Prometheus and Grafana would: the workers it runs
are the ones Prometheus scrapes, and every metric the dashboard and the alerts name is one
the bot exports (bot/metrics.py). Docker itself does not run here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY

from bot import metrics  # noqa: F401 - registers the shop's metric families
from bot.config import load_config

COMPOSE = Path(__file__).parents[2] / "deploy" / "compose"
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "gauge": ("",),
}
# Series that Prometheus makes itself, or that the client library's own collectors export.
NOT_OURS = re.compile(r"^(up|process_\w+|python_\w+)$")


def read_yaml(name: str) -> Any:
    return yaml.safe_load((COMPOSE / name).read_text(encoding="utf-8"))


def exported_series() -> set[str]:
    """Every series name the shop's families can produce."""
    names = set()
    for family in REGISTRY.collect():
        if family.name.startswith("ocop_"):
            names |= {family.name + suffix for suffix in SUFFIXES[family.type]}
    return names


def metric_names(expression: str) -> set[str]:
    """The series a PromQL expression reads: what is left once strings, label matchers,
    ranges and grouping clauses are gone, but for functions (a name before a parenthesis)."""
    bare = re.sub(r'"[^"]*"|\'[^\']*\'', "", expression)
    bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", bare)
    bare = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", bare)
    return set(re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", bare))


def workers() -> dict[str, dict[str, Any]]:
    services = read_yaml("compose.yaml")["services"]
    return {
        name: service
        for name, service in services.items()
        if service.get("command", [])[:3] == ["ocop-bot", "run", "--webhook"]
    }


def dashboard_expressions() -> list[str]:
    dashboard = json.loads((COMPOSE / "grafana/dashboards/ocop-shop.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def alert_expressions() -> list[str]:
    return [rule["expr"] for group in read_yaml("alerts.yml")["groups"] for rule in group["rules"]]


def test_the_compose_file_runs_three_workers_on_postgresql_and_redis_behind_nginx() -> None:
    services = read_yaml("compose.yaml")["services"]
    assert set(workers()) == {"worker1", "worker2", "worker3"}
    for worker in workers().values():
        env = worker["environment"]
        assert env["DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert env["DATABASE_URL"].endswith("@postgres:5432/ocop")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert worker["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "ports" not in worker  # reached only inside the compose network
    assert services["migrate"]["command"] == ["ocop-bot", "db", "upgrade"]
    assert {"postgres", "redis", "nginx", "prometheus", "grafana"} <= set(services)
    assert upstream_servers("ocop_workers") == {
        (name, worker["command"][-1]) for name, worker in workers().items()
    }


def upstream_servers(name: str) -> set[tuple[str, str]]:
    template = (COMPOSE / "nginx.conf.template").read_text(encoding="utf-8")
    block = re.search(rf"upstream {name} \{{([^}}]*)\}}", template)
    assert block is not None
    return set(re.findall(r"server (\w+):(\d+)", block.group(1)))


def test_bank_notifications_reach_every_workers_receiver_with_the_keys_of_payments_env() -> None:
    port = str(load_config(COMPOSE.parents[1] / "bot.toml", environ={}).payments.webhook_port)
    for worker in workers().values():
        assert worker["environment"]["PAYMENTS_WEBHOOK_HOST"] == "0.0.0.0"
        assert worker["env_file"] == [{"path": "./payments.env", "required": False}]
    assert upstream_servers("ocop_payments") == {(name, port) for name in workers()}
    template = (COMPOSE / "nginx.conf.template").read_text(encoding="utf-8")
    route = re.search(r"location /payments/ \{([^}]*)\}", template)
    assert route is not None
    assert "proxy_pass http://ocop_payments;" in route.group(1)


MESSENGER_SETTINGS = (
    "MESSENGER_PAGE_ID",
    "MESSENGER_PAGE_TOKEN",
    "MESSENGER_APP_SECRET",
    "MESSENGER_VERIFY_TOKEN",
)


def test_messenger_reaches_the_workers_when_env_configures_it_and_is_off_otherwise() -> None:
    for worker in workers().values():
        env = worker["environment"]
        assert {name: env[name] for name in MESSENGER_SETTINGS} == {
            name: f"${{{name}:-}}" for name in MESSENGER_SETTINGS
        }
    # What a worker is given when .env sets none of them: Messenger stays off.
    unset = dict.fromkeys(MESSENGER_SETTINGS, "")
    assert not load_config(COMPOSE.parents[1] / "bot.toml", environ=unset).messenger.enabled
    template = (COMPOSE / "nginx.conf.template").read_text(encoding="utf-8")
    route = re.search(r"location = /messenger/webhook \{([^}]*)\}", template)
    assert route is not None
    assert "proxy_pass http://ocop_workers;" in route.group(1)


def test_prometheus_scrapes_each_worker_the_compose_file_runs() -> None:
    [job] = read_yaml("prometheus.yml")["scrape_configs"]
    targets = {target for group in job["static_configs"] for target in group["targets"]}
    assert job["metrics_path"] == "/metrics"
    assert targets == {f"{name}:{worker['command'][-1]}" for name, worker in workers().items()}


@pytest.mark.parametrize(
    "expression", [*dashboard_expressions(), *alert_expressions()], ids=lambda e: e[:60]
)
def test_every_metric_named_is_one_the_bot_exports(expression: str) -> None:
    named = metric_names(expression)
    assert named, f"no metric found in {expression!r}"
    ours = {name for name in named if not NOT_OURS.match(name)}
    assert ours <= exported_series(), sorted(ours - exported_series())


def test_the_dashboard_shows_every_family_of_the_shop() -> None:
    shown = {
        re.sub(r"_(total|bucket|count|sum)$", "", name)
        for expression in dashboard_expressions()
        for name in metric_names(expression)
    }
    families = {family.name for family in REGISTRY.collect() if family.name.startswith("ocop_")}
    # The backup families are for SQLite shops; the compose deployment runs PostgreSQL.
    assert families - shown == {"ocop_backups", "ocop_backup_last_success_timestamp_seconds"}


def test_the_check_finds_metric_names_and_nothing_else() -> None:
    quantile = (
        "histogram_quantile(0.95, sum by (le) (rate(ocop_update_seconds_bucket{a='b'}[5m])))"
    )
    assert metric_names(quantile) == {"ocop_update_seconds_bucket"}
    assert metric_names("max by (queue) (ocop_outbox_oldest_seconds) > 600") == {
        "ocop_outbox_oldest_seconds"
    }
    assert metric_names('up{job="ocop-bot"} == 0') == {"up"}
    with pytest.raises(AssertionError):
        test_every_metric_named_is_one_the_bot_exports("rate(ocop_no_such_thing_total[5m])")
