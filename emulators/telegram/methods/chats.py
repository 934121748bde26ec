"""The chat a method names, whether the bot may write there, and the chat methods:
getChat, getChatMember, leaveChat, sendChatAction."""

from __future__ import annotations

from typing import Any

from emulators.telegram.actions import chat_member
from emulators.telegram.models import ApiError, Chat, bad_request
from emulators.telegram.params import Call, api_method

CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip


def target_chat(call: Call, *, reachable: bool = True) -> Chat:
    """The chat named by ``chat_id``: 400 if the bot does not know it, 403 if ``reachable``
    and the bot may not write there."""
    raw = call.params.string("chat_id")
    if not raw:
        raise bad_request("chat_id is empty")
    chat: Chat | None = None
    try:
        chat = call.emulator.chats.get(int(raw))
    except ValueError:
        chat = None  # @channelusername: the emulator has no public chats
    if chat is None or not chat.bot_known:
        raise bad_request("chat not found")
    call.chat = chat
    if chat.migrated_to is not None:
        # Every call naming a group that became a supergroup, whatever the method.
        raise ApiError(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            migrate_to_chat_id=chat.migrated_to,
        )
    if reachable:
        _check_reachable(chat)
    return chat


def _check_reachable(chat: Chat) -> None:
    if chat.is_private:
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if not chat.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
    elif chat.bot_status == "kicked":
        kind = "supergroup" if chat.type == "supergroup" else "group"
        raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
    elif chat.bot_status == "left":
        raise ApiError(403, "Forbidden: bot is not a member of the group chat")


@api_method("sendChatAction")
async def send_chat_action(call: Call) -> Any:
    chat = target_chat(call)
    action = call.params.string("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.chat_action = action
    call.emulator.log_event(chat, "chat_action", text=action, method=call.method)
    return True


@api_method("getChat")
async def get_chat(call: Call) -> Any:
    chat = target_chat(call, reachable=False)
    data = chat.to_api()
    gifts = (
        "unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
        "gifts_from_channels",
    )  # fmt: skip
    data.update(
        accent_color_id=0, max_reaction_count=11, accepted_gift_types=dict.fromkeys(gifts, False)
    )
    return data


@api_method("getChatMember")
async def get_chat_member(call: Call) -> Any:
    chat = target_chat(call, reachable=False)
    user_id = call.params.integer("user_id")
    if user_id is None:
        raise bad_request("user_id is empty")
    user = call.emulator.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    if user.is_bot:
        return chat_member(user, "member" if chat.is_private else chat.bot_status)
    if chat.is_private:
        if user_id != chat.id:
            raise bad_request("user not found")
        return chat_member(user, "member")
    if user_id not in chat.members:
        return chat_member(user, "left")
    owner = next(iter(chat.members))
    return chat_member(user, "creator" if user_id == owner else "member")


@api_method("leaveChat")
async def leave_chat(call: Call) -> Any:
    chat = target_chat(call)
    if chat.is_private:
        raise bad_request("chat member status can't be changed in private chats")
    call.emulator.set_bot_membership(chat, call.bot.user, "left")
    return True
