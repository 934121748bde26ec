"""What the demo pictures show of crafts and textiles: vases, tea sets, dinnerware and jars from
Bát Tràng; scarves, quilts, pillows, patchwork shirts, bags and collages from the silk villages."""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from catalog.demo.drawing import (
    GOLD,
    RGB,
    Canvas,
    Palette,
    clipped,
    hls,
    leaf,
    patchwork,
    rounded,
    shadow,
)


def _vase_half_width(t: float, neck: float = 0.055, belly: float = 1.2) -> float:
    return neck + 0.15 * math.sin(math.pi * min(1.0, t**belly)) + 0.035 * t


def vase(c: Canvas, pal: Palette, rng: random.Random) -> None:
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
    shadow(c, 0.5, bottom, 0.17, 0.025)

    # Decoration is drawn on its own layer and clipped to the vase's silhouette.
    glaze = rng.choice([(244, 246, 250), (246, 241, 226), (226, 240, 232)])
    cobalt = hls(0.60 + rng.uniform(-0.02, 0.02), 0.32, 0.70)
    layer = Image.new("RGB", c.image.size, glaze)
    deco = Canvas(layer)
    for y in (0.27, 0.74):
        deco.draw.rectangle(deco.box(0, y, 1, y + 0.018), fill=cobalt)
    petals = rng.choice([5, 7, 9])
    spacing = 0.43 / petals
    for k in range(petals):
        x = 0.5 + (k - (petals - 1) / 2) * spacing
        deco.polygon(leaf(x, 0.66, 0.13, 0.055, -math.pi / 2), fill=cobalt)
        deco.polygon(leaf(x, 0.67, 0.07, 0.022, -math.pi / 2), fill=glaze)
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


def scarf(c: Canvas, pal: Palette, rng: random.Random) -> None:
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
        hls(pal.hue + off, light, 0.60)
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


def _glaze(pal: Palette, rng: random.Random, jade: bool) -> tuple[RGB, RGB]:
    """Bát Tràng glazes: white with cobalt, or the jade green "Suối Ngọc" with a darker band."""
    if jade:
        return hls(0.40 + rng.uniform(-0.02, 0.02), 0.62, 0.35), hls(0.42, 0.30, 0.45)
    return rng.choice([(244, 246, 250), (246, 241, 226)]), hls(0.60, 0.32, 0.70)


def tea_set(c: Canvas, pal: Palette, rng: random.Random, jade: bool = False) -> None:
    """A teapot and two cups on a tray, in the same glaze."""
    body, band = _glaze(pal, rng, jade)
    c.draw.ellipse(c.box(0.10, 0.70, 0.90, 0.86), fill=hls(0.07, 0.35, 0.45))
    # Spout and handle behind the pot's body.
    c.polygon([(0.30, 0.58), (0.16, 0.44), (0.13, 0.46), (0.26, 0.66)], fill=body, outline=pal.ink)
    c.draw.arc(c.box(0.56, 0.42, 0.74, 0.66), -80, 80, fill=pal.ink, width=c.w(0.024))
    c.draw.ellipse(c.box(0.24, 0.40, 0.66, 0.76), fill=body, outline=pal.ink, width=c.w(0.005))
    c.draw.chord(c.box(0.32, 0.34, 0.58, 0.48), 180, 360, fill=body, outline=pal.ink)
    c.draw.ellipse(c.box(0.42, 0.30, 0.48, 0.36), fill=band)
    c.draw.arc(c.box(0.27, 0.44, 0.63, 0.72), 20, 160, fill=band, width=c.w(0.016))
    for k in range(3):
        x = 0.36 + k * 0.09
        c.polygon(leaf(x, 0.56, 0.08, 0.035, -math.pi / 2), fill=band)
    for x in (0.66, 0.80):
        c.draw.chord(c.box(x - 0.07, 0.60, x + 0.07, 0.80), 0, 180, fill=body, outline=pal.ink)
        c.draw.ellipse(c.box(x - 0.07, 0.675, x + 0.07, 0.71), fill=hls(0.10, 0.45, 0.6))
        c.draw.line([c.pt(x - 0.06, 0.74), c.pt(x + 0.06, 0.74)], fill=band, width=c.w(0.008))


def jade_tea_set(c: Canvas, pal: Palette, rng: random.Random) -> None:
    tea_set(c, pal, rng, jade=True)


def dinnerware(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """A stack of plates with painted rims and a bowl beside it."""
    body, band = _glaze(pal, rng, jade=False)
    shadow(c, 0.5, 0.80, 0.34, 0.035)
    for k in range(4):
        y = 0.72 - k * 0.05
        c.draw.ellipse(c.box(0.14, y - 0.06, 0.62, y + 0.06), fill=body, outline=pal.ink)
        c.draw.ellipse(c.box(0.17, y - 0.045, 0.59, y + 0.045), outline=band, width=c.w(0.008))
    c.draw.ellipse(c.box(0.26, 0.535, 0.50, 0.585), outline=band, width=c.w(0.006))
    c.draw.chord(c.box(0.56, 0.48, 0.88, 0.82), 0, 180, fill=body, outline=pal.ink)
    c.draw.ellipse(c.box(0.56, 0.62, 0.88, 0.68), fill=body, outline=pal.ink)
    c.draw.line([c.pt(0.60, 0.72), c.pt(0.84, 0.72)], fill=band, width=c.w(0.012))
    for k in range(4):
        c.polygon(leaf(0.63 + k * 0.06, 0.76, 0.05, 0.02, 0.3), fill=band)


def jar(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """A wide lidded jar (a tea caddy, a storage jar) in jade glaze."""
    body, band = _glaze(pal, rng, jade=True)
    shadow(c, 0.5, 0.82, 0.22, 0.03)
    c.draw.ellipse(c.box(0.26, 0.34, 0.74, 0.82), fill=body, outline=pal.ink, width=c.w(0.005))
    rounded(c, (0.36, 0.28, 0.64, 0.38), 0.02, fill=body, outline=pal.ink, width=c.w(0.004))
    c.draw.ellipse(c.box(0.46, 0.22, 0.54, 0.29), fill=band)
    c.draw.arc(c.box(0.28, 0.36, 0.72, 0.80), 200, 340, fill=band, width=c.w(0.016))
    c.draw.arc(c.box(0.28, 0.36, 0.72, 0.80), 25, 155, fill=band, width=c.w(0.016))
    c.draw.arc(
        c.box(0.32, 0.40, 0.58, 0.70), 200, 250, fill=(255, 255, 255, 150), width=c.w(0.014)
    )


def tshirt(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """A T-shirt sewn from silk offcuts."""
    outline = [
        (0.36, 0.20), (0.44, 0.24), (0.56, 0.24), (0.64, 0.20), (0.86, 0.32), (0.78, 0.46),
        (0.70, 0.42), (0.70, 0.82), (0.30, 0.82), (0.30, 0.42), (0.22, 0.46), (0.14, 0.32),
    ]  # fmt: skip
    shadow(c, 0.5, 0.84, 0.24, 0.02)
    hues = [pal.hue, pal.hue + 0.1, pal.hue + 0.5, 0.12]
    clipped(c, outline, lambda layer: patchwork(layer, (0.10, 0.18, 0.90, 0.84), hues, rng))
    c.polygon(outline, fill=(0, 0, 0, 0), outline=pal.ink)
    c.draw.chord(c.box(0.43, 0.17, 0.57, 0.30), 0, 180, fill=pal.ink)


def bag(c: Canvas, pal: Palette, rng: random.Random, handles: bool = True) -> None:
    """A patchwork silk tote with two handles (a clutch has a flap instead)."""
    hues = [pal.hue, pal.hue + 0.08, pal.hue + 0.45, 0.12]
    top = 0.38 if handles else 0.42
    shadow(c, 0.5, 0.82, 0.26, 0.025)
    if handles:
        for x in (0.36, 0.56):
            c.draw.arc(
                c.box(x - 0.02, 0.18, x + 0.10, 0.50), 180, 360, fill=pal.ink, width=c.w(0.016)
            )
    outline = [(0.24, top), (0.76, top), (0.80, 0.80), (0.20, 0.80)]
    clipped(c, outline, lambda layer: patchwork(layer, (0.18, top, 0.82, 0.80), hues, rng))
    c.polygon(outline, fill=(0, 0, 0, 0), outline=pal.ink)
    if not handles:
        c.polygon(
            [(0.24, top), (0.76, top), (0.50, 0.60)], fill=hls(pal.hue, 0.35, 0.6), outline=pal.ink
        )
        c.draw.ellipse(c.box(0.48, 0.56, 0.52, 0.60), fill=GOLD)


def clutch(c: Canvas, pal: Palette, rng: random.Random) -> None:
    bag(c, pal, rng, handles=False)


def picture(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """A framed silk collage of Old Quarter tube houses (a kit makes the same)."""
    shadow(c, 0.5, 0.84, 0.30, 0.02)
    rounded(c, (0.16, 0.22, 0.84, 0.82), 0.01, fill=hls(0.08, 0.35, 0.45))
    c.draw.rectangle(c.box(0.21, 0.27, 0.79, 0.77), fill=hls(0.55, 0.82, 0.45))
    x = 0.21
    while x < 0.77:
        width = rng.uniform(0.07, 0.11)
        height = rng.uniform(0.22, 0.36)
        colour = hls(rng.choice([0.02, 0.10, 0.13, 0.55, 0.90]), rng.uniform(0.5, 0.7), 0.6)
        right = 0.79 if x + width > 0.72 else x + width  # no sliver at the right edge
        c.draw.rectangle(c.box(x, 0.77 - height, right, 0.77), fill=colour)
        roof = [
            (x - 0.005, 0.77 - height),
            ((x + right) / 2, 0.72 - height),
            (right + 0.005, 0.77 - height),
        ]
        c.polygon(roof, fill=hls(0.03, 0.35, 0.6))
        c.draw.rectangle(
            c.box(x + 0.02, 0.70 - height / 2, right - 0.02, 0.74 - height / 2),
            fill=(255, 250, 235),
        )
        x = right


def quilt(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """A folded silk quilt: three thick layers with quilted lines."""
    shadow(c, 0.5, 0.80, 0.34, 0.03)
    silk = hls(pal.hue + rng.uniform(-0.05, 0.05), 0.62, 0.55)
    for k in range(3):
        y = 0.64 - k * 0.13
        rounded(c, (0.16, y, 0.84, y + 0.15), 0.06, fill=silk, outline=pal.ink, width=c.w(0.005))
        for x in (0.32, 0.50, 0.68):
            c.draw.line(
                [c.pt(x, y + 0.02), c.pt(x, y + 0.13)],
                fill=hls(pal.hue, 0.50, 0.5),
                width=c.w(0.004),
            )
        c.draw.line(
            [c.pt(0.22, y + 0.035), c.pt(0.78, y + 0.035)],
            fill=(255, 255, 255, 110),
            width=c.w(0.008),
        )


def pillow(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """A plump silk pillow with a sheen."""
    shadow(c, 0.5, 0.78, 0.32, 0.035)
    silk = hls(pal.hue + rng.uniform(-0.05, 0.05), 0.70, 0.50)
    rounded(c, (0.16, 0.34, 0.84, 0.76), 0.14, fill=silk, outline=pal.ink, width=c.w(0.005))
    c.draw.arc(
        c.box(0.24, 0.38, 0.76, 0.62), 200, 340, fill=(255, 255, 255, 140), width=c.w(0.014)
    )
    rounded(c, (0.20, 0.38, 0.80, 0.72), 0.11, outline=hls(pal.hue, 0.55, 0.5), width=c.w(0.004))
