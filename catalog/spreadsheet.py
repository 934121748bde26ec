"""The product catalog as a spreadsheet (CSV or XLSX): one row per product, no database.

Reading checks every row and either returns them all or raises ``SpreadsheetRejected`` with
every problem found, so a producer can fix the whole file in one go.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Final, Never, TypeAlias

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from catalog.errors import ShopError
from catalog.text import fold, nfc

__all__ = [
    "COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_PRICE_VND",
    "MAX_ROWS",
    "MAX_SKU_LENGTH",
    "MAX_STOCK",
    "CatalogRow",
    "ImportProblem",
    "Problem",
    "RowError",
    "SpreadsheetRejected",
    "read_catalog",
    "write_catalog",
]

COLUMNS: Final[tuple[str, ...]] = (
    "sku",
    "producer_code",
    "producer_name_vi",
    "producer_name_en",
    "category_vi",
    "category_en",
    "name_vi",
    "name_en",
    "description_vi",
    "description_en",
    "unit_vi",
    "unit_en",
    "price_vnd",
    "stock",
    "ocop_stars",
    "ocop_year",
    "active",
    "photo",
)
# These must be in the header and filled in on every row; the others may be left out entirely.
REQUIRED_COLUMNS: Final = frozenset(
    {
        "sku",
        "producer_code",
        "producer_name_vi",
        "category_vi",
        "name_vi",
        "unit_vi",
        "price_vnd",
        "stock",
        "ocop_stars",
        "ocop_year",
    }
)
# An empty English cell takes the Vietnamese text of the same field.
_ENGLISH_FALLBACK: Final = {
    "producer_name_en": "producer_name_vi",
    "category_en": "category_vi",
    "name_en": "name_vi",
    "description_en": "description_vi",
    "unit_en": "unit_vi",
}
# The database column widths (catalog.models); PostgreSQL refuses longer text. A description
# is TEXT, but an Excel cell holds at most 32,767 characters.
_MAX_TEXT: Final = {
    "producer_name_vi": 200,
    "producer_name_en": 200,
    "category_vi": 100,
    "category_en": 100,
    "name_vi": 200,
    "name_en": 200,
    "description_vi": 32_767,
    "description_en": 32_767,
    "unit_vi": 50,
    "unit_en": 50,
    "photo": 255,
}

MAX_FILE_BYTES: Final = 10 * 1024 * 1024
MAX_SKU_LENGTH: Final = 32
MAX_PRICE_VND: Final = 1_000_000_000  # anything above is absurd for one OCOP item
MAX_STOCK: Final = 2_147_483_647  # products.stock is a 32-bit INTEGER
MAX_ROWS: Final = 100_000  # ten times a province-wide catalog
FIRST_OCOP_YEAR: Final = 2010
# An XLSX is a zip: ten compressed megabytes can unpack to gigabytes of XML.
_MAX_UNPACKED_BYTES: Final = 20 * MAX_FILE_BYTES
_ERROR_VALUE_LENGTH: Final = 50
# Vietnam keeps UTC+7 all year; the year turns there, not in UTC.
_VIETNAM: Final = timezone(timedelta(hours=7))

_SKU: Final = re.compile(r"[A-Za-z0-9._-]+")
_PRODUCER_CODE: Final = re.compile(r"[A-Z0-9]{2,12}")
_DIGITS: Final = re.compile(r"[0-9]+")
# Thousands grouped by one separator used throughout: 180.000, 180,000, 180 000, 1.250.000.
_GROUPED_DIGITS: Final = re.compile("[0-9]{1,3}([., \u00a0\u202f])[0-9]{3}(?:\\1[0-9]{3})*")
_CURRENCY: Final = re.compile(r"^₫?\s*(.*?)\s*(?:₫|đ|đồng|vnd|vnđ)?$")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PATH_PARTS: Final = re.compile(r"[\\/]")
_TRUE: Final = frozenset({"true", "1", "yes", "co"})
_FALSE: Final = frozenset({"false", "0", "no", "khong"})
# Magic numbers of files people send by mistake; text never starts with these.
_BINARY_MAGIC: Final = (b"\x89PNG", b"PK\x03\x04", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf")
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")


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
    bad_active = "bad_active"
    photo_outside = "photo_outside"
    photo_missing = "photo_missing"


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


@dataclass(frozen=True, slots=True)
class CatalogRow:
    """One product as a spreadsheet describes it."""

    line: int  # the row number a person sees in their spreadsheet app (the header is 1)
    sku: str
    producer_code: str
    producer_name_vi: str
    producer_name_en: str
    category_vi: str
    category_en: str
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    unit_vi: str
    unit_en: str
    price: int
    stock: int
    ocop_stars: int
    ocop_year: int
    active: bool
    photo: str | None  # as written: a path relative to the file


@dataclass(frozen=True, slots=True)
class _Formula:
    text: str


_Rows: TypeAlias = Iterable[tuple[int, Sequence[object]]]


def read_catalog(data: bytes, filename: str, *, base_dir: Path | None = None) -> list[CatalogRow]:
    """Every product in a CSV or XLSX file, or ``SpreadsheetRejected`` naming every problem."""
    if len(data) > MAX_FILE_BYTES:
        _reject(None, None, Problem.too_large, str(len(data)))
    suffix = PurePosixPath(filename.lower()).suffix
    rows: _Rows
    if suffix == ".csv":
        rows = _csv_rows(data)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(data)
    else:
        _reject(None, None, Problem.not_a_spreadsheet, suffix)
    return _check_table(rows, base_dir)


def write_catalog(rows: Iterable[CatalogRow], filename: str) -> bytes:
    """The rows as a ``.csv`` (UTF-8 with BOM) or ``.xlsx`` file that ``read_catalog`` reads."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix == ".csv":
        return _write_csv(rows)
    if suffix == ".xlsx":
        return _write_xlsx(rows)
    raise ValueError(f"not a spreadsheet file name: {filename!r}")


# --- reading the two formats --------------------------------------------------------------


def _csv_rows(data: bytes) -> Iterator[tuple[int, Sequence[object]]]:
    if data.startswith(_UTF16_BOMS):
        # Excel's "Unicode text" is UTF-16: a text file, but not one we read.
        _reject(None, None, Problem.bad_encoding, "UTF-16")
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data:
        _reject(None, None, Problem.not_a_spreadsheet)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        # Most often Excel's plain "CSV", saved in the Windows code page (cp1258).
        _reject(None, None, Problem.bad_encoding, data[err.start : err.start + 4].hex(" "))
    first_line = text.split("\n", 1)[0]
    # Where the decimal mark is a comma (Vietnamese Windows among them) Excel separates with ";".
    delimiter = max((",", ";", "\t"), key=first_line.count)
    return _csv_records(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _csv_records(reader: Iterator[list[str]]) -> Iterator[tuple[int, Sequence[object]]]:
    # Each record is one row in a spreadsheet app, even when a quoted cell spans several lines.
    line = 0
    try:
        for line, record in enumerate(reader, start=1):
            yield line, record
    except csv.Error:
        # NUL bytes were refused already: what is left is a cell over the csv module's
        # 131,072-character limit, four times the longest text a row may hold.
        _reject(line + 1, None, Problem.too_long)


def _xlsx_rows(data: bytes) -> list[tuple[int, Sequence[object]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _reject(None, None, Problem.not_a_spreadsheet)
    names = {part.filename for part in parts}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        _reject(None, None, Problem.not_a_spreadsheet)
    if sum(part.file_size for part in parts) > _MAX_UNPACKED_BYTES:
        _reject(None, None, Problem.too_large)
    rows: list[tuple[int, Sequence[object]]] = []
    filled = 0
    # openpyxl warns about parts it does not support (data validation, slicers...), none of
    # which matter here; collected in one go so the filter never outlives this call.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
        except Exception as err:  # a broken file fails anywhere in openpyxl
            raise SpreadsheetRejected([RowError(None, None, Problem.not_a_spreadsheet)]) from err
        try:
            if not workbook.worksheets:
                _reject(None, None, Problem.empty_file)
            sheet = workbook.worksheets[0]
            # The recorded size may be stale or absurd (XFD1048576); rows are read as stored.
            sheet.reset_dimensions()
            for line, cells in enumerate(sheet.iter_rows(), start=1):
                values = [_xlsx_value(cell) for cell in cells]
                if not _is_blank(values):
                    filled += 1
                    if filled > MAX_ROWS + 1:
                        _reject(None, None, Problem.too_large, f"{MAX_ROWS}+")
                    rows.append((line, values))
        except SpreadsheetRejected:
            raise
        except Exception as err:
            raise SpreadsheetRejected([RowError(None, None, Problem.not_a_spreadsheet)]) from err
        finally:
            workbook.close()
    return rows


def _xlsx_value(cell: object) -> object:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        # An array formula's value is an object holding the formula text.
        return _Formula(str(getattr(value, "text", value)))
    return value


# --- checking -----------------------------------------------------------------------------


def _check_table(rows: _Rows, base_dir: Path | None) -> list[CatalogRow]:
    errors: list[RowError] = []
    iterator = iter(rows)
    header = next(((line, cells) for line, cells in iterator if not _is_blank(cells)), None)
    if header is None:
        _reject(None, None, Problem.empty_file)
    header_line, header_cells = header
    positions = _read_header(header_line, header_cells, errors)
    named = {position for position, cell in enumerate(header_cells) if not _is_blank_cell(cell)}
    root = base_dir.resolve() if base_dir is not None else None
    across = _AcrossRows()
    result: list[CatalogRow] = []
    data_rows = 0
    for line, cells in iterator:
        if _is_blank(cells):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            _reject(None, None, Problem.too_large, f"{MAX_ROWS}+")
        errors.extend(
            _error(line, None, Problem.unknown_column, cell)
            for position, cell in enumerate(cells)
            if position not in named and not _is_blank_cell(cell)
        )
        raw = {
            column: cells[position] if position < len(cells) else None
            for position, column in positions
        }
        check = _RowCheck(line, raw, root)
        row = check.run()
        across.check(row, check)
        errors.extend(check.errors)
        if not check.bad:
            result.append(row)
    if data_rows == 0:
        errors.append(RowError(None, None, Problem.empty_file))
    if errors:
        errors.sort(key=_error_order)
        raise SpreadsheetRejected(errors)
    return result


class _AcrossRows:
    """What one row says must agree with the rows before it."""

    def __init__(self) -> None:
        self.skus: set[str] = set()
        self.producers: dict[str, tuple[str, str]] = {}
        self.categories: dict[str, str] = {}

    def check(self, row: CatalogRow, check: _RowCheck) -> None:
        bad = check.bad
        if "sku" not in bad:
            # Case alone does not tell two products apart for a person reading or typing a code.
            key = row.sku.lower()
            if key in self.skus:
                check.fail("sku", Problem.duplicate_sku, row.sku)
            self.skus.add(key)
        if not bad & {"producer_code", "producer_name_vi", "producer_name_en"}:
            names = (row.producer_name_vi, row.producer_name_en)
            known = self.producers.setdefault(row.producer_code, names)
            if known[0] != names[0]:
                check.fail("producer_name_vi", Problem.producer_mismatch, names[0])
            elif known[1] != names[1]:
                check.fail("producer_name_en", Problem.producer_mismatch, names[1])
        if not bad & {"category_vi", "category_en"}:
            known_en = self.categories.setdefault(row.category_vi, row.category_en)
            if known_en != row.category_en:
                check.fail("category_en", Problem.category_mismatch, row.category_en)


_COLUMN_ORDER: Final = {column: index for index, column in enumerate(COLUMNS)}


def _error_order(error: RowError) -> tuple[int, int]:
    line = -1 if error.line is None else error.line
    return line, _COLUMN_ORDER.get(error.column or "", len(COLUMNS))


def _read_header(
    line: int, cells: Sequence[object], errors: list[RowError]
) -> list[tuple[int, str]]:
    positions: list[tuple[int, str]] = []
    seen: set[str] = set()
    for position, cell in enumerate(cells):
        if isinstance(cell, _Formula):
            errors.append(_error(line, None, Problem.formula, cell.text))
            continue
        name = _clean_text(cell).lstrip("\ufeff").lower()
        if not name:
            continue
        if name not in COLUMNS:
            errors.append(_error(line, name, Problem.unknown_column, name))
        elif name in seen:
            errors.append(_error(line, name, Problem.duplicate_column, name))
        else:
            seen.add(name)
            positions.append((position, name))
    errors.extend(
        RowError(None, column, Problem.missing_column, column)
        for column in COLUMNS
        if column in REQUIRED_COLUMNS and column not in seen
    )
    return positions


class _RowCheck:
    """Checks one data row cell by cell; ``bad`` names the columns that failed."""

    def __init__(self, line: int, raw: dict[str, object], root: Path | None) -> None:
        self.line = line
        self.raw = raw
        self.root = root
        self.errors: list[RowError] = []
        self.bad: set[str] = set()

    def run(self) -> CatalogRow:
        texts = {column: self._text(column) for column in _MAX_TEXT}
        for english, vietnamese in _ENGLISH_FALLBACK.items():
            if not texts[english] and english not in self.bad:
                texts[english] = texts[vietnamese]
        return CatalogRow(
            line=self.line,
            sku=self._sku(),
            producer_code=self._producer_code(),
            producer_name_vi=texts["producer_name_vi"],
            producer_name_en=texts["producer_name_en"],
            category_vi=texts["category_vi"],
            category_en=texts["category_en"],
            name_vi=texts["name_vi"],
            name_en=texts["name_en"],
            description_vi=texts["description_vi"],
            description_en=texts["description_en"],
            unit_vi=texts["unit_vi"],
            unit_en=texts["unit_en"],
            price=self._price(),
            stock=self._whole("stock", Problem.bad_stock, 0, MAX_STOCK, grouped=True),
            ocop_stars=self._whole("ocop_stars", Problem.bad_stars, 3, 5, grouped=False),
            ocop_year=self._whole(
                "ocop_year",
                Problem.bad_year,
                FIRST_OCOP_YEAR,
                datetime.now(_VIETNAM).year + 1,
                grouped=False,
            ),
            active=self._active(),
            photo=self._photo(texts["photo"]),
        )

    def fail(self, column: str, problem: Problem, value: object) -> None:
        self.errors.append(_error(self.line, column, problem, value))
        self.bad.add(column)

    def _cell(self, column: str) -> object:
        """The raw value, or None (reported) for a formula; a required empty cell is reported."""
        value = self.raw.get(column)
        if isinstance(value, _Formula):
            self.fail(column, Problem.formula, value.text)
            return None
        if column in REQUIRED_COLUMNS and _is_blank_cell(value) and column in self.raw:
            self.fail(column, Problem.empty_value, "")
            return None
        return value

    def _text(self, column: str) -> str:
        text = _clean_text(self._cell(column))
        if _CONTROL.search(text):
            self.fail(column, Problem.control_character, text)
        elif len(text) > _MAX_TEXT.get(column, len(text)):
            self.fail(column, Problem.too_long, text)
        return text

    def _sku(self) -> str:
        sku = _clean_text(self._cell("sku"))
        if sku and not _SKU.fullmatch(sku):
            self.fail("sku", Problem.bad_sku, sku)
        elif len(sku) > MAX_SKU_LENGTH:
            self.fail("sku", Problem.sku_too_long, sku)
        return sku

    def _producer_code(self) -> str:
        code = _clean_text(self._cell("producer_code")).upper()
        if code and not _PRODUCER_CODE.fullmatch(code):
            self.fail("producer_code", Problem.bad_producer_code, code)
        return code

    def _price(self) -> int:
        value = self._cell("price_vnd")
        if value is None:
            return 0
        number = value
        if isinstance(value, str):
            match = _CURRENCY.match(_clean_text(value).casefold())
            number = match.group(1) if match else value
        price = _whole_number(number, grouped=True)
        if price is None or price <= 0:
            self.fail("price_vnd", Problem.bad_price, value)
            return 0
        if price > MAX_PRICE_VND:
            self.fail("price_vnd", Problem.price_too_large, value)
        return price

    def _whole(self, column: str, problem: Problem, low: int, high: int, *, grouped: bool) -> int:
        value = self._cell(column)
        if value is None:
            return 0
        number = _whole_number(value, grouped=grouped)
        if number is None or not low <= number <= high:
            self.fail(column, problem, value)
            return 0
        return number

    def _active(self) -> bool:
        value = self._cell("active")
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        word = fold(_clean_text(value))
        if not word or word in _TRUE:
            return True
        if word not in _FALSE:
            self.fail("active", Problem.bad_active, value)
        return False

    def _photo(self, photo: str) -> str | None:
        if not photo or "photo" in self.bad:
            return photo or None
        windows = PureWindowsPath(photo)
        if (
            PurePosixPath(photo).is_absolute()
            or windows.anchor
            or ".." in _PATH_PARTS.split(photo)
        ):
            self.fail("photo", Problem.photo_outside, photo)
        elif self.root is not None:
            try:
                target = (self.root / photo).resolve()
                inside = target.is_relative_to(self.root)
                exists = inside and target.is_file()
            except (OSError, ValueError):
                inside, exists = True, False
            if not inside:  # a symbolic link pointing out of the folder
                self.fail("photo", Problem.photo_outside, photo)
            elif not exists:
                self.fail("photo", Problem.photo_missing, photo)
        return photo


def _whole_number(value: object, *, grouped: bool) -> int | None:
    """An integer written as one: 180000, 180000.0, "180000", or "180.000" when grouped."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _DIGITS.fullmatch(text) or (grouped and _GROUPED_DIGITS.fullmatch(text)):
        digits = re.sub(r"[^0-9]", "", text)
        # int() refuses over 4,300 digits; anything past 18 is out of every range anyway.
        return int(digits) if len(digits) <= 18 else 10**18
    return None


def _clean_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    # XML turns a lone CR into LF, so XLSX could never give CR back: LF is the one line break.
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _is_blank_cell(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_blank(cells: Sequence[object]) -> bool:
    return all(_is_blank_cell(cell) for cell in cells)


def _error(line: int | None, column: str | None, problem: Problem, value: object) -> RowError:
    text = value.text if isinstance(value, _Formula) else "" if value is None else str(value)
    return RowError(line, column, problem, text[:_ERROR_VALUE_LENGTH])


def _reject(line: int | None, column: str | None, problem: Problem, value: str = "") -> Never:
    raise SpreadsheetRejected([_error(line, column, problem, value)])


# --- writing ------------------------------------------------------------------------------


def _cells(row: CatalogRow) -> list[str | int | bool | None]:
    return [
        row.sku,
        row.producer_code,
        row.producer_name_vi,
        row.producer_name_en,
        row.category_vi,
        row.category_en,
        row.name_vi,
        row.name_en,
        row.description_vi,
        row.description_en,
        row.unit_vi,
        row.unit_en,
        row.price,
        row.stock,
        row.ocop_stars,
        row.ocop_year,
        row.active,
        row.photo,
    ]


def _write_csv(rows: Iterable[CatalogRow]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            ("true" if cell else "false")
            if isinstance(cell, bool)
            else ("" if cell is None else cell)
            for cell in _cells(row)
        )
    # The BOM is how Excel knows the file is UTF-8; without it Vietnamese turns to mojibake.
    return buffer.getvalue().encode("utf-8-sig")


def _write_xlsx(rows: Iterable[CatalogRow]) -> bytes:
    # Not write-only mode: only a normal sheet records its size (<dimension>), without which
    # openpyxl's read-only mode parses the whole sheet twice when the file comes back.
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "catalog"
    bold = Font(bold=True)
    for column, name in enumerate(COLUMNS, start=1):
        sheet.cell(1, column, name).font = bold
    sheet.freeze_panes = "A2"
    price_column = COLUMNS.index("price_vnd") + 1
    for line, row in enumerate(rows, start=2):
        for column, value in enumerate(_cells(row), start=1):
            cell = sheet.cell(line, column, value)
            if isinstance(value, str):
                # openpyxl takes any text starting with "=" for a formula; this is text.
                cell.data_type = "s"
            elif column == price_column:
                cell.number_format = "#,##0"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
