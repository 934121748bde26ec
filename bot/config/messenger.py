"""``[messenger]``: the shop on a Facebook Page's Messenger inbox."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from bot.config.fields import ConfigError, Section, base_url_check, https_only, optional, stripped
from catalog.links import MESSENGER_USERNAME_PATTERN

MESSENGER_PUBLIC_API_BASE = "https://graph.facebook.com"
PAGE_ID_PATTERN = re.compile(r"\d{5,20}")
# Meta's Page access tokens are long runs of letters and digits ("EAAG…").
PAGE_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,1024}")
APP_SECRET_PATTERN = re.compile(r"[0-9a-f]{32}")
GRAPH_VERSION_PATTERN = re.compile(r"v\d{1,3}\.\d")
PAGE_USERNAME_PATTERN = MESSENGER_USERNAME_PATTERN
UTILITY_TEMPLATE_PATTERN = re.compile(r"[a-z0-9_]{1,512}:[A-Za-z_]{2,10}")


class MessengerSettings(Section):
    """The shop on a Facebook Page's Messenger inbox; nothing Messenger runs unless the
    Page's id, token, app secret and verify token are all set."""

    page_id: Annotated[
        str, stripped, optional(PAGE_ID_PATTERN.fullmatch, "the Page's numeric id")
    ] = ""
    page_token: Annotated[
        str,
        stripped,
        optional(
            PAGE_TOKEN_PATTERN.fullmatch,
            "malformed Page access token; the app's Messenger settings give one like EAAG…",
        ),
    ] = ""
    app_secret: Annotated[
        str,
        stripped,
        optional(
            APP_SECRET_PATTERN.fullmatch,
            "malformed app secret; App settings > Basic shows 32 hexadecimal digits",
        ),
    ] = ""
    verify_token: Annotated[
        str, stripped, optional(lambda value: 8 <= len(value) <= 256, "8 to 256 characters")
    ] = ""
    api_base: Annotated[str, base_url_check] = MESSENGER_PUBLIC_API_BASE
    graph_version: Annotated[
        str, optional(GRAPH_VERSION_PATTERN.fullmatch, "a Graph API version like v25.0")
    ] = "v25.0"
    # The Page's username, for m.me links (facebook.com/<username>).
    page_username: Annotated[
        str,
        AfterValidator(lambda value: value.strip().removeprefix("@")),
        optional(PAGE_USERNAME_PATTERN.fullmatch, "a Page username: 5-50 letters, digits, ."),
    ] = ""
    # The public https:// address the media folder is served at (product pictures).
    public_url: Annotated[
        str, optional(https_only, "Messenger fetches pictures over https:// only")
    ] = ""
    # Approved utility templates by the customer's language: "name:language_code".
    utility_templates: dict[Literal["vi", "en"], str] = Field(default_factory=dict)
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
