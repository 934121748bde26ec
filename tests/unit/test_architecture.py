"""Dependencies point one way: the shop must not depend on Telegram (a second channel reuses
catalog/ unchanged), the customer's conversation (storefront/) on no channel, and the
handlers neither on the database library nor on the program that wires them (what they need
is injected)."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parents[2]
CATALOG = ROOT / "catalog"
HANDLERS = ROOT / "handlers"
STOREFRONT = ROOT / "storefront"
BOT = ROOT / "bot"
# Channel SDKs and channel code: the storefront is written once for all of them.
CHANNELS = {"aiogram", "bot", "handlers"}
# The offline tools: the Bot API and Zalo emulators, and the playground that runs them.
OFFLINE = {"emulators", "playground"}


def _statements(tree: ast.Module, *, module_level: bool) -> Iterator[ast.AST]:
    """Every node, or (``module_level``) those run on import: not inside a function."""
    if not module_level:
        yield from ast.walk(tree)
        return
    waiting: list[ast.AST] = list(tree.body)
    while waiting:
        node = waiting.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            waiting.extend(ast.iter_child_nodes(node))


def imported_modules(path: Path, *, module_level: bool = False) -> set[str]:
    modules: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in _statements(tree, module_level=module_level):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def offenders(
    package: Path, forbidden: set[str], *, lazily_allowed_in: str | None = None
) -> dict[str, list[str]]:
    """Each module of the package that imports a forbidden top-level package, and what.
    Modules under ``lazily_allowed_in`` may import them inside a function."""
    found = {
        str(path.relative_to(package)): sorted(
            module
            for module in imported_modules(
                path,
                module_level=lazily_allowed_in is not None
                and path.is_relative_to(package / lazily_allowed_in),
            )
            if module.split(".")[0] in forbidden
        )
        for path in package.rglob("*.py")
    }
    assert len(found) > 5, f"too few modules found in {package}"
    return {path: modules for path, modules in found.items() if modules}


def test_catalog_imports_neither_aiogram_nor_the_bot_nor_the_handlers() -> None:
    assert offenders(CATALOG, {"aiogram", "bot", "handlers"}) == {}


def test_the_storefront_imports_no_channel_and_no_database_library() -> None:
    assert offenders(STOREFRONT, CHANNELS | {"sqlalchemy"}) == {}


def test_the_shop_below_the_storefront_never_imports_it() -> None:
    assert offenders(CATALOG, {"storefront"}) == {}


def test_handlers_import_neither_sqlalchemy_nor_the_bot() -> None:
    assert offenders(HANDLERS, {"sqlalchemy", "bot"}) == {}


def test_the_shop_never_loads_the_offline_tools() -> None:
    # `ocop-bot run` must not load the playground or the emulators; only the command line
    # may, inside the command that starts the playground.
    assert offenders(CATALOG, OFFLINE) == {}
    assert offenders(STOREFRONT, OFFLINE) == {}
    assert offenders(HANDLERS, OFFLINE) == {}
    assert offenders(BOT, OFFLINE, lazily_allowed_in="cli") == {}


def test_the_check_tells_an_import_on_loading_from_one_inside_a_function(
    tmp_path: Path,
) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "import emulators.telegram\n"
        "if True:\n    from playground import app\n"
        "def later():\n    from playground import run_playground\n",
        encoding="utf-8",
    )
    assert imported_modules(module, module_level=True) == {"emulators.telegram", "playground"}
    assert imported_modules(module) == {"emulators.telegram", "playground"}
    module.write_text("def later():\n    import playground\n", encoding="utf-8")
    assert imported_modules(module, module_level=True) == set()
    assert imported_modules(module) == {"playground"}


def test_the_check_sees_imports_of_every_form(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "import sqlalchemy.orm\nfrom bot.config import Config\nfrom . import sibling\n",
        encoding="utf-8",
    )
    assert imported_modules(module) == {"sqlalchemy.orm", "bot.config"}


MESSENGER = BOT / "messenger"
ZALO = BOT / "zalo"


def _channel_imports(package: Path, forbidden: set[str]) -> dict[str, list[str]]:
    """Modules of ``package`` importing any of ``forbidden`` (dotted prefixes)."""
    found = {}
    for path in package.rglob("*.py"):
        hits = sorted(
            module
            for module in imported_modules(path)
            if any(module == name or module.startswith(name + ".") for name in forbidden)
        )
        if hits:
            found[str(path.relative_to(package))] = hits
    return found


def test_the_messenger_channel_imports_no_other_channel_and_no_telegram_sdk() -> None:
    assert len(list(MESSENGER.rglob("*.py"))) > 5
    assert _channel_imports(MESSENGER, {"aiogram", "handlers", "bot.zalo"}) == {}


def test_no_other_channel_imports_the_messenger_channel() -> None:
    assert _channel_imports(HANDLERS, {"bot"}) == {}
    assert _channel_imports(ZALO, {"bot.messenger"}) == {}
    assert _channel_imports(STOREFRONT, {"bot", "handlers", "aiogram"}) == {}
    assert _channel_imports(CATALOG, {"bot", "handlers", "storefront"}) == {}
