"""Files the bot sends or fetches: photos (stored with the sizes Telegram makes), documents,
and getFile."""

from __future__ import annotations

import io
import mimetypes
import warnings
from typing import TYPE_CHECKING, Any, TypeVar

from PIL import Image, UnidentifiedImageError

from emulators.telegram.messages import StoredFile
from emulators.telegram.models import bad_request
from emulators.telegram.params import WRONG_FILE, Call, Upload, api_method

if TYPE_CHECKING:
    from emulators.telegram.state import EmulatorState

PHOTO_SIDES = (90, 320, 800, 1280)
# sendPhoto: "The photo must be at most 10 MB in size. The photo's width and height must not
# exceed 10000 in total. Width and height ratio must be at most 20." (Bot API, sendPhoto)
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_SIDES = 10_000
MAX_PHOTO_RATIO = 20
T = TypeVar("T")


def _new_upload(ref: Upload | str | None, kind: str, known: dict[str, T]) -> Upload | T:
    """The upload, or what a file_id names (400 when it names nothing known)."""
    if ref is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(ref, str):
        found = known.get(ref)
        if found is None:
            raise bad_request(WRONG_FILE)
        return found
    return ref


def photo(emulator: EmulatorState, ref: Upload | str | None) -> tuple[StoredFile, ...]:
    """The sizes of a photo: a new upload is scaled down as Telegram does; a file_id is one
    of the sizes of a photo sent before."""
    upload = _new_upload(ref, "photo", emulator.photo_sets)
    if not isinstance(upload, Upload):
        return upload
    if len(upload.data) > MAX_PHOTO_BYTES:
        raise bad_request("PHOTO_SAVE_FILE_INVALID")
    try:
        with warnings.catch_warnings():
            # Pillow warns of a very large picture before it is decoded: refused just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(upload.data))
        with image:
            width, height = image.size
            if width + height > MAX_PHOTO_SIDES or max(width, height) > MAX_PHOTO_RATIO * min(
                width, height
            ):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            image.load()
            thumbs: list[tuple[bytes, int, int]] = []
            for side in PHOTO_SIDES:
                if max(width, height) <= side:
                    break
                copy = image.convert("RGB")
                copy.thumbnail((side, side))
                buffer = io.BytesIO()
                copy.save(buffer, format="JPEG")
                thumbs.append((buffer.getvalue(), *copy.size))
    except Image.DecompressionBombError:
        raise bad_request("PHOTO_INVALID_DIMENSIONS") from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise bad_request("IMAGE_PROCESS_FAILED") from None
    sizes = tuple(
        emulator.store_file(data, "photo", mime_type="image/jpeg", width=w, height=h)
        for data, w, h in [*thumbs, (upload.data, width, height)]
    )
    for size in sizes:
        emulator.photo_sets[size.file_id] = sizes
    return sizes


def document(emulator: EmulatorState, ref: Upload | str | None) -> StoredFile:
    upload = _new_upload(ref, "document", emulator.files)
    if not isinstance(upload, Upload):
        return upload
    guessed = mimetypes.guess_type(upload.filename or "")[0]
    mime = guessed or upload.content_type or "application/octet-stream"
    return emulator.store_file(upload.data, "document", file_name=upload.filename, mime_type=mime)


@api_method("getFile")
async def get_file(call: Call) -> Any:
    file_id = call.params.string("file_id")
    if not file_id:
        raise bad_request("file_id is empty")
    stored = call.emulator.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }
