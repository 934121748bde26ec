"""Customers: registration, language and saved details."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.errors import UnsupportedLanguage
from catalog.models import User
from catalog.text import nfc
from catalog.uow import UnitOfWork

LANGUAGES = ("vi", "en")


@dataclass(frozen=True, slots=True)
class UserProfile:
    id: int
    first_name: str
    language: str | None
    phone: str | None


def _profile(user: User) -> UserProfile:
    return UserProfile(
        id=user.id, first_name=user.first_name, language=user.language, phone=user.phone
    )


async def register_user(
    uow: UnitOfWork,
    *,
    user_id: int,
    first_name: str,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
) -> UserProfile:
    """Create the user on first contact, or refresh the name Telegram reports."""
    async with uow:
        user = await uow.users.get(user_id)
        if user is None:
            user = User(id=user_id)
            uow.users.add(user)
        fresh = (
            nfc(first_name)[:200],
            nfc(last_name)[:200] if last_name else None,
            username,
            (language_code or "")[:16] or None,
        )
        known = (user.first_name, user.last_name, user.username, user.telegram_language)
        if fresh != known:
            user.first_name, user.last_name, user.username, user.telegram_language = fresh
            await uow.commit()
        return _profile(user)


def preferred_language(chosen: str | None, telegram: str | None, default: str) -> str:
    """The language to write to someone in: theirs if chosen, else their app's if we speak it."""
    if chosen in LANGUAGES:
        return chosen
    base = (telegram or "").split("-")[0].lower()
    return base if base in LANGUAGES else default


async def get_language(uow: UnitOfWork, user_id: int) -> str | None:
    """The language the user chose, or None if they never chose one."""
    async with uow.reading():
        user = await uow.users.get(user_id)
        return user.language if user else None


async def set_language(
    uow: UnitOfWork, *, user_id: int, language: str, first_name: str = ""
) -> UserProfile:
    """Remember the user's language; creates the user if this is their first action."""
    if language not in LANGUAGES:
        raise UnsupportedLanguage(language)
    async with uow:
        user = await uow.users.get(user_id)
        if user is None:
            user = User(id=user_id, first_name=nfc(first_name)[:200])
            uow.users.add(user)
        user.language = language
        await uow.commit()
        return _profile(user)
