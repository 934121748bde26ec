"""Configuration: ``bot.toml`` overridden by the environment, validated once at start."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from catalog import rules
from catalog.links import MESSENGER_USERNAME_PATTERN, USERNAME_PATTERN
from catalog.models import PaymentProvider
from catalog.payments.directory import (
    CASSO_API,
    PAYOS_API,
    SEPAY_API,
    PaymentsDirectory,
    ProducerKeys,
)

DEFAULT_CONFIG_PATH = Path("bot.toml")
PUBLIC_API_BASE = "https://api.telegram.org"
TOKEN_PATTERN = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{1,100}")

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["text", "json"]


class ConfigError(Exception):
    """A setting is missing or malformed; ``setting`` names it as the operator wrote it."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


def _base_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return value.rstrip("/")


def _optional(accepts: Callable[[str], object], problem: str) -> AfterValidator:
    """A setting that may be left empty; when set, ``accepts`` it or says ``problem``."""

    def check(value: str) -> str:
        if value and not accepts(value):
            raise ValueError(problem)
        return value

    return AfterValidator(check)


def _https(value: str) -> bool:
    return value.startswith("https://")


_stripped = AfterValidator(str.strip)
_base_url_check = AfterValidator(_base_url)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TelegramSettings(_Section):
    token: Annotated[
        str,
        _stripped,
        _optional(
            TOKEN_PATTERN.fullmatch,
            "malformed bot token; @BotFather gives one like 123456789:AAH…",
        ),
    ] = ""
    api_base: Annotated[str, _base_url_check] = PUBLIC_API_BASE
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


class DatabaseSettings(_Section):
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


class ShopSettings(_Section):
    default_language: Literal["vi", "en"] = "vi"
    media_dir: Path = Path("data/media")
    low_stock_threshold: int = Field(default=5, ge=0)


class OutboxSettings(_Section):
    lease_seconds: float = Field(default=30.0, gt=0)
    poll_seconds: float = Field(default=2.0, gt=0)


class SendingSettings(_Section):
    group_messages_per_minute: int = Field(default=20, ge=1)
    chat_messages_per_second: float = Field(default=1.0, gt=0)
    chat_burst: int = Field(default=8, ge=1)
    messages_per_second: int = Field(default=25, ge=1)
    answer_presses_within: float = Field(default=0.7, gt=0, le=10)


ZALO_PUBLIC_API_BASE = "https://bot-api.zaloplatforms.com"
ZALO_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,40}:[A-Za-z0-9_-]{1,200}")


class ZaloSettings(_Section):
    """The shop's Zalo bot, for producers' staff; nothing Zalo runs without a token."""

    token: Annotated[
        str,
        _stripped,
        _optional(
            ZALO_TOKEN_PATTERN.fullmatch,
            "malformed Zalo bot token; Zalo Bot Manager gives one like 1234567890:AbC…",
        ),
    ] = ""
    api_base: Annotated[str, _base_url_check] = ZALO_PUBLIC_API_BASE
    polling_timeout: int = Field(default=30, ge=1, le=60)
    monthly_quota: int = Field(default=3000, ge=1)
    # When this few messages are left this month, alerts are digested and admins told.
    quota_reserve: int = Field(default=300, ge=0)
    messages_per_second: float = Field(default=5.0, gt=0)
    webhook_url: Annotated[str, _optional(_https, "Zalo calls webhooks over https://")] = ""
    webhook_secret: Annotated[
        str, _optional(lambda value: 8 <= len(value) <= 256, "8 to 256 characters")
    ] = ""
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> ZaloSettings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("webhook_secret: a Zalo webhook needs a secret of 8-256 characters")
        return self


MESSENGER_PUBLIC_API_BASE = "https://graph.facebook.com"
PAGE_ID_PATTERN = re.compile(r"\d{5,20}")
# Meta's Page access tokens are long runs of letters and digits ("EAAG…").
PAGE_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,1024}")
APP_SECRET_PATTERN = re.compile(r"[0-9a-f]{32}")
GRAPH_VERSION_PATTERN = re.compile(r"v\d{1,3}\.\d")
PAGE_USERNAME_PATTERN = MESSENGER_USERNAME_PATTERN
UTILITY_TEMPLATE_PATTERN = re.compile(r"[a-z0-9_]{1,512}:[A-Za-z_]{2,10}")


class MessengerSettings(_Section):
    """The shop on a Facebook Page's Messenger inbox; nothing Messenger runs unless the
    Page's id, token, app secret and verify token are all set."""

    page_id: Annotated[
        str, _stripped, _optional(PAGE_ID_PATTERN.fullmatch, "the Page's numeric id")
    ] = ""
    page_token: Annotated[
        str,
        _stripped,
        _optional(
            PAGE_TOKEN_PATTERN.fullmatch,
            "malformed Page access token; the app's Messenger settings give one like EAAG…",
        ),
    ] = ""
    app_secret: Annotated[
        str,
        _stripped,
        _optional(
            APP_SECRET_PATTERN.fullmatch,
            "malformed app secret; App settings > Basic shows 32 hexadecimal digits",
        ),
    ] = ""
    verify_token: Annotated[
        str, _stripped, _optional(lambda value: 8 <= len(value) <= 256, "8 to 256 characters")
    ] = ""
    api_base: Annotated[str, _base_url_check] = MESSENGER_PUBLIC_API_BASE
    graph_version: Annotated[
        str, _optional(GRAPH_VERSION_PATTERN.fullmatch, "a Graph API version like v25.0")
    ] = "v25.0"
    # The Page's username, for m.me links (facebook.com/<username>).
    page_username: Annotated[
        str,
        AfterValidator(lambda value: value.strip().removeprefix("@")),
        _optional(PAGE_USERNAME_PATTERN.fullmatch, "a Page username: 5-50 letters, digits, ."),
    ] = ""
    # The public https:// address the media folder is served at (product pictures).
    public_url: Annotated[
        str, _optional(_https, "Messenger fetches pictures over https:// only")
    ] = ""
    # Approved utility templates by the customer's language: "name:language_code".
    utility_templates: dict[Literal["vi", "en"], str] = {}
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8082, ge=1, le=65535)

    @field_validator("utility_templates")
    @classmethod
    def _check_templates(cls, value: dict[str, str]) -> dict[str, str]:
        for template in value.values():
            if not UTILITY_TEMPLATE_PATTERN.fullmatch(template):
                raise ValueError(
                    f"{template!r}: a template as name:language_code, like order_update:vi"
                )
        return value

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _all_or_nothing(self) -> MessengerSettings:
        given = {
            "MESSENGER_PAGE_ID": self.page_id,
            "MESSENGER_PAGE_TOKEN": self.page_token,
            "MESSENGER_APP_SECRET": self.app_secret,
            "MESSENGER_VERIFY_TOKEN": self.verify_token,
        }
        missing = [name for name, value in given.items() if not value]
        if missing and len(missing) < len(given):
            # Not a ValueError: pydantic passes it on, naming the setting to give.
            raise ConfigError(
                missing[0],
                "missing: Messenger needs the Page's id and token, the app secret and a "
                "verify token together (nothing Messenger starts without all four)",
            )
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.page_id)

    @property
    def graph_url(self) -> str:
        return f"{self.api_base}/{self.graph_version}"


WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class WebhookSettings(_Section):
    # The public HTTPS address Telegram posts updates to (the reverse proxy in front).
    url: Annotated[
        str, _optional(_https, "Telegram posts updates only to an https:// address")
    ] = ""
    listen_host: str = "127.0.0.1"
    listen_port: int = Field(default=8081, ge=1, le=65535)
    secret: Annotated[
        str, _optional(WEBHOOK_SECRET_PATTERN.fullmatch, "1-256 characters of A-Z a-z 0-9 _ -")
    ] = ""
    max_connections: int = Field(default=100, ge=1, le=100)
    # Seconds a stopping worker waits for the updates it is handling.
    shutdown_seconds: float = Field(default=20.0, gt=0)

    @property
    def path(self) -> str:
        """The path workers serve: the one in the public URL."""
        rest = self.url.removeprefix("https://")
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


class RedisSettings(_Section):
    # redis://host:6379/0 — set it (REDIS_URL) to run several workers; empty: one process.
    url: Annotated[
        str,
        _optional(
            lambda value: value.startswith(("redis://", "rediss://", "unix://")),
            "use redis://host:6379/0 (or rediss:// or unix://)",
        ),
    ] = ""


class ProducerPayments(_Section):
    """``[payments.producers.CODE]``: the producer's notification service and its keys."""

    provider: PaymentProvider
    sepay_api_key: str = Field(default="", repr=False)
    sepay_hmac_secret: str = Field(default="", repr=False)
    sepay_api_token: str = Field(default="", repr=False)
    casso_checksum_key: str = Field(default="", repr=False)
    casso_api_key: str = Field(default="", repr=False)
    payos_client_id: str = ""
    payos_api_key: str = Field(default="", repr=False)
    payos_checksum_key: str = Field(default="", repr=False)

    @model_validator(mode="after")
    def _keys_of_its_provider(self) -> ProducerPayments:
        if self.provider == PaymentProvider.sepay and not (
            self.sepay_api_key or self.sepay_hmac_secret
        ):
            raise ValueError("SePay needs sepay_api_key or sepay_hmac_secret (its webhook's)")
        if self.provider == PaymentProvider.casso and not self.casso_checksum_key:
            raise ValueError("Casso needs casso_checksum_key (webhook v2's security key)")
        if self.provider == PaymentProvider.payos and not (
            self.payos_client_id and self.payos_api_key and self.payos_checksum_key
        ):
            raise ValueError("payOS needs payos_client_id, payos_api_key and payos_checksum_key")
        return self

    def keys(self) -> ProducerKeys:
        return ProducerKeys(**self.model_dump())


class PaymentsSettings(_Section):
    # The receiver of the providers' notifications; port 0: none in this process.
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8083, ge=0, le=65535)
    expire_after_hours: float = Field(default=24.0, gt=0, le=24 * 31)
    check_seconds: float = Field(default=30.0, gt=0)
    reconcile_minutes: float = Field(default=15.0, ge=0)
    reconcile_hours: float = Field(default=48.0, gt=0)
    sepay_api_base: Annotated[str, _base_url_check] = SEPAY_API
    casso_api_base: Annotated[str, _base_url_check] = CASSO_API
    payos_api_base: Annotated[str, _base_url_check] = PAYOS_API
    return_url: Annotated[str, _base_url_check] = "https://t.me"
    producers: dict[str, ProducerPayments] = {}

    @field_validator("producers")
    @classmethod
    def _check_codes(cls, value: dict[str, ProducerPayments]) -> dict[str, ProducerPayments]:
        for code in value:
            if not rules.is_producer_code(code):
                raise ValueError(f"{code!r} is not a producer code (2-12 capitals and digits)")
        return value

    def directory(self) -> PaymentsDirectory:
        return PaymentsDirectory(
            producers={code: settings.keys() for code, settings in self.producers.items()},
            sepay_api=self.sepay_api_base,
            casso_api=self.casso_api_base,
            payos_api=self.payos_api_base,
            return_url=self.return_url,
            window=timedelta(hours=self.expire_after_hours),
        )


class LogSettings(_Section):
    level: LogLevel = "INFO"
    format: LogFormat = "text"


class MetricsSettings(_Section):
    """Prometheus metrics: counted while ``enabled``; served on the webhook server's
    ``/metrics``, and in polling mode on a listener of their own when ``port`` is set."""

    enabled: bool = True
    # 0: no listener in polling mode (webhook workers serve /metrics on their own port).
    port: int = Field(default=0, ge=0, le=65535)
    host: str = "127.0.0.1"


class HealthSettings(_Section):
    # An outbox whose oldest deliverable message waited longer is stuck: /health/ready
    # fails and the admins are warned.
    outbox_stuck_seconds: float = Field(default=600.0, gt=0)
    # Seconds between the checks that measure the outbox and warn the admins.
    check_seconds: float = Field(default=15.0, gt=0)
    # Seconds a repeated warning waits at least before it is told again.
    repeat_seconds: float = Field(default=3600.0, gt=0)


class BackupSettings(_Section):
    # Where `ocop-bot db backup` without a PATH, and the scheduled backups, write.
    directory: Path = Path("data/backups")
    # Hours between scheduled backups taken by the running bot; 0: none.
    every_hours: float = Field(default=0.0, ge=0)
    # Scheduled backups kept; older ones are deleted.
    keep: int = Field(default=7, ge=1)


class Config(_Section):
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
# A producer's payments, one variable a key: PAYMENTS_BABE_PROVIDER=sepay,
# PAYMENTS_BABE_SEPAY_API_KEY=…  (the keys of [payments.producers.BABE], upper case).
PRODUCER_PAYMENTS = re.compile(
    "PAYMENTS_([A-Z0-9]{2,12})_("
    + "|".join(name.upper() for name in ProducerPayments.model_fields)
    + ")"
)


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


def _producer_payments_from(
    environ: Mapping[str, str], raw: dict[str, Any], origin: dict[tuple[str, str], str]
) -> None:
    for name, value in environ.items():
        found = PRODUCER_PAYMENTS.fullmatch(name)
        if found is None or not value.strip():
            continue
        code, key = found.group(1), found.group(2).lower()
        payments = raw.setdefault("payments", {})
        if isinstance(payments, dict):
            producers = payments.setdefault("producers", {})
            if isinstance(producers, dict):
                producers.setdefault(code, {})[key] = value.strip()
        origin[("payments", "producers")] = f"PAYMENTS_{code}_…"


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
    _producer_payments_from(environ, raw, origin)

    try:
        return Config.model_validate(raw)
    except ValidationError as err:
        raise _validation_error(err, origin) from None
