"""The row under a paged list: to the previous and the next page, and where one is."""

from __future__ import annotations

from collections.abc import Callable

from locales.translation import gettext as _
from storefront.actions import Action
from storefront.screens import Choice, Row


def page_marks(
    page: int, pages: int, *, back: str = "◀️", forward: str = "▶️", counter: bool = False
) -> list[tuple[str, int]]:
    """(label, page it opens) for the previous and next page (none at either end);
    ``counter`` adds "Page 2/5" between them when there are several."""
    marks = []
    if page > 0:
        marks.append((back, page - 1))
    if counter and pages > 1:
        marks.append((_("Page {page}/{pages}").format(page=page + 1, pages=pages), page))
    if page < pages - 1:
        marks.append((forward, page + 1))
    return marks


def page_row(
    page: int,
    pages: int,
    to: Callable[[int], Action],
    *,
    back: str = "◀️",
    forward: str = "▶️",
    counter: bool = False,
) -> Row:
    """The page row's buttons, each pressing ``to(page)``."""
    marks = page_marks(page, pages, back=back, forward=forward, counter=counter)
    return tuple(Choice(label, to(number)) for label, number in marks)
