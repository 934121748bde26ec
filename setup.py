"""The wheel's build compiles the gettext catalogs; everything else is in pyproject.toml.

``.mo`` files are build products (not committed): ``make translations`` compiles them in a
checkout, and this step compiles them into every wheel, from the ``.po`` files beside them,
so an installed bot never lacks or ships stale translations.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LOCALES_PACKAGE = "locales"
DOMAIN = "messages"


class BuildPyWithCatalogs(build_py):
    """``build_py`` that also writes ``locales/<language>/LC_MESSAGES/messages.mo``."""

    def initialize_options(self) -> None:
        super().initialize_options()
        self.compiled: list[str] = []

    def run(self) -> None:
        super().run()
        # An editable install reads the checkout's catalogs: `make translations` compiles them.
        if not self.editable_mode:
            self.compiled = [str(path) for path in self._compile_catalogs()]

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *self.compiled]

    def _compile_catalogs(self) -> list[Path]:
        # Babel is a dependency of the bot and of the build (pyproject.toml's build-system).
        from babel.messages.mofile import write_mo  # noqa: PLC0415
        from babel.messages.pofile import read_po  # noqa: PLC0415

        source = Path(self.get_package_dir(LOCALES_PACKAGE))
        target = Path(self.build_lib, LOCALES_PACKAGE)
        compiled: list[Path] = []
        for po in sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            language = po.parts[-3]
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=language, domain=DOMAIN)
            mo = target / po.relative_to(source).with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as handle:
                write_mo(handle, catalog)
            compiled.append(mo)
        if not compiled:
            raise SystemExit(f"no {source}/*/LC_MESSAGES/{DOMAIN}.po to compile")
        return compiled


setup(cmdclass={"build_py": BuildPyWithCatalogs})
