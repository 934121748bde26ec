"""What people do on Messenger and on a Page's posts — write, tap a quick reply or a button,
open an m.me link, comment, block the Page — each kept in their thread and turned into the
webhook event Meta would send. A message, a postback or a referral opens the 24-hour
window; a comment does not."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from emulators.messenger import events
from emulators.messenger.models import (
    Comment,
    Content,
    MessengerUser,
    Page,
    Post,
    QuickReply,
    ThreadMessage,
    new_mid,
    new_numeric_id,
)
from emulators.messenger.state import MessengerState

STICKER_URL = "https://scontent.xx.fbcdn.net/v/t39.1997-6/{}_n.png"
IMAGE_URL = "https://scontent.xx.fbcdn.net/v/t1.15752-9/{}_n.jpg"


class PeopleActions(MessengerState):
    _numbers = itertools.count(1001)

    def new_user(
        self,
        page: Page,
        name: str,
        *,
        locale: str = "vi_VN",
        phone: str | None = None,
        email: str | None = None,
        psid: str | None = None,
    ) -> MessengerUser:
        user = MessengerUser(
            psid or new_numeric_id(16), page.id, name, locale=locale, phone=phone, email=email
        )
        page.users[user.psid] = user
        return user

    def _inbound(
        self, user: MessengerUser, action: str, text: str | None = None, payload: str | None = None
    ) -> ThreadMessage:
        message = ThreadMessage(
            new_mid(), from_page=False, timestamp=self.clock.ms(),
            content=Content(text=text), action=action, payload=payload,
        )  # fmt: skip
        user.thread.append(message)
        user.last_inbound = self.clock.now()
        return message

    def _emit(
        self, user: MessengerUser, field: str, event: dict[str, Any], *, duplicate: bool = False
    ) -> None:
        page = self.pages[user.page_id]
        entry = events.messaging_entry(page, self.clock.ms(), event)
        self.webhook.queue(page, field, entry, user.psid, duplicate=duplicate)
        self.notify(user.psid)

    def person_writes(
        self, user: MessengerUser, text: str, *, duplicate: bool = False
    ) -> ThreadMessage:
        message = self._inbound(user, "text", text)
        page = self.pages[user.page_id]
        event = events.message_event(user, page, message, {"text": text})
        self._emit(user, "messages", event, duplicate=duplicate)
        return message

    def person_taps_quick_reply(
        self, user: MessengerUser, reply: QuickReply, *, duplicate: bool = False
    ) -> ThreadMessage:
        """The tap sends the title as text with the payload; a phone or e-mail quick reply
        sends the person's own number or address as both."""
        if reply.content_type == "text":
            text, payload = reply.title or "", reply.payload or ""
        else:
            value = user.phone if reply.content_type == "user_phone_number" else user.email
            if value is None:
                raise AssertionError(f"{user.name} has no {reply.content_type} in their profile")
            text = payload = value
        message = self._inbound(user, "quick_reply", text, payload)
        page = self.pages[user.page_id]
        body = {"text": text, "quick_reply": {"payload": payload}}
        self._emit(user, "messages", events.message_event(user, page, message, body),
                   duplicate=duplicate)  # fmt: skip
        return message

    def person_sends_sticker(self, user: MessengerUser, sticker_id: int) -> ThreadMessage:
        message = self._inbound(user, "sticker", payload=str(sticker_id))
        url = STICKER_URL.format(sticker_id)
        body = {
            "sticker_id": sticker_id,
            "attachments": [
                {"type": "sticker", "payload": {"url": url, "sticker_id": sticker_id}}
            ],
        }
        page = self.pages[user.page_id]
        self._emit(user, "messages", events.message_event(user, page, message, body))
        return message

    def person_sends_image(self, user: MessengerUser, url: str | None = None) -> ThreadMessage:
        url = url or IMAGE_URL.format(new_numeric_id(17))
        message = self._inbound(user, "image", payload=url)
        message.content = replace(message.content, kind="image", image_url=url)
        body = {"attachments": [{"type": "image", "payload": {"url": url}}]}
        page = self.pages[user.page_id]
        self._emit(user, "messages", events.message_event(user, page, message, body))
        return message

    def person_postback(
        self,
        user: MessengerUser,
        title: str,
        payload: str,
        *,
        ref: str | None = None,
        duplicate: bool = False,
    ) -> ThreadMessage:
        message = self._inbound(user, "postback", title, payload)
        page = self.pages[user.page_id]
        referral = events.shortlink_referral(ref) if ref is not None else None
        event = events.postback_event(user, page, message, title, referral)
        self._emit(user, "messaging_postbacks", event, duplicate=duplicate)
        return message

    def person_referral(self, user: MessengerUser, ref: str) -> None:
        message = self._inbound(user, "referral", payload=ref)
        page = self.pages[user.page_id]
        event = events.referral_event(user, page, message.timestamp, ref)
        self._emit(user, "messaging_referrals", event)

    def set_blocked(self, user: MessengerUser, *, blocked: bool) -> None:
        """Blocking a Page sends nothing to it; its messages are refused from then on."""
        user.blocked = blocked
        self.notify(user.psid)

    # -- posts and comments -----------------------------------------------------------------

    def publish_post(self, message: str = "Livestream", page: Page | None = None) -> Post:
        """A post on the Page (a livestream's post, say), for people to comment on."""
        page = page or self.page
        post = Post(f"{page.id}_{next(self._numbers)}", page.id, message, self.clock.now())
        page.posts[post.id] = post
        return post

    def person_comments(
        self, user: MessengerUser, post: Post, text: str, parent: Comment | None = None
    ) -> Comment:
        page = self.pages[post.page_id]
        author = self.user_on(page, user)
        number = post.id.split("_", 1)[1]
        comment = Comment(
            id=f"{number}_{next(self._numbers)}", post=post, author=author, message=text,
            created_time=self.clock.now(), parent_id=parent.id if parent else post.id,
        )  # fmt: skip
        page.comments[comment.id] = comment
        self._feed(comment, "add")
        return comment

    def person_edits_comment(self, comment: Comment, text: str) -> None:
        comment.message = text
        self._feed(comment, "edited")

    def person_removes_comment(self, comment: Comment) -> None:
        comment.removed = True
        self._feed(comment, "remove")

    def _feed(self, comment: Comment, verb: str) -> None:
        page = self.pages[comment.post.page_id]
        entry = events.feed_entry(comment, verb, int(self.clock.now()))
        self.webhook.queue(page, "feed", entry, comment.author.psid)
        self.notify(comment.author.psid)

    def user_on(self, page: Page, user: MessengerUser) -> MessengerUser:
        """The same person as ``page`` knows them (a PSID is per Page)."""
        if user.page_id == page.id:
            return user
        for known in page.users.values():
            if known.user_id == user.user_id:
                return known
        other = self.new_user(page, user.name, locale=user.locale, phone=user.phone)
        other.user_id = user.user_id
        return other
