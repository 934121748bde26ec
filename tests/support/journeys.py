"""What a person clicks through in the emulator, step by step, shared by the end-to-end tests.

Each helper only drives the conversation; what the bot answered is for the test to assert.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from emulators.telegram import ChatMessage, Emulator, Group, Person
from emulators.telegram.observer import DEFAULT_TIMEOUT
from support.botprocess import link_group_through_the_bot

# The buttons of the shop's journeys, in each language.
LABELS = {
    "vi": {"add": "🛒 Thêm 1 vào giỏ", "cart": "🛒 Giỏ hàng", "checkout": "✅ Đặt hàng"},
    "en": {"add": "🛒 Add 1 to cart", "cart": "🛒 Cart", "checkout": "✅ Checkout"},
}


@dataclass(frozen=True)
class Tap:
    """In :func:`answer_in_turn`: press the button labelled so instead of typing."""

    label: str


# Where the parcel goes, who receives it, and a note: the answers of a Hanoi checkout in
# Vietnamese from its first question (the province), each with (a part of) the question that
# follows it.
HANOI_DELIVERY_VI = (
    ("Hà Nội", "Địa chỉ ở Hà Nội"),
    ("Phường Cửa Nam", "Số nhà"),
    ("8 Tràng Thi", "Ai nhận hàng"),
    ("Phạm Thu <Hà> 0912 345 678", "thanh toán"),
    (Tap("📝 Thêm ghi chú cho cơ sở sản xuất"), "Ghi chú cho cơ sở sản xuất"),
    ("Giao giờ hành chính", "thanh toán"),
)


async def start(person: Person) -> ChatMessage:
    """/start; the greeting."""
    await person.send("/start")
    return await person.next_message()


async def greeted(emulator: Emulator, name: str, language: str) -> Person:
    """Someone who has opened the bot (/start), with Telegram set to ``language``."""
    person = emulator.person(name, language_code=language)
    await start(person)
    return person


async def add_to_cart(person: Person, language: str, *, wait: float = DEFAULT_TIMEOUT) -> None:
    """Press "add 1 to cart" on the product card shown, and wait for the press's answer."""
    await person.press(LABELS[language]["add"])
    await person.wait_callback_answer(timeout=wait)


async def search_and_add(
    person: Person, words: str, label: str, language: str, *, wait: float = DEFAULT_TIMEOUT
) -> None:
    """Type a search, open the result labelled ``label``, add one to the cart."""
    await person.send(words)
    await person.next_message(timeout=wait)
    await person.press(label)
    await person.next_message(timeout=wait)
    await add_to_cart(person, language, wait=wait)


async def open_checkout(
    person: Person, language: str, *, wait: float = DEFAULT_TIMEOUT
) -> ChatMessage:
    """Open the cart from the menu and press checkout; the checkout's first question: the cart
    itself turned into the province question, or into the saved details' offer."""
    await person.press(LABELS[language]["cart"])
    await person.next_message(timeout=wait)
    await person.press(LABELS[language]["checkout"])
    return await person.wait_for(lambda _message: True, timeout=wait)


async def answer_in_turn(
    person: Person,
    answers: Sequence[tuple[str | Tap, str]],
    *,
    wait: float = DEFAULT_TIMEOUT,
) -> None:
    """Type (or tap) each answer, then wait for the bot's next question (containing the text
    given), sent or shown in place of the one tapped."""
    for answer, question in answers:
        if isinstance(answer, Tap):
            await person.press(answer.label)
        else:
            await person.send(answer)
        await person.wait_for(lambda m, q=question: q in m.text, timeout=wait)


# What the ``staffed_group`` fixture gives: (staff member's name, group title, producer's
# label in /linkgroup) -> the staff member and the producer's group, linked through the bot.
StaffedGroup = Callable[[str, str, str], Awaitable[tuple[Person, Group]]]


def staffed_groups(emulator: Emulator, admin: Person) -> StaffedGroup:
    async def staffed_group(staff_name: str, title: str, producer: str) -> tuple[Person, Group]:
        staff = emulator.person(staff_name, language_code="vi")
        group = emulator.group(title)
        await link_group_through_the_bot(emulator, admin, group, staff, producer)
        return staff, group

    return staffed_group
