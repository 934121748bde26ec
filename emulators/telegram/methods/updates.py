"""How the bot gets its updates and who it is: getMe, getUpdates (long polling with offset
confirmation), setWebhook, deleteWebhook, getWebhookInfo, logOut and close."""

from __future__ import annotations

import re
from typing import Any

from emulators.telegram.models import ApiError, bad_request
from emulators.telegram.params import Call, api_method

DEFAULT_UPDATES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post", "callback_query",
        "inline_query", "chosen_inline_result", "my_chat_member", "shipping_query",
        "pre_checkout_query", "poll", "poll_answer", "chat_join_request",
    }
)  # fmt: skip
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def update_kind(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


def check_webhook(secret: str | None, max_connections: int | None) -> None:
    """What Telegram refuses in setWebhook besides the URL (400, its own words)."""
    if secret is not None and not SECRET_PATTERN.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if max_connections is not None and not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")


@api_method("logOut", "close")
async def _true(call: Call) -> Any:
    return True


@api_method("getMe")
async def get_me(call: Call) -> Any:
    data = call.bot.user.to_api()
    data.update(
        can_join_groups=True,
        can_read_all_group_messages=not call.bot.privacy_mode,
        supports_inline_queries=call.bot.inline_mode,
    )
    return data


@api_method("getUpdates")
async def get_updates(call: Call) -> Any:
    bot, params = call.bot, call.params
    if bot.webhook is not None:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    offset = params.integer("offset") or 0
    limit = min(max(params.integer("limit") or 100, 1), 100)
    timeout = max(params.number("timeout") or 0.0, 0.0)
    allowed = params.json("allowed_updates")
    if isinstance(allowed, list):
        bot.allowed_updates = [str(kind) for kind in allowed] or None
    if offset < 0:
        del bot.updates[: max(len(bot.updates) + offset, 0)]
    elif offset:
        bot.updates[:] = [u for u in bot.updates if u["update_id"] >= offset]
    bot.poll_generation += 1
    generation = bot.poll_generation
    call.emulator.notify()

    def ready() -> list[dict[str, Any]] | None:
        if generation != bot.poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        wanted = set(bot.allowed_updates or DEFAULT_UPDATES)
        bot.updates[:] = [u for u in bot.updates if update_kind(u) in wanted]
        return bot.updates[:limit] or None

    return await call.emulator.wait_until(ready, timeout) or []


@api_method("setWebhook")
async def set_webhook(call: Call) -> Any:
    url = call.params.string("url") or ""
    if not url:
        call.bot.webhook = None
        return True
    if not url.startswith("https://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    check_webhook(call.params.string("secret_token"), call.params.integer("max_connections"))
    call.bot.webhook = {
        "url": url,
        "secret_token": call.params.string("secret_token"),
        "allowed_updates": call.params.json("allowed_updates"),
        "max_connections": call.params.integer("max_connections") or 40,
    }
    if call.params.flag("drop_pending_updates"):
        call.bot.updates.clear()
    return True


@api_method("deleteWebhook")
async def delete_webhook(call: Call) -> Any:
    call.bot.webhook = None
    if call.params.flag("drop_pending_updates"):
        call.bot.updates.clear()
    return True


@api_method("getWebhookInfo")
async def get_webhook_info(call: Call) -> Any:
    hook = call.bot.webhook or {}
    info: dict[str, Any] = {
        "url": hook.get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": len(call.bot.updates),
    }
    if hook:
        info["max_connections"] = hook["max_connections"]
        if hook.get("allowed_updates"):
            info["allowed_updates"] = hook["allowed_updates"]
    return info
