"""A catalog spreadsheet's shape: its columns, the product one row describes, and the
problems a file, a row or a cell can have (``catalog.spreadsheet`` reads and writes files)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Never

from catalog import rules
from catalog.errors import ShopError
from catalog.facts import FACT_NAMES, ProductFacts
from catalog.text import nfc

# Who makes it and where it is filed, then the product's own facts, then its photo.
_WHO_AND_WHERE: Final = (
    "sku",
    "producer_code",
    "producer_name_vi",
    "producer_name_en",
    "category_vi",
    "category_en",
)
# The producer's bank account (VietQR's BIN or bank name, the account number, the holder):
# optional, and left as it is where the columns are missing or the cells empty.
BANK_COLUMNS: Final = ("bank_bin", "bank_account", "bank_holder")
# The stock an export showed, beside the stock a person edits: an import applies the edit as
# a change to today's stock, so that what sold meanwhile stays sold.
STOCK_AT_EXPORT: Final = "stock_at_export"


def _fact_columns(name: str) -> tuple[str, ...]:
    # The price column says its unit; the row and the database call it "price".
    if name == "price":
        return ("price_vnd",)
    return (name, STOCK_AT_EXPORT) if name == "stock" else (name,)


COLUMNS: Final[tuple[str, ...]] = (
    *_WHO_AND_WHERE,
    *(column for name in FACT_NAMES for column in _fact_columns(name)),
    "photo",
    *BANK_COLUMNS,
)
# Sheets made before the grant date was kept have its year alone; they are still read.
OLD_YEAR_COLUMN: Final = "ocop_year"
READ_COLUMNS: Final = (*COLUMNS, OLD_YEAR_COLUMN)
# These must be in the header and filled in on every row, and so must the grant date (or the
# old year); the others may be left out entirely.
REQUIRED_COLUMNS: Final = frozenset(
    {"sku", "producer_code", "producer_name_vi", "category_vi", "name_vi", "unit_vi"}
    | {"price_vnd", "stock", "ocop_stars"}
)
# Facts a sheet may leave out: its products keep theirs (new ones get the defaults).
KEPT_WHEN_LEFT_OUT: Final = frozenset(
    {"producer_name_en", "category_en", "name_en", "description_vi", "description_en"}
    | {"unit_en", "active"}
)
# Columns of numbers and dates: the rest hold text, which a CSV export neutralises.
NUMBER_COLUMNS: Final = frozenset(
    {"price_vnd", "stock", STOCK_AT_EXPORT, "ocop_stars", "ocop_granted", OLD_YEAR_COLUMN}
)
# The row attribute each column fills.
ATTRIBUTES: Final = {column: "price" if column == "price_vnd" else column for column in COLUMNS}
# An empty English cell takes the Vietnamese text of the same field.
ENGLISH_FALLBACK: Final = {
    f"{field}_en": f"{field}_vi"
    for field in ("producer_name", "category", "name", "description", "unit")
}
# The database column widths; a description is TEXT, but an Excel cell holds 32,767 characters.
_EXCEL_CELL: Final = 32_767
MAX_TEXT: Final = {
    "producer_name_vi": rules.MAX_NAME_LENGTH,
    "producer_name_en": rules.MAX_NAME_LENGTH,
    "category_vi": rules.MAX_CATEGORY_LENGTH,
    "category_en": rules.MAX_CATEGORY_LENGTH,
    "name_vi": rules.MAX_NAME_LENGTH,
    "name_en": rules.MAX_NAME_LENGTH,
    "description_vi": _EXCEL_CELL,
    "description_en": _EXCEL_CELL,
    "unit_vi": rules.MAX_UNIT_LENGTH,
    "unit_en": rules.MAX_UNIT_LENGTH,
    "photo": rules.MAX_PHOTO_PATH_LENGTH,
}
_ERROR_VALUE_LENGTH: Final = 50


class Problem(StrEnum):
    """What is wrong with a file, a row or a cell; the bot words it for the reader."""

    not_a_spreadsheet = "not_a_spreadsheet"
    too_large = "too_large"
    bad_encoding = "bad_encoding"
    empty_file = "empty_file"
    missing_column = "missing_column"
    unknown_column = "unknown_column"
    duplicate_column = "duplicate_column"
    formula = "formula"
    empty_value = "empty_value"
    too_long = "too_long"
    control_character = "control_character"
    bad_sku = "bad_sku"
    sku_too_long = "sku_too_long"
    duplicate_sku = "duplicate_sku"
    bad_producer_code = "bad_producer_code"
    producer_mismatch = "producer_mismatch"
    category_mismatch = "category_mismatch"
    bad_price = "bad_price"
    price_too_large = "price_too_large"
    bad_stock = "bad_stock"
    bad_stars = "bad_stars"
    bad_year = "bad_year"
    bad_date = "bad_date"
    year_mismatch = "year_mismatch"
    bad_active = "bad_active"
    photo_outside = "photo_outside"
    photo_missing = "photo_missing"
    bad_bank_bin = "bad_bank_bin"
    bad_bank_account = "bad_bank_account"
    bad_bank_holder = "bad_bank_holder"
    bank_incomplete = "bank_incomplete"
    bank_mismatch = "bank_mismatch"


class ImportProblem(StrEnum):
    """What the shop says against a row that reads well (``catalog.services.catalog_io``)."""

    not_your_producer = "not_your_producer"
    unknown_category = "unknown_category"
    photo_not_image = "photo_not_image"


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: ``line`` is the row number in a spreadsheet app (None: the whole file)."""

    line: int | None
    column: str | None
    problem: Problem | ImportProblem
    value: str = ""


class SpreadsheetRejected(ShopError):
    """The file was not imported; ``errors`` lists every problem found, in line order."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogRow(ProductFacts):
    """One product as a spreadsheet describes it."""

    line: int  # the row number a person sees in their spreadsheet app (the header is 1)
    sku: str
    producer_code: str
    producer_name_vi: str
    producer_name_en: str
    category_vi: str
    category_en: str
    photo: str | None  # as written: a path relative to the file
    # The producer's bank, checked (empty: left as it is).
    bank_bin: str = ""
    bank_account: str = ""
    bank_holder: str = ""
    # The stock the export showed: the stock typed is then a change to apply to today's.
    # None (a sheet made by hand): the stock is set as typed.
    stock_at_export: int | None = None
    # The facts (of KEPT_WHEN_LEFT_OUT) whose column the sheet does not have; and
    # "ocop_granted" when the row has the grant year alone (as sheets had before the day was
    # kept): a product granted in that year keeps its day.
    left_out: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Formula:
    """A cell that holds a formula: refused, a catalog holds values."""

    text: str


# OWASP's rule against CSV injection: a spreadsheet app runs a cell that starts with one of
# these as a formula (=HYPERLINK(...) sends the reader away). A CSV export puts a ' before such
# text, which the app shows as text; an import takes off the one quote an export added (also
# from text that began with quotes: '=x goes out as ''=x and comes back as '=x).
_FORMULA_START: Final = re.compile("'*[=+\\-@\t\r]")


def neutralised(text: str) -> str:
    """Text as a CSV export writes it: never read as a formula."""
    return f"'{text}" if _FORMULA_START.match(text) else text


def unquoted(text: str) -> str:
    """Text a CSV export neutralised, as it was (anything else as it is)."""
    return text[1:] if text.startswith("'") and _FORMULA_START.match(text, 1) else text


_COLUMN_ORDER: Final = {column: index for index, column in enumerate(READ_COLUMNS)}


def error_order(error: RowError) -> tuple[int, int]:
    """Errors sort by line (the whole file's first), then by column."""
    line = -1 if error.line is None else error.line
    return line, _COLUMN_ORDER.get(error.column or "", len(COLUMNS))


def clean_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    # XML turns a lone CR into LF, so XLSX could never give CR back: LF is the one line break.
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def is_blank_cell(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank(cells: Sequence[object]) -> bool:
    return all(is_blank_cell(cell) for cell in cells)


def error(line: int | None, column: str | None, problem: Problem, value: object) -> RowError:
    text = value.text if isinstance(value, Formula) else "" if value is None else str(value)
    return RowError(line, column, problem, text[:_ERROR_VALUE_LENGTH])


def reject(line: int | None, column: str | None, problem: Problem, value: str = "") -> Never:
    raise SpreadsheetRejected([error(line, column, problem, value)])
