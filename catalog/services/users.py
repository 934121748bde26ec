"""Customers: registration, language and saved details."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.exc import IntegrityError

from catalog.db import upsert
from catalog.errors import UnsupportedLanguage
from catalog.models import PersonNumber, User, utcnow
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


@dataclass(frozen=True, slots=True)
class Registration:
    """What Telegram tells about a person, as the users table keeps it."""

    first_name: str
    last_name: str | None = None
    username: str | None = None
    telegram_language: str | None = None

    @classmethod
    def of(
        cls,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> Registration:
        return cls(
            nfc(first_name)[:200],
            nfc(last_name)[:200] if last_name else None,
            username,
            (language_code or "")[:16] or None,
        )


@dataclass(frozen=True, slots=True)
class KnownUser:
    language: str | None
    registration: Registration


async def known_user(uow: UnitOfWork, user_id: int) -> KnownUser | None:
    """The user's chosen language and registration, or None for someone never seen."""
    async with uow.reading():
        user = await uow.session.get(User, user_id)
        if user is None:
            return None
        return KnownUser(
            user.language,
            Registration(user.first_name, user.last_name, user.username, user.telegram_language),
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
    """Create the user on first contact, or refresh the name Telegram reports: one statement."""
    fresh = Registration.of(first_name, last_name, username, language_code)
    names = {
        "first_name": fresh.first_name,
        "last_name": fresh.last_name,
        "username": fresh.username,
        "telegram_language": fresh.telegram_language,
    }

    def register(connection: Connection) -> Row[Any]:
        now = utcnow()
        return connection.execute(
            upsert(connection, User)
            .values(id=user_id, created_at=now, updated_at=now, **names)
            .on_conflict_do_update(index_elements=[User.id], set_={**names, "updated_at": now})
            .returning(User.first_name, User.language, User.phone)
        ).one()

    row = await uow.short_write(register)
    return UserProfile(
        id=user_id, first_name=row.first_name, language=row.language, phone=row.phone
    )


async def person_on_channel(
    uow: UnitOfWork, *, channel: str, external_id: str, first_name: str = ""
) -> int:
    """The shop's id of the person known on ``channel`` as ``external_id`` (a Messenger
    page-scoped id), numbered on first contact: one read for someone known."""
    user_id, _new = await arriving_on_channel(
        uow, channel=channel, external_id=external_id, first_name=first_name
    )
    return user_id


async def arriving_on_channel(
    uow: UnitOfWork, *, channel: str, external_id: str, first_name: str = ""
) -> tuple[int, bool]:
    """``person_on_channel``, and whether the person was numbered just now.

    Telegram's people keep their Telegram ids, which are positive; people on other channels
    are numbered downwards from -1 (``person_numbers``), so the two never meet."""

    def known(connection: Connection) -> int | None:
        found = connection.execute(
            select(User.id).where(User.channel == channel, User.external_id == external_id)
        ).scalar()
        return None if found is None else int(found)

    def find_or_add(connection: Connection) -> tuple[int, bool]:
        found = known(connection)
        if found is not None:
            return found, False
        number = connection.execute(
            update(PersonNumber)
            .where(PersonNumber.id == 1)
            .values(last=PersonNumber.last - 1)
            .returning(PersonNumber.last)
        ).scalar_one()
        now = utcnow()
        connection.execute(
            insert(User).values(
                id=number,
                channel=channel,
                external_id=external_id,
                first_name=nfc(first_name)[:200],
                created_at=now,
                updated_at=now,
            )
        )
        return int(number), True

    try:
        return await uow.short_write(find_or_add)
    except IntegrityError:
        # The same person's first two messages, numbered by two workers at once: one won.
        async with uow.reading():
            found = await uow.session.run_sync(lambda session: known(session.connection()))
        if found is None:
            raise
        return found, False


def preferred_language(chosen: str | None, telegram: str | None, default: str) -> str:
    """The language to write to someone in: theirs if chosen, else their app's if we speak it."""
    if chosen in LANGUAGES:
        return chosen
    base = (telegram or "").split("-")[0].lower()
    return base if base in LANGUAGES else default


async def get_language(uow: UnitOfWork, user_id: int) -> str | None:
    """The language the user chose, or None if they never chose one."""
    async with uow.reading():
        user = await uow.session.get(User, user_id)
        return user.language if user else None


async def set_language(
    uow: UnitOfWork, *, user_id: int, language: str, first_name: str = ""
) -> UserProfile:
    """Remember the user's language; creates the user if this is their first action."""
    if language not in LANGUAGES:
        raise UnsupportedLanguage(language)
    async with uow:
        user = await uow.session.get(User, user_id)
        if user is None:
            user = User(id=user_id, first_name=nfc(first_name)[:200])
            uow.session.add(user)
        user.language = language
        await uow.commit()
        return _profile(user)
