"""The product catalog as a spreadsheet (CSV or XLSX): one row per product, no database.

Reading checks every row and either returns them all or raises ``SpreadsheetRejected`` with
every problem found, so a producer can fix the whole file in one go. This module reads and
writes the two file formats; ``catalog.spreadsheet_rows`` holds the row and its problems,
``catalog.spreadsheet_checks`` the checking. openpyxl is imported when an XLSX file is read
or written, not with this module: the running bot would otherwise carry it (~4 MB) for a
rare admin's upload.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Final, TypeAlias

from catalog.spreadsheet_checks import check_table
from catalog.spreadsheet_rows import (
    ATTRIBUTES,
    COLUMNS,
    CatalogRow,
    Formula,
    ImportProblem,
    Problem,
    RowError,
    SpreadsheetRejected,
    is_blank,
    neutralised,
    reject,
)

__all__ = [
    "COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "CatalogRow",
    "ImportProblem",
    "Problem",
    "RowError",
    "SpreadsheetRejected",
    "read_catalog",
    "write_catalog",
]

MAX_FILE_BYTES: Final = 10 * 1024 * 1024
MAX_ROWS: Final = 100_000  # ten times a province-wide catalog
# An XLSX is a zip: ten compressed megabytes can unpack to gigabytes of XML.
_MAX_UNPACKED_BYTES: Final = 20 * MAX_FILE_BYTES
# Magic numbers of files people send by mistake; text never starts with these.
_BINARY_MAGIC: Final = (b"\x89PNG", b"PK\x03\x04", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf")
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")

_Rows: TypeAlias = Iterable[tuple[int, Sequence[object]]]


def read_catalog(data: bytes, filename: str, *, base_dir: Path | None = None) -> list[CatalogRow]:
    """Every product in a CSV or XLSX file, or ``SpreadsheetRejected`` naming every problem."""
    if len(data) > MAX_FILE_BYTES:
        reject(None, None, Problem.too_large, str(len(data)))
    suffix = PurePosixPath(filename.lower()).suffix
    rows: _Rows
    if suffix == ".csv":
        rows = _csv_rows(data)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(data)
    else:
        reject(None, None, Problem.not_a_spreadsheet, suffix)
    # Only a CSV export neutralises formula-like text: an XLSX cell is typed text already.
    return check_table(rows, base_dir, max_rows=MAX_ROWS, unquote=suffix == ".csv")


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
        reject(None, None, Problem.bad_encoding, "UTF-16")
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data:
        reject(None, None, Problem.not_a_spreadsheet)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        # Most often Excel's plain "CSV", saved in the Windows code page (cp1258).
        reject(None, None, Problem.bad_encoding, data[err.start : err.start + 4].hex(" "))
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
        reject(line + 1, None, Problem.too_long)


def _xlsx_rows(data: bytes) -> list[tuple[int, Sequence[object]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        reject(None, None, Problem.not_a_spreadsheet)
    names = {part.filename for part in parts}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        reject(None, None, Problem.not_a_spreadsheet)
    if sum(part.file_size for part in parts) > _MAX_UNPACKED_BYTES:
        reject(None, None, Problem.too_large)
    rows: list[tuple[int, Sequence[object]]] = []
    filled = 0
    # openpyxl warns about parts it does not support (data validation, slicers...), none of
    # which matter here; collected in one go so the filter never outlives this call.
    from openpyxl import load_workbook  # noqa: PLC0415 - see the module's docstring

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
                reject(None, None, Problem.empty_file)
            sheet = workbook.worksheets[0]
            # The recorded size may be stale or absurd (XFD1048576); rows are read as stored.
            sheet.reset_dimensions()
            for line, cells in enumerate(sheet.iter_rows(), start=1):
                values = [_xlsx_value(cell) for cell in cells]
                if not is_blank(values):
                    filled += 1
                    if filled > MAX_ROWS + 1:
                        reject(None, None, Problem.too_large, f"{MAX_ROWS}+")
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
        return Formula(str(getattr(value, "text", value)))
    return value


# --- writing ------------------------------------------------------------------------------


def _cells(row: CatalogRow) -> list[str | int | bool | date | None]:
    return [getattr(row, ATTRIBUTES[column]) for column in COLUMNS]


def _csv_cell(cell: str | int | bool | date | None) -> str | int:
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, str):
        # Numbers and dates are written as numbers and ISO dates: only text can start a formula.
        return neutralised(cell)
    return "" if cell is None else cell


def _write_csv(rows: Iterable[CatalogRow]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(_csv_cell(cell) for cell in _cells(row))
    # The BOM is how Excel knows the file is UTF-8; without it Vietnamese turns to mojibake.
    return buffer.getvalue().encode("utf-8-sig")


def _write_xlsx(rows: Iterable[CatalogRow]) -> bytes:
    # Not write-only mode: only a normal sheet records its size (<dimension>), without which
    # openpyxl's read-only mode parses the whole sheet twice when the file comes back.
    from openpyxl import Workbook  # noqa: PLC0415 - see the module's docstring
    from openpyxl.styles import Font  # noqa: PLC0415

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
            elif isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"  # as Vietnamese write a date
            elif column == price_column:
                cell.number_format = "#,##0"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
