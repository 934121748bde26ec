"""Deterministic pictures for demo products, drawn with Pillow alone.

Each picture shows what the product is — a tea set, a vase, a silk scarf, a sack of rice, a
banana-leaf pork roll… (``kind_of`` reads it from the product's English name, falling back on its
category) — on a background gradient whose hue comes from the category, nudged by a stable hash
of the SKU, with the OCOP star level as a row of stars. Nothing is downloaded and no system font
is needed: the only font is the one bundled with Pillow. The same product always gives the same
JPEG bytes.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Callable

from PIL import Image, ImageFont

from catalog.demo import crafts, pantry
from catalog.demo.data import DemoProduct
from catalog.demo.drawing import GOLD, GOLD_EDGE, Canvas, Palette, alpha, star

__all__ = ["kind_of", "render_product_image"]

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


def _seed(sku: str) -> bytes:
    return hashlib.sha256(sku.encode("utf-8")).digest()


Motif = Callable[[Canvas, Palette, random.Random], None]

# Words of a product's English name, first match wins, and what to draw for them.
_KINDS: tuple[tuple[tuple[str, ...], Motif], ...] = (
    (("suoi ngoc glaze tea set",), crafts.jade_tea_set),
    (("tea set",), crafts.tea_set),
    (("dinnerware", "plate", "bowl set"), crafts.dinnerware),
    (("vase",), crafts.vase),
    (("tea caddy", "storage jar", "jar"), crafts.jar),
    (("scarf",), crafts.scarf),
    (("quilt",), crafts.quilt),
    (("pillow",), crafts.pillow),
    (("t-shirt", "shirt"), crafts.tshirt),
    (("clutch",), crafts.clutch),
    (("tote", "bag "), crafts.bag),
    (("collage", "kit", "picture"), crafts.picture),
    (("flour",), pantry.flour_bag),
    (("rice",), pantry.rice_bag),
    (("nem chua",), pantry.nem_chua),
    (("sausage",), pantry.sausages),
    (("cinnamon",), pantry.cinnamon_roll),
    (("roll",), pantry.pork_roll),
    (("starch", "powder"), pantry.powder_jar),
    (("pill",), pantry.pill_jar),
    (("oil",), pantry.oil_bottle),
    (("gift box",), pantry.gift_box),
    (("tea bags",), pantry.tea_bags),
    (("tea",), pantry.tea_box),
)
_BY_CATEGORY: dict[str, Motif] = {
    "food": pantry.rice_bowl,
    "beverages": pantry.tea_cup,
    "herbal": pantry.oil_bottle,
    "handicrafts": crafts.vase,
    "textiles": crafts.scarf,
}


def kind_of(product: DemoProduct) -> str:
    """The name of the picture drawn for ``product`` (e.g. "tea_set", "rice_bag")."""
    motif = _motif(product)
    return motif.__name__ if motif is not None else ""


def _motif(product: DemoProduct) -> Motif | None:
    name = product.name_en.lower() + " "
    for words, motif in _KINDS:
        if any(word in name for word in words):
            return motif
    return _BY_CATEGORY.get(product.category)


# --- frame ------------------------------------------------------------------------------------


def _background(px: int, pal: Palette, rng: random.Random) -> Image.Image:
    top = Image.new("RGB", (px, px), pal.bg_top)
    bottom = Image.new("RGB", (px, px), pal.bg_bottom)
    mask = Image.linear_gradient("L").resize((px, px))
    image = Image.composite(bottom, top, mask)
    c = Canvas(image)
    # A faint scatter of dots, different for every SKU.
    for _ in range(28):
        x, y, r = rng.random(), rng.random(), rng.uniform(0.006, 0.02)
        c.draw.ellipse(c.box(x - r, y - r, x + r, y + r), fill=alpha((255, 255, 255), 50))
    c.draw.ellipse(c.box(0.14, 0.14, 0.86, 0.86), fill=alpha(pal.halo, 150))
    return image


def _font(px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's own bundled font; no system font is looked up.
    return ImageFont.load_default(size=px)


def _stars(c: Canvas, stars: int) -> None:
    radius = 0.04
    for i in range(5):
        cx = 0.08 + i * 0.085
        points = star(cx, 0.085, radius)
        if i < stars:
            c.polygon(points, fill=GOLD, outline=GOLD_EDGE)
        else:
            c.polygon(points, fill=(255, 255, 255, 70))
    font = _font(c.w(0.045))
    c.draw.text(c.pt(0.52, 0.058), "OCOP", font=font, fill=GOLD_EDGE)


def render_product_image(product: DemoProduct, size: int = 480) -> bytes:
    """Draw a square JPEG picture of ``product``, ``size`` pixels a side.

    The result depends only on the product's SKU, name, category and stars, so the same product
    always yields the same bytes.
    """
    if not _MIN_SIZE <= size <= _MAX_SIZE:
        raise ValueError(f"size must be between {_MIN_SIZE} and {_MAX_SIZE} pixels, got {size}")
    digest = _seed(product.sku)
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    jitter = (digest[8] / 255 - 0.5) * 0.08
    pal = Palette(_CATEGORY_HUES.get(product.category, _DEFAULT_HUE) + jitter)

    px = size * _SUPERSAMPLE
    image = _background(px, pal, rng)
    canvas = Canvas(image)
    motif = _motif(product)
    if motif is not None:
        motif(canvas, pal, rng)
    _stars(canvas, max(0, min(5, product.stars)))

    final = image.resize((size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    final.save(buffer, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
    return buffer.getvalue()
