"""Backups of an SQLite shop: the database copied by SQLite's online backup API (a consistent
snapshot while the bot runs and writes), with the media folder, in one ``.tar.gz``; and
putting one back. PostgreSQL has its own tools (pg_dump, pg_restore): README says how.

An archive holds ``ocop.db`` (a single-file database, journal mode DELETE), ``media/`` and
``backup.json`` (when, which schema revision, how many orders).

A running shop holds a shared lock on ``<database>.lock`` (``ShopLock``), released by the
system however the process ends; a restore takes it exclusively, so it knows — across
processes — whether a shop runs on the database it would replace, and no shop starts while
it works.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy.engine import make_url

from catalog.db import is_sqlite
from catalog.models import utcnow

DATABASE_MEMBER = "ocop.db"
MEDIA_MEMBER = "media"
MANIFEST_MEMBER = "backup.json"
PREFIX = "ocop-"
SUFFIX = ".tar.gz"
POSTGRES_ADVICE = (
    "for PostgreSQL use its own tools: `pg_dump --format=custom --file=ocop.dump DATABASE` "
    "to back up, `pg_restore --clean --if-exists --dbname=DATABASE ocop.dump` to restore "
    "(README: Operating the shop)"
)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


class ShopRunning(BackupError):
    """A shop runs on the database a restore would replace."""


def sqlite_file(database_url: str) -> Path:
    """The SQLite file of ``database_url``; BackupError for PostgreSQL, with the advice."""
    if not is_sqlite(database_url):
        raise BackupError(POSTGRES_ADVICE)
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return Path(database)


def archive_name(moment: datetime) -> str:
    return f"{PREFIX}{moment.strftime('%Y%m%d-%H%M%S')}{SUFFIX}"


# -- the lock a running shop holds ------------------------------------------------------------


class ShopLock:
    """``<database>.lock``: shared by the running shop, exclusive for a restore."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".lock")
        self._file: IO[bytes] | None = None

    def _take(self, mode: int) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        file = self.path.open("a+b")
        try:
            fcntl.flock(file.fileno(), mode | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            return False
        self._file = file
        return True

    def hold_shared(self) -> None:
        """For the running shop; BackupError while a restore replaces the database."""
        if not self._take(fcntl.LOCK_SH):
            raise BackupError(f"a restore is replacing the database ({self.path} is locked)")

    def take_exclusive(self) -> bool:
        """For a restore: False when a shop runs on the database."""
        return self._take(fcntl.LOCK_EX)

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file releases the lock
            self._file = None


# -- backing up -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    revision: str
    orders: int
    media_files: int


def _copy_database(source: Path, target: Path) -> tuple[str, int]:
    """SQLite's online backup of ``source`` into ``target``; (schema revision, orders)."""
    if not source.exists():
        raise BackupError(f"no database at {source}")
    with (
        closing(sqlite3.connect(f"file:{source}?mode=rw", uri=True, timeout=30)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        # One step: the copy is the database as one read transaction saw it, while writers
        # go on (WAL mode).
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        revision = dst.execute("SELECT version_num FROM alembic_version").fetchone()
        orders = dst.execute("SELECT count(*) FROM orders").fetchone()
    return str(revision[0]) if revision else "", int(orders[0])


def take_backup(database_url: str, media_dir: Path, target: Path) -> Backup:
    """A backup of the shop into ``target`` (a ``.tar.gz`` file, or a directory to put one
    in). Safe while the bot runs; blocking (run it in a thread from async code)."""
    database = sqlite_file(database_url)
    now = utcnow()
    if target.is_dir() or not target.name.endswith(SUFFIX):
        target = target / archive_name(now)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=target.parent) as work:
        copy = Path(work) / DATABASE_MEMBER
        revision, orders = _copy_database(database, copy)
        manifest = {"created_at": now.isoformat(), "revision": revision, "orders": orders}
        (Path(work) / MANIFEST_MEMBER).write_text(json.dumps(manifest), encoding="utf-8")
        partial = Path(work) / target.name
        media_files = 0
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(Path(work) / MANIFEST_MEMBER, MANIFEST_MEMBER)
            archive.add(copy, DATABASE_MEMBER)
            if media_dir.is_dir():
                archive.add(media_dir, MEDIA_MEMBER)
                media_files = sum(1 for path in media_dir.rglob("*") if path.is_file())
        # Whole or not at all: a backup cut short by a crash never looks like one.
        os.replace(partial, target)
    return Backup(target, revision, orders, media_files)


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups in ``directory``; the paths deleted."""
    backups = sorted(directory.glob(f"{PREFIX}*{SUFFIX}"), key=lambda path: path.name)
    gone = backups[:-keep] if keep else backups
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def newest(directory: Path) -> Path | None:
    backups = sorted(directory.glob(f"{PREFIX}*{SUFFIX}"), key=lambda path: path.name)
    return backups[-1] if backups else None


# -- restoring --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Restored:
    manifest: dict[str, Any]
    # Where what was replaced went (kept, in case the backup was the wrong one).
    set_aside: list[Path]


def _unpack(source: Path, into: Path) -> dict[str, Any]:
    try:
        with tarfile.open(source, "r:*") as archive:
            names = set(archive.getnames())
            if not {DATABASE_MEMBER, MANIFEST_MEMBER} <= names:
                raise BackupError(f"{source} is not a backup of the shop (no {DATABASE_MEMBER})")
            # "data": no absolute paths, no links or paths leaving the directory.
            archive.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as err:
        raise BackupError(f"cannot read {source}: {err}") from None
    with closing(sqlite3.connect(into / DATABASE_MEMBER)) as db:
        checked = db.execute("PRAGMA integrity_check").fetchone()
    if not checked or checked[0] != "ok":
        raise BackupError(f"the database in {source} is damaged: {checked}")
    manifest: dict[str, Any] = json.loads((into / MANIFEST_MEMBER).read_text(encoding="utf-8"))
    return manifest


def restore_backup(
    database_url: str, media_dir: Path, source: Path, *, force: bool = False
) -> Restored:
    """Put the backup ``source`` in place of the database and the media folder; what they
    were is moved aside, not deleted. ShopRunning while a shop runs on the database, unless
    ``force``."""
    database = sqlite_file(database_url)
    if not source.is_file():
        raise BackupError(f"no such backup: {source}")
    lock = ShopLock(database)
    if not lock.take_exclusive() and not force:
        raise ShopRunning(
            f"a shop is running on {database} (it holds {lock.path}): stop it first, "
            "or restore with --force"
        )
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".restore-", dir=database.parent) as work:
            manifest = _unpack(source, Path(work))
            stamp = utcnow().strftime("%Y%m%d-%H%M%S")
            aside = _set_aside(database, media_dir, f".before-restore-{stamp}")
            os.replace(Path(work) / DATABASE_MEMBER, database)
            unpacked_media = Path(work) / MEDIA_MEMBER
            if unpacked_media.is_dir():
                media_dir.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(unpacked_media, media_dir)
    finally:
        lock.release()
    return Restored(manifest, aside)


def _set_aside(database: Path, media_dir: Path, suffix: str) -> list[Path]:
    """Move the database (with its WAL files) and the media folder out of the way."""
    moved = []
    for path in (database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))):
        if path.exists():
            os.replace(path, path.with_name(path.name + suffix))
            moved.append(path.with_name(path.name + suffix))
    if media_dir.exists():
        media_dir.rename(media_dir.with_name(media_dir.name + suffix))
        moved.append(media_dir.with_name(media_dir.name + suffix))
    return moved
