"""QR codes (segno) and labels: a code with a name and a price under it, as PNG and SVG.

segno and Pillow are imported when a code or a label is drawn, not with this module: the
running bot would otherwise carry them in every worker for a bank transfer's QR code or an
admin's label now and then.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from catalog.printing import BOLD_FONT, REGULAR_FONT

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

# The standard's quiet zone: four light modules around the code.
QUIET_ZONE = 4
LABEL_SCALE = 10  # pixels per module
LABEL_MIN_WIDTH = 480
TITLE_SIZE = 26
LINE_SIZE = 24
MAX_TITLE_LINES = 3
MARGIN = 20
SVG_FONTS = "'DejaVu Sans', 'Noto Sans', Arial, sans-serif"

Matrix = tuple[tuple[bool, ...], ...]


def qr_matrix(data: str) -> Matrix:
    """The dark (True) and light modules of ``data``'s QR code, without the quiet zone.

    Error correction at least M (15 % of the code may be damaged or dirty), raised for free
    when the data still fits the same size.
    """
    import segno  # noqa: PLC0415 - see the module's docstring

    code = segno.make_qr(data, error="m", boost_error=True)
    return tuple(tuple(bool(module) for module in row) for row in code.matrix)


def qr_png(data: str, *, scale: int = 8, error: str = "m") -> bytes:
    """``data`` as a plain PNG QR code, ``scale`` pixels per module, with the quiet zone."""
    import segno  # noqa: PLC0415 - see the module's docstring

    code = segno.make_qr(data, error=error, boost_error=False)
    stream = io.BytesIO()
    code.save(stream, kind="png", scale=scale, border=QUIET_ZONE)
    return stream.getvalue()


def dark_runs(matrix: Matrix) -> Iterator[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules."""
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                yield y, start, x - start
            else:
                x += 1


@dataclass(frozen=True, slots=True)
class Label:
    """What a label shows: the code for ``url``, then ``title`` in bold, then ``lines``."""

    url: str
    title: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Layout:
    matrix: Matrix
    width: int
    height: int
    code_x: int
    code_y: int
    # (text, size, bold, baseline y)
    texts: tuple[tuple[str, int, bool, int], ...]


@lru_cache(maxsize=8)
def _font(bold: bool, size: int) -> FreeTypeFont:
    from PIL import ImageFont  # noqa: PLC0415 - see the module's docstring

    return ImageFont.truetype(str(BOLD_FONT if bold else REGULAR_FONT), size)


Measure = Callable[[str], float]


def wrap(text: str, width: float, measure: Measure, max_lines: int) -> list[str]:
    """Words of ``text`` in lines no wider than ``width``; the last line ends with "…" when
    the text does not fit in ``max_lines``."""
    lines: list[str] = []
    current = ""
    words = text.split()
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if measure(candidate) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines:
            current = ""
            lines[-1] = ellipsis(" ".join([lines[-1], *words[index:]]), width, measure)
            break
    if current:
        lines.append(current)
    return [ellipsis(line, width, measure) for line in lines]


def ellipsis(text: str, width: float, measure: Measure) -> str:
    """``text``, cut and ending with "…" if it is wider than ``width``."""
    if measure(text) <= width:
        return text
    while text and measure(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _layout(label: Label) -> _Layout:
    matrix = qr_matrix(label.url)
    code_side = (len(matrix) + 2 * QUIET_ZONE) * LABEL_SCALE
    width = max(code_side, LABEL_MIN_WIDTH)
    room = width - 2 * MARGIN
    texts: list[tuple[str, int, bool, int]] = []
    y = code_side
    title_font = _font(True, TITLE_SIZE)
    for line in wrap(label.title, room, title_font.getlength, MAX_TITLE_LINES):
        y += round(TITLE_SIZE * 1.3)
        texts.append((line, TITLE_SIZE, True, y))
    line_font = _font(False, LINE_SIZE)
    for text in label.lines:
        for line in wrap(text, room, line_font.getlength, 2):
            y += round(LINE_SIZE * 1.35)
            texts.append((line, LINE_SIZE, False, y))
    height = y + MARGIN + (QUIET_ZONE * LABEL_SCALE if not texts else 0)
    return _Layout(matrix, width, height, (width - code_side) // 2, 0, tuple(texts))


def label_png(label: Label) -> bytes:
    """The label as a PNG image: the code, and the text centred under it."""
    from PIL import Image, ImageDraw  # noqa: PLC0415 - see the module's docstring

    layout = _layout(label)
    image = Image.new("L", (layout.width, layout.height), 255)
    draw = ImageDraw.Draw(image)
    origin_x = layout.code_x + QUIET_ZONE * LABEL_SCALE
    origin_y = layout.code_y + QUIET_ZONE * LABEL_SCALE
    for y, x, length in dark_runs(layout.matrix):
        draw.rectangle(
            (
                origin_x + x * LABEL_SCALE,
                origin_y + y * LABEL_SCALE,
                origin_x + (x + length) * LABEL_SCALE - 1,
                origin_y + (y + 1) * LABEL_SCALE - 1,
            ),
            fill=0,
        )
    for text, size, bold, baseline in layout.texts:
        draw.text((layout.width / 2, baseline), text, fill=0, font=_font(bold, size), anchor="ms")
    stream = io.BytesIO()
    image.save(stream, format="PNG", optimize=True)
    return stream.getvalue()


def label_svg(label: Label) -> str:
    """The label as an SVG document: the code as one path, the text as text (any size)."""
    layout = _layout(label)
    path = "".join(f"M{x},{y}h{length}v1h-{length}z" for y, x, length in dark_runs(layout.matrix))
    offset_x = layout.code_x + QUIET_ZONE * LABEL_SCALE
    offset_y = layout.code_y + QUIET_ZONE * LABEL_SCALE
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width}" '
        f'height="{layout.height}" viewBox="0 0 {layout.width} {layout.height}">',
        f"<title>{escape(label.title)}</title>",
        '<rect width="100%" height="100%" fill="#fff"/>',
        f'<path transform="translate({offset_x} {offset_y}) scale({LABEL_SCALE})" '
        f'fill="#000" d="{path}"/>',
    ]
    for text, size, bold, baseline in layout.texts:
        weight = ' font-weight="bold"' if bold else ""
        parts.append(
            f'<text x="{layout.width / 2:g}" y="{baseline}" font-family={quoteattr(SVG_FONTS)} '
            f'font-size="{size}"{weight} text-anchor="middle">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
