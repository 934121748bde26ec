"""Deterministic placeholder pictures for demo products, drawn with Pillow alone.

Every picture has a background gradient whose hue comes from the product's category, nudged by
a stable hash of its SKU; a simple motif for the category (a rice bowl, a tea cup, an oil
bottle, a vase, a draped scarf); the OCOP star level as a row of stars; and the SKU in small
ASCII letters. Nothing is downloaded and no system font is needed: the only font is the one
bundled with Pillow. The same product always gives the same JPEG bytes.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
import random
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFont

from catalog.demo.data import DemoProduct

__all__ = ["render_product_image"]

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Point = tuple[float, float]

_SUPERSAMPLE = 2
_JPEG_QUALITY = 80
_MIN_SIZE = 64
_MAX_SIZE = 2048

# Base hue (0..1) of each category's background.
_CATEGORY_HUES: dict[str, float] = {
    "food": 0.04,  # terracotta
    "beverages": 0.30,  # tea green
    "herbal": 0.125,  # turmeric yellow
    "handicrafts": 0.58,  # Bát Tràng cobalt
    "textiles": 0.89,  # silk rose
}
_DEFAULT_HUE = 0.75

_GOLD: RGB = (250, 196, 40)
_GOLD_EDGE: RGB = (150, 96, 10)


class _Palette:
    """Colours derived from one hue."""

    __slots__ = ("accent", "bg_bottom", "bg_top", "halo", "hue", "ink", "light", "mid")

    def __init__(self, hue: float) -> None:
        self.hue = hue % 1.0
        self.bg_top = _hls(hue, 0.83, 0.55)
        self.bg_bottom = _hls(hue, 0.62, 0.50)
        self.halo = _hls(hue, 0.92, 0.45)
        self.light = _hls(hue, 0.75, 0.55)
        self.mid = _hls(hue, 0.50, 0.55)
        self.ink = _hls(hue, 0.24, 0.50)
        self.accent = _hls(hue + 0.5, 0.45, 0.55)


def _hls(hue: float, lightness: float, saturation: float) -> RGB:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return (round(r * 255), round(g * 255), round(b * 255))


def _alpha(colour: RGB, alpha: int) -> RGBA:
    return (colour[0], colour[1], colour[2], alpha)


def _seed(sku: str) -> bytes:
    return hashlib.sha256(sku.encode("utf-8")).digest()


class _Canvas:
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


def _leaf(cx: float, cy: float, length: float, width: float, angle: float) -> list[Point]:
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


def _star(cx: float, cy: float, radius: float) -> list[Point]:
    points: list[Point] = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.42
        a = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def _drop(cx: float, cy: float, radius: float) -> list[Point]:
    """A teardrop with its tip at the top."""
    points: list[Point] = []
    for i in range(48):
        t = 2 * math.pi * i / 48
        points.append((cx + radius * math.sin(t) * math.sin(t / 2), cy - radius * math.cos(t)))
    return points


def _ellipse_points(cx: float, cy: float, rx: float, ry: float, angle: float) -> list[Point]:
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    points: list[Point] = []
    for i in range(16):
        t = 2 * math.pi * i / 16
        x, y = rx * math.cos(t), ry * math.sin(t)
        points.append((cx + x * cos_a - y * sin_a, cy + x * sin_a + y * cos_a))
    return points


def _shadow(c: _Canvas, cx: float, cy: float, rx: float, ry: float) -> None:
    c.draw.ellipse(c.box(cx - rx, cy - ry, cx + rx, cy + ry), fill=(0, 0, 0, 40))


# --- motifs -----------------------------------------------------------------------------------


def _motif_food(c: _Canvas, pal: _Palette, rng: random.Random) -> None:
    """A bowl heaped with rice, and a pair of chopsticks."""
    _shadow(c, 0.5, 0.80, 0.22, 0.03)
    # Chopsticks behind the bowl.
    wood = _hls(0.08, 0.40, 0.45)
    for dx in (0.0, 0.035):
        c.draw.line([c.pt(0.50 + dx, 0.58), c.pt(0.84 + dx, 0.24)], fill=wood, width=c.w(0.014))
    # Heap of rice, then the bowl in front of it.
    rice = (250, 248, 240)
    c.draw.chord(c.box(0.27, 0.44, 0.73, 0.76), 180, 360, fill=rice)
    for _ in range(38):
        t = rng.random()
        x = 0.30 + 0.40 * t
        top = 0.60 - 0.15 * math.sin(math.pi * t)
        y = top + rng.random() * (0.60 - top) * 0.9 + 0.008
        grain = _ellipse_points(x, y, 0.012, 0.005, rng.uniform(0, math.pi))
        c.polygon(grain, fill=(232, 226, 210))
    bowl = _hls(pal.hue + rng.uniform(-0.03, 0.03), rng.uniform(0.42, 0.55), 0.55)
    c.draw.chord(c.box(0.22, 0.40, 0.78, 0.80), 0, 180, fill=bowl)
    c.draw.ellipse(c.box(0.22, 0.565, 0.78, 0.635), outline=pal.ink, width=c.w(0.008))
    c.draw.arc(c.box(0.25, 0.43, 0.75, 0.75), 20, 160, fill=pal.light, width=c.w(0.012))
    c.draw.rounded_rectangle(c.box(0.41, 0.77, 0.59, 0.81), radius=c.w(0.012), fill=pal.ink)


def _motif_beverages(c: _Canvas, pal: _Palette, rng: random.Random) -> None:
    """A steaming tea cup on a saucer, and a tea leaf."""
    _shadow(c, 0.5, 0.80, 0.27, 0.035)
    c.draw.ellipse(
        c.box(0.22, 0.70, 0.78, 0.82), fill=pal.light, outline=pal.ink, width=c.w(0.006)
    )
    # Handle, cup body, tea surface.
    c.draw.arc(c.box(0.62, 0.49, 0.80, 0.67), -90, 90, fill=pal.ink, width=c.w(0.028))
    c.draw.chord(c.box(0.30, 0.22, 0.70, 0.76), 0, 180, fill=(250, 250, 244))
    c.draw.ellipse(
        c.box(0.30, 0.45, 0.70, 0.53), fill=(250, 250, 244), outline=pal.ink, width=c.w(0.006)
    )
    tea = rng.choice([(196, 150, 52), (170, 160, 60), (150, 96, 40)])
    c.draw.ellipse(c.box(0.32, 0.46, 0.68, 0.52), fill=tea)
    c.draw.arc(c.box(0.30, 0.22, 0.70, 0.76), 10, 170, fill=pal.mid, width=c.w(0.010))
    # Steam.
    phase = rng.uniform(0, math.pi)
    for k, x0 in enumerate((0.42, 0.50, 0.58)):
        pts = [c.pt(x0 + 0.018 * math.sin(phase + k + i / 3), 0.42 - i * 0.014) for i in range(14)]
        c.draw.line(pts, fill=(255, 255, 255, 170), width=c.w(0.010), joint="curve")
    # Leaf.
    leaf_green = _hls(0.30, 0.35, 0.55)
    c.polygon(_leaf(0.24, 0.30, 0.26, 0.11, -0.7), fill=leaf_green)
    c.draw.line([c.pt(0.15, 0.40), c.pt(0.33, 0.20)], fill=_hls(0.30, 0.6, 0.5), width=c.w(0.005))


def _motif_herbal(c: _Canvas, pal: _Palette, rng: random.Random) -> None:
    """An amber oil bottle with a label, a drop and a leaf."""
    _shadow(c, 0.48, 0.81, 0.17, 0.03)
    leaf_green = _hls(0.28 + rng.uniform(-0.03, 0.03), 0.36, 0.50)
    c.polygon(_leaf(0.27, 0.63, 0.30, 0.10, -1.1), fill=leaf_green)
    c.polygon(_leaf(0.32, 0.66, 0.24, 0.08, -0.6), fill=_hls(0.30, 0.45, 0.45))
    glass = _hls(rng.choice([0.07, 0.05, 0.45]), 0.34, 0.65)
    c.draw.rectangle(c.box(0.44, 0.30, 0.52, 0.42), fill=glass)
    c.draw.rounded_rectangle(c.box(0.42, 0.21, 0.54, 0.31), radius=c.w(0.015), fill=pal.ink)
    c.draw.rounded_rectangle(c.box(0.34, 0.40, 0.62, 0.81), radius=c.w(0.05), fill=glass)
    c.draw.rectangle(c.box(0.37, 0.52, 0.59, 0.69), fill=(250, 244, 226))
    c.draw.line([c.pt(0.40, 0.57), c.pt(0.56, 0.57)], fill=pal.mid, width=c.w(0.012))
    c.draw.line([c.pt(0.40, 0.62), c.pt(0.52, 0.62)], fill=pal.light, width=c.w(0.008))
    c.draw.line([c.pt(0.37, 0.44), c.pt(0.37, 0.50)], fill=(255, 255, 255, 120), width=c.w(0.01))
    drop_hue = 0.12 + rng.uniform(-0.04, 0.04)
    c.polygon(_drop(0.73, 0.38, 0.09), fill=_hls(drop_hue, 0.60, 0.90), outline=_GOLD_EDGE)
    c.draw.ellipse(c.box(0.70, 0.38, 0.73, 0.42), fill=(255, 255, 255, 150))


def _vase_half_width(t: float, neck: float = 0.055, belly: float = 1.2) -> float:
    return neck + 0.15 * math.sin(math.pi * min(1.0, t**belly)) + 0.035 * t


def _motif_handicrafts(c: _Canvas, pal: _Palette, rng: random.Random) -> None:
    """A blue-and-white vase with lotus petals and bands."""
    top, bottom = 0.20, 0.82
    steps = 40
    neck = rng.uniform(0.04, 0.075)
    belly = rng.uniform(0.9, 1.7)
    right = [
        (0.5 + _vase_half_width(i / steps, neck, belly), top + (bottom - top) * i / steps)
        for i in range(steps + 1)
    ]
    left = [(1.0 - x, y) for x, y in reversed(right)]
    outline = right + left
    _shadow(c, 0.5, bottom, 0.17, 0.025)

    # Decoration is drawn on its own layer and clipped to the vase's silhouette.
    glaze = rng.choice([(244, 246, 250), (246, 241, 226), (226, 240, 232)])
    cobalt = _hls(0.60 + rng.uniform(-0.02, 0.02), 0.32, 0.70)
    layer = Image.new("RGB", c.image.size, glaze)
    deco = _Canvas(layer)
    for y in (0.27, 0.74):
        deco.draw.rectangle(deco.box(0, y, 1, y + 0.018), fill=cobalt)
    petals = rng.choice([5, 7, 9])
    spacing = 0.43 / petals
    for k in range(petals):
        x = 0.5 + (k - (petals - 1) / 2) * spacing
        deco.polygon(_leaf(x, 0.66, 0.13, 0.055, -math.pi / 2), fill=cobalt)
        deco.polygon(_leaf(x, 0.67, 0.07, 0.022, -math.pi / 2), fill=glaze)
    for k in range(9):
        x = 0.5 + (k - 4) * 0.045
        deco.draw.ellipse(deco.box(x - 0.012, 0.43, x + 0.012, 0.455), fill=cobalt)
    deco.draw.rectangle(deco.box(0, 0.47, 1, 0.476), fill=pal.mid)
    mask = Image.new("L", c.image.size, 0)
    ImageDraw.Draw(mask).polygon([c.pt(x, y) for x, y in outline], fill=255)
    c.image.paste(layer, (0, 0), mask)
    c.polygon(outline, fill=(0, 0, 0, 0), outline=pal.ink)
    # Mouth of the vase.
    mouth = _vase_half_width(0.0, neck, belly)
    c.draw.ellipse(c.box(0.5 - mouth, top - 0.012, 0.5 + mouth, top + 0.012), fill=pal.ink)


def _motif_textiles(c: _Canvas, pal: _Palette, rng: random.Random) -> None:
    """A striped silk scarf draped in waves, with fringes at both ends."""
    x0, x1 = 0.14, 0.86
    stripes = 5
    stripe_h = 0.055
    top = 0.36
    wavelength = 0.36 + rng.uniform(-0.04, 0.04)
    phase = rng.uniform(0, 2 * math.pi)
    amplitude = rng.uniform(0.03, 0.06)
    contrast = rng.choice([0.5, 0.33, 0.12])
    colours = [
        _hls(pal.hue + off, light, 0.60)
        for off, light in ((0.0, 0.45), (0.06, 0.62), (contrast, 0.55), (0.06, 0.62), (0.0, 0.45))
    ]

    def edge(x: float, offset: float) -> float:
        return top + offset + amplitude * math.sin(2 * math.pi * x / wavelength + phase)

    xs = [x0 + (x1 - x0) * i / 60 for i in range(61)]
    shadow = [(x + 0.015, edge(x, 0.02)) for x in xs]
    shadow += [(x + 0.015, edge(x, stripes * stripe_h + 0.02)) for x in reversed(xs)]
    c.polygon(shadow, fill=(0, 0, 0, 45))
    for i, colour in enumerate(colours):
        upper = [(x, edge(x, i * stripe_h)) for x in xs]
        lower = [(x, edge(x, (i + 1) * stripe_h)) for x in reversed(xs)]
        c.polygon(upper + lower, fill=colour)
    # Small woven diamonds on the middle stripe.
    for x in xs[3:-3:6]:
        y = edge(x, 2.5 * stripe_h)
        d = 0.012
        c.polygon([(x, y - d), (x + d, y), (x, y + d), (x - d, y)], fill=(255, 250, 235))
    # Sheen along the folds.
    sheen = [c.pt(x, edge(x, 0.4 * stripe_h)) for x in xs]
    c.draw.line(sheen, fill=(255, 255, 255, 90), width=c.w(0.008), joint="curve")
    # Fringes.
    for end, direction in ((x0, -1.0), (x1, 1.0)):
        y_top, y_bottom = edge(end, 0.0), edge(end, stripes * stripe_h)
        for k in range(12):
            y = y_top + (y_bottom - y_top) * (k + 0.5) / 12
            c.draw.line(
                [c.pt(end, y), c.pt(end + direction * 0.045, y + 0.004)],
                fill=colours[0],
                width=c.w(0.004),
            )


_MOTIFS: dict[str, Callable[[_Canvas, _Palette, random.Random], None]] = {
    "food": _motif_food,
    "beverages": _motif_beverages,
    "herbal": _motif_herbal,
    "handicrafts": _motif_handicrafts,
    "textiles": _motif_textiles,
}


# --- frame ------------------------------------------------------------------------------------


def _background(px: int, pal: _Palette, rng: random.Random) -> Image.Image:
    top = Image.new("RGB", (px, px), pal.bg_top)
    bottom = Image.new("RGB", (px, px), pal.bg_bottom)
    mask = Image.linear_gradient("L").resize((px, px))
    image = Image.composite(bottom, top, mask)
    c = _Canvas(image)
    # A faint scatter of dots, different for every SKU.
    for _ in range(28):
        x, y, r = rng.random(), rng.random(), rng.uniform(0.006, 0.02)
        c.draw.ellipse(c.box(x - r, y - r, x + r, y + r), fill=_alpha((255, 255, 255), 50))
    c.draw.ellipse(c.box(0.14, 0.14, 0.86, 0.86), fill=_alpha(pal.halo, 150))
    return image


def _font(px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's own bundled font; no system font is looked up.
    return ImageFont.load_default(size=px)


def _stars(c: _Canvas, stars: int) -> None:
    radius = 0.04
    for i in range(5):
        cx = 0.08 + i * 0.085
        points = _star(cx, 0.085, radius)
        if i < stars:
            c.polygon(points, fill=_GOLD, outline=_GOLD_EDGE)
        else:
            c.polygon(points, fill=(255, 255, 255, 70))
    font = _font(c.w(0.045))
    c.draw.text(c.pt(0.52, 0.058), "OCOP", font=font, fill=_GOLD_EDGE)


def _caption(c: _Canvas, text: str, pal: _Palette) -> None:
    c.draw.rectangle(c.box(0, 0.90, 1, 1), fill=(255, 255, 255, 150))
    font = _font(c.w(0.042))
    left, top, right, bottom = c.draw.textbbox((0, 0), text, font=font)
    x = (c.px - (right - left)) / 2 - left
    y = 0.95 * c.px - (bottom - top) / 2 - top
    c.draw.text((x, y), text, font=font, fill=pal.ink)


def render_product_image(product: DemoProduct, size: int = 480) -> bytes:
    """Draw a square JPEG picture of ``product``, ``size`` pixels a side.

    The result depends only on the product's SKU, category and stars, so the same product
    always yields the same bytes.
    """
    if not _MIN_SIZE <= size <= _MAX_SIZE:
        raise ValueError(f"size must be between {_MIN_SIZE} and {_MAX_SIZE} pixels, got {size}")
    digest = _seed(product.sku)
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    jitter = (digest[8] / 255 - 0.5) * 0.08
    pal = _Palette(_CATEGORY_HUES.get(product.category, _DEFAULT_HUE) + jitter)

    px = size * _SUPERSAMPLE
    image = _background(px, pal, rng)
    canvas = _Canvas(image)
    motif = _MOTIFS.get(product.category)
    if motif is not None:
        motif(canvas, pal, rng)
    _stars(canvas, max(0, min(5, product.stars)))
    _caption(canvas, product.sku, pal)

    final = image.resize((size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    final.save(buffer, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
    return buffer.getvalue()
