"""Product photos fitted to what messengers take when they are stored (the import's, the
product wizard's, the demo's), so that a card never carries a picture Telegram refuses.

A photo within the limits (rules: size, sides, ratio) is kept as it is. One outside them is
turned upright (phones store the camera's orientation apart from the pixels), padded with
white to a ratio of 20 at most (nothing of the product is cut off), scaled to
``rules.FITTED_PHOTO_SIDE`` on its longest side and saved as a JPEG.

Pillow is imported when a photo is looked at, not with this module: the running bot would
otherwise carry it in every worker for the rare photo an admin stores.
"""

from __future__ import annotations

import io
import math
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from catalog import rules

if TYPE_CHECKING:
    from PIL.Image import Image as Picture

JPEG_QUALITIES = (87, 75, 60)


class NotAPhoto(ValueError):
    """The file is no picture that can be read (or one too large to decode safely)."""


def photo_fits(size: int, width: int, height: int) -> bool:
    """Whether Telegram takes a photo of ``size`` bytes and these sides as it is."""
    return (
        size <= rules.MAX_PHOTO_BYTES
        and width + height <= rules.MAX_PHOTO_SIDES
        and max(width, height) <= rules.MAX_PHOTO_RATIO * min(width, height)
    )


def _open(path: Path) -> Picture:
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - see the module's docstring

    try:
        with warnings.catch_warnings():
            # A picture of more pixels than Pillow's warning threshold (a 108-megapixel phone
            # photo) is what this module is for; beyond its error threshold it refuses.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(path)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as err:
        raise NotAPhoto(str(path)) from err


def needs_fitting(path: Path) -> bool:
    """Whether the photo at ``path`` must be fitted (its header is read, not its pixels)."""
    with _open(path) as image:
        width, height = image.size
    return not photo_fits(path.stat().st_size, width, height)


def fitted(path: Path) -> bytes:
    """The photo at ``path`` as a JPEG within Telegram's limits (see the module)."""
    from PIL import Image, ImageOps  # noqa: PLC0415 - see the module's docstring

    side = rules.FITTED_PHOTO_SIDE
    try:
        with _open(path) as image:
            if image.format == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 of the size where that still leaves ``side``.
                image.draft("RGB", (side, side))
            upright = ImageOps.exif_transpose(image)
            picture = _flat(upright)
    except (OSError, ValueError) as err:
        raise NotAPhoto(str(path)) from err
    picture = _padded(picture)
    picture.thumbnail((side, side), Image.Resampling.LANCZOS)
    for quality in JPEG_QUALITIES:
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=quality, optimize=True)
        if buffer.tell() <= rules.MAX_PHOTO_BYTES:
            break
    return buffer.getvalue()


def fit_in_place(path: Path) -> bool:
    """Fit the photo at ``path`` where it is, when it must be; True when it was rewritten."""
    if not needs_fitting(path):
        return False
    data = fitted(path)
    temporary = path.with_name(f".{path.name}.fitting")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return True


def _flat(image: Picture) -> Picture:
    """RGB, with anything transparent laid on white (as a card shows on a light chat)."""
    from PIL import Image  # noqa: PLC0415 - see the module's docstring

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, "white")
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def _padded(image: Picture) -> Picture:
    """Within the ratio Telegram takes, by widening the short side with white."""
    from PIL import Image  # noqa: PLC0415 - see the module's docstring

    width, height = image.size
    ratio = rules.MAX_PHOTO_RATIO
    if width > ratio * height:
        size = (width, math.ceil(width / ratio))
    elif height > ratio * width:
        size = (math.ceil(height / ratio), height)
    else:
        return image
    canvas = Image.new("RGB", size, "white")
    canvas.paste(image, ((size[0] - width) // 2, (size[1] - height) // 2))
    return canvas
