"""What this process knows of each user's language and registration, so a tap costs no query."""

from __future__ import annotations

from collections import OrderedDict

from catalog.services import users
from catalog.services.users import Registration


class LanguageCache:
    """What this process knows of each user: the chosen language and the registration.

    A tap then costs no query, and a returning user's /start no write. Bounded, least
    recently used out. Written through by whoever changes a language in this process.
    """

    _UNKNOWN = ""

    def __init__(self, size: int = 50_000) -> None:
        self._size = size
        self._items: OrderedDict[int, tuple[str, Registration | None]] = OrderedDict()

    def get(self, user_id: int) -> str | None:
        """The chosen language; ``""`` if the user chose none; None if not cached."""
        item = self._items.get(user_id)
        if item is None:
            return None
        self._items.move_to_end(user_id)
        return item[0]

    def registration(self, user_id: int) -> Registration | None:
        """The registration last written or read, if this process knows it."""
        item = self._items.get(user_id)
        return item[1] if item else None

    def put(
        self, user_id: int, language: str | None, registration: Registration | None = None
    ) -> None:
        if registration is None and user_id in self._items:
            registration = self._items[user_id][1]
        self._items[user_id] = (language or self._UNKNOWN, registration)
        self._items.move_to_end(user_id)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def remember(self, user_id: int, known: users.KnownUser | None) -> str:
        """Keep what the database said; returns the chosen language (or ``""``)."""
        if known is None:
            self.put(user_id, None)
        else:
            self.put(user_id, known.language, known.registration)
        return self.get(user_id) or self._UNKNOWN
