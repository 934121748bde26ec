"""The shop must not depend on Telegram: a second channel reuses catalog/ unchanged."""

import ast
from pathlib import Path

CATALOG = Path(__file__).parents[2] / "catalog"


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_catalog_imports_neither_aiogram_nor_the_bot_nor_the_handlers() -> None:
    offenders = {
        str(path.relative_to(CATALOG)): sorted(
            module
            for module in imported_modules(path)
            if module.split(".")[0] in {"aiogram", "bot", "handlers"}
        )
        for path in CATALOG.rglob("*.py")
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}
    assert len(offenders) > 5
