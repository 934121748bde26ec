"""Drawing on a square canvas in unit coordinates: the palette and shapes the demo pictures
are made of (Pillow only, nothing downloaded)."""

from __future__ import annotations

import colorsys
import math
import random
from collections.abc import Callable
from typing import Any

from PIL import Image, ImageDraw

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Point = tuple[float, float]

GOLD: RGB = (250, 196, 40)
GOLD_EDGE: RGB = (150, 96, 10)


class Palette:
    """Colours derived from one hue."""

    __slots__ = ("accent", "bg_bottom", "bg_top", "halo", "hue", "ink", "light", "mid")

    def __init__(self, hue: float) -> None:
        self.hue = hue % 1.0
        self.bg_top = hls(hue, 0.83, 0.55)
        self.bg_bottom = hls(hue, 0.62, 0.50)
        self.halo = hls(hue, 0.92, 0.45)
        self.light = hls(hue, 0.75, 0.55)
        self.mid = hls(hue, 0.50, 0.55)
        self.ink = hls(hue, 0.24, 0.50)
        self.accent = hls(hue + 0.5, 0.45, 0.55)


def hls(hue: float, lightness: float, saturation: float) -> RGB:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return (round(r * 255), round(g * 255), round(b * 255))


def alpha(colour: RGB, alpha: int) -> RGBA:
    return (colour[0], colour[1], colour[2], alpha)


class Canvas:
    """A square drawing surface addressed in unit coordinates (0..1 on both axes)."""

    def __init__(self, image: Image.Image) -> None:
        self.image = image
        self.px = image.width
        self.draw = ImageDraw.Draw(image, "RGBA")

    def pt(self, x: float, y: float) -> Point:
        return (x * self.px, y * self.px)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (x0 * self.px, y0 * self.px, x1 * self.px, y1 * self.px)

    def w(self, fraction: float) -> int:
        """A line width given as a fraction of the side."""
        return max(1, round(fraction * self.px))

    def polygon(self, points: list[Point], fill: RGB | RGBA, outline: RGB | None = None) -> None:
        scaled = [self.pt(x, y) for x, y in points]
        self.draw.polygon(scaled, fill=fill)
        if outline is not None:
            self.draw.line([*scaled, scaled[0]], fill=outline, width=self.w(0.006), joint="curve")


# --- shapes -----------------------------------------------------------------------------------


def leaf(cx: float, cy: float, length: float, width: float, angle: float) -> list[Point]:
    """A pointed leaf (or petal) centred on (cx, cy), its axis turned by ``angle`` radians."""
    steps = 24
    upper: list[Point] = []
    lower: list[Point] = []
    for i in range(steps + 1):
        t = i / steps
        along = (t - 0.5) * length
        half = math.sin(math.pi * t) ** 0.9 * width / 2
        upper.append((along, half))
        lower.append((along, -half))
    outline = upper + lower[::-1]
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    return [(cx + x * cos_a - y * sin_a, cy + x * sin_a + y * cos_a) for x, y in outline]


def star(cx: float, cy: float, radius: float) -> list[Point]:
    points: list[Point] = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.42
        a = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def drop(cx: float, cy: float, radius: float) -> list[Point]:
    """A teardrop with its tip at the top."""
    points: list[Point] = []
    for i in range(48):
        t = 2 * math.pi * i / 48
        points.append((cx + radius * math.sin(t) * math.sin(t / 2), cy - radius * math.cos(t)))
    return points


def ellipse_points(cx: float, cy: float, rx: float, ry: float, angle: float) -> list[Point]:
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    points: list[Point] = []
    for i in range(16):
        t = 2 * math.pi * i / 16
        x, y = rx * math.cos(t), ry * math.sin(t)
        points.append((cx + x * cos_a - y * sin_a, cy + x * sin_a + y * cos_a))
    return points


def shadow(c: Canvas, cx: float, cy: float, rx: float, ry: float) -> None:
    c.draw.ellipse(c.box(cx - rx, cy - ry, cx + rx, cy + ry), fill=(0, 0, 0, 40))


def clipped(c: Canvas, outline: list[Point], paint: Callable[[Canvas], None]) -> None:
    """Paint on a layer of its own and keep only what falls inside ``outline``."""
    layer = c.image.copy()
    paint(Canvas(layer))
    mask = Image.new("L", c.image.size, 0)
    ImageDraw.Draw(mask).polygon([c.pt(x, y) for x, y in outline], fill=255)
    c.image.paste(layer, (0, 0), mask)


def patchwork(
    c: Canvas, box: tuple[float, float, float, float], hues: list[float], rng: random.Random
) -> None:
    """Silk offcuts sewn together: rectangles of several colours with pale seams."""
    x0, y0, x1, y1 = box
    rows = 4
    for r in range(rows):
        top, bottom = y0 + (y1 - y0) * r / rows, y0 + (y1 - y0) * (r + 1) / rows
        x = x0
        while x < x1:
            width = rng.uniform(0.06, 0.14)
            colour = hls(rng.choice(hues), rng.uniform(0.45, 0.70), rng.uniform(0.45, 0.75))
            c.draw.rectangle(c.box(x, top, min(x + width, x1), bottom), fill=colour)
            c.draw.line([c.pt(x, top), c.pt(x, bottom)], fill=(255, 250, 235), width=c.w(0.004))
            x += width
        c.draw.line([c.pt(x0, top), c.pt(x1, top)], fill=(255, 250, 235), width=c.w(0.004))


def rounded(c: Canvas, box: tuple[float, float, float, float], radius: float, **kw: Any) -> None:
    c.draw.rounded_rectangle(c.box(*box), radius=c.w(radius), **kw)
