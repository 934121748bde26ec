"""The bot answers what a person did: a button press (answerCallbackQuery) or an inline
query (answerInlineQuery, checked in emulators.telegram.inline)."""

from __future__ import annotations

import time
from typing import Any

from emulators.telegram.models import QUERY_TOO_OLD, CallbackAnswer, bad_request
from emulators.telegram.params import Call, api_method

MAX_ANSWER_TEXT = 200


@api_method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> Any:
    emulator = call.emulator
    query_id = call.params.string("callback_query_id")
    if not query_id:
        raise bad_request("callback_query_id is empty")
    query = emulator.callback_queries.get(query_id)
    if query is not None:
        call.chat = emulator.chats.get(query.chat_id)
    # Answered already, or too late: Telegram has forgotten the press.
    if (
        query is None
        or query.answer is not None
        or time.monotonic() - query.posted_at > emulator.callback_answer_window
    ):
        raise bad_request(QUERY_TOO_OLD)
    text = call.params.string("text")
    if text is not None and len(text) > MAX_ANSWER_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = CallbackAnswer(
        text=text, show_alert=call.params.flag("show_alert"), url=call.params.string("url")
    )
    emulator.log_event(
        call.chat, "callback_answer", text=text, show_alert=query.answer.show_alert,
        user=query.user, data={"callback_query_id": query_id, "url": query.answer.url},
    )  # fmt: skip
    return True


@api_method("answerInlineQuery")
async def answer_inline_query(call: Call) -> Any:
    inline = call.emulator.inline
    record = inline.queries.get(call.params.string("inline_query_id") or "")
    if record is not None:
        call.chat = call.emulator.chats.get(record.chat_id)
    return inline.answer(call.params)
