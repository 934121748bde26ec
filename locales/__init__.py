"""The gettext catalogs: ``messages.pot`` and ``<language>/LC_MESSAGES/messages.po``.

A package so that an installed bot finds its compiled ``.mo`` files beside this module, as
package data (the wheel's build compiles them, see setup.py; ``make translations`` does it
in a checkout).
"""

from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent
