"""What people do in the emulated Telegram — write, press a button, add the bot to a group,
block it — each turned into the update the bot would get, if it would get one."""

from __future__ import annotations

import mimetypes
import secrets
import time
from typing import Any

from emulators.telegram.html import Entity
from emulators.telegram.messages import ChatMessage, StoredFile
from emulators.telegram.models import BotAccount, BotStatus, CallbackQueryRecord, Chat, User
from emulators.telegram.state import EmulatorState

ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
    "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
    "can_send_welcome_messages", "can_pin_messages",
)  # fmt: skip


def chat_member(user: User, status: str) -> dict[str, Any]:
    """A ChatMember object: ``user`` with ``status`` in a chat."""
    data: dict[str, Any] = {"status": status, "user": user.to_api()}
    if status == "kicked":
        data["until_date"] = 0
    elif status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(dict.fromkeys(ADMIN_RIGHTS, True))
        data.update(can_be_edited=False, is_anonymous=False, can_promote_members=False)
    return data


class PeopleActions(EmulatorState):
    """People's side of the emulator: what they do, as the driver (Person, Group) asks."""

    def post_message(
        self,
        chat: Chat,
        user: User,
        *,
        text: str | None = None,
        caption: str | None = None,
        contact: dict[str, Any] | None = None,
        location: dict[str, Any] | None = None,
        document: StoredFile | None = None,
        reply_to: int | None = None,
    ) -> ChatMessage:
        """A person sends a message; the bot gets a ``message`` update if it would see it."""
        bot = self.bot
        if chat.is_private:
            if chat.blocked:
                # Writing to a blocked bot restarts it, as the "Restart" button does.
                self.set_blocked(chat, blocked=False)
            chat.started = True
        else:
            chat.members.setdefault(user.id, user)
        body = text if text is not None else (caption or "")
        entities: tuple[Entity, ...] = ()
        if body.startswith("/"):
            command = body.split(maxsplit=1)[0]
            entities = (Entity("bot_command", 0, len(command.encode("utf-16-le")) // 2),)
        message = ChatMessage(
            message_id=chat.take_message_id(), chat_id=chat.id, sender=user, from_bot=False,
            date=int(time.time()), text=body, entities=entities,
            has_caption_slot=document is not None, document=document, contact=contact,
            location=location, reply_to_message_id=reply_to,
        )  # fmt: skip
        return self._post(bot, chat, user, message)

    def post_via_bot(self, chat: Chat, user: User, **fields: Any) -> ChatMessage:
        """A person sends a message made from the bot's inline result ("via @bot")."""
        if chat.is_private and chat.id == user.id:
            chat.started = True
        elif not chat.is_private:
            chat.members.setdefault(user.id, user)
        message = ChatMessage(
            message_id=chat.take_message_id(), chat_id=chat.id, sender=user, from_bot=False,
            date=int(time.time()), via_bot=self.bot.user, **fields,
        )  # fmt: skip
        return self._post(self.bot, chat, user, message)

    def _post(self, bot: BotAccount, chat: Chat, user: User, message: ChatMessage) -> ChatMessage:
        chat.messages[message.message_id] = message
        self.log_event(chat, "user_message", message=message.snapshot(), user=user)
        if self._bot_sees(bot, chat, message):
            self.queue_update({"message": self.message_api(chat, message)})
        return message

    @staticmethod
    def _bot_sees(bot: BotAccount, chat: Chat, message: ChatMessage) -> bool:
        if chat.is_private:
            return True
        if chat.bot_status not in ("member", "administrator"):
            return False
        if not bot.privacy_mode or chat.bot_status == "administrator":
            return True
        # Privacy mode: commands (not addressed to another bot) and replies to the bot only.
        if message.text.startswith("/"):
            command = message.text.split(maxsplit=1)[0]
            return "@" not in command or command.endswith(f"@{bot.user.username}")
        if message.reply_to_message_id is not None:
            original = chat.messages.get(message.reply_to_message_id)
            return original is not None and original.from_bot
        return False

    def post_callback_query(
        self, chat: Chat, user: User, message: ChatMessage, data: str
    ) -> CallbackQueryRecord:
        """A person presses an inline button of ``message`` carrying ``data``."""
        query = CallbackQueryRecord(
            id=str(secrets.randbits(62)),
            user=user,
            chat_id=chat.id,
            message_id=message.message_id,
            data=data,
        )
        self.callback_queries[query.id] = query
        self.log_event(
            chat, "callback_query", user=user, text=data, data={"message_id": message.message_id}
        )
        self.queue_update(
            {
                "callback_query": {
                    "id": query.id,
                    "from": user.to_api(),
                    "message": self.message_api(chat, message),
                    "chat_instance": str(abs(chat.id) * 7919 + 17),
                    "data": data,
                }
            }
        )
        return query

    def set_bot_membership(self, chat: Chat, by: User, status: BotStatus) -> None:
        """A person adds the bot to a group ("member"/"administrator") or removes it."""
        old = chat.bot_status
        chat.bot_status = status
        if status in ("member", "administrator"):
            chat.bot_known = True
            if not by.is_bot:
                chat.members.setdefault(by.id, by)
        self._member_update(chat, by, old, status)

    def migrate_to_supergroup(self, chat: Chat, by: User) -> Chat:
        """``by`` upgrades a group to a supergroup, as Telegram does: a new chat with a new id
        and its own message numbering, the same members and bot; the bot gets a service
        message in each (``migrate_from_chat_id`` in the supergroup first, then
        ``migrate_to_chat_id`` in the group), and the group takes no more calls."""
        if chat.type != "group" or chat.migrated_to is not None:
            raise ValueError("only a basic group becomes a supergroup, once")
        supergroup = Chat(
            id=-(1_000_000_000_000 + self.new_group_id()), type="supergroup", title=chat.title,
            bot_status=chat.bot_status, bot_known=chat.bot_known, members=dict(chat.members),
            can_send_messages=chat.can_send_messages,
        )  # fmt: skip
        self.chats[supergroup.id] = supergroup
        chat.migrated_to = supergroup.id
        for where, moved_from, moved_to in (
            (supergroup, chat.id, None),
            (chat, None, supergroup.id),
        ):
            message = ChatMessage(
                message_id=where.take_message_id(), chat_id=where.id, sender=by,
                from_bot=False, date=int(time.time()), migrate_from_chat_id=moved_from,
                migrate_to_chat_id=moved_to,
            )  # fmt: skip
            where.messages[message.message_id] = message
            self.log_event(where, "user_message", message=message.snapshot(), user=by)
            if where.bot_status in ("member", "administrator"):
                # A service message: the bot sees it whatever its privacy mode.
                self.queue_update({"message": self.message_api(where, message)})
        return supergroup

    def set_chat_permissions(self, chat: Chat, *, can_send_messages: bool) -> None:
        """A group's administrator lets members (the bot among them, unless it is an
        administrator) send messages or not; Telegram tells the bot nothing of it."""
        chat.can_send_messages = can_send_messages
        self.log_event(chat, "member", data={"can_send_messages": can_send_messages})

    def set_blocked(self, chat: Chat, *, blocked: bool) -> None:
        assert chat.user is not None
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        self._member_update(chat, chat.user, old, new)

    def _member_update(self, chat: Chat, by: User, old: str, new: str) -> None:
        bot_user = self.bot.user
        self.log_event(chat, "member", user=by, data={"old": old, "new": new})
        self.queue_update(
            {
                "my_chat_member": {
                    "chat": chat.to_api(),
                    "from": by.to_api(),
                    "date": int(time.time()),
                    "old_chat_member": chat_member(bot_user, old),
                    "new_chat_member": chat_member(bot_user, new),
                }
            }
        )

    def store_document(self, data: bytes, file_name: str, mime_type: str | None) -> StoredFile:
        """A file a person uploads (the bot may getFile and download it)."""
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        return self.store_file(data, "document", file_name=file_name, mime_type=mime)
