"""The photos of a catalog import and export: where each row's photo comes from, copying new
ones in beside their place before the commit and into place after it, and copying exported
photos out beside a spreadsheet."""

from __future__ import annotations

import filecmp
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Final

from catalog.models import Product
from catalog.photos import NotAPhoto, fitted, needs_fitting
from catalog.spreadsheet import CatalogRow, ImportProblem, Problem, RowError

PHOTO_FOLDER: Final = "products"
# Telegram shows these as photos; anything else would break the product card.
_IMAGE_SUFFIXES: Final = frozenset({".jpg", ".jpeg", ".png", ".webp"})


@dataclass(frozen=True, slots=True)
class PhotoCopy:
    """Rows pointing at the photos copied beside a spreadsheet; ``missing``: SKUs without one."""

    rows: list[CatalogRow]
    copied: int
    missing: list[str]


@dataclass(frozen=True, slots=True)
class Photo:
    stored: str  # the path kept in products.photo, relative to the media folder
    source: Path | None  # a file to copy to ``stored``; None when it is already there
    fit: bool = False  # stored fitted to Telegram's limits (catalog.photos), not copied


def copy_photos_beside(
    rows: Sequence[CatalogRow], *, media_dir: Path, spreadsheet: Path
) -> PhotoCopy:
    """Copy exported photos to ``<stem>_photos/<sku><ext>`` beside the file, for a later import.

    A photo that is not on disk any more is left out (its row gets an empty cell).
    """
    folder_name = f"{spreadsheet.stem}_photos"
    folder = spreadsheet.parent / folder_name
    result: list[CatalogRow] = []
    missing: list[str] = []
    copied = 0
    for row in rows:
        if row.photo is None:
            result.append(row)
            continue
        source = media_dir / row.photo
        if not source.is_file():
            missing.append(row.sku)
            result.append(replace(row, photo=None))
            continue
        name = f"{row.sku}{source.suffix.lower()}"
        folder.mkdir(exist_ok=True)
        shutil.copyfile(source, folder / name)
        copied += 1
        result.append(replace(row, photo=f"{folder_name}/{name}"))
    return PhotoCopy(result, copied, missing)


def plan_photos(
    rows: Sequence[CatalogRow],
    products: Mapping[str, Product],
    media_dir: Path,
    source_dir: Path | None,
) -> tuple[dict[int, Photo], list[RowError]]:
    """Each row's photo (by line), or the problem with it; rows with an empty cell are left out."""
    media_root = media_dir.resolve()
    source_root = source_dir.resolve() if source_dir is not None else None
    photos: dict[int, Photo] = {}
    errors: list[RowError] = []
    for row in rows:
        if row.photo is None:
            continue
        existing = products.get(row.sku.lower())
        sku = existing.sku if existing is not None else row.sku
        if source_root is None:
            photo, problem = _photo_in_media(row.photo, media_root)
        else:
            photo, problem = _photo_from_source(row.photo, source_root, media_root, sku)
        if problem is not None:
            errors.append(RowError(row.line, "photo", problem, row.photo))
        elif photo is not None:
            photos[row.line] = photo
    return photos, errors


def _photo_in_media(
    written: str, media_root: Path
) -> tuple[Photo | None, Problem | ImportProblem | None]:
    relative = PurePosixPath(written.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts:
        return None, Problem.photo_outside
    target = (media_root / relative).resolve()
    if not target.is_relative_to(media_root):  # a symbolic link out of the media folder
        return None, Problem.photo_outside
    if not target.is_file():
        return None, Problem.photo_missing
    return Photo(relative.as_posix(), None), None


def _photo_from_source(
    written: str, source_root: Path, media_root: Path, sku: str
) -> tuple[Photo | None, Problem | ImportProblem | None]:
    relative = PurePosixPath(written.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts:
        return None, Problem.photo_outside
    source = (source_root / relative).resolve()
    if not source.is_relative_to(source_root):
        return None, Problem.photo_outside
    if not source.is_file():
        return None, Problem.photo_missing
    suffix = source.suffix.lower()
    if suffix not in _IMAGE_SUFFIXES or not _looks_like_image(source):
        return None, ImportProblem.photo_not_image
    try:
        fit = needs_fitting(source)
    except NotAPhoto:
        return None, ImportProblem.photo_not_image
    return _stored_as(source, media_root, sku, fit=fit), None


def _stored_as(source: Path, media_root: Path, sku: str, *, fit: bool) -> Photo:
    """Where a photo from the sheet's folder goes, and whether it is copied there (not when
    the very same picture is there already)."""
    if fit:
        # A phone's picture too large for Telegram: stored fitted, as a JPEG.
        stored = f"{PHOTO_FOLDER}/{sku}.jpg"
        target = media_root / stored
        same = target.is_file() and target.read_bytes() == fitted(source)
    else:
        stored = f"{PHOTO_FOLDER}/{sku}{source.suffix.lower()}"
        target = media_root / stored
        same = target.is_file() and filecmp.cmp(source, target, shallow=False)
    return Photo(stored, None) if same else Photo(stored, source, fit=fit)


def _looks_like_image(path: Path) -> bool:
    with path.open("rb") as file:
        head = file.read(12)
    return head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    )


def stage_photos(
    photos: dict[int, Photo], media_dir: Path, reference: str
) -> list[tuple[Path, Path]]:
    """Copy new photos beside their place; (staged, final) pairs, renamed after the commit."""
    staged: list[tuple[Path, Path]] = []
    try:
        for photo in photos.values():
            if photo.source is None:
                continue
            target = media_dir / photo.stored
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{reference}.part")
            if photo.fit:
                temporary.write_bytes(fitted(photo.source))
            else:
                shutil.copyfile(photo.source, temporary)
            staged.append((temporary, target))
    except BaseException:
        discard(staged)
        raise
    return staged


def install(staged: Iterable[tuple[Path, Path]]) -> None:
    for temporary, target in staged:
        os.replace(temporary, target)


def discard(staged: Iterable[tuple[Path, Path]]) -> None:
    for temporary, _target in staged:
        temporary.unlink(missing_ok=True)
