from pathlib import Path

import pytest

from bot.config import PUBLIC_API_BASE, ConfigError, load_config

TOKEN = "123456:ABC-def_ghi"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_committed_bot_toml_loads_with_its_documented_defaults() -> None:
    config = load_config(Path(__file__).parents[2] / "bot.toml", environ={})
    assert config.telegram.api_base == PUBLIC_API_BASE
    assert config.database.url == "sqlite+aiosqlite:///data/ocop.db"
    assert config.telegram.admin_ids == ()
    assert config.log.level == "INFO"


def test_the_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[telegram]\napi_base = "http://file.example"\n[log]\nlevel = "ERROR"\n'
    )
    config = load_config(
        path,
        environ={
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": "http://127.0.0.1:8081/",
            "DATABASE_URL": "postgresql+asyncpg://shop@db/shop",
            "ADMIN_IDS": "11, 22,33",
            "LOG_LEVEL": "debug",
        },
    )
    assert config.require_token() == TOKEN
    assert config.telegram.api_base == "http://127.0.0.1:8081"
    assert config.database.url == "postgresql+asyncpg://shop@db/shop"
    assert config.telegram.admin_ids == (11, 22, 33)
    assert config.log.level == "DEBUG"


def test_a_missing_token_names_bot_token_and_says_how_to_set_it(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""), environ={})
    with pytest.raises(ConfigError) as err:
        config.require_token()
    assert err.value.setting == "BOT_TOKEN"
    assert "BotFather" in err.value.problem


@pytest.mark.parametrize(
    ("environ", "setting"),
    [
        ({"BOT_TOKEN": "not a token"}, "BOT_TOKEN"),
        ({"ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"ADMIN_IDS": "0"}, "ADMIN_IDS"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"TELEGRAM_API_BASE": "api.telegram.org"}, "TELEGRAM_API_BASE"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"WEBHOOK_URL": "http://shop.example.vn/hook"}, "WEBHOOK_URL"),
        ({"WEBHOOK_SECRET": "has space"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
    ],
)
def test_a_malformed_environment_value_is_reported_by_its_name(
    tmp_path: Path, environ: dict[str, str], setting: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, ""), environ=environ)
    assert err.value.setting == setting


def test_a_malformed_file_value_names_the_key_and_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[telegram]\npolling_timeout = 500\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, environ={})
    assert err.value.setting == f"[telegram] polling_timeout in {path}"


def test_an_unknown_key_is_an_error_not_silently_ignored(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, "[database]\nurll = 'x'\n"), environ={})
    assert "url" in err.value.setting
    assert err.value.problem == "unknown setting"


def test_broken_toml_and_a_missing_explicit_file_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[telegram\n"), environ={})
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.toml", environ={})


def test_webhook_and_redis_settings_come_from_the_environment(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, "[webhook]\nmax_connections = 10\n"),
        environ={
            "WEBHOOK_URL": "https://shop.example.vn/telegram/webhook",
            "WEBHOOK_SECRET": "s3cret_-X",
            "WEBHOOK_PORT": "8083",
            "REDIS_URL": "redis://127.0.0.1:6379/2",
        },
    )
    webhook = config.require_webhook()
    assert (webhook.path, webhook.listen_port, webhook.max_connections) == (
        "/telegram/webhook",
        8083,
        10,
    )
    assert config.redis.url == "redis://127.0.0.1:6379/2"


def test_webhook_mode_needs_a_public_url_and_a_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, ""), environ={}).require_webhook()
    assert err.value.setting == "WEBHOOK_URL"
    with pytest.raises(ConfigError) as err:
        load_config(
            write(tmp_path, ""), environ={"WEBHOOK_URL": "https://shop.example.vn/hook"}
        ).require_webhook()
    assert err.value.setting == "WEBHOOK_SECRET"


MESSENGER = {
    "MESSENGER_PAGE_ID": "101010101010101",
    "MESSENGER_PAGE_TOKEN": "EAAG" + "x" * 60,
    "MESSENGER_APP_SECRET": "0123456789abcdef0123456789abcdef",
    "MESSENGER_VERIFY_TOKEN": "verify-me-please",
}


def test_messenger_is_off_without_its_settings_and_on_with_all_four(tmp_path: Path) -> None:
    assert not load_config(write(tmp_path, ""), environ={}).messenger.enabled
    config = load_config(
        write(tmp_path, '[messenger]\nutility_templates = { en = "order_update:en_US" }\n'),
        environ={**MESSENGER, "MESSENGER_API_BASE": "http://127.0.0.1:9/",
                 "MESSENGER_WEBHOOK_PORT": "8090"},
    )  # fmt: skip
    settings = config.messenger
    assert settings.enabled
    assert settings.graph_url == "http://127.0.0.1:9/v25.0"
    assert (settings.webhook_host, settings.webhook_port) == ("127.0.0.1", 8090)
    assert settings.utility_templates == {"en": "order_update:en_US"}


@pytest.mark.parametrize(
    ("environ", "setting"),
    [
        ({**MESSENGER, "MESSENGER_PAGE_ID": "my-page"}, "MESSENGER_PAGE_ID"),
        ({**MESSENGER, "MESSENGER_PAGE_TOKEN": "short"}, "MESSENGER_PAGE_TOKEN"),
        ({**MESSENGER, "MESSENGER_APP_SECRET": "not-hex"}, "MESSENGER_APP_SECRET"),
        ({**MESSENGER, "MESSENGER_VERIFY_TOKEN": "short"}, "MESSENGER_VERIFY_TOKEN"),
        ({**MESSENGER, "MESSENGER_API_BASE": "graph.facebook.com"}, "MESSENGER_API_BASE"),
        ({**MESSENGER, "MESSENGER_WEBHOOK_PORT": "0"}, "MESSENGER_WEBHOOK_PORT"),
        ({"MESSENGER_PAGE_ID": "101010101010101"}, "MESSENGER_PAGE_TOKEN"),
        ({k: v for k, v in MESSENGER.items() if k != "MESSENGER_VERIFY_TOKEN"},
         "MESSENGER_VERIFY_TOKEN"),
    ],
)  # fmt: skip
def test_a_malformed_or_missing_messenger_setting_is_named(
    tmp_path: Path, environ: dict[str, str], setting: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, ""), environ=environ)
    assert err.value.setting == setting


@pytest.mark.parametrize(
    ("toml", "setting"),
    [
        ('public_url = "http://shop.example.vn/media"', "public_url"),
        ('utility_templates = { vi = "order update" }', "utility_templates"),
        ('utility_templates = { fr = "order_update:fr" }', "utility_templates"),
        ('page_username = "x"', "page_username"),
        ('graph_version = "25"', "graph_version"),
    ],
)
def test_a_malformed_messenger_key_in_the_file_is_named(
    tmp_path: Path, toml: str, setting: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, f"[messenger]\n{toml}\n"), environ={})
    assert err.value.setting.startswith(f"[messenger] {setting}")


def test_operating_settings_come_from_the_file_and_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, "[metrics]\nport = 9101\n[health]\noutbox_stuck_seconds = 30\n")
    config = load_config(path, environ={"LOG_FORMAT": "JSON", "METRICS_PORT": "9200"})
    assert config.log.format == "json"
    assert config.metrics.port == 9200
    assert config.metrics.host == "127.0.0.1"
    assert config.health.outbox_stuck_seconds == 30
    defaults = load_config(Path(__file__).parents[2] / "bot.toml", environ={})
    assert (defaults.log.format, defaults.metrics.port, defaults.metrics.enabled) == (
        "text",
        0,
        True,
    )
    assert defaults.backup.every_hours == 0


@pytest.mark.parametrize(
    ("environ", "setting"),
    [({"LOG_FORMAT": "xml"}, "LOG_FORMAT"), ({"METRICS_PORT": "70000"}, "METRICS_PORT")],
)
def test_malformed_operating_settings_are_named(
    tmp_path: Path, environ: dict[str, str], setting: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, ""), environ=environ)
    assert err.value.setting == setting


def test_scheduled_backups_on_postgresql_are_refused_with_pg_dump_advice(tmp_path: Path) -> None:
    path = write(tmp_path, "[backup]\nevery_hours = 6\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, environ={"DATABASE_URL": "postgresql+asyncpg://shop@db/shop"})
    assert err.value.setting == "[backup] every_hours"
    assert "pg_dump" in err.value.problem
    assert load_config(path, environ={}).backup.every_hours == 6
