"""What a person sees of the bot: its next message, a message that matches, the answer
to a button press, the buttons and keyboards shown, a transcript for assertion messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from emulators.telegram.events import Event, reply_labels
from emulators.telegram.group import ChatRef, Group
from emulators.telegram.messages import ChatMessage
from emulators.telegram.models import CallbackAnswer, CallbackQueryRecord, Chat

if TYPE_CHECKING:
    from emulators.telegram.server import Emulator

DEFAULT_TIMEOUT = 5.0


class Observer:
    """A person's view of their chats; each action moves a cursor, answers come after it."""

    def __init__(self, emulator: Emulator, chat: Chat) -> None:
        self.emulator = emulator
        self.chat = chat
        self._cursor: dict[int, int] = {}
        self._last_query: CallbackQueryRecord | None = None

    def _chat(self, chat: ChatRef) -> Chat:
        if chat is None:
            return self.chat
        return chat.chat if isinstance(chat, Group) else chat

    def _event(
        self,
        chat: Chat,
        kinds: tuple[str, ...],
        match: Callable[[ChatMessage], bool] = lambda _message: True,
    ) -> Event | None:
        """The first event of ``kinds`` after the cursor whose message matches."""
        after = self._cursor.get(chat.id, 0)
        for event in chat.events:
            if (
                event.seq > after
                and event.kind in kinds
                and event.message is not None
                and match(event.message)
            ):
                return event
        return None

    def mark_action(self, chat: Chat) -> None:
        """Bot messages after this point are the answers to this person's latest action."""
        self._cursor[chat.id] = self.emulator.events[-1].seq if self.emulator.events else 0

    async def next_message(
        self,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the driver's API, as tests read it
        chat: ChatRef = None,
    ) -> ChatMessage:
        """The next message the bot sends in the chat after this person's last action."""
        target = self._chat(chat)
        kinds = ("bot_message",)
        event = await self.emulator.wait_until(lambda: self._event(target, kinds), timeout)
        if event is None or event.message is None:
            raise AssertionError(
                f"the bot sent no new message within {timeout}s\n{target.transcript()}"
            )
        self._cursor[target.id] = event.seq
        return event.message

    async def wait_for(
        self,
        predicate: Callable[[ChatMessage], bool],
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the driver's API, as tests read it
        chat: ChatRef = None,
    ) -> ChatMessage:
        """A bot message sent or edited since the last action that satisfies ``predicate``."""
        target = self._chat(chat)
        kinds = ("bot_message", "edited")
        event = await self.emulator.wait_until(
            lambda: self._event(target, kinds, predicate), timeout
        )
        if event is None or event.message is None:
            raise AssertionError(
                f"no bot message matched within {timeout}s\n{target.transcript()}"
            )
        return event.message

    async def wait_callback_answer(
        self,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the driver's API, as tests read it
    ) -> CallbackAnswer:
        """How the bot answered this person's latest button press."""
        query = self._last_query
        if query is None:
            raise AssertionError("no inline button was pressed")
        answer = await self.emulator.wait_until(lambda: query.answer, timeout)
        if answer is None:
            chat = self.emulator.chat(query.chat_id)
            raise AssertionError(
                f"the bot did not answer the press of {query.data!r} within {timeout}s "
                f"(the client keeps showing a spinner)\n{chat.transcript()}"
            )
        return answer

    def buttons(self, message: ChatMessage) -> list[list[str]]:
        """Inline button labels the message shows now (after any edits)."""
        chat = self.emulator.chat(message.chat_id)
        current = chat.messages.get(message.message_id, message)
        return [] if current.deleted else current.inline_labels

    def reply_keyboard_in(self, chat: ChatRef = None) -> list[list[str]]:
        return reply_labels(self._chat(chat).reply_keyboard or {})

    @property
    def reply_keyboard(self) -> list[list[str]]:
        """The reply keyboard shown in the private chat: it stays until replaced or removed."""
        return self.reply_keyboard_in(None)

    def bot_messages(self, chat: ChatRef = None) -> list[ChatMessage]:
        return [m for m in self._chat(chat).live_messages() if m.from_bot]

    @property
    def last_bot_message(self) -> ChatMessage | None:
        messages = self.bot_messages()
        return messages[-1] if messages else None

    @property
    def api_errors(self) -> list[Event]:
        return [e for e in self.chat.events if e.kind == "error"]

    def transcript(self, chat: ChatRef = None) -> str:
        return self._chat(chat).transcript()
