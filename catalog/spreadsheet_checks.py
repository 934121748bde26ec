"""Checking a catalog spreadsheet's rows cell by cell, against the shop's rules
(``catalog.rules``) and against each other; every problem is collected, none stops the rest."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Final

from catalog import rules
from catalog.payments.banks import BadBank, check_bank
from catalog.spreadsheet_rows import (
    ATTRIBUTES,
    BANK_COLUMNS,
    ENGLISH_FALLBACK,
    KEPT_WHEN_LEFT_OUT,
    MAX_TEXT,
    NUMBER_COLUMNS,
    OLD_YEAR_COLUMN,
    READ_COLUMNS,
    REQUIRED_COLUMNS,
    STOCK_AT_EXPORT,
    CatalogRow,
    Formula,
    Problem,
    RowError,
    SpreadsheetRejected,
    clean_text,
    error,
    error_order,
    is_blank,
    is_blank_cell,
    reject,
    unquoted,
)
from catalog.text import fold

_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PATH_PARTS: Final = re.compile(r"[\\/]")
_BANK_PROBLEMS: Final = {
    "bin": Problem.bad_bank_bin,
    "account": Problem.bad_bank_account,
    "holder": Problem.bad_bank_holder,
}
_TRUE: Final = frozenset({"true", "1", "yes", "co"})
_FALSE: Final = frozenset({"false", "0", "no", "khong"})


def check_table(
    rows: Iterable[tuple[int, Sequence[object]]],
    base_dir: Path | None,
    *,
    max_rows: int,
    unquote: bool = False,
) -> list[CatalogRow]:
    """Every data row as a ``CatalogRow``, or ``SpreadsheetRejected`` with every problem;
    ``unquote``: text cells may carry the quote a CSV export puts before formula-like text."""
    errors: list[RowError] = []
    iterator = iter(rows)
    header = next(((line, cells) for line, cells in iterator if not is_blank(cells)), None)
    if header is None:
        reject(None, None, Problem.empty_file)
    header_line, header_cells = header
    positions = _read_header(header_line, header_cells, errors)
    named = {position for position, cell in enumerate(header_cells) if not is_blank_cell(cell)}
    root = base_dir.resolve() if base_dir is not None else None
    across = _AcrossRows()
    result: list[CatalogRow] = []
    data_rows = 0
    for line, cells in iterator:
        if is_blank(cells):
            continue
        data_rows += 1
        if data_rows > max_rows:
            reject(None, None, Problem.too_large, f"{max_rows}+")
        errors.extend(
            error(line, None, Problem.unknown_column, cell)
            for position, cell in enumerate(cells)
            if position not in named and not is_blank_cell(cell)
        )
        raw = {
            column: cells[position] if position < len(cells) else None
            for position, column in positions
        }
        check = _RowCheck(line, raw, root, unquote=unquote)
        row = check.run()
        across.check(row, check)
        errors.extend(check.errors)
        if not check.bad:
            result.append(row)
    if data_rows == 0:
        errors.append(RowError(None, None, Problem.empty_file))
    if errors:
        errors.sort(key=error_order)
        raise SpreadsheetRejected(errors)
    return result


class _AcrossRows:
    """What one row says must agree with the rows before it."""

    def __init__(self) -> None:
        self.skus: set[str] = set()
        self.producers: dict[str, tuple[str, str]] = {}
        self.categories: dict[str, str] = {}
        self.banks: dict[str, tuple[str, str, str]] = {}

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
        bank = (row.bank_bin, row.bank_account, row.bank_holder)
        known_bank = self.banks.setdefault(row.producer_code, bank) if row.bank_bin else bank
        if known_bank != bank and not bad & {"producer_code", *BANK_COLUMNS}:
            check.fail("bank_account", Problem.bank_mismatch, row.bank_account)
        if not bad & {"category_vi", "category_en"}:
            known_en = self.categories.setdefault(row.category_vi, row.category_en)
            if known_en != row.category_en:
                check.fail("category_en", Problem.category_mismatch, row.category_en)


def _read_header(
    line: int, cells: Sequence[object], errors: list[RowError]
) -> list[tuple[int, str]]:
    positions: list[tuple[int, str]] = []
    seen: set[str] = set()
    for position, cell in enumerate(cells):
        if isinstance(cell, Formula):
            errors.append(error(line, None, Problem.formula, cell.text))
            continue
        name = clean_text(cell).lstrip("\ufeff").lower()
        if not name:
            continue
        if name not in READ_COLUMNS:
            errors.append(error(line, name, Problem.unknown_column, name))
        elif name in seen:
            errors.append(error(line, name, Problem.duplicate_column, name))
        else:
            seen.add(name)
            positions.append((position, name))
    errors.extend(
        RowError(None, column, Problem.missing_column, column)
        for column in READ_COLUMNS
        if column in REQUIRED_COLUMNS and column not in seen
    )
    if not seen & {"ocop_granted", OLD_YEAR_COLUMN}:
        errors.append(RowError(None, "ocop_granted", Problem.missing_column, "ocop_granted"))
    return positions


class _RowCheck:
    """Checks one data row cell by cell; ``bad`` names the columns that failed."""

    def __init__(
        self, line: int, raw: dict[str, object], root: Path | None, *, unquote: bool
    ) -> None:
        self.line = line
        self.raw = raw
        self.root = root
        self.unquote = unquote
        self.year_only = False  # the grant date is only known by its year (an old sheet)
        self.errors: list[RowError] = []
        self.bad: set[str] = set()

    def run(self) -> CatalogRow:
        texts = {column: self._text(column) for column in MAX_TEXT}
        for english, vietnamese in ENGLISH_FALLBACK.items():
            if not texts[english] and english not in self.bad:
                texts[english] = texts[vietnamese]
        photo = self._photo(texts.pop("photo"))
        values: dict[str, object] = {
            "sku": self._sku(),
            "producer_code": self._producer_code(),
            "price_vnd": self._price(),
            "stock": self._whole("stock", Problem.bad_stock, 0, rules.MAX_STOCK),
            "ocop_stars": self._whole(
                "ocop_stars", Problem.bad_stars, rules.MIN_OCOP_STARS, rules.MAX_OCOP_STARS
            ),
            "ocop_granted": self._granted(),
            "active": self._active(),
            **texts,
            **self._bank(),
        }
        stock_at_export = None
        if not is_blank_cell(self.raw.get(STOCK_AT_EXPORT)):
            stock_at_export = self._whole(STOCK_AT_EXPORT, Problem.bad_stock, 0, rules.MAX_STOCK)
        return CatalogRow(
            line=self.line,
            photo=photo,
            stock_at_export=stock_at_export,
            left_out=frozenset(KEPT_WHEN_LEFT_OUT - self.raw.keys())
            | ({"ocop_granted"} if self.year_only else set()),
            **{ATTRIBUTES[column]: value for column, value in values.items()},  # type: ignore[arg-type]
        )

    def fail(self, column: str, problem: Problem, value: object) -> None:
        self.errors.append(error(self.line, column, problem, value))
        self.bad.add(column)

    def _cell(self, column: str) -> object:
        """The raw value, or None (reported) for a formula; a required empty cell is reported."""
        value = self.raw.get(column)
        if isinstance(value, Formula):
            self.fail(column, Problem.formula, value.text)
            return None
        if column in REQUIRED_COLUMNS and is_blank_cell(value) and column in self.raw:
            self.fail(column, Problem.empty_value, "")
            return None
        if self.unquote and isinstance(value, str) and column not in NUMBER_COLUMNS:
            return unquoted(value)
        return value

    def _text(self, column: str) -> str:
        text = clean_text(self._cell(column))
        if _CONTROL.search(text):
            self.fail(column, Problem.control_character, text)
        elif len(text) > MAX_TEXT.get(column, len(text)):
            self.fail(column, Problem.too_long, text)
        return text

    def _sku(self) -> str:
        sku = clean_text(self._cell("sku"))
        if sku and not rules.SKU_CHARACTERS.fullmatch(sku):
            self.fail("sku", Problem.bad_sku, sku)
        elif len(sku) > rules.MAX_SKU_LENGTH:
            self.fail("sku", Problem.sku_too_long, sku)
        return sku

    def _producer_code(self) -> str:
        code = clean_text(self._cell("producer_code")).upper()
        if code and not rules.is_producer_code(code):
            self.fail("producer_code", Problem.bad_producer_code, code)
        return code

    def _price(self) -> int:
        value = self._cell("price_vnd")
        if value is None:
            return 0
        price = rules.parse_price(value) if isinstance(value, str) else _whole_number(value)
        if price is None or price <= 0:
            self.fail("price_vnd", Problem.bad_price, value)
            return 0
        if not rules.price_allowed(price):
            self.fail("price_vnd", Problem.price_too_large, value)
        return price

    def _whole(self, column: str, problem: Problem, low: int, high: int) -> int:
        value = self._cell(column)
        if value is None:
            return 0
        # Stock is counted in thousands sometimes (1.000); stars and years never are.
        number = _whole_number(value, grouped=column == "stock")
        if number is None or not low <= number <= high:
            self.fail(column, problem, value)
            return 0
        return number

    def _granted(self) -> date:
        """The grant date, or the old sheets' year alone as its 1 January."""
        latest = rules.latest_ocop_year(rules.shop_now())
        year = None
        if not is_blank_cell(self.raw.get(OLD_YEAR_COLUMN)):
            year = self._whole(OLD_YEAR_COLUMN, Problem.bad_year, rules.FIRST_OCOP_YEAR, latest)
        value = self._cell("ocop_granted")
        if is_blank_cell(value):
            # Either column may carry it, the new one is named; without both the header's
            # missing column is reported already.
            given = [c for c in ("ocop_granted", OLD_YEAR_COLUMN) if c in self.raw]
            if year is None and given and not self.bad & {"ocop_granted", OLD_YEAR_COLUMN}:
                self.fail(given[0], Problem.empty_value, "")
            self.year_only = True
            return date(year or rules.FIRST_OCOP_YEAR, 1, 1)
        granted = _date(value)
        if granted is None or not rules.grant_date_allowed(granted, rules.shop_now()):
            self.fail("ocop_granted", Problem.bad_date, value)
            return date(rules.FIRST_OCOP_YEAR, 1, 1)
        if year is not None and OLD_YEAR_COLUMN not in self.bad and year != granted.year:
            self.fail(OLD_YEAR_COLUMN, Problem.year_mismatch, year)
        return granted

    def _active(self) -> bool:
        value = self._cell("active")
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        word = fold(clean_text(value))
        if not word or word in _TRUE:
            return True
        if word not in _FALSE:
            self.fail("active", Problem.bad_active, value)
        return False

    def _bank(self) -> dict[str, str]:
        """All three bank cells, checked, or none (the producer's bank left as it is)."""
        cells = {column: clean_text(self._cell(column)) for column in BANK_COLUMNS}
        if not any(cells.values()):
            return cells
        missing = [column for column, value in cells.items() if not value]
        if missing:
            self.fail(missing[0], Problem.bank_incomplete, "")
            return dict.fromkeys(BANK_COLUMNS, "")
        try:
            details = check_bank(cells["bank_bin"], cells["bank_account"], cells["bank_holder"])
        except BadBank as err:
            self.fail(f"bank_{err.field}", _BANK_PROBLEMS[err.field], err.value)
            return dict.fromkeys(BANK_COLUMNS, "")
        return {
            "bank_bin": details.bin,
            "bank_account": details.account,
            "bank_holder": details.holder,
        }

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


def _whole_number(value: object, *, grouped: bool = True) -> int | None:
    """An integer written as one: 180000, 180000.0, "180000", or "180.000" when grouped."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if not isinstance(value, str):
        return None
    return rules.parse_whole(value, grouped=grouped)


def _date(value: object) -> date | None:
    """A date cell of a workbook, or a date (or a year) written as text or as a number."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        year = _whole_number(value, grouped=False)
        return None if year is None else rules.parse_grant_date(str(year))
    return rules.parse_grant_date(clean_text(value))
