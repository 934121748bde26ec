"""The Send API, ``POST /{page-id}/messages``, as Meta answers it.

A request has a ``recipient`` (a PSID in ``id``, or a ``comment_id`` for a private reply), a
``messaging_type`` (RESPONSE, UPDATE, MESSAGE_TAG with a ``tag``, UTILITY), and a
``message`` — or only a ``sender_action``. Checks, in the order Graph makes them: the
parameters (100), the recipient (100 / 2018001), the Page's restriction (10 / 1893063), a
person who blocked the Page (551 / 1545041), the 24-hour window (10 / 2018278; HUMAN_AGENT
7 days; UTILITY templates none), then images are fetched. The purchase-update tags retired
on 27 April 2026 are refused (100). A private reply goes once per comment (10900), within
7 days of it (10903), to comments on the Page's own posts, and opens no window."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from emulators.messenger import errors, events
from emulators.messenger.errors import GraphError, invalid
from emulators.messenger.models import (
    HUMAN_AGENT_WINDOW,
    PRIVATE_REPLY_WINDOW,
    Button,
    Comment,
    Content,
    MessengerUser,
    Page,
    ThreadMessage,
    new_mid,
)
from emulators.messenger.validate import check_keys, read_message, read_utility

if TYPE_CHECKING:
    from emulators.messenger.server import MessengerEmulator

MESSAGING_TYPES = ("RESPONSE", "UPDATE", "MESSAGE_TAG", "UTILITY")
RETIRED_TAGS = ("CONFIRMED_EVENT_UPDATE", "ACCOUNT_UPDATE", "POST_PURCHASE_UPDATE")
TAGS = ("HUMAN_AGENT",)
NOTIFICATION_TYPES = ("REGULAR", "SILENT_PUSH", "NO_PUSH")
SENDER_ACTIONS = ("typing_on", "typing_off", "mark_seen")
RECIPIENT_KEYS = ("id", "comment_id", "user_ref", "post_id", "phone_number",
                  "notification_messages_token")  # fmt: skip


def json_param(params: dict[str, Any], name: str) -> Any:
    """A parameter that may come as an object or, form-encoded, as a JSON string."""
    value = params.get(name)
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            raise invalid(f"param {name} must be a JSON object") from None
    return value


class SendApi:
    def __init__(self, emulator: MessengerEmulator) -> None:
        self.emulator = emulator

    async def send(self, page: Page, params: dict[str, Any]) -> dict[str, Any]:
        self._spend_rate(page)
        recipient = check_keys(json_param(params, "recipient"), "recipient", RECIPIENT_KEYS)
        given = [key for key in RECIPIENT_KEYS if key in recipient]
        if len(given) != 1:
            raise invalid("param recipient must have exactly one of id or comment_id")
        if given[0] not in ("id", "comment_id"):
            raise invalid(f"recipient[{given[0]}] is not supported by this emulator")
        if "sender_action" in params:
            return self._sender_action(page, params, recipient)
        if "message" not in params:
            raise invalid("Must send either message or sender_action")
        kind = self._messaging_type(params)
        notification = params.get("notification_type", "REGULAR")
        if notification not in NOTIFICATION_TYPES:
            raise invalid("param notification_type must be one of {REGULAR, SILENT_PUSH, NO_PUSH}")
        message = json_param(params, "message")
        content = self._content(page, kind, message)
        if "comment_id" in recipient:
            comment = self._commentable(page, str(recipient["comment_id"]))
            user = comment.author
            self._reachable(page, user)
        else:
            user = self._user(page, recipient["id"])
            self._reachable(page, user)
            self._window(page, user, kind, params.get("tag"))
            comment = None
        answer: dict[str, Any] = {}
        if comment is not None:
            comment.replied = True  # before fetching: a concurrent second reply is refused
        try:
            content = await self._images(page, content, answer)
        except GraphError:
            if comment is not None:
                comment.replied = False
            raise
        sent = ThreadMessage(
            new_mid(), from_page=True, timestamp=self.emulator.clock.ms(), content=content,
            messaging_type=kind, tag=params.get("tag"),
            private_reply_to=comment.id if comment else None,
        )  # fmt: skip
        if comment is not None:
            self.emulator.stats.private_replies += 1
        self._deliver(page, user, sent, message if isinstance(message, dict) else {})
        return {"recipient_id": user.psid, "message_id": sent.mid, **answer}

    # -- checks ---------------------------------------------------------------------------

    def _spend_rate(self, page: Page) -> None:
        emulator = self.emulator
        if emulator.send_failures:
            raise emulator.send_failures.pop(0)
        limit = emulator.limits.send_per_second
        if limit is None:
            return
        now = emulator.clock.now()
        while page.send_calls and page.send_calls[0] <= now - 1.0:
            page.send_calls.popleft()
        if len(page.send_calls) >= limit:
            raise errors.rate_limited()
        page.send_calls.append(now)

    @staticmethod
    def _messaging_type(params: dict[str, Any]) -> str:
        kind = params.get("messaging_type")
        if kind is None:
            raise invalid("param messaging_type is required")
        if kind not in MESSAGING_TYPES:
            raise invalid(
                "param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG, UTILITY}"
            )
        tag = params.get("tag")
        if kind == "MESSAGE_TAG":
            if tag in RETIRED_TAGS:
                raise invalid(
                    f"The message tag {tag} is no longer supported: purchase, account and event "
                    "updates outside the standard messaging window are sent as utility messages"
                )
            if tag not in TAGS:
                raise invalid("param tag must be a supported message tag (HUMAN_AGENT)")
        elif tag is not None:
            raise invalid("param tag can only be used with messaging_type MESSAGE_TAG")
        return str(kind)

    def _content(self, page: Page, kind: str, message: Any) -> Content:
        is_template = isinstance(message, dict) and "template" in message
        if kind == "UTILITY" and not is_template:
            raise invalid("messaging_type UTILITY needs message[template] (an approved template)")
        if is_template:
            if kind != "UTILITY":
                raise invalid("message[template] can only be sent with messaging_type UTILITY")
            check_keys(message, "message", ("template",))
            return self._utility(page, message["template"])
        return read_message(message)

    @staticmethod
    def _utility(page: Page, template: Any) -> Content:
        name, language, body, payloads = read_utility(template)
        approved = page.utility_templates.get((name, language))
        if approved is None:
            raise invalid(
                f"Template {name!r} ({language}) does not exist or is not approved for this Page"
            )
        if len(body) != approved.placeholders:
            raise invalid(
                f"Number of parameters ({len(body)}) does not match the expected number of "
                f"params ({approved.placeholders}) of template {name!r}"
            )
        text = approved.body
        for number, value in enumerate(body, start=1):
            text = text.replace("{{" + str(number) + "}}", value)
        buttons = tuple(
            Button(b.type, b.title, payloads.get(index, b.payload), b.url)
            for index, b in enumerate(approved.buttons)
        )
        return Content(text=text, kind="utility", buttons=buttons, template_name=name)

    def _user(self, page: Page, psid: Any) -> MessengerUser:
        user = page.users.get(str(psid))
        if user is None:
            raise errors.no_matching_user()
        return user

    @staticmethod
    def _reachable(page: Page, user: MessengerUser) -> None:
        if page.restricted:
            raise errors.page_restricted()
        if user.blocked:
            raise errors.person_unavailable()

    def _window(self, page: Page, user: MessengerUser, kind: str, tag: str | None) -> None:
        now = self.emulator.clock.now()
        if kind in ("RESPONSE", "UPDATE") and not user.window_open(now):
            raise errors.outside_window()
        if kind == "MESSAGE_TAG" and tag == "HUMAN_AGENT":
            if not page.human_agent:
                raise GraphError(10, "Application does not have permission for this action")
            if not user.window_open(now, HUMAN_AGENT_WINDOW):
                raise errors.outside_window()

    def _commentable(self, page: Page, comment_id: str) -> Comment:
        comment = page.comments.get(comment_id)
        if comment is None or comment.removed:
            raise errors.unsupported("POST", comment_id)
        if comment.replied:
            raise errors.already_replied()
        if self.emulator.clock.now() - comment.created_time > PRIVATE_REPLY_WINDOW:
            raise errors.cannot_reply()
        return comment

    async def _images(self, page: Page, content: Content, answer: dict[str, Any]) -> Content:
        if content.kind != "image":
            return content
        attachments = self.emulator.attachments
        if content.attachment_id is not None:
            stored = attachments.lookup(page, content.attachment_id)
            return replace(content, image_url=stored.url)
        assert content.image_url is not None
        data = await attachments.fetch(content.image_url)
        if content.is_reusable:
            stored = attachments.store(page, data, content.image_url, reusable=True)
            answer["attachment_id"] = stored.id
            return replace(content, attachment_id=stored.id)
        return content

    # -- sending --------------------------------------------------------------------------

    def _deliver(
        self, page: Page, user: MessengerUser, sent: ThreadMessage, raw: dict[str, Any]
    ) -> None:
        emulator = self.emulator
        user.thread.append(sent)
        emulator.typing.pop(user.psid, None)
        emulator.stats.messages_sent += 1
        if "message_echoes" in (page.subscribed_fields or ()):
            echo = events.echo_event(page, user, sent, emulator.app_id, raw)
            entry = events.messaging_entry(page, sent.timestamp, echo)
            emulator.webhook.queue(page, "message_echoes", entry, user.psid)
        emulator.notify(user.psid)

    def _sender_action(
        self, page: Page, params: dict[str, Any], recipient: dict[str, Any]
    ) -> dict[str, Any]:
        extra = [key for key in params if key not in ("recipient", "sender_action")]
        if extra:
            raise invalid(
                f"A sender action is sent with recipient and sender_action only, not {extra}"
            )
        action = params["sender_action"]
        if action not in SENDER_ACTIONS:
            raise invalid("param sender_action must be one of {typing_on, typing_off, mark_seen}")
        if "comment_id" in recipient:
            raise invalid("A sender action needs recipient[id]")
        user = self._user(page, recipient["id"])
        self._reachable(page, user)
        if not user.window_open(self.emulator.clock.now()):
            raise errors.outside_window()
        if action == "typing_on":
            self.emulator.typing[user.psid] = self.emulator.clock.now()
        elif action == "typing_off":
            self.emulator.typing.pop(user.psid, None)
        else:
            self.emulator.seen[user.psid] = self.emulator.clock.ms()
        self.emulator.stats.sender_actions += 1
        self.emulator.notify(user.psid)
        return {"recipient_id": user.psid}
