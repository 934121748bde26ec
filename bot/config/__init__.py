"""Configuration: ``bot.toml`` overridden by the environment, validated once at start.

Sections of their own: ``fields`` (what every section is made of), ``messenger``,
``payments``; the others, and reading the file and the environment, are here."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from bot.config.fields import (
    ConfigError,
    Section,
    base_url_check,
    https_only,
    optional,
    stripped,
)
from bot.config.messenger import MessengerSettings
from bot.config.payments import (
    PRODUCER_PAYMENTS,
    PaymentsSettings,
    ProducerPayments,
    producer_payments_from,
)
from catalog.links import USERNAME_PATTERN

# Their sections' modules define them; everyone imports them from here.
__all__ = [
    "PRODUCER_PAYMENTS",
    "ConfigError",
    "MessengerSettings",
    "PaymentsSettings",
    "ProducerPayments",
]

DEFAULT_CONFIG_PATH = Path("bot.toml")
PUBLIC_API_BASE = "https://api.telegram.org"
TOKEN_PATTERN = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{1,100}")

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["text", "json"]


class TelegramSettings(Section):
    token: Annotated[
        str,
        stripped,
        optional(
            TOKEN_PATTERN.fullmatch,
            "malformed bot token; @BotFather gives one like 123456789:AAH…",
        ),
    ] = ""
    api_base: Annotated[str, base_url_check] = PUBLIC_API_BASE
    admin_ids: tuple[int, ...] = ()
    polling_timeout: int = Field(default=30, ge=1, le=50)
    bot_username: str = ""

    @field_validator("bot_username")
    @classmethod
    def _check_bot_username(cls, value: str) -> str:
        value = value.strip().removeprefix("@")
        if value and not USERNAME_PATTERN.fullmatch(value):
            raise ValueError("a Telegram username: 5-32 letters, digits or _, like ocop_shop_bot")
        return value

    @field_validator("admin_ids")
    @classmethod
    def _check_admin_ids(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(user_id <= 0 for user_id in value):
            raise ValueError("Telegram user ids are positive integers")
        return value


class DatabaseSettings(Section):
    url: str = "sqlite+aiosqlite:///data/ocop.db"
    sqlite_busy_timeout_ms: int = Field(default=15000, ge=0)
    echo: bool = False
    # PostgreSQL: connections kept open per process (as many again may open in a rush).
    pool_size: int = Field(default=20, ge=1, le=500)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "use sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://user@host/db"
            )
        return value


class ShopSettings(Section):
    default_language: Literal["vi", "en"] = "vi"
    media_dir: Path = Path("data/media")
    low_stock_threshold: int = Field(default=5, ge=0)


class OutboxSettings(Section):
    lease_seconds: float = Field(default=30.0, gt=0)
    poll_seconds: float = Field(default=2.0, gt=0)


class SendingSettings(Section):
    group_messages_per_minute: int = Field(default=20, ge=1)
    chat_messages_per_second: float = Field(default=1.0, gt=0)
    chat_burst: int = Field(default=8, ge=1)
    messages_per_second: int = Field(default=25, ge=1)
    answer_presses_within: float = Field(default=0.7, gt=0, le=10)


ZALO_PUBLIC_API_BASE = "https://bot-api.zaloplatforms.com"
ZALO_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,40}:[A-Za-z0-9_-]{1,200}")


class ZaloSettings(Section):
    """The shop's Zalo bot, for producers' staff; nothing Zalo runs without a token."""

    token: Annotated[
        str,
        stripped,
        optional(
            ZALO_TOKEN_PATTERN.fullmatch,
            "malformed Zalo bot token; Zalo Bot Manager gives one like 1234567890:AbC…",
        ),
    ] = ""
    api_base: Annotated[str, base_url_check] = ZALO_PUBLIC_API_BASE
    polling_timeout: int = Field(default=30, ge=1, le=60)
    monthly_quota: int = Field(default=3000, ge=1)
    # When this few messages are left this month, alerts are digested and admins told.
    quota_reserve: int = Field(default=300, ge=0)
    messages_per_second: float = Field(default=5.0, gt=0)
    webhook_url: Annotated[str, optional(https_only, "Zalo calls webhooks over https://")] = ""
    webhook_secret: Annotated[
        str, optional(lambda value: 8 <= len(value) <= 256, "8 to 256 characters")
    ] = ""
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> ZaloSettings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("webhook_secret: a Zalo webhook needs a secret of 8-256 characters")
        return self


WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class WebhookSettings(Section):
    # The public HTTPS address Telegram posts updates to (the reverse proxy in front).
    url: Annotated[
        str, optional(https_only, "Telegram posts updates only to an https:// address")
    ] = ""
    listen_host: str = "127.0.0.1"
    listen_port: int = Field(default=8081, ge=1, le=65535)
    secret: Annotated[
        str, optional(WEBHOOK_SECRET_PATTERN.fullmatch, "1-256 characters of A-Z a-z 0-9 _ -")
    ] = ""
    max_connections: int = Field(default=100, ge=1, le=100)
    # Seconds a stopping worker waits for the updates it is handling.
    shutdown_seconds: float = Field(default=20.0, gt=0)

    @property
    def path(self) -> str:
        """The path workers serve: the one in the public URL."""
        rest = self.url.removeprefix("https://")
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


class RedisSettings(Section):
    # redis://host:6379/0 — set it (REDIS_URL) to run several workers; empty: one process.
    url: Annotated[
        str,
        optional(
            lambda value: value.startswith(("redis://", "rediss://", "unix://")),
            "use redis://host:6379/0 (or rediss:// or unix://)",
        ),
    ] = ""


class LogSettings(Section):
    level: LogLevel = "INFO"
    format: LogFormat = "text"


class MetricsSettings(Section):
    """Prometheus metrics: counted while ``enabled``; served on the webhook server's
    ``/metrics``, and in polling mode on a listener of their own when ``port`` is set."""

    enabled: bool = True
    # 0: no listener in polling mode (webhook workers serve /metrics on their own port).
    port: int = Field(default=0, ge=0, le=65535)
    host: str = "127.0.0.1"


class HealthSettings(Section):
    # An outbox whose oldest deliverable message waited longer is stuck: /health/ready
    # fails and the admins are warned.
    outbox_stuck_seconds: float = Field(default=600.0, gt=0)
    # Seconds between the checks that measure the outbox and warn the admins.
    check_seconds: float = Field(default=15.0, gt=0)
    # Seconds a repeated warning waits at least before it is told again.
    repeat_seconds: float = Field(default=3600.0, gt=0)


class BackupSettings(Section):
    # Where `ocop-bot db backup` without a PATH, and the scheduled backups, write.
    directory: Path = Path("data/backups")
    # Hours between scheduled backups taken by the running bot; 0: none.
    every_hours: float = Field(default=0.0, ge=0)
    # Scheduled backups kept; older ones are deleted.
    keep: int = Field(default=7, ge=1)


class Config(Section):
    telegram: TelegramSettings = TelegramSettings()
    database: DatabaseSettings = DatabaseSettings()
    shop: ShopSettings = ShopSettings()
    outbox: OutboxSettings = OutboxSettings()
    sending: SendingSettings = SendingSettings()
    zalo: ZaloSettings = ZaloSettings()
    messenger: MessengerSettings = MessengerSettings()
    webhook: WebhookSettings = WebhookSettings()
    redis: RedisSettings = RedisSettings()
    payments: PaymentsSettings = PaymentsSettings()
    log: LogSettings = LogSettings()
    metrics: MetricsSettings = MetricsSettings()
    health: HealthSettings = HealthSettings()
    backup: BackupSettings = BackupSettings()

    @model_validator(mode="after")
    def _scheduled_backups_need_sqlite(self) -> Config:
        if self.backup.every_hours and not self.database.url.startswith("sqlite"):
            raise ConfigError(
                "[backup] every_hours",
                "scheduled backups are for SQLite; back PostgreSQL up with pg_dump "
                "(README: Operating the shop)",
            )
        return self

    def require_token(self) -> str:
        if not self.telegram.token:
            raise ConfigError(
                "BOT_TOKEN",
                "no bot token; get one from @BotFather and run with BOT_TOKEN=123456:ABC… "
                "(or set [telegram] token in the config file)",
            )
        return self.telegram.token

    def require_webhook(self) -> WebhookSettings:
        if not self.webhook.url:
            raise ConfigError(
                "WEBHOOK_URL", "webhook mode needs the public https:// address Telegram posts to"
            )
        if not self.webhook.secret:
            raise ConfigError(
                "WEBHOOK_SECRET",
                "webhook mode needs a secret (A-Z a-z 0-9 _ -), so that only Telegram is heard",
            )
        return self.webhook


# Environment variable -> (section, key). The environment wins over the file.
ENVIRONMENT: Mapping[str, tuple[str, str]] = {
    "BOT_TOKEN": ("telegram", "token"),
    "TELEGRAM_API_BASE": ("telegram", "api_base"),
    "ADMIN_IDS": ("telegram", "admin_ids"),
    "DATABASE_URL": ("database", "url"),
    "LOG_LEVEL": ("log", "level"),
    "LOG_FORMAT": ("log", "format"),
    "METRICS_PORT": ("metrics", "port"),
    "ZALO_BOT_TOKEN": ("zalo", "token"),
    "ZALO_API_BASE": ("zalo", "api_base"),
    "ZALO_WEBHOOK_SECRET": ("zalo", "webhook_secret"),
    "MESSENGER_PAGE_ID": ("messenger", "page_id"),
    "MESSENGER_PAGE_TOKEN": ("messenger", "page_token"),
    "MESSENGER_APP_SECRET": ("messenger", "app_secret"),
    "MESSENGER_VERIFY_TOKEN": ("messenger", "verify_token"),
    "MESSENGER_API_BASE": ("messenger", "api_base"),
    "MESSENGER_WEBHOOK_HOST": ("messenger", "webhook_host"),
    "MESSENGER_WEBHOOK_PORT": ("messenger", "webhook_port"),
    "WEBHOOK_URL": ("webhook", "url"),
    "WEBHOOK_SECRET": ("webhook", "secret"),
    "WEBHOOK_HOST": ("webhook", "listen_host"),
    "WEBHOOK_PORT": ("webhook", "listen_port"),
    "REDIS_URL": ("redis", "url"),
    "PAYMENTS_WEBHOOK_HOST": ("payments", "webhook_host"),
    "PAYMENTS_WEBHOOK_PORT": ("payments", "webhook_port"),
    "SEPAY_API_BASE": ("payments", "sepay_api_base"),
    "CASSO_API_BASE": ("payments", "casso_api_base"),
    "PAYOS_API_BASE": ("payments", "payos_api_base"),
}


def _parse_env(name: str, raw: str) -> Any:
    if name == "ADMIN_IDS":
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise ConfigError(name, f"expected comma-separated Telegram user ids, got {raw!r}")
        return [int(part) for part in parts]
    if name == "LOG_LEVEL":
        return raw.strip().upper()
    if name == "LOG_FORMAT":
        return raw.strip().lower()
    return raw.strip()


def _read_file(path: Path, *, explicit: bool) -> dict[str, Any]:
    if not path.exists():
        if explicit:
            raise ConfigError("--config", f"no such file: {path}")
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(str(path), f"not valid TOML ({err})") from None


def _validation_error(err: ValidationError, origin: Mapping[tuple[str, str], str]) -> ConfigError:
    first = err.errors()[0]
    loc = tuple(str(part) for part in first["loc"])
    if len(loc) >= 2 and (loc[0], loc[1]) in origin:
        setting = origin[(loc[0], loc[1])]
    else:
        setting = f"[{loc[0]}] {'.'.join(loc[1:])}" if len(loc) > 1 else f"[{loc[0]}]"
    if first["type"] == "extra_forbidden":
        return ConfigError(setting, "unknown setting")
    return ConfigError(setting, first["msg"].removeprefix("Value error, "))


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read the TOML file (``bot.toml`` unless ``path``), apply the environment, validate."""
    environ = os.environ if environ is None else environ
    file = path or DEFAULT_CONFIG_PATH
    raw = _read_file(file, explicit=path is not None)

    # Where each value came from, so that an error names what the operator has to fix.
    origin: dict[tuple[str, str], str] = {}
    for section, values in raw.items():
        if isinstance(values, dict):
            for key in values:
                origin[(section, key)] = f"[{section}] {key} in {file}"
    for name, (section, key) in ENVIRONMENT.items():
        if environ.get(name):
            section_values = raw.setdefault(section, {})
            if isinstance(section_values, dict):
                section_values[key] = _parse_env(name, environ[name])
            origin[(section, key)] = name
    producer_payments_from(environ, raw, origin)

    try:
        return Config.model_validate(raw)
    except ValidationError as err:
        raise _validation_error(err, origin) from None
