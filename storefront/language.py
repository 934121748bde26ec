"""Choosing the language: Tiếng Việt or English, remembered per person."""

from __future__ import annotations

from catalog.services import users
from locales.translation import gettext as _
from locales.translation import language, use_language
from storefront.actions import ChooseLanguage, Language
from storefront.checkout import resume_checkout
from storefront.menu import MAIN_MENU
from storefront.screens import Choice, Row, Screen
from storefront.visit import Visit

# Each language is named in itself, whatever the reader's language: that is how people find
# their own in a list.
AUTONYMS = {Language.vi: "🇻🇳 Tiếng Việt", Language.en: "🇬🇧 English"}


def language_marks(current: str | None = None) -> list[tuple[Language, str]]:
    """Each language with its label; ✓ marks the ``current`` one."""
    return [(code, ("✓ " if code == current else "") + label) for code, label in AUTONYMS.items()]


def language_choices(current: str | None = None) -> Row:
    return tuple(
        Choice(label, ChooseLanguage(code=code)) for code, label in language_marks(current)
    )


async def open_language(visit: Visit) -> None:
    await visit.out.send(Screen(_("Choose your language:"), (language_choices(language()),)))


async def on_language_chosen(visit: Visit, action: ChooseLanguage) -> None:
    chosen = action.code.value
    person = visit.person
    await users.set_language(
        visit.uow, user_id=person.user_id, language=chosen, first_name=person.first_name
    )
    visit.language_cache.put(person.user_id, chosen)
    with use_language(chosen):
        done = _("Language: English") if chosen == Language.en else _("Language: Tiếng Việt")
        await visit.out.answer(done)
        await visit.out.close(done)
        # A checkout in progress goes on, in the new language; otherwise a fresh menu
        # (a menu under the typing field can only be replaced by sending a new message).
        if not await resume_checkout(visit):
            await visit.out.send(Screen(_("Here is the menu."), keyboard=MAIN_MENU))
