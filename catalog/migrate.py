"""Schema migrations through Alembic's API, sharing the application's engine set-up.

Alembic is imported only by what migrates: loading it brings Mako and Pygments (~10 MB
resident), which the running bot, checking that its schema is the newest, does not need.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
VERSION_TABLE = "alembic_version"  # where Alembic records the revision a database is at


def alembic_config() -> AlembicConfig:
    from alembic.config import Config as AlembicConfig  # noqa: PLC0415 - see the docstring

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (the newest by default)."""
    from alembic import command  # noqa: PLC0415 - see the module's docstring

    await _run(engine, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    from alembic import command  # noqa: PLC0415 - see the module's docstring

    await _run(engine, lambda cfg: command.downgrade(cfg, revision))


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, as Alembic recorded it; None before the first."""
    async with engine.connect() as connection:
        return await connection.run_sync(_recorded_revision)


def _recorded_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    recorded = list(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())
    if len(recorded) > 1:
        raise RuntimeError(f"the database records several revisions: {sorted(recorded)}")
    return str(recorded[0]) if recorded else None


def head_revision(versions: Path = VERSIONS_DIR) -> str | None:
    """The newest revision: the one no other revision names as its ``down_revision``.

    Read from the revision scripts' own assignments, as Alembic reads them, without
    importing Alembic or the scripts."""
    parents: dict[str, tuple[str, ...]] = {}
    for script in sorted(versions.glob("*.py")):
        found = _assignments(script, {"revision", "down_revision"})
        if "revision" not in found:
            continue
        down = found.get("down_revision")
        # None for the first revision, a tuple of several where branches were merged.
        parents[str(found["revision"])] = (
            tuple(map(str, down)) if isinstance(down, tuple | list) else () if down is None
            else (str(down),)
        )  # fmt: skip
    named = {parent for names in parents.values() for parent in names}
    heads = sorted(set(parents) - named)
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have several heads: {heads}")
    return heads[0] if heads else None


def _assignments(script: Path, names: set[str]) -> dict[str, object]:
    """The literal values a module assigns at its top level to ``names``."""
    found: dict[str, object] = {}
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names:
            found[target.id] = ast.literal_eval(value)
    return found


def revisions() -> list[str]:
    """Every revision, oldest first."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415 - see the module's docstring

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def _run(engine: AsyncEngine, action: Callable[[AlembicConfig], None]) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        action(config)

    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite changes a column by rebuilding the table: dropping the old one would
            # break (or, deferred, fail at COMMIT) every row of another table that refers to
            # it. SQLite's own procedure: foreign keys off outside the transaction, and a
            # foreign_key_check before it commits.
            await _sqlite_pragma(connection, "foreign_keys=OFF")
        try:
            async with connection.begin():
                await connection.run_sync(run)
                if sqlite:
                    broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"migration left rows without their parent: {broken}")
        finally:
            if sqlite:
                await _sqlite_pragma(connection, "foreign_keys=ON")


async def _sqlite_pragma(connection: AsyncConnection, pragma: str) -> None:
    # Straight to the driver: through SQLAlchemy the statement would begin a transaction,
    # inside which SQLite ignores this pragma.
    raw = await connection.get_raw_connection()
    await raw.driver_connection.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]
