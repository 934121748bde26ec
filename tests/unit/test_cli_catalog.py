"""``ocop-bot catalog import`` and ``export``: round trip, all-or-nothing, one-line errors."""

import csv
import io
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.products import ProgressBar

PRODUCT_COLUMNS = "sku, price, stock, name_vi, name_en, unit_vi, ocop_stars, active, photo"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("BOT_TOKEN", "TELEGRAM_API_BASE", "DATABASE_URL", "ADMIN_IDS", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def use_database(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    assert main(["db", "upgrade"]) == 0


def products(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            f"SELECT {PRODUCT_COLUMNS} FROM products ORDER BY sku"
        ).fetchall()


def exported_csv(path: Path) -> list[dict[str, str]]:
    """``ocop-bot catalog export`` to ``path`` (in the current folder); its rows of cells."""
    assert main(["catalog", "export", path.name]) == 0
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))


def write_csv(path: Path, lines: list[dict[str, str]]) -> None:
    """The rows written back as a person's spreadsheet program saves them."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(lines[0]))
    writer.writeheader()
    writer.writerows(lines)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    database = tmp_path / "shop.db"
    use_database(monkeypatch, database)
    assert main(["catalog", "seed-demo"]) == 0
    return database


def test_export_then_import_into_a_fresh_database_gives_the_same_products(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    seeded: Path,
) -> None:
    assert main(["catalog", "export", "out.xlsx"]) == 0
    assert "46 products, 46 photos" in capsys.readouterr().out
    assert len(list((tmp_path / "out_photos").glob("*.jpg"))) == 46

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    use_database(monkeypatch, elsewhere / "fresh.db")
    assert main(["catalog", "import", str(tmp_path / "out.xlsx")]) == 0

    assert "46 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert products(elsewhere / "fresh.db") == products(seeded)
    copied = elsewhere / "data" / "media" / "products" / "BABE-NGHE-500.jpg"
    original = tmp_path / "data" / "media" / "products" / "BABE-NGHE-500.jpg"
    assert copied.read_bytes() == original.read_bytes()


def test_a_csv_with_a_bad_row_is_refused_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, seeded: Path
) -> None:
    lines = exported_csv(tmp_path / "out.csv")
    lines[0]["stock"] = "999"  # a good change that must not be applied either
    lines[3]["price_vnd"] = "abc"
    write_csv(tmp_path / "edited.csv", lines)
    before = products(seeded)
    capsys.readouterr()

    assert main(["catalog", "import", "edited.csv"]) == 1

    err = capsys.readouterr().err.splitlines()
    assert err == [
        'row 5, price_vnd: bad_price ("abc")',
        "ocop-bot: edited.csv: 1 problem, nothing imported",
    ]
    assert products(seeded) == before


def test_an_edited_csv_is_imported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, seeded: Path
) -> None:
    lines = exported_csv(tmp_path / "out.csv")
    lines[0]["stock"] = "999"
    write_csv(tmp_path / "out.csv", lines)

    with sqlite3.connect(seeded) as connection:  # one sold meanwhile
        connection.execute(
            "UPDATE products SET stock = stock - 1 WHERE sku = ?", [lines[0]["sku"]]
        )
    capsys.readouterr()

    assert main(["catalog", "import", "out.csv"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("catalog imported: 0 created, 1 updated, 45 unchanged (import-")
    assert out[1:] == [
        "stock: 46 rows with stock_at_export changed today's stock by what was typed, so units "
        "sold since the export stay sold (1 product sold or restocked meanwhile); 0 rows set "
        "as typed (new products, or no stock_at_export)"
    ]
    assert (lines[0]["sku"], 998) in {(row[0], row[2]) for row in products(seeded)}


def test_a_sheet_made_by_hand_sets_stock_as_typed_and_keeps_what_it_lacks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, seeded: Path
) -> None:
    lines = exported_csv(tmp_path / "out.csv")
    for line in lines:
        for column in ("stock_at_export", "name_en", "active"):
            del line[column]
    lines[0]["stock"] = "999"
    write_csv(tmp_path / "made.csv", lines)
    with sqlite3.connect(seeded) as connection:
        connection.execute("UPDATE products SET active = 0 WHERE sku = ?", [lines[1]["sku"]])
    before = products(seeded)
    capsys.readouterr()

    assert main(["catalog", "import", "made.csv"]) == 0

    assert capsys.readouterr().out.splitlines()[1:] == [
        "stock: 0 rows with stock_at_export changed today's stock by what was typed, so units "
        "sold since the export stay sold (0 products sold or restocked meanwhile); 46 rows set "
        "as typed (new products, or no stock_at_export)",
        "not in the file, so left as they were: name_en, active",
    ]
    assert products(seeded) == [
        (*row[:2], 999, *row[3:]) if row[0] == lines[0]["sku"] else row for row in before
    ]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["catalog", "import", "missing.csv"], "ocop-bot: missing.csv: no such file\n"),
        (["catalog", "import", "notes.txt"], "ocop-bot: notes.txt: not a .csv or .xlsx file\n"),
        (["catalog", "export", "out.ods"], "ocop-bot: out.ods: not a .csv or .xlsx file\n"),
        (["catalog", "export", "nowhere/out.csv"], "ocop-bot: nowhere: no such folder\n"),
    ],
)
def test_a_wrong_file_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: list[str],
    message: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/shop.db")
    (tmp_path / "notes.txt").write_text("sku\n", encoding="utf-8")
    assert main(command) == 2
    assert capsys.readouterr().err == message


@pytest.mark.parametrize("action", ["import", "export"])
def test_catalog_import_and_export_have_help(
    action: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["catalog", action, "--help"])
    assert done.value.code == 0
    assert f"usage: ocop-bot catalog {action}" in capsys.readouterr().out


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_redraws_one_line_on_a_terminal() -> None:
    terminal = Terminal()
    bar = ProgressBar(terminal, width=10)
    for done in (0, 2500, 5000):
        bar(done, 5000)
    assert terminal.getvalue() == (
        "\r[          ] 0/5000\r[#####     ] 2500/5000\r[##########] 5000/5000\n"
    )


def test_the_progress_bar_stays_silent_in_a_log_or_for_a_small_file() -> None:
    log, terminal = io.StringIO(), Terminal()
    ProgressBar(log)(2500, 5000)
    ProgressBar(terminal)(50, 100)
    assert log.getvalue() == terminal.getvalue() == ""
