"""Fitting photos to what Telegram takes (catalog.photos)."""

import io
from pathlib import Path

import pytest
from PIL import Image

from catalog import rules
from catalog.photos import NotAPhoto, fit_in_place, fitted, needs_fitting, photo_fits

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("size", "width", "height", "fits"),
    [
        (10 * MB, 5000, 5000, True),  # every limit reached, none passed
        (10 * MB + 1, 800, 600, False),
        (1 * MB, 5001, 5000, False),
        (1 * MB, 2000, 100, True),
        (1 * MB, 2001, 100, False),
        (1 * MB, 100, 2001, False),
    ],
)
def test_telegrams_photo_limits(size: int, width: int, height: int, fits: bool) -> None:
    assert photo_fits(size, width, height) is fits


def save(path: Path, image: Image.Image, kind: str) -> Path:
    image.save(path, format=kind)
    return path


def test_a_transparent_picture_is_laid_on_white_and_a_photo_within_limits_is_kept(
    tmp_path: Path,
) -> None:
    logo = Image.new("RGBA", (6600, 300), (0, 0, 0, 0))
    logo.paste((200, 0, 0, 255), (0, 0, 100, 300))
    path = save(tmp_path / "logo.png", logo, "PNG")
    assert needs_fitting(path)
    with Image.open(io.BytesIO(fitted(path))) as out:
        assert out.format == "JPEG"
        assert out.size == (2560, 128)
        corner, middle = out.getpixel((0, 64)), out.getpixel((1280, 64))
    assert isinstance(corner, tuple)
    assert isinstance(middle, tuple)
    assert corner[0] > 150 > corner[1]  # the red mark
    assert min(middle) > 240  # transparent became white

    small = save(tmp_path / "small.jpg", Image.new("RGB", (640, 480), "green"), "JPEG")
    before = small.read_bytes()
    assert not fit_in_place(small)
    assert small.read_bytes() == before


def test_a_tall_strip_is_padded_not_cut_and_rewritten_in_place(tmp_path: Path) -> None:
    path = save(tmp_path / "strip.jpg", Image.new("RGB", (50, 3000), "black"), "JPEG")
    assert fit_in_place(path)
    with Image.open(path) as out:
        width, height = out.size
        assert out.format == "JPEG"
    assert height == rules.FITTED_PHOTO_SIDE
    assert height == rules.MAX_PHOTO_RATIO * width
    assert not needs_fitting(path)
    assert not list(tmp_path.glob(".*"))


def test_what_is_no_picture_is_said_so(tmp_path: Path) -> None:
    path = tmp_path / "fake.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    with pytest.raises(NotAPhoto):
        needs_fitting(path)
    with pytest.raises(NotAPhoto):
        fitted(path)
