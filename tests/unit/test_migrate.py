"""The newest revision, read from the scripts without Alembic, is the one Alembic finds."""

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from catalog import migrate


def script(directory: Path, revision: str, down: str) -> None:
    (directory / f"{revision}_x.py").write_text(
        f'"""x"""\nfrom alembic import op\n\nrevision: str = "{revision}"\n'
        f"down_revision = {down}\nbranch_labels = None\n",
        encoding="utf-8",
    )


def test_the_head_revision_is_the_one_alembic_finds() -> None:
    alembic_head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert migrate.head_revision() == alembic_head
    assert alembic_head == migrate.revisions()[-1]


def test_the_head_follows_the_chain_and_a_merge(tmp_path: Path) -> None:
    assert migrate.head_revision(tmp_path) is None
    script(tmp_path, "0001", "None")
    script(tmp_path, "0003", '"0002"')
    script(tmp_path, "0002", '"0001"')
    assert migrate.head_revision(tmp_path) == "0003"
    script(tmp_path, "0004", '"0002"')
    with pytest.raises(RuntimeError, match="several heads"):
        migrate.head_revision(tmp_path)
    script(tmp_path, "0005", '("0003", "0004")')
    assert migrate.head_revision(tmp_path) == "0005"
