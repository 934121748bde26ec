"""The bot changes a message it sent: editMessageText, editMessageCaption,
editMessageReplyMarkup, editMessageMedia; and deleteMessage."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from emulators.telegram.messages import ChatMessage
from emulators.telegram.methods import files
from emulators.telegram.methods.chats import target_chat
from emulators.telegram.methods.content import Text, caption, message_text, reply_markup
from emulators.telegram.models import Chat, bad_request
from emulators.telegram.params import Call, Params, api_method

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _message(call: Call, chat: Chat, not_found: str) -> ChatMessage:
    message_id = call.params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None or message.deleted:
        raise bad_request(not_found)
    return message


def _message_to_edit(call: Call) -> tuple[Chat, ChatMessage]:
    if call.params.string("inline_message_id"):
        raise bad_request("message to edit not found")  # inline mode is not emulated
    chat = target_chat(call)
    message = _message(call, chat, "message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return chat, message


def _edited_markup(call: Call, chat: Chat, message: ChatMessage) -> Any:
    markup = reply_markup(call.params, chat)
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    if markup is None and not (message.reply_markup or {}).get("inline_keyboard"):
        # Edits cannot touch a reply keyboard; an omitted inline keyboard is removed.
        return message.reply_markup
    return markup


def _apply_edit(
    call: Call, chat: Chat, message: ChatMessage, html: str | None, **changes: Any
) -> Any:
    if all(getattr(message, name) == value for name, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    for name, value in changes.items():
        setattr(message, name, value)
    message.html = html
    message.version += 1
    message.edit_date = int(time.time())
    call.emulator.log_event(chat, "edited", message=message.snapshot(), method=call.method)
    return call.emulator.message_api(chat, message)


async def _edit_text(
    call: Call, text_of: Callable[[Params], Text], *, caption_slot: bool, missing: str
) -> Any:
    chat, message = _message_to_edit(call)
    parsed, html = text_of(call.params)
    markup = _edited_markup(call, chat, message)
    if message.has_caption_slot != caption_slot:
        raise bad_request(missing)
    return _apply_edit(
        call, chat, message, html, text=parsed.text, entities=parsed.entities,
        reply_markup=markup,
    )  # fmt: skip


@api_method("editMessageText")
async def edit_message_text(call: Call) -> Any:
    return await _edit_text(
        call, message_text, caption_slot=False, missing="there is no text in the message to edit"
    )


@api_method("editMessageCaption")
async def edit_message_caption(call: Call) -> Any:
    return await _edit_text(
        call, caption, caption_slot=True, missing="there is no caption in the message to edit"
    )


@api_method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> Any:
    chat, message = _message_to_edit(call)
    markup = _edited_markup(call, chat, message)
    return _apply_edit(call, chat, message, message.html, reply_markup=markup)


@api_method("editMessageMedia")
async def edit_message_media(call: Call) -> Any:
    chat, message = _message_to_edit(call)
    media = call.params.json("media")
    if not isinstance(media, dict) or not media.get("media"):
        raise bad_request("media is empty" if media is None else "can't parse InputMedia")
    if media.get("type") != "photo":
        raise bad_request("the emulator supports editMessageMedia with photos only")
    if not message.has_caption_slot:
        raise bad_request("there is no media in the message to edit")
    names = ("caption", "parse_mode", "caption_entities")
    parsed, html = caption(Params({name: media.get(name) for name in names}, {}))
    markup = _edited_markup(call, chat, message)
    sizes = files.photo(call.emulator, call.params.reference(str(media["media"])))
    if message.photo_sizes and sizes[-1].file_unique_id == message.photo_sizes[-1].file_unique_id:
        sizes = message.photo_sizes
    return _apply_edit(
        call, chat, message, html, photo_sizes=sizes, photo=sizes[-1].data, document=None,
        text=parsed.text, entities=parsed.entities, reply_markup=markup,
    )  # fmt: skip


@api_method("deleteMessage")
async def delete_message(call: Call) -> Any:
    chat = target_chat(call)
    message = _message(call, chat, "message to delete not found")
    if not chat.is_private and not message.from_bot and chat.bot_status != "administrator":
        raise bad_request("message can't be deleted")
    message.deleted = True
    call.emulator.log_event(chat, "deleted", message=message.snapshot(), method=call.method)
    return True
