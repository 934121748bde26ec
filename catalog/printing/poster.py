"""A producer's A4 poster (PDF): its name and shop code, then a grid of its products, each
with its own code, name, price and OCOP stars.

Every page carries the header with the shop's code, so any page works on its own when one
is pinned up by itself. Codes are drawn as vector squares: sharp at any printer resolution.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from catalog.paging import page_count
from catalog.printing import BOLD_FONT, REGULAR_FONT
from catalog.printing.qr import QUIET_ZONE, dark_runs, ellipsis, qr_matrix, wrap

if TYPE_CHECKING:
    from fpdf import FPDF

# fpdf2 subsets the fonts through fontTools, which logs every step at INFO.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

FONT = "DejaVu"
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0  # A4, millimetres
MARGIN = 12.0
COLUMNS, ROWS = 3, 4
PER_PAGE = COLUMNS * ROWS
SHOP_CODE = 44.0  # the producer's code, in mm
ITEM_CODE = 28.0  # each product's code (with its quiet zone), in mm
HEADER_HEIGHT = 62.0
FOOTER_HEIGHT = 10.0


@dataclass(frozen=True, slots=True)
class PosterItem:
    name: str
    price: str  # formatted for the poster's language, with the unit
    stars: int
    rating: str  # e.g. "OCOP 4★ 2023"
    url: str


@dataclass(frozen=True, slots=True)
class Poster:
    """Everything a poster says, already in its language."""

    title: str  # the producer's name
    place: str
    url: str  # the producer's shop
    scan_shop: str  # under the shop's code
    heading: str  # above the products
    footer: str
    language: str
    items: tuple[PosterItem, ...]

    @property
    def pages(self) -> int:
        return page_count(len(self.items), PER_PAGE)


def _draw_code(pdf: FPDF, url: str, x: float, y: float, side: float) -> None:
    """A QR code for ``url`` whose quiet zone's top-left corner is (x, y), ``side`` mm wide."""
    matrix = qr_matrix(url)
    module = side / (len(matrix) + 2 * QUIET_ZONE)
    left, top = x + QUIET_ZONE * module, y + QUIET_ZONE * module
    pdf.set_fill_color(0, 0, 0)
    for row, column, length in dark_runs(matrix):
        # A hair of overlap, so that no renderer shows seams between the rows.
        pdf.rect(
            left + column * module,
            top + row * module,
            length * module,
            module + 0.01,
            style="F",
        )


def _lines(pdf: FPDF, text: str, width: float, max_lines: int) -> list[str]:
    return wrap(text, width, pdf.get_string_width, max_lines)


def _header(pdf: FPDF, poster: Poster, page: int) -> None:
    text_width = PAGE_WIDTH - 2 * MARGIN - SHOP_CODE - 6
    _draw_code(pdf, poster.url, PAGE_WIDTH - MARGIN - SHOP_CODE, MARGIN, SHOP_CODE)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "", 8)
    pdf.set_xy(PAGE_WIDTH - MARGIN - SHOP_CODE - 4, MARGIN + SHOP_CODE - 1)
    for line in _lines(pdf, poster.scan_shop, SHOP_CODE + 8, 2):
        pdf.cell(SHOP_CODE + 8, 3.6, line, align="C")
        pdf.set_xy(PAGE_WIDTH - MARGIN - SHOP_CODE - 4, pdf.get_y() + 3.6)
    pdf.set_font(FONT, "B", 22)
    y = MARGIN + 4
    for line in _lines(pdf, poster.title, text_width, 3):
        pdf.set_xy(MARGIN, y)
        pdf.cell(text_width, 9, line)
        y += 9.5
    pdf.set_font(FONT, "", 11)
    pdf.set_text_color(70, 70, 70)
    for line in _lines(pdf, poster.place, text_width, 2):
        pdf.set_xy(MARGIN, y + 1)
        pdf.cell(text_width, 5, line)
        y += 5.5
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "B", 12)
    pdf.set_xy(MARGIN, MARGIN + HEADER_HEIGHT - 10)
    heading = ellipsis(poster.heading, PAGE_WIDTH - 2 * MARGIN, pdf.get_string_width)
    pdf.cell(PAGE_WIDTH - 2 * MARGIN, 6, heading)
    pdf.set_draw_color(200, 160, 60)
    pdf.set_line_width(0.6)
    rule = MARGIN + HEADER_HEIGHT - 2
    pdf.line(MARGIN, rule, PAGE_WIDTH - MARGIN, rule)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(110, 110, 110)
    pdf.set_xy(MARGIN, PAGE_HEIGHT - MARGIN - 4)
    footer = poster.footer if poster.pages == 1 else f"{poster.footer} · {page}/{poster.pages}"
    pdf.cell(PAGE_WIDTH - 2 * MARGIN, 4, footer, align="C")
    pdf.set_text_color(0, 0, 0)


def _item(pdf: FPDF, item: PosterItem, x: float, y: float, width: float) -> None:
    _draw_code(pdf, item.url, x + (width - ITEM_CODE) / 2, y, ITEM_CODE)
    text_y = y + ITEM_CODE + 0.5
    pdf.set_font(FONT, "B", 8.5)
    for line in _lines(pdf, item.name, width - 4, 2):
        pdf.set_xy(x + 2, text_y)
        pdf.cell(width - 4, 3.8, line, align="C")
        text_y += 3.8
    pdf.set_font(FONT, "", 9)
    pdf.set_xy(x + 2, text_y + 0.6)
    pdf.cell(width - 4, 4.2, ellipsis(item.price, width - 4, pdf.get_string_width), align="C")
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(170, 110, 0)
    pdf.set_xy(x + 2, text_y + 4.9)
    pdf.cell(width - 4, 4, ellipsis(item.rating, width - 4, pdf.get_string_width), align="C")
    pdf.set_text_color(0, 0, 0)


def render_poster(poster: Poster) -> bytes:
    """The poster as a PDF document: A4 pages of 12 products each, Vietnamese text embedded."""
    # Imported here: the bot starts faster, and only a poster needs the PDF library.
    from fpdf import FPDF  # noqa: PLC0415

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font(FONT, "", str(REGULAR_FONT))
    pdf.add_font(FONT, "B", str(BOLD_FONT))
    pdf.set_title(poster.title)
    pdf.set_lang(poster.language)
    pdf.set_creator("OCOP shop bot")
    cell_width = (PAGE_WIDTH - 2 * MARGIN) / COLUMNS
    grid_top = MARGIN + HEADER_HEIGHT + 2
    cell_height = (PAGE_HEIGHT - MARGIN - FOOTER_HEIGHT - grid_top) / ROWS
    for page in range(poster.pages):
        pdf.add_page()
        _header(pdf, poster, page + 1)
        for index, item in enumerate(poster.items[page * PER_PAGE : (page + 1) * PER_PAGE]):
            row, column = divmod(index, COLUMNS)
            _item(
                pdf, item, MARGIN + column * cell_width, grid_top + row * cell_height, cell_width
            )
    return bytes(pdf.output())
