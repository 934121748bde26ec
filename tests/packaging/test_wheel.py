"""The wheel alone is the bot: built from the sources, installed outside the checkout, run there.

The wheel is built from a copy of the checkout's files as a fresh clone has them (no compiled
``.mo``), installed without dependencies into a new virtual environment, and run from a folder
outside the checkout. The third-party dependencies come from this environment's site-packages,
added as a plain path: its ``.pth`` files — among them the editable install's finder that maps
``bot``, ``handlers``, ``catalog`` and ``locales`` to the checkout — are not run, so every one
of our modules must come from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

from catalog import migrate

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).parents[2]
OUR_PACKAGES = ("bot", "handlers", "storefront", "catalog", "locales", "emulators", "playground")

WHERE_MODULES_COME_FROM = """
import importlib, json, sys
from importlib.resources import files

found = {name: importlib.import_module(name).__file__ for name in sys.argv[1:]}
page = files("playground").joinpath("static", "index.html")
print(json.dumps({
    "modules": found,
    "playground_page": str(page),
    "playground_page_size": len(page.read_bytes()),
    "finders": [type(finder).__name__ for finder in sys.meta_path],
}))
"""

TRANSLATED = """
import json
from bot.i18n import LOCALES_DIR, build_i18n

i18n = build_i18n()
print(json.dumps({
    "locales": str(LOCALES_DIR),
    "vi": i18n.gettext("Cart", locale="vi"),
    "en": i18n.gettext("Cart", locale="en"),
    "vi_plural": i18n.gettext("{count} order", "{count} orders", 3, locale="vi"),
}))
"""


@dataclass(frozen=True)
class Installed:
    venv: Path
    site_packages: Path
    workdir: Path
    wheel: Path

    def run(self, *args: str | Path, env: dict[str, str] | None = None) -> str:
        """Run a program of the new environment from outside the checkout; its output."""
        environ = {
            key: value
            for key, value in os.environ.items()
            if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "BOT_TOKEN"}
        }
        program, *rest = args
        result = subprocess.run(
            [self.venv / "bin" / program, *rest],
            cwd=self.workdir,
            env={**environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def python(self, code: str, *args: str) -> dict[str, object]:
        return dict(json.loads(self.run("python", "-c", code, *args)))


def copy_sources(target: Path) -> Path:
    """The checkout's files as a fresh clone has them, with uncommitted edits."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet committed is still listed
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    sources = copy_sources(base / "sources")
    assert not list(sources.glob("locales/*/LC_MESSAGES/*.mo"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", base / "dist", sources], check=True)
    (wheel,) = (base / "dist").glob("ocop_shop_bot-*.whl")

    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    subprocess.run([*pip, "--python", python, "install", "--no-deps", wheel], check=True)
    site_packages = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # A plain path in a .pth file goes on sys.path; the .pth files inside it are not run.
    (site_packages / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    workdir = base / "elsewhere"
    workdir.mkdir()
    return Installed(venv=venv, site_packages=site_packages, workdir=workdir, wheel=wheel)


def test_our_modules_and_the_playground_page_come_from_the_wheel(installed: Installed) -> None:
    found = installed.python(WHERE_MODULES_COME_FROM, *OUR_PACKAGES)

    modules = found["modules"]
    assert isinstance(modules, dict)
    assert sorted(modules) == sorted(OUR_PACKAGES)
    for name, path in modules.items():
        assert Path(path).is_relative_to(installed.site_packages / name), name
    assert Path(str(found["playground_page"])).is_relative_to(installed.site_packages)
    assert isinstance(found["playground_page_size"], int)
    assert found["playground_page_size"] > 1000
    finders = found["finders"]
    assert isinstance(finders, list)
    assert not [name for name in finders if "Editable" in name]


def test_ocop_bot_help_runs_from_the_installed_script(installed: Installed) -> None:
    output = installed.run("ocop-bot", "--help")

    assert output.startswith("usage: ocop-bot")
    for command in ("run", "start", "playground", "db", "catalog", "qr", "poster"):
        assert command in output


def test_the_installed_translations_render_in_vietnamese_and_english(
    installed: Installed,
) -> None:
    rendered = installed.python(TRANSLATED)

    assert Path(str(rendered["locales"])).is_relative_to(installed.site_packages / "locales")
    assert rendered["vi"] == "Giỏ hàng"
    assert rendered["en"] == "Cart"
    assert rendered["vi_plural"] == "{count} đơn"


def test_the_installed_migrations_demo_data_and_fonts_work(
    installed: Installed, tmp_path: Path
) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/shop.db"}

    upgraded = installed.run("ocop-bot", "db", "upgrade", env=env)
    seeded = installed.run("ocop-bot", "catalog", "seed-demo", env=env)
    poster = tmp_path / "poster.pdf"
    installed.run("ocop-bot", "poster", "BABE", poster, "--bot-username", "ocop_shop_bot", env=env)

    assert upgraded.strip() == f"database at {migrate.head_revision()}"
    assert seeded.startswith("demo catalog: ")
    assert "0 products added" not in seeded
    assert poster.read_bytes().startswith(b"%PDF")
