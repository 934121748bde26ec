"""Every string a person sees exists in Vietnamese and in English."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from catalog.spreadsheet import ImportProblem, Problem
from handlers.spreadsheets import PROBLEMS

ROOT = Path(__file__).parents[2]
LOCALES = ROOT / "locales"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def msgids(catalog: Catalog) -> set[str]:
    return {message_key(message) for message in catalog if message.id}


def message_key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def test_the_template_holds_every_msgid_in_the_source(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            Path(sys.executable).with_name("pybabel"), "extract",
            "--mapping-file", ROOT / "babel.cfg", "--keywords", "N_", "--keywords", "__",
            "--output-file", fresh, ".",
        ],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    missing = msgids(load(fresh)) - msgids(load(LOCALES / "messages.pot"))
    assert not missing, f"run `make i18n` and translate: {sorted(missing)}"
    assert len(msgids(load(fresh))) > 10


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_msgid_is_translated(locale: str) -> None:
    template = msgids(load(LOCALES / "messages.pot"))
    catalog = load(LOCALES / locale / "LC_MESSAGES" / "messages.po", locale)
    translated = {message_key(message): message for message in catalog if message.id}
    problems: list[str] = []
    for msgid in sorted(template):
        message = translated.get(msgid)
        if message is None:
            problems.append(f"absent: {msgid!r}")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {msgid!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif any(
            set(PLACEHOLDER.findall(string)) != set(PLACEHOLDER.findall(msgid))
            for string in strings
        ):
            problems.append(f"placeholders differ: {msgid!r}")
    assert not problems, "\n".join(problems)


def test_vietnamese_is_really_translated() -> None:
    catalog = load(LOCALES / "vi" / "LC_MESSAGES" / "messages.po", "vi")
    same = [m.id for m in catalog if m.id and isinstance(m.id, str) and m.string == m.id]
    # Commands and brand names may stay as they are; sentences may not.
    assert not [msgid for msgid in same if len(msgid.split()) > 3], same


def test_every_spreadsheet_problem_has_words_for_people() -> None:
    assert set(Problem) | set(ImportProblem) <= set(PROBLEMS)
