"""A large synthetic catalog on top of the demo one, so that the cache and search have work.

Names are built from Vietnamese product words, patterns and Hanoi craft villages (with
their English counterparts); every product gets one of the demo pictures of its category.
Rows go in with bulk ``INSERT``s, thousands at a time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from catalog.demo.data import PRODUCTS
from catalog.demo.seed import photo_path
from catalog.models import Category, Producer, ProducerKind, Product
from catalog.text import search_text

PRODUCTS_PER_PRODUCER = 50
CHUNK = 2000


@dataclass(frozen=True, slots=True)
class Word:
    vi: str
    en: str


def _words(*pairs: tuple[str, str]) -> tuple[Word, ...]:
    return tuple(Word(vi, en) for vi, en in pairs)


# Product kinds per demo category code, with the unit they are sold by.
BASES: dict[str, tuple[Word, ...]] = {
    "food": _words(
        ("Gạo nếp cái hoa vàng", "Yellow-flower sticky rice"),
        ("Gạo tám thơm", "Fragrant tam rice"),
        ("Giò lụa", "Silky pork roll"),
        ("Chả cốm", "Green rice sausage"),
        ("Mật ong hoa nhãn", "Longan blossom honey"),
        ("Miến dong", "Arrowroot glass noodles"),
        ("Bún khô", "Dried rice vermicelli"),
        ("Ruốc nấm hương", "Shiitake floss"),
        ("Trứng vịt muối", "Salted duck eggs"),
        ("Cốm làng Vòng", "Vong village green rice flakes"),
        ("Tương bần", "Ban fermented soybean sauce"),
        ("Bánh tẻ", "Te rice cake"),
    ),
    "beverages": _words(
        ("Trà hoa cúc", "Chrysanthemum tea"),
        ("Trà sen Tây Hồ", "West Lake lotus tea"),
        ("Trà xanh", "Green tea"),
        ("Rượu nếp cái", "Sticky rice wine"),
        ("Trà gừng", "Ginger tea"),
        ("Trà atisô", "Artichoke tea"),
        ("Cà phê rang xay", "Ground roasted coffee"),
        ("Trà thảo mộc", "Herbal tea"),
    ),
    "herbal": _words(
        ("Tinh dầu sả chanh", "Lemongrass essential oil"),
        ("Tinh dầu bưởi", "Pomelo essential oil"),
        ("Tinh dầu tràm", "Cajeput essential oil"),
        ("Tinh bột nghệ", "Turmeric starch"),
        ("Cao gừng", "Ginger balm"),
        ("Tinh dầu quế", "Cinnamon essential oil"),
        ("Tinh dầu bạc hà", "Peppermint essential oil"),
        ("Xà phòng thảo dược", "Herbal soap"),
        ("Dầu gội bồ kết", "Soap-bean shampoo"),
    ),
    "handicrafts": _words(
        ("Bình gốm men lam", "Blue-glaze ceramic vase"),
        ("Chén trà gốm", "Ceramic tea cups"),
        ("Ấm trà men rạn", "Crackle-glaze teapot"),
        ("Lọ hoa gốm", "Ceramic flower pot"),
        ("Đĩa gốm vẽ tay", "Hand-painted ceramic plate"),
        ("Giỏ mây tre đan", "Woven rattan basket"),
        ("Khay sơn mài", "Lacquer tray"),
        ("Đèn mây", "Rattan lamp"),
        ("Hộp sơn mài", "Lacquer box"),
        ("Tượng gốm", "Ceramic figurine"),
    ),
    "textiles": _words(
        ("Khăn lụa tơ tằm", "Mulberry silk scarf"),
        ("Áo dài lụa", "Silk ao dai"),
        ("Cà vạt lụa", "Silk necktie"),
        ("Vải lụa Vạn Phúc", "Van Phuc silk fabric"),
        ("Túi thêu tay", "Hand-embroidered bag"),
        ("Gối tựa thêu", "Embroidered cushion"),
    ),
}

PATTERNS = _words(
    ("hoa sen", "lotus"),
    ("men ngọc", "celadon"),
    ("vẽ rồng", "dragon"),
    ("chim lạc", "Lac bird"),
    ("trống đồng", "bronze drum"),
    ("cúc vàng", "yellow daisy"),
    ("hoa mai", "apricot blossom"),
    ("truyền thống", "traditional"),
    ("cao cấp", "premium"),
    ("quà Tết", "Tet gift"),
    ("hữu cơ", "organic"),
    ("thủ công", "handmade"),
)

UNITS = _words(
    ("hộp", "box"), ("túi 500 g", "500 g bag"), ("chai 500 ml", "500 ml bottle"),
    ("bộ", "set"), ("chiếc", "piece"), ("lọ 10 ml", "10 ml vial"), ("gói 250 g", "250 g pack"),
)  # fmt: skip

# (village, ward shown on the producer page, the crafts it is known for)
VILLAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Bát Tràng", "Xã Bát Tràng", ("handicrafts",)),
    ("Vạn Phúc", "Phường Hà Đông", ("textiles",)),
    ("Phú Vinh", "Xã Phú Nghĩa", ("handicrafts",)),
    ("Chương Mỹ", "Phường Chương Mỹ", ("handicrafts", "food")),
    ("Quảng Phú Cầu", "Xã Quảng Phú Cầu", ("handicrafts", "food")),
    ("Tây Hồ", "Phường Tây Hồ", ("beverages",)),
    ("Gia Lâm", "Xã Gia Lâm", ("herbal", "food")),
    ("Mỹ Đức", "Xã Mỹ Đức", ("textiles", "food")),
    ("Thanh Oai", "Xã Thanh Oai", ("food", "beverages")),
    ("Ba Vì", "Xã Ba Vì", ("beverages", "herbal")),
    ("Đông Anh", "Xã Đông Anh", ("food",)),
    ("Thường Tín", "Xã Thường Tín", ("handicrafts", "textiles")),
    ("Sơn Tây", "Phường Sơn Tây", ("food", "beverages")),
    ("Mê Linh", "Xã Mê Linh", ("herbal",)),
)

KINDS = (
    (ProducerKind.cooperative, "Hợp tác xã", "cooperative"),
    (ProducerKind.household, "Cơ sở", "workshop"),
    (ProducerKind.company, "Công ty TNHH", "company"),
)


async def add_synthetic_products(engine: AsyncEngine, total: int, *, seed: int = 7) -> int:
    """Add products (and producers) until the catalog holds ``total``; returns how many."""
    rng = random.Random(seed)
    async with engine.begin() as connection:
        existing = (await connection.execute(select(func.count(Product.id)))).scalar_one()
        wanted = total - existing
        if wanted <= 0:
            return 0
        categories = {
            code: id_ for id_, code in await connection.execute(select(Category.id, Category.code))
        }
        photos: dict[str, list[str]] = {}
        for demo in PRODUCTS:
            photos.setdefault(demo.category, []).append(photo_path(demo.sku))

        producer_rows: list[dict[str, Any]] = []
        producer_count = max(1, -(-wanted // PRODUCTS_PER_PRODUCER))
        for number in range(producer_count):
            village, ward, crafts = VILLAGES[number % len(VILLAGES)]
            kind, kind_vi, kind_en = KINDS[number % len(KINDS)]
            craft = BASES[crafts[number % len(crafts)]][0]
            producer_rows.append(
                {
                    "code": f"SYN{number:05d}",
                    "name_vi": f"{kind_vi} {craft.vi.split()[0].lower()} {village} {number + 1}",
                    "name_en": f"{village} {craft.en.split()[-1].lower()} {kind_en} {number + 1}",
                    "kind": kind,
                    "ward": ward,
                    "province": "Hà Nội",
                    "street": f"Thôn {number % 9 + 1}",
                    "description_vi": f"Làng nghề {village}: sản phẩm OCOP làm thủ công.",
                    "description_en": f"{village} craft village: handmade OCOP products.",
                    "phone": f"09{rng.randrange(10**8):08d}",
                }
            )
        await connection.execute(insert(Producer), producer_rows)
        producers = {
            row.code: row
            for row in await connection.execute(
                select(Producer.id, Producer.code, Producer.name_vi, Producer.ward).where(
                    Producer.code.like("SYN%")
                )
            )
        }

        rows: list[dict[str, Any]] = []
        for number in range(wanted):
            p_number = number // PRODUCTS_PER_PRODUCER
            producer = producers[f"SYN{p_number:05d}"]
            village, _ward, crafts = VILLAGES[p_number % len(VILLAGES)]
            category = rng.choice(crafts)
            base, pattern, unit = (
                rng.choice(BASES[category]),
                rng.choice(PATTERNS),
                rng.choice(UNITS),
            )
            name_vi = f"{base.vi} {pattern.vi} {village}"
            name_en = f"{base.en}, {pattern.en}, {village}"
            sku = f"SYN-{number:06d}"
            rows.append(
                {
                    "sku": sku,
                    "producer_id": producer.id,
                    "category_id": categories[category],
                    "name_vi": name_vi,
                    "name_en": name_en,
                    "description_vi": f"{name_vi}, làm tại {village}, Hà Nội.",
                    "description_en": f"{name_en}, made in {village}, Hanoi.",
                    "unit_vi": unit.vi,
                    "unit_en": unit.en,
                    "price": rng.randrange(6, 400) * 5_000,
                    "stock": rng.choice((0, *range(5, 300))),
                    "ocop_stars": rng.choice((3, 3, 4, 4, 5)),
                    "ocop_granted": date(rng.randrange(2019, 2026), rng.randint(1, 12), 1),
                    "photo": rng.choice(photos[category]),
                    "search_text": search_text(
                        name_vi, name_en, sku, producer.name_vi, producer.ward
                    ),
                    "active": rng.random() > 0.02,
                }
            )
            if len(rows) >= CHUNK:
                await connection.execute(insert(Product), rows)
                rows = []
        if rows:
            await connection.execute(insert(Product), rows)
    return wanted
