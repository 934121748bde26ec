"""Dependencies point one way: the shop must not depend on Telegram (a second channel reuses
catalog/ unchanged), and the handlers neither on the database library nor on the program
that wires them (what they need is injected)."""

import ast
from pathlib import Path

ROOT = Path(__file__).parents[2]
CATALOG = ROOT / "catalog"
HANDLERS = ROOT / "handlers"


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def offenders(package: Path, forbidden: set[str]) -> dict[str, list[str]]:
    """Each module of the package that imports a forbidden top-level package, and what."""
    found = {
        str(path.relative_to(package)): sorted(
            module for module in imported_modules(path) if module.split(".")[0] in forbidden
        )
        for path in package.rglob("*.py")
    }
    assert len(found) > 5, f"too few modules found in {package}"
    return {path: modules for path, modules in found.items() if modules}


def test_catalog_imports_neither_aiogram_nor_the_bot_nor_the_handlers() -> None:
    assert offenders(CATALOG, {"aiogram", "bot", "handlers"}) == {}


def test_handlers_import_neither_sqlalchemy_nor_the_bot() -> None:
    assert offenders(HANDLERS, {"sqlalchemy", "bot"}) == {}


def test_the_check_sees_imports_of_every_form(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "import sqlalchemy.orm\nfrom bot.config import Config\nfrom . import sibling\n",
        encoding="utf-8",
    )
    assert imported_modules(module) == {"sqlalchemy.orm", "bot.config"}
