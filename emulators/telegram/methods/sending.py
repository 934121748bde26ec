"""The bot sends a message: sendMessage, sendPhoto, sendDocument, within flood control."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from emulators.telegram.messages import ChatMessage
from emulators.telegram.methods import files
from emulators.telegram.methods.chats import target_chat
from emulators.telegram.methods.content import (
    Text,
    caption,
    message_text,
    reply_markup,
    reply_to,
)
from emulators.telegram.models import ApiError, Chat, bad_request
from emulators.telegram.params import Call, Params, api_method

# What a member without the right to send messages is told, by method.
_NO_RIGHTS = {"sendmessage": "text messages", "sendphoto": "photos", "senddocument": "documents"}


def _prepare(call: Call, text_of: Callable[[Params], Text]) -> tuple[Chat, dict[str, Any]]:
    """The chat and the message fields every sending method takes, checked in Telegram's
    order: chat (and the bot's right to send there), text, markup, the message replied to."""
    chat = target_chat(call)
    if not chat.is_private and chat.bot_status == "member" and not chat.can_send_messages:
        what = _NO_RIGHTS.get(call.method.lower(), "messages")
        raise bad_request(f"not enough rights to send {what} to the chat")
    parsed, html = text_of(call.params)
    markup = reply_markup(call.params, chat)
    reply = reply_to(call.params, chat)
    return chat, {
        "text": parsed.text,
        "html": html,
        "entities": parsed.entities,
        "reply_markup": markup,
        "reply_to_message_id": reply,
    }


def _new_bot_message(call: Call, chat: Chat, **fields: Any) -> ChatMessage:
    return ChatMessage(
        message_id=0,  # numbered once flood control lets it through
        chat_id=chat.id,
        sender=call.bot.user,
        from_bot=True,
        date=int(time.time()),
        **fields,
    )


def _flood_check(call: Call, chat: Chat) -> None:
    wait = call.emulator.flood.acquire(chat.id, private=chat.is_private, now=time.monotonic())
    if wait:
        chat.flood_429s += 1
        raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)


def _keep_reply_keyboard(chat: Chat, message: ChatMessage) -> None:
    markup = message.reply_markup or {}
    if "keyboard" in markup:
        chat.reply_keyboard = markup
        chat.reply_keyboard_message_id = message.message_id
    elif markup.get("remove_keyboard"):
        chat.reply_keyboard = None
        chat.reply_keyboard_message_id = None


def _bot_sends(call: Call, chat: Chat, message: ChatMessage) -> Any:
    if chat.outage is not None:
        raise chat.outage
    _flood_check(call, chat)
    message.message_id = chat.take_message_id()
    chat.chat_action = None
    chat.messages[message.message_id] = message
    _keep_reply_keyboard(chat, message)
    call.emulator.log_event(chat, "bot_message", message=message.snapshot(), method=call.method)
    return call.emulator.message_api(chat, message)


@api_method("sendMessage")
async def send_message(call: Call) -> Any:
    chat, fields = _prepare(call, message_text)
    return _bot_sends(call, chat, _new_bot_message(call, chat, **fields))


@api_method("sendPhoto")
async def send_photo(call: Call) -> Any:
    chat, fields = _prepare(call, caption)
    sizes = files.photo(call.emulator, call.params.file("photo"))
    message = _new_bot_message(
        call, chat, has_caption_slot=True, photo=sizes[-1].data, photo_sizes=sizes, **fields
    )
    return _bot_sends(call, chat, message)


@api_method("sendDocument")
async def send_document(call: Call) -> Any:
    chat, fields = _prepare(call, caption)
    document = files.document(call.emulator, call.params.file("document"))
    message = _new_bot_message(call, chat, has_caption_slot=True, document=document, **fields)
    return _bot_sends(call, chat, message)
