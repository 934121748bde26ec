"""Printed material: QR codes, labels (PNG, SVG) and producers' posters (PDF).

The bundled DejaVu Sans (``fonts/``, licence beside it) has every Vietnamese letter, so the
text prints the same on any machine.
"""

from pathlib import Path

FONTS = Path(__file__).with_name("fonts")
REGULAR_FONT = FONTS / "DejaVuSans.ttf"
BOLD_FONT = FONTS / "DejaVuSans-Bold.ttf"
