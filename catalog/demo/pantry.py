"""What the demo pictures show of food, drinks and herbal products: a rice bowl or a rice sack,
flour, pork rolls and sausages, tea cups, tea boxes and gift boxes, oil bottles, jars."""

from __future__ import annotations

import math
import random

from catalog.demo.drawing import (
    GOLD,
    GOLD_EDGE,
    RGB,
    Canvas,
    Palette,
    drop,
    ellipse_points,
    hls,
    leaf,
    rounded,
    shadow,
)


def rice_bowl(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """A bowl heaped with rice, and a pair of chopsticks."""
    shadow(c, 0.5, 0.80, 0.22, 0.03)
    # Chopsticks behind the bowl.
    wood = hls(0.08, 0.40, 0.45)
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
        grain = ellipse_points(x, y, 0.012, 0.005, rng.uniform(0, math.pi))
        c.polygon(grain, fill=(232, 226, 210))
    bowl = hls(pal.hue + rng.uniform(-0.03, 0.03), rng.uniform(0.42, 0.55), 0.55)
    c.draw.chord(c.box(0.22, 0.40, 0.78, 0.80), 0, 180, fill=bowl)
    c.draw.ellipse(c.box(0.22, 0.565, 0.78, 0.635), outline=pal.ink, width=c.w(0.008))
    c.draw.arc(c.box(0.25, 0.43, 0.75, 0.75), 20, 160, fill=pal.light, width=c.w(0.012))
    c.draw.rounded_rectangle(c.box(0.41, 0.77, 0.59, 0.81), radius=c.w(0.012), fill=pal.ink)


def tea_cup(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """A steaming tea cup on a saucer, and a tea leaf."""
    shadow(c, 0.5, 0.80, 0.27, 0.035)
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
    leaf_green = hls(0.30, 0.35, 0.55)
    c.polygon(leaf(0.24, 0.30, 0.26, 0.11, -0.7), fill=leaf_green)
    c.draw.line([c.pt(0.15, 0.40), c.pt(0.33, 0.20)], fill=hls(0.30, 0.6, 0.5), width=c.w(0.005))


def oil_bottle(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """An amber oil bottle with a label, a drop and a leaf."""
    shadow(c, 0.48, 0.81, 0.17, 0.03)
    leaf_green = hls(0.28 + rng.uniform(-0.03, 0.03), 0.36, 0.50)
    c.polygon(leaf(0.27, 0.63, 0.30, 0.10, -1.1), fill=leaf_green)
    c.polygon(leaf(0.32, 0.66, 0.24, 0.08, -0.6), fill=hls(0.30, 0.45, 0.45))
    glass = hls(rng.choice([0.07, 0.05, 0.45]), 0.34, 0.65)
    c.draw.rectangle(c.box(0.44, 0.30, 0.52, 0.42), fill=glass)
    c.draw.rounded_rectangle(c.box(0.42, 0.21, 0.54, 0.31), radius=c.w(0.015), fill=pal.ink)
    c.draw.rounded_rectangle(c.box(0.34, 0.40, 0.62, 0.81), radius=c.w(0.05), fill=glass)
    c.draw.rectangle(c.box(0.37, 0.52, 0.59, 0.69), fill=(250, 244, 226))
    c.draw.line([c.pt(0.40, 0.57), c.pt(0.56, 0.57)], fill=pal.mid, width=c.w(0.012))
    c.draw.line([c.pt(0.40, 0.62), c.pt(0.52, 0.62)], fill=pal.light, width=c.w(0.008))
    c.draw.line([c.pt(0.37, 0.44), c.pt(0.37, 0.50)], fill=(255, 255, 255, 120), width=c.w(0.01))
    drop_hue = 0.12 + rng.uniform(-0.04, 0.04)
    c.polygon(drop(0.73, 0.38, 0.09), fill=hls(drop_hue, 0.60, 0.90), outline=GOLD_EDGE)
    c.draw.ellipse(c.box(0.70, 0.38, 0.73, 0.42), fill=(255, 255, 255, 150))


def _grains(c: Canvas, rng: random.Random, x0: float, x1: float, y: float, colour: RGB) -> None:
    for _ in range(26):
        x = rng.uniform(x0, x1)
        c.polygon(
            ellipse_points(x, y + rng.uniform(-0.02, 0.02), 0.011, 0.005, rng.random() * 3), colour
        )


def rice_bag(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """A woven sack of rice tied at the neck, a golden rice ear on its label, grains spilt."""
    shadow(c, 0.5, 0.82, 0.24, 0.03)
    sack = rng.choice([(236, 226, 200), (226, 214, 184), (240, 234, 214)])
    body = [(0.30, 0.36), (0.70, 0.36), (0.76, 0.62), (0.74, 0.80), (0.26, 0.80), (0.24, 0.62)]
    c.polygon(body, fill=sack, outline=pal.ink)
    c.polygon([(0.36, 0.22), (0.64, 0.22), (0.60, 0.34), (0.40, 0.34)], fill=sack, outline=pal.ink)
    for k in range(7):  # the weave
        y = 0.42 + k * 0.05
        c.draw.line([c.pt(0.28, y), c.pt(0.72, y)], fill=(0, 0, 0, 25), width=c.w(0.004))
    c.draw.line([c.pt(0.38, 0.35), c.pt(0.62, 0.35)], fill=hls(0.02, 0.40, 0.60), width=c.w(0.018))
    rounded(c, (0.36, 0.48, 0.64, 0.70), 0.02, fill=pal.light, outline=pal.ink, width=c.w(0.004))
    stalk = (150, 110, 30)
    c.draw.line([c.pt(0.50, 0.68), c.pt(0.50, 0.52)], fill=stalk, width=c.w(0.006))
    for k in range(5):
        y = 0.53 + k * 0.025
        for side in (-1, 1):
            c.polygon(ellipse_points(0.5 + side * 0.018, y, 0.016, 0.007, side * 0.6), GOLD)
    _grains(c, rng, 0.18, 0.44, 0.84, (250, 248, 238))


def flour_bag(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """A paper bag of rice flour with its top folded, and a heap of white flour."""
    shadow(c, 0.46, 0.82, 0.24, 0.03)
    paper = rng.choice([(232, 212, 170), (240, 228, 200)])
    c.polygon(
        [(0.30, 0.30), (0.62, 0.30), (0.64, 0.80), (0.28, 0.80)], fill=paper, outline=pal.ink
    )
    c.polygon([(0.30, 0.30), (0.62, 0.30), (0.60, 0.22), (0.32, 0.22)], fill=hls(0.09, 0.72, 0.45))
    c.draw.line([c.pt(0.30, 0.30), c.pt(0.62, 0.30)], fill=pal.ink, width=c.w(0.006))
    rounded(
        c, (0.34, 0.44, 0.58, 0.66), 0.02, fill=(255, 255, 255), outline=pal.mid, width=c.w(0.004)
    )
    c.draw.chord(c.box(0.38, 0.50, 0.54, 0.62), 180, 360, fill=(245, 245, 240))
    c.draw.chord(c.box(0.56, 0.66, 0.86, 0.90), 180, 360, fill=(250, 250, 246), outline=pal.mid)


def pork_roll(c: Canvas, pal: Palette, rng: random.Random, crust: RGB | None = None) -> None:
    """A roll wrapped in banana leaf and tied with strings, and a slice cut from it."""
    shadow(c, 0.48, 0.78, 0.26, 0.03)
    leaf_green = hls(0.28, 0.32, 0.55)
    outer = crust or leaf_green
    rounded(c, (0.20, 0.36, 0.68, 0.74), 0.18, fill=outer, outline=pal.ink, width=c.w(0.005))
    if crust is None:  # banana-leaf veins
        for k in range(6):
            x = 0.27 + k * 0.07
            c.draw.line(
                [c.pt(x, 0.38), c.pt(x + 0.04, 0.72)], fill=hls(0.28, 0.45, 0.5), width=c.w(0.004)
            )
    for x in (0.32, 0.44, 0.56):
        c.draw.line([c.pt(x, 0.35), c.pt(x, 0.75)], fill=(240, 230, 200), width=c.w(0.010))
    meat = rng.choice([(240, 214, 206), (236, 200, 190)]) if crust is None else (214, 150, 120)
    c.draw.ellipse(c.box(0.58, 0.52, 0.84, 0.80), fill=outer, outline=pal.ink, width=c.w(0.004))
    c.draw.ellipse(c.box(0.60, 0.54, 0.82, 0.78), fill=meat)
    for _ in range(8):
        x, y = rng.uniform(0.64, 0.78), rng.uniform(0.58, 0.74)
        c.draw.ellipse(
            c.box(x - 0.006, y - 0.004, x + 0.006, y + 0.004), fill=(255, 255, 255, 110)
        )


def cinnamon_roll(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """Chả quế: the roll grilled brown with cinnamon."""
    pork_roll(c, pal, rng, crust=(140, 78, 40))


def nem_chua(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """Small parcels of fermented pork wrapped in leaves, tied with red string."""
    shadow(c, 0.5, 0.80, 0.28, 0.03)
    spots = [(0.32, 0.66), (0.50, 0.70), (0.68, 0.66), (0.41, 0.50), (0.59, 0.50)]
    for x, y in spots:
        rounded(
            c,
            (x - 0.09, y - 0.07, x + 0.09, y + 0.07),
            0.025,
            fill=hls(0.30, 0.36, 0.55),
            outline=pal.ink,
            width=c.w(0.004),
        )
        c.draw.line([c.pt(x - 0.09, y), c.pt(x + 0.09, y)], fill=(210, 40, 40), width=c.w(0.008))
        c.draw.line([c.pt(x, y - 0.07), c.pt(x, y + 0.07)], fill=(210, 40, 40), width=c.w(0.008))


def sausages(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """A string of plump sausage links along a curve, twisted between links."""
    shadow(c, 0.5, 0.78, 0.32, 0.03)
    skin = rng.choice([(176, 60, 50), (160, 70, 44)])
    links = 4
    for k in range(links):
        t = (k + 0.5) / links
        x = 0.16 + 0.68 * t
        y = 0.44 + 0.20 * math.sin(math.pi * t)
        angle = math.atan2(0.20 * math.pi * math.cos(math.pi * t), 0.68)
        c.polygon(ellipse_points(x, y, 0.095, 0.06, angle), fill=skin, outline=pal.ink)
        sheen = ellipse_points(x - 0.01, y - 0.025, 0.05, 0.012, angle)
        c.polygon(sheen, fill=(255, 255, 255, 90))
        if k:
            tx = 0.16 + 0.68 * k / links
            ty = 0.44 + 0.20 * math.sin(math.pi * k / links)
            c.draw.ellipse(
                c.box(tx - 0.014, ty - 0.014, tx + 0.014, ty + 0.014), fill=(240, 226, 190)
            )


def tea_box(c: Canvas, pal: Palette, rng: random.Random, bags: bool = False) -> None:
    """A box of herbal tea with a leaf on its label; with tea bags, one lies in front."""
    shadow(c, 0.48, 0.80, 0.26, 0.03)
    front = hls(pal.hue + rng.uniform(-0.04, 0.04), 0.40, 0.55)
    c.polygon(
        [(0.26, 0.34), (0.62, 0.34), (0.62, 0.80), (0.26, 0.80)], fill=front, outline=pal.ink
    )
    c.polygon(
        [(0.26, 0.34), (0.62, 0.34), (0.72, 0.26), (0.36, 0.26)],
        fill=hls(pal.hue, 0.55, 0.5),
        outline=pal.ink,
    )
    c.polygon(
        [(0.62, 0.34), (0.72, 0.26), (0.72, 0.72), (0.62, 0.80)],
        fill=hls(pal.hue, 0.30, 0.5),
        outline=pal.ink,
    )
    rounded(c, (0.30, 0.44, 0.58, 0.70), 0.02, fill=(250, 246, 230))
    c.polygon(leaf(0.44, 0.57, 0.20, 0.08, -0.8), fill=hls(0.30, 0.35, 0.55))
    c.draw.line([c.pt(0.37, 0.64), c.pt(0.51, 0.50)], fill=hls(0.30, 0.6, 0.5), width=c.w(0.004))
    if bags:
        c.draw.line([c.pt(0.70, 0.60), c.pt(0.80, 0.42)], fill=(240, 240, 240), width=c.w(0.004))
        rounded(c, (0.74, 0.34, 0.84, 0.42), 0.005, fill=GOLD)
        rounded(
            c,
            (0.62, 0.60, 0.80, 0.80),
            0.015,
            fill=(244, 238, 222),
            outline=pal.ink,
            width=c.w(0.004),
        )
        c.draw.ellipse(c.box(0.66, 0.66, 0.76, 0.76), fill=(160, 120, 60))


def tea_bags(c: Canvas, pal: Palette, rng: random.Random) -> None:
    tea_box(c, pal, rng, bags=True)


def gift_box(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """Three tea boxes side by side, tied with a ribbon."""
    shadow(c, 0.5, 0.80, 0.32, 0.03)
    for k, hue in enumerate((0.02, 0.30, 0.12)):
        x = 0.20 + k * 0.20
        rounded(
            c,
            (x, 0.38, x + 0.19, 0.80),
            0.01,
            fill=hls(hue, 0.42, 0.6),
            outline=pal.ink,
            width=c.w(0.004),
        )
        c.polygon(leaf(x + 0.095, 0.60, 0.12, 0.05, -1.2), fill=(250, 246, 230))
    ribbon = (214, 40, 48)
    c.draw.line([c.pt(0.18, 0.56), c.pt(0.82, 0.56)], fill=ribbon, width=c.w(0.022))
    c.polygon(leaf(0.44, 0.34, 0.16, 0.07, 0.5), fill=ribbon)
    c.polygon(leaf(0.56, 0.34, 0.16, 0.07, -0.5 + math.pi), fill=ribbon)


def powder_jar(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """A glass jar of yellow turmeric starch and a wooden spoon heaped with it."""
    shadow(c, 0.46, 0.81, 0.22, 0.03)
    powder = hls(0.12 + rng.uniform(-0.01, 0.01), 0.55, 0.95)
    rounded(
        c, (0.28, 0.36, 0.62, 0.81), 0.05, fill=(235, 240, 240), outline=pal.ink, width=c.w(0.005)
    )
    rounded(c, (0.30, 0.46, 0.60, 0.79), 0.04, fill=powder)
    rounded(c, (0.26, 0.26, 0.64, 0.37), 0.02, fill=hls(0.06, 0.35, 0.55))
    rounded(c, (0.33, 0.56, 0.57, 0.68), 0.01, fill=(250, 246, 230))
    c.draw.line([c.pt(0.32, 0.40), c.pt(0.32, 0.74)], fill=(255, 255, 255, 140), width=c.w(0.012))
    wood = hls(0.08, 0.45, 0.45)
    c.draw.line([c.pt(0.64, 0.80), c.pt(0.88, 0.66)], fill=wood, width=c.w(0.016))
    c.draw.ellipse(c.box(0.58, 0.74, 0.72, 0.84), fill=wood)
    c.draw.chord(c.box(0.59, 0.72, 0.71, 0.82), 180, 360, fill=powder)


def pill_jar(c: Canvas, pal: Palette, rng: random.Random) -> None:
    """A small jar of turmeric-and-honey pills, a few spilt in front of it."""
    shadow(c, 0.46, 0.80, 0.24, 0.03)
    rounded(
        c,
        (0.32, 0.36, 0.60, 0.78),
        0.05,
        fill=hls(0.09, 0.35, 0.65),
        outline=pal.ink,
        width=c.w(0.005),
    )
    rounded(
        c, (0.30, 0.27, 0.62, 0.37), 0.02, fill=(250, 246, 230), outline=pal.ink, width=c.w(0.004)
    )
    rounded(c, (0.35, 0.50, 0.57, 0.66), 0.01, fill=(250, 246, 230))
    c.polygon(drop(0.46, 0.58, 0.05), fill=GOLD, outline=GOLD_EDGE)
    for _ in range(7):
        x, y = rng.uniform(0.56, 0.84), rng.uniform(0.72, 0.84)
        c.draw.ellipse(
            c.box(x - 0.022, y - 0.022, x + 0.022, y + 0.022),
            fill=hls(0.10, 0.45, 0.75),
            outline=pal.ink,
        )
