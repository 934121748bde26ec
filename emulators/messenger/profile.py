"""The Messenger Profile API, ``/me/messenger_profile``: GET the fields asked for, POST to set
them, DELETE to remove them, 10 calls per Page per 10 minutes (613 beyond; switchable).

- ``get_started``: ``{"payload"}`` of up to 1,000 characters; tapping it sends a postback;
- ``greeting``: one text (≤ 160 characters) per locale, a ``default`` one required;
- ``persistent_menu``: per locale, a ``default`` one required, 1–20 items of type
  ``postback`` (payload ≤ 1,000) or ``web_url``, titles ≤ 30, no nesting since v8.0; only
  with a Get Started button (set before or in the same call)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from emulators.messenger import errors
from emulators.messenger.errors import invalid
from emulators.messenger.models import Page
from emulators.messenger.send import json_param
from emulators.messenger.validate import MAX_PAYLOAD, check_keys, check_list, check_text, check_url

if TYPE_CHECKING:
    from emulators.messenger.state import MessengerState

FIELDS = ("get_started", "greeting", "persistent_menu", "ice_breakers", "whitelisted_domains",
          "account_linking_url")  # fmt: skip
LOCALE = re.compile(r"default|[a-z]{2}_[A-Z]{2}")
MAX_GREETING = 160
MAX_MENU_ITEMS = 20
MAX_MENU_TITLE = 30


class ProfileApi:
    def __init__(self, state: MessengerState) -> None:
        self.state = state

    def call(self, page: Page, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self._spend(page)
        if method == "GET":
            return self._get(page, params)
        if method == "POST":
            return self._post(page, params)
        return self._delete(page, params)

    def _spend(self, page: Page) -> None:
        limits = self.state.limits
        if limits.profile_calls is None:
            return
        now = self.state.clock.now()
        while page.profile_calls and page.profile_calls[0] <= now - limits.profile_window:
            page.profile_calls.popleft()
        if len(page.profile_calls) >= limits.profile_calls:
            raise errors.rate_limited()
        page.profile_calls.append(now)

    @staticmethod
    def _names(value: Any, name: str) -> list[str]:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list) or not value:
            raise invalid(f"param {name} is required")
        unknown = [field for field in value if field not in FIELDS]
        if unknown:
            raise invalid(f"param {name} has unknown fields: {unknown}")
        return [str(field) for field in value]

    def _get(self, page: Page, params: dict[str, Any]) -> dict[str, Any]:
        names = self._names(params.get("fields"), "fields")
        found = {name: page.profile[name] for name in names if name in page.profile}
        return {"data": [found] if found else []}

    def _delete(self, page: Page, params: dict[str, Any]) -> dict[str, Any]:
        names = self._names(json_param(params, "fields"), "fields")
        menu_stays = "persistent_menu" in page.profile and "persistent_menu" not in names
        if "get_started" in names and menu_stays:
            raise invalid(
                "You must delete the persistent menu before deleting the Get Started button."
            )
        for name in names:
            page.profile.pop(name, None)
        return {"result": "success"}

    def _post(self, page: Page, params: dict[str, Any]) -> dict[str, Any]:
        unknown = [key for key in params if key not in FIELDS]
        if unknown:
            raise invalid(f"Invalid keys {unknown} were found in the Messenger Profile request")
        values = {name: json_param(params, name) for name in FIELDS if name in params}
        if not values:
            raise invalid("No Messenger Profile fields to set")
        if "get_started" in values:
            data = check_keys(values["get_started"], "get_started", ("payload",))
            check_text(data.get("payload"), "get_started[payload]", MAX_PAYLOAD)
        if "greeting" in values:
            self._greeting(values["greeting"])
        if "persistent_menu" in values:
            if "get_started" not in values and "get_started" not in page.profile:
                raise invalid(
                    "You must set a Get Started button if you also wish to use persistent menu."
                )
            self._menu(values["persistent_menu"])
        page.profile.update(values)
        self.state.notify()
        return {"result": "success"}

    @staticmethod
    def _locales(items: list[Any], name: str) -> None:
        locales = [item.get("locale") for item in items]
        for locale in locales:
            if not isinstance(locale, str) or not LOCALE.fullmatch(locale):
                raise invalid(f"param {name}[locale] {locale!r} is not a supported locale")
        if len(set(locales)) != len(locales):
            raise invalid(f"param {name} has the same locale more than once")
        if "default" not in locales:
            raise invalid(f"param {name} must have an entry with the locale default")

    def _greeting(self, value: Any) -> None:
        items = check_list(value, "greeting", 100)
        for index, item in enumerate(items):
            data = check_keys(item, f"greeting[{index}]", ("locale", "text"))
            check_text(data.get("text"), f"greeting[{index}][text]", MAX_GREETING)
        self._locales(items, "greeting")

    def _menu(self, value: Any) -> None:
        items = check_list(value, "persistent_menu", 100)
        for index, item in enumerate(items):
            where = f"persistent_menu[{index}]"
            keys = ("locale", "composer_input_disabled", "disabled_surfaces", "call_to_actions")
            data = check_keys(item, where, keys)
            if not isinstance(data.get("composer_input_disabled", False), bool):
                raise invalid(f"param {where}[composer_input_disabled] must be a boolean")
            actions = check_list(data.get("call_to_actions"), f"{where}[call_to_actions]",
                                 MAX_MENU_ITEMS)  # fmt: skip
            for number, action in enumerate(actions):
                self._menu_item(action, f"{where}[call_to_actions][{number}]")
        self._locales(items, "persistent_menu")

    @staticmethod
    def _menu_item(value: Any, where: str) -> None:
        kind = value.get("type") if isinstance(value, dict) else None
        if kind == "nested":
            raise invalid(f"param {where}: nested menu items are not supported since v8.0")
        if kind == "postback":
            data = check_keys(value, where, ("type", "title", "payload"))
            check_text(data.get("payload"), f"{where}[payload]", MAX_PAYLOAD)
        elif kind == "web_url":
            keys = ("type", "title", "url", "webview_height_ratio", "messenger_extensions",
                    "fallback_url", "webview_share_button")  # fmt: skip
            data = check_keys(value, where, keys)
            check_url(data.get("url"), f"{where}[url]")
        else:
            raise invalid(f"param {where}[type] must be postback or web_url")
        check_text(data.get("title"), f"{where}[title]", MAX_MENU_TITLE)
