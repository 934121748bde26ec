"""The demo catalog as plain, typed Python data.

The producers are real Hanoi OCOP producers named in public sources (see the shared
``DOMAIN.md``); addresses use the commune-level units in force since 1 July 2025, with the old
village or commune kept in ``street``. Phone numbers and bank accounts are fictitious; the
bank BINs are real NAPAS BINs so that VietQR payloads built from them are well formed. Prices,
stock levels and most product details are illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CATEGORIES",
    "PRODUCERS",
    "PRODUCTS",
    "DemoCategory",
    "DemoProducer",
    "DemoProduct",
]


@dataclass(frozen=True, slots=True)
class DemoCategory:
    """An OCOP product group, in display order."""

    code: str  # short ascii slug, e.g. "food"
    name_vi: str
    name_en: str
    position: int  # display order


@dataclass(frozen=True, slots=True)
class DemoProducer:
    """An OCOP producer (chủ thể): a cooperative, a company or a household business."""

    code: str  # 2-12 upper-case ASCII letters/digits, e.g. "BABE"
    name_vi: str
    name_en: str
    kind: str  # "cooperative" | "company" | "household"
    ward: str  # commune-level unit since 1 July 2025, e.g. "Xã Gia Lâm"
    province: str  # "Hà Nội"
    street: str  # village/street part, e.g. "Thôn Dương Đá"
    description_vi: str
    description_en: str
    phone: str  # E.164 Vietnamese mobile, fictitious
    bank_bin: str  # 6-digit NAPAS BIN of a real Vietnamese bank
    bank_account: str  # fictitious account number, digits only
    bank_account_name: str  # ASCII upper-case, no diacritics, as banks print it


@dataclass(frozen=True, slots=True)
class DemoProduct:
    """A product offered in the demo shop."""

    sku: str  # 3-32 chars of A-Z 0-9 and '-', unique
    producer: str  # DemoProducer.code
    category: str  # DemoCategory.code
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    unit_vi: str  # e.g. "hũ 500 g"
    unit_en: str  # e.g. "500 g jar"
    price: int  # đồng
    stock: int
    stars: int  # OCOP stars, 3..5
    year: int  # year the stars were granted


CATEGORIES: tuple[DemoCategory, ...] = (
    DemoCategory(code="food", name_vi="Thực phẩm", name_en="Food", position=1),
    DemoCategory(code="beverages", name_vi="Đồ uống", name_en="Beverages", position=2),
    DemoCategory(
        code="herbal",
        name_vi="Dược liệu và sản phẩm từ dược liệu",
        name_en="Herbs and herbal products",
        position=3,
    ),
    DemoCategory(
        code="handicrafts", name_vi="Thủ công mỹ nghệ", name_en="Handicrafts", position=4
    ),
    DemoCategory(
        code="textiles", name_vi="Vải và may mặc", name_en="Textiles and garments", position=5
    ),
)


PRODUCERS: tuple[DemoProducer, ...] = (
    DemoProducer(
        code="BABE",
        name_vi="Cơ sở sản xuất tinh bột nghệ Bà Bé",
        name_en="Ba Be Turmeric Starch Workshop",
        kind="household",
        ward="Xã Gia Lâm",
        province="Hà Nội",
        street="Thôn Dương Đá",
        description_vi=(
            "Cơ sở gia đình ở thôn Dương Đá chuyên làm tinh bột nghệ thủ công, có sản phẩm "
            "đạt OCOP 4 sao từ năm 2019. Ngoài tinh bột nghệ, cơ sở còn làm viên nghệ mật ong "
            "và chưng cất tinh dầu sả chanh, vỏ bưởi, bạc hà."
        ),
        description_en=(
            "A family workshop in Duong Da village making hand-processed turmeric starch, "
            "rated OCOP 4 stars in 2019. It also rolls turmeric-and-honey pills and distils "
            "lemongrass, pomelo-peel and peppermint oils."
        ),
        phone="+84912345601",
        bank_bin="970405",
        bank_account="1500205012345",
        bank_account_name="CO SO SAN XUAT TINH BOT NGHE BA BE",
    ),
    DemoProducer(
        code="THANGLONG",
        name_vi="Công ty Cổ phần Nông nghiệp Công nghệ cao Thăng Long",
        name_en="Thang Long High-Tech Agriculture JSC",
        kind="company",
        ward="Phường Chương Mỹ",
        province="Hà Nội",
        street="Đại Yên",
        description_vi=(
            "Doanh nghiệp trồng và chế biến cà gai leo tại vùng đồi Đại Yên. Bộ ba trà thảo "
            "mộc Phúc, Lộc, Thọ đạt OCOP 5 sao năm 2025."
        ),
        description_en=(
            "A company growing and processing ca gai leo (Solanum procumbens) in the Dai Yen "
            "hills. Its Phuc, Loc and Tho herbal teas were rated OCOP 5 stars in 2025."
        ),
        phone="+84983456702",
        bank_bin="970436",
        bank_account="0451000123456",
        bank_account_name="CONG TY CP NONG NGHIEP CONG NGHE CAO THANG LONG",
    ),
    DemoProducer(
        code="QUANGVINH",
        name_vi="Gốm sứ Quang Vinh",
        name_en="Quang Vinh Ceramics",
        kind="company",
        ward="Xã Bát Tràng",
        province="Hà Nội",
        street="Thôn Bát Tràng",
        description_vi=(
            "Xưởng gốm ở làng Bát Tràng nổi tiếng với bộ ấm chén và bát đĩa vẽ tay họa tiết "
            "sen, én sen và long phụng, đạt OCOP 5 sao."
        ),
        description_en=(
            "A Bat Trang pottery known for hand-painted tea sets and dinnerware with lotus, "
            "swallow-and-lotus and dragon-and-phoenix motifs, rated OCOP 5 stars."
        ),
        phone="+84904567803",
        bank_bin="970418",
        bank_account="12010000123456",
        bank_account_name="GOM SU QUANG VINH",
    ),
    DemoProducer(
        code="TANTHINH",
        name_vi="Hợp tác xã gốm Tân Thịnh",
        name_en="Tan Thinh Pottery Cooperative",
        kind="cooperative",
        ward="Xã Bát Tràng",
        province="Hà Nội",
        street="Thôn Giang Cao",
        description_vi=(
            "Hợp tác xã gốm Bát Tràng với bộ sưu tập men Suối Ngọc gồm chum, bình, lọ và ấm "
            "chén, đạt OCOP 5 sao. Men loang tự nhiên trong lò nên mỗi món một vẻ riêng."
        ),
        description_en=(
            "A Bat Trang pottery cooperative whose Suoi Ngoc glaze collection of jars, vases "
            "and tea sets is rated OCOP 5 stars. The glaze flows in the kiln, so every piece "
            "is one of a kind."
        ),
        phone="+84356789104",
        bank_bin="970415",
        bank_account="102876543210",
        bank_account_name="HTX GOM TAN THINH",
    ),
    DemoProducer(
        code="VUNART",
        name_vi="Hợp tác xã Vụn ART",
        name_en="Vun ART Cooperative",
        kind="cooperative",
        ward="Phường Hà Đông",
        province="Hà Nội",
        street="Làng lụa Vạn Phúc",
        description_vi=(
            "Hợp tác xã ở làng lụa Vạn Phúc biến vải lụa vụn thành áo phông, túi, tranh ghép "
            "và bộ dụng cụ tự làm tranh, đạt OCOP 4 sao năm 2020."
        ),
        description_en=(
            "A cooperative in Van Phuc silk village that turns silk offcuts into T-shirts, "
            "bags, collage pictures and craft kits, rated OCOP 4 stars in 2020."
        ),
        phone="+84868123405",
        bank_bin="970416",
        bank_account="257600123",
        bank_account_name="HTX VUN ART",
    ),
    DemoProducer(
        code="MYDUC",
        name_vi="Tơ tằm Mỹ Đức",
        name_en="My Duc Mulberry Silk",
        kind="household",
        ward="Xã Hồng Sơn",
        province="Hà Nội",
        street="Thôn Phù Yên",
        description_vi=(
            "Hộ nuôi tằm, kéo tơ và dệt tay ở vùng bãi dâu Mỹ Đức. Chăn lụa tơ tằm dệt tay "
            "đạt OCOP 5 sao năm 2023."
        ),
        description_en=(
            "A household that raises silkworms, reels silk and weaves by hand among the "
            "mulberry fields of My Duc. Its hand-woven silk quilts were rated OCOP 5 stars "
            "in 2023."
        ),
        phone="+84777234506",
        bank_bin="970422",
        bank_account="0868123405",
        bank_account_name="TO TAM MY DUC",
    ),
    DemoProducer(
        code="TAMHUNG",
        name_vi="Hợp tác xã Nông nghiệp Tam Hưng",
        name_en="Tam Hung Agricultural Cooperative",
        kind="cooperative",
        ward="Xã Tam Hưng",
        province="Hà Nội",
        street="Thôn Hưng Giáo",
        description_vi=(
            "Hợp tác xã trồng lúa nếp cái hoa vàng và gạo thơm trên cánh đồng Tam Hưng, tự "
            "xay xát và làm bột gạo."
        ),
        description_en=(
            "A cooperative growing nep cai hoa vang glutinous rice and fragrant rice in the "
            "fields of Tam Hung, milling its own rice and rice flour."
        ),
        phone="+84387345607",
        bank_bin="970405",
        bank_account="2200205067890",
        bank_account_name="HTX NONG NGHIEP TAM HUNG",
    ),
    DemoProducer(
        code="HOANGLONG",
        name_vi="Hợp tác xã Hoàng Long",
        name_en="Hoang Long Cooperative",
        kind="cooperative",
        ward="Xã Dân Hòa",
        province="Hà Nội",
        street="Tân Ước",
        description_vi=(
            "Hợp tác xã chế biến thịt ở Tân Ước với giò lụa, chả quế, nem chua và xúc xích; "
            "giò lụa đạt OCOP 4 sao năm 2022."
        ),
        description_en=(
            "A meat-processing cooperative in Tan Uoc making gio lua pork roll, cinnamon pork "
            "roll, nem chua and sausages; its gio lua was rated OCOP 4 stars in 2022."
        ),
        phone="+84945678908",
        bank_bin="970415",
        bank_account="105002345678",
        bank_account_name="HTX HOANG LONG",
    ),
)


PRODUCTS: tuple[DemoProduct, ...] = (
    # --- Bà Bé: turmeric and essential oils -------------------------------------------------
    DemoProduct(
        sku="BABE-NGHE-500",
        producer="BABE",
        category="herbal",
        name_vi="Tinh bột nghệ vàng",
        name_en="Yellow turmeric starch",
        description_vi=(
            "Tinh bột nghệ chiết tách thủ công từ củ nghệ vàng trồng tại Dương Đá, đã loại bỏ "
            "phần lớn tinh dầu và nhựa nghệ. Bột mịn, màu vàng tươi, dễ pha với nước ấm hoặc "
            "mật ong."
        ),
        description_en=(
            "Turmeric starch extracted by hand from yellow turmeric grown in Duong Da, with "
            "most of the oil and resin removed. A fine, bright yellow powder that mixes easily "
            "with warm water or honey."
        ),
        unit_vi="hũ 500 g",
        unit_en="500 g jar",
        price=290_000,
        stock=40,
        stars=4,
        year=2019,
    ),
    DemoProduct(
        sku="BABE-NGHE-250",
        producer="BABE",
        category="herbal",
        name_vi="Tinh bột nghệ vàng",
        name_en="Yellow turmeric starch",
        description_vi=(
            "Hũ nhỏ 250 g của tinh bột nghệ vàng Bà Bé, vừa đủ dùng thử hoặc làm quà. Mỗi "
            "ngày pha một đến hai thìa cà phê với nước ấm."
        ),
        description_en=(
            "A smaller 250 g jar of Ba Be's yellow turmeric starch, just right for trying it "
            "or giving as a gift. Stir one or two teaspoons into warm water each day."
        ),
        unit_vi="hũ 250 g",
        unit_en="250 g jar",
        price=160_000,
        stock=55,
        stars=4,
        year=2019,
    ),
    DemoProduct(
        sku="BABE-VIEN-250",
        producer="BABE",
        category="herbal",
        name_vi="Viên nghệ mật ong",
        name_en="Turmeric and honey pills",
        description_vi=(
            "Viên hoàn từ tinh bột nghệ và mật ong, vo tròn rồi sấy khô, tiện mang theo và dễ "
            "dùng hằng ngày. Vị ngọt nhẹ, thơm mùi nghệ."
        ),
        description_en=(
            "Small pills rolled from turmeric starch and honey, then dried, so they are easy "
            "to carry and take every day. Mildly sweet with a warm turmeric aroma."
        ),
        unit_vi="hũ 250 g",
        unit_en="250 g jar",
        price=180_000,
        stock=35,
        stars=4,
        year=2024,
    ),
    DemoProduct(
        sku="BABE-SA-10",
        producer="BABE",
        category="herbal",
        name_vi="Tinh dầu sả chanh",
        name_en="Lemongrass essential oil",
        description_vi=(
            "Tinh dầu chưng cất từ lá sả chanh tươi, mùi thơm mát, thường dùng để xông phòng, "
            "khử mùi và xua muỗi. Dùng với máy khuếch tán hoặc nhỏ vài giọt vào nước lau nhà."
        ),
        description_en=(
            "Lemongrass oil steam-distilled from fresh leaves, with a fresh, clean scent. Use "
            "it in a diffuser to freshen a room and keep mosquitoes away, or add a few drops "
            "to the water when you mop the floor."
        ),
        unit_vi="lọ 10 ml",
        unit_en="10 ml bottle",
        price=75_000,
        stock=120,
        stars=3,
        year=2023,
    ),
    DemoProduct(
        sku="BABE-BUOI-10",
        producer="BABE",
        category="herbal",
        name_vi="Tinh dầu vỏ bưởi",
        name_en="Pomelo peel essential oil",
        description_vi=(
            "Tinh dầu chưng cất từ vỏ bưởi, hương thơm dịu, quen thuộc với nhiều gia đình "
            "Việt. Có thể pha vài giọt vào dầu gội hoặc dầu xả để chăm sóc tóc."
        ),
        description_en=(
            "Oil distilled from pomelo peel, with a gentle scent many Vietnamese families grew "
            "up with. Add a few drops to shampoo or conditioner for hair care."
        ),
        unit_vi="lọ 10 ml",
        unit_en="10 ml bottle",
        price=85_000,
        stock=90,
        stars=3,
        year=2023,
    ),
    DemoProduct(
        sku="BABE-BACHA-10",
        producer="BABE",
        category="herbal",
        name_vi="Tinh dầu bạc hà",
        name_en="Peppermint essential oil",
        description_vi=(
            "Tinh dầu bạc hà mùi the mát, giúp tỉnh táo khi làm việc hoặc lái xe đường dài. "
            "Dùng để xông; không thoa trực tiếp lên da khi chưa pha loãng."
        ),
        description_en=(
            "Peppermint oil with a cool, sharp scent that helps you stay alert at work or on "
            "long drives. For diffusing; do not apply to skin undiluted."
        ),
        unit_vi="lọ 10 ml",
        unit_en="10 ml bottle",
        price=80_000,
        stock=75,
        stars=3,
        year=2024,
    ),
    # --- Thăng Long: cà gai leo herbal teas -------------------------------------------------
    DemoProduct(
        sku="THANGLONG-PHUC-20",
        producer="THANGLONG",
        category="beverages",
        name_vi="Trà Phúc cà gai leo",
        name_en="Phuc herbal tea (ca gai leo)",
        description_vi=(
            "Trà thảo mộc Phúc làm từ cà gai leo trồng trên vùng đồi Chương Mỹ, đóng túi lọc "
            "tiện dùng. Nước trà vàng trong, vị đắng nhẹ, hậu ngọt."
        ),
        description_en=(
            "Phuc herbal tea made from ca gai leo (Solanum procumbens) grown in the Chuong My "
            "hills, packed in handy tea bags. A clear golden brew, lightly bitter with a sweet "
            "finish."
        ),
        unit_vi="hộp 20 túi lọc",
        unit_en="box of 20 tea bags",
        price=165_000,
        stock=80,
        stars=5,
        year=2025,
    ),
    DemoProduct(
        sku="THANGLONG-LOC-20",
        producer="THANGLONG",
        category="beverages",
        name_vi="Trà Lộc cà gai leo",
        name_en="Loc herbal tea (ca gai leo)",
        description_vi=(
            "Trà Lộc thuộc bộ ba Phúc – Lộc – Thọ, làm từ cà gai leo trồng tại Chương Mỹ. Vị "
            "thanh, dễ uống, hợp dùng hằng ngày hoặc làm quà biếu."
        ),
        description_en=(
            "Loc tea, part of the Phuc – Loc – Tho trio, made from ca gai leo grown in Chuong "
            "My. Light and easy to drink, for every day or as a gift."
        ),
        unit_vi="hộp 20 túi lọc",
        unit_en="box of 20 tea bags",
        price=165_000,
        stock=70,
        stars=5,
        year=2025,
    ),
    DemoProduct(
        sku="THANGLONG-THO-20",
        producer="THANGLONG",
        category="beverages",
        name_vi="Trà Thọ cà gai leo",
        name_en="Tho herbal tea (ca gai leo)",
        description_vi=(
            "Trà Thọ, sản phẩm thứ ba trong bộ Phúc – Lộc – Thọ, có hương thảo mộc đậm đà. "
            "Thích hợp pha ấm mời khách hoặc uống sau bữa ăn."
        ),
        description_en=(
            "Tho tea, the third of the Phuc – Loc – Tho trio, with a fuller herbal flavour. "
            "Lovely brewed in a pot for guests or sipped after a meal."
        ),
        unit_vi="hộp 20 túi lọc",
        unit_en="box of 20 tea bags",
        price=185_000,
        stock=60,
        stars=5,
        year=2025,
    ),
    DemoProduct(
        sku="THANGLONG-SADU-20",
        producer="THANGLONG",
        category="beverages",
        name_vi="Trà túi lọc Sadu",
        name_en="Sadu tea bags",
        description_vi=(
            "Trà túi lọc Sadu từ cà gai leo, hãm với nước sôi trong 3–5 phút là dùng được. "
            "Tiện mang theo đến văn phòng hoặc khi đi xa."
        ),
        description_en=(
            "Sadu tea bags made from ca gai leo; steep in boiling water for 3–5 minutes. "
            "Handy for the office or when travelling."
        ),
        unit_vi="hộp 20 túi lọc",
        unit_en="box of 20 tea bags",
        price=125_000,
        stock=150,
        stars=4,
        year=2024,
    ),
    DemoProduct(
        sku="THANGLONG-SADU-50",
        producer="THANGLONG",
        category="beverages",
        name_vi="Trà túi lọc Sadu hộp lớn",
        name_en="Sadu tea bags, large box",
        description_vi=(
            "Hộp lớn 50 túi lọc trà Sadu cho gia đình hoặc văn phòng, tiết kiệm hơn hộp 20 "
            "túi. Mỗi túi pha được một cốc 200–250 ml."
        ),
        description_en=(
            "A family- or office-size box of 50 Sadu tea bags, better value than the 20-bag "
            "box. Each bag makes one 200–250 ml cup."
        ),
        unit_vi="hộp 50 túi lọc",
        unit_en="box of 50 tea bags",
        price=280_000,
        stock=45,
        stars=4,
        year=2024,
    ),
    DemoProduct(
        sku="THANGLONG-QUA-3",
        producer="THANGLONG",
        category="beverages",
        name_vi="Hộp quà Phúc – Lộc – Thọ",
        name_en="Phuc – Loc – Tho gift box",
        description_vi=(
            "Hộp quà gồm ba hộp trà Phúc, Lộc và Thọ, đựng trong hộp cứng in hoa văn truyền "
            "thống. Món quà ý nghĩa dịp Tết và lễ mừng thọ."
        ),
        description_en=(
            "One box each of Phuc, Loc and Tho teas in a rigid case printed with traditional "
            "patterns. A thoughtful gift for Tet and longevity celebrations."
        ),
        unit_vi="bộ 3 hộp",
        unit_en="set of 3 boxes",
        price=520_000,
        stock=25,
        stars=5,
        year=2025,
    ),
    # --- Quang Vinh: Bát Tràng tea sets and dinnerware ---------------------------------------
    DemoProduct(
        sku="QUANGVINH-SEN-AC",
        producer="QUANGVINH",
        category="handicrafts",
        name_vi="Bộ ấm chén hoa sen",
        name_en="Lotus tea set",
        description_vi=(
            "Bộ ấm chén men trắng ngà vẽ tay hoa sen, nung ở nhiệt độ cao nên cứng và bền "
            "màu. Ấm dáng tròn, rót nước gọn, hợp pha trà sen hay trà mạn."
        ),
        description_en=(
            "An ivory-glazed tea set with hand-painted lotus flowers, fired at high "
            "temperature for a hard, lasting finish. The round teapot pours cleanly, ideal "
            "for lotus tea or everyday green tea."
        ),
        unit_vi="bộ 1 ấm, 6 chén",
        unit_en="teapot and 6 cups",
        price=980_000,
        stock=18,
        stars=5,
        year=2024,
    ),
    DemoProduct(
        sku="QUANGVINH-ENSEN-AC",
        producer="QUANGVINH",
        category="handicrafts",
        name_vi='Bộ ấm chén "Én & Sen"',
        name_en='"Swallow & Lotus" tea set',
        description_vi=(
            "Bộ ấm chén vẽ men lam cảnh chim én bay trên đầm sen, gợi khung cảnh làng quê Bắc "
            "Bộ mùa hè. Mỗi bộ được vẽ tay nên nét vẽ có khác biệt nhỏ."
        ),
        description_en=(
            "A blue-and-white tea set painted with swallows flying over a lotus pond, "
            "evoking a summer day in the northern countryside. Each set is painted by hand, "
            "so no two are quite alike."
        ),
        unit_vi="bộ 1 ấm, 6 chén",
        unit_en="teapot and 6 cups",
        price=1_250_000,
        stock=12,
        stars=5,
        year=2024,
    ),
    DemoProduct(
        sku="QUANGVINH-SEN-BD22",
        producer="QUANGVINH",
        category="handicrafts",
        name_vi="Bộ bát đĩa hoa sen 22 món",
        name_en="Lotus dinnerware, 22 pieces",
        description_vi=(
            "Bộ bát đĩa men trắng vẽ sen gồm bát cơm, bát canh, đĩa và thìa sứ, đủ cho bữa "
            "cơm gia đình sáu người. Men an toàn thực phẩm, dễ lau rửa."
        ),
        description_en=(
            "White-glazed dinnerware painted with lotus: rice bowls, a soup bowl, plates and "
            "porcelain spoons, enough for a family meal for six. Food-safe glaze, easy to "
            "clean."
        ),
        unit_vi="bộ 22 món",
        unit_en="22-piece set",
        price=2_850_000,
        stock=8,
        stars=5,
        year=2024,
    ),
    DemoProduct(
        sku="QUANGVINH-LP-BD30",
        producer="QUANGVINH",
        category="handicrafts",
        name_vi="Bộ bát đĩa Long Phụng 30 món",
        name_en="Dragon & Phoenix dinnerware, 30 pieces",
        description_vi=(
            "Bộ bát đĩa men lam vẽ rồng phượng với họa tiết cung đình tỉ mỉ, dành cho mâm cỗ "
            "ngày Tết và tiệc gia đình. Đóng trong hộp quà sang trọng."
        ),
        description_en=(
            "Cobalt-blue dinnerware with finely drawn imperial-style dragons and phoenixes, "
            "made for Tet feasts and family celebrations. Comes in a presentation box."
        ),
        unit_vi="bộ 30 món",
        unit_en="30-piece set",
        price=3_600_000,
        stock=5,
        stars=5,
        year=2023,
    ),
    DemoProduct(
        sku="QUANGVINH-LP-AC",
        producer="QUANGVINH",
        category="handicrafts",
        name_vi="Bộ ấm chén Long Phụng",
        name_en="Dragon & Phoenix tea set",
        description_vi=(
            "Bộ ấm chén cùng bộ sưu tập Long Phụng, vẽ rồng phượng men lam trên nền trắng. "
            "Thích hợp bày phòng khách hoặc làm quà tân gia."
        ),
        description_en=(
            "A tea set from the Dragon & Phoenix collection, painted in cobalt blue on white. "
            "Handsome in a living room or as a housewarming gift."
        ),
        unit_vi="bộ 1 ấm, 6 chén",
        unit_en="teapot and 6 cups",
        price=1_450_000,
        stock=2,
        stars=5,
        year=2023,
    ),
    DemoProduct(
        sku="QUANGVINH-SEN-LO30",
        producer="QUANGVINH",
        category="handicrafts",
        name_vi="Lọ hoa vẽ sen",
        name_en="Hand-painted lotus vase",
        description_vi=(
            "Lọ hoa dáng thon cao 30 cm, vẽ tay một nhành sen men lam. Hợp cắm sen, cúc "
            "họa mi hoặc để trơn làm vật trang trí."
        ),
        description_en=(
            "A slender 30 cm vase hand-painted with a spray of lotus in cobalt blue. Lovely "
            "with lotus or daisies, or on its own as a decoration."
        ),
        unit_vi="chiếc cao 30 cm",
        unit_en="30 cm vase",
        price=650_000,
        stock=20,
        stars=4,
        year=2024,
    ),
    # --- Tân Thịnh: Suối Ngọc glaze --------------------------------------------------------
    DemoProduct(
        sku="TANTHINH-SN-BINH35",
        producer="TANTHINH",
        category="handicrafts",
        name_vi="Bình hoa men Suối Ngọc",
        name_en="Suoi Ngoc glaze vase",
        description_vi=(
            "Bình hoa cao 35 cm phủ men Suối Ngọc, lớp men loang tự nhiên trong lò nên không "
            "chiếc nào giống chiếc nào. Điểm nhấn cho phòng khách hay bàn làm việc."
        ),
        description_en=(
            "A 35 cm vase in the Suoi Ngoc glaze, which flows naturally in the kiln so no two "
            "pieces are the same. A centrepiece for a living room or a desk."
        ),
        unit_vi="chiếc cao 35 cm",
        unit_en="35 cm vase",
        price=1_200_000,
        stock=10,
        stars=5,
        year=2024,
    ),
    DemoProduct(
        sku="TANTHINH-SN-HU",
        producer="TANTHINH",
        category="handicrafts",
        name_vi="Hũ đựng trà men Suối Ngọc",
        name_en="Suoi Ngoc glaze tea caddy",
        description_vi=(
            "Hũ gốm có nắp kín, giữ trà khô và thơm lâu. Men Suối Ngọc mịn tay, đẹp cả khi "
            "đặt trên bàn trà."
        ),
        description_en=(
            "A ceramic jar with a snug lid that keeps tea dry and fragrant. The smooth Suoi "
            "Ngoc glaze looks good on any tea table."
        ),
        unit_vi="hũ có nắp 0,5 lít",
        unit_en="0.5 l lidded jar",
        price=420_000,
        stock=30,
        stars=5,
        year=2024,
    ),
    DemoProduct(
        sku="TANTHINH-SN-AC",
        producer="TANTHINH",
        category="handicrafts",
        name_vi="Bộ ấm chén men Suối Ngọc",
        name_en="Suoi Ngoc glaze tea set",
        description_vi=(
            "Bộ ấm chén men Suối Ngọc, chén mỏng, cầm nhẹ tay, giữ nhiệt tốt. Đóng hộp lót "
            "vải, sẵn sàng làm quà."
        ),
        description_en=(
            "A Suoi Ngoc glaze tea set with thin, light cups that keep tea warm. Packed in a "
            "fabric-lined box, ready to give."
        ),
        unit_vi="bộ 1 ấm, 6 chén",
        unit_en="teapot and 6 cups",
        price=1_650_000,
        stock=0,
        stars=5,
        year=2024,
    ),
    DemoProduct(
        sku="TANTHINH-SN-CHUM45",
        producer="TANTHINH",
        category="handicrafts",
        name_vi="Chum men Suối Ngọc",
        name_en="Suoi Ngoc glaze storage jar",
        description_vi=(
            "Chum gốm dáng tròn cao 45 cm, dùng ngâm rượu, đựng gạo hoặc trang trí sân vườn. "
            "Men Suối Ngọc chảy loang tạo vân độc bản."
        ),
        description_en=(
            "A round 45 cm ceramic jar for steeping rice wine, storing rice or decorating a "
            "garden. The flowing Suoi Ngoc glaze leaves a one-off pattern on every jar."
        ),
        unit_vi="chiếc cao 45 cm",
        unit_en="45 cm jar",
        price=3_200_000,
        stock=4,
        stars=5,
        year=2024,
    ),
    DemoProduct(
        sku="TANTHINH-SN-TOI25",
        producer="TANTHINH",
        category="handicrafts",
        name_vi="Lọ hoa dáng tỏi men Suối Ngọc",
        name_en="Suoi Ngoc glaze garlic-neck vase",
        description_vi=(
            "Lọ hoa dáng tỏi truyền thống cao 25 cm, cổ thon, thân tròn. Hợp cắm một vài cành "
            "đào, cành mai ngày Tết."
        ),
        description_en=(
            "A traditional garlic-neck vase, 25 cm tall, with a slim neck and round body. "
            "Just right for a few branches of peach or apricot blossom at Tet."
        ),
        unit_vi="chiếc cao 25 cm",
        unit_en="25 cm vase",
        price=780_000,
        stock=15,
        stars=5,
        year=2024,
    ),
    # --- Vụn ART: silk patchwork, Vạn Phúc ------------------------------------------------
    DemoProduct(
        sku="VUNART-AO",
        producer="VUNART",
        category="textiles",
        name_vi="Áo phông chắp vá lụa",
        name_en="Silk patchwork T-shirt",
        description_vi=(
            "Áo phông cotton đính mảng lụa chắp vá từ vải vụn của làng lụa Vạn Phúc, mỗi "
            "chiếc một phối màu riêng. Góp phần tái sử dụng vải thừa và giảm rác thải dệt may."
        ),
        description_en=(
            "A cotton T-shirt with a patchwork panel of offcut silk from Van Phuc silk "
            "village; no two share the same colours. Each one gives leftover fabric a second "
            "life."
        ),
        unit_vi="chiếc",
        unit_en="piece",
        price=390_000,
        stock=40,
        stars=4,
        year=2020,
    ),
    DemoProduct(
        sku="VUNART-TOTE",
        producer="VUNART",
        category="textiles",
        name_vi="Túi tote chắp vá lụa",
        name_en="Silk patchwork tote bag",
        description_vi=(
            "Túi tote vải bố với mặt trước ghép từ những mảnh lụa vụn nhiều màu. Rộng rãi, "
            "đựng vừa máy tính bảng và đồ dùng hằng ngày."
        ),
        description_en=(
            "A canvas tote with a front panel pieced from colourful silk scraps. Roomy enough "
            "for a tablet and your everyday things."
        ),
        unit_vi="chiếc",
        unit_en="piece",
        price=320_000,
        stock=35,
        stars=4,
        year=2020,
    ),
    DemoProduct(
        sku="VUNART-KIT",
        producer="VUNART",
        category="textiles",
        name_vi="Bộ kit tự làm tranh ghép vải",
        name_en="DIY fabric collage kit",
        description_vi=(
            "Bộ dụng cụ tự làm tranh ghép vải gồm khung, keo, mẫu vẽ và các mảnh lụa vụn "
            "nhiều màu. Phù hợp cho trẻ từ 8 tuổi và những buổi cuối tuần cả nhà cùng làm."
        ),
        description_en=(
            "A do-it-yourself fabric collage kit with a frame, glue, a printed pattern and "
            "colourful silk scraps. Suitable for ages 8 and up and for family crafting at "
            "weekends."
        ),
        unit_vi="bộ",
        unit_en="kit",
        price=250_000,
        stock=60,
        stars=4,
        year=2020,
    ),
    DemoProduct(
        sku="VUNART-TRANH-4050",
        producer="VUNART",
        category="textiles",
        name_vi='Tranh ghép lụa "Phố cổ Hà Nội"',
        name_en='Silk collage "Hanoi Old Quarter"',
        description_vi=(
            "Tranh ghép thủ công từ lụa vụn, tái hiện những mái ngói rêu phong của phố cổ Hà "
            "Nội. Đã lồng khung gỗ, sẵn sàng treo tường."
        ),
        description_en=(
            "A hand-made collage of silk scraps showing the mossy tiled roofs of Hanoi's Old "
            "Quarter. Framed in wood and ready to hang."
        ),
        unit_vi="bức 40 × 50 cm",
        unit_en="40 × 50 cm picture",
        price=1_500_000,
        stock=6,
        stars=4,
        year=2020,
    ),
    DemoProduct(
        sku="VUNART-KHAN",
        producer="VUNART",
        category="textiles",
        name_vi="Khăn lụa Vạn Phúc",
        name_en="Van Phuc silk scarf",
        description_vi=(
            "Khăn lụa tơ tằm dệt tại làng Vạn Phúc, mặt vải mềm, bóng nhẹ, nhuộm màu trơn "
            "trang nhã. Khổ 50 × 180 cm, quàng cổ hay choàng vai đều đẹp."
        ),
        description_en=(
            "A mulberry silk scarf woven in Van Phuc village, soft with a gentle sheen, in an "
            "elegant solid colour. At 50 × 180 cm it works round the neck or as a shawl."
        ),
        unit_vi="chiếc 50 × 180 cm",
        unit_en="50 × 180 cm scarf",
        price=450_000,
        stock=50,
        stars=4,
        year=2024,
    ),
    DemoProduct(
        sku="VUNART-VI",
        producer="VUNART",
        category="textiles",
        name_vi="Ví cầm tay chắp vá lụa",
        name_en="Silk patchwork clutch",
        description_vi=(
            "Ví cầm tay nhỏ gọn ghép từ lụa vụn, có khóa kéo và lớp lót cotton. Vừa điện "
            "thoại, thẻ và ít tiền mặt khi đi dạo phố."
        ),
        description_en=(
            "A compact clutch pieced from silk scraps, with a zip and cotton lining. Fits a "
            "phone, cards and a little cash for an evening out."
        ),
        unit_vi="chiếc",
        unit_en="piece",
        price=180_000,
        stock=45,
        stars=3,
        year=2024,
    ),
    # --- Tơ tằm Mỹ Đức: silk quilts and pillows --------------------------------------------
    DemoProduct(
        sku="MYDUC-CHAN-1820",
        producer="MYDUC",
        category="textiles",
        name_vi="Chăn tơ tằm dệt tay",
        name_en="Hand-woven silk quilt",
        description_vi=(
            "Chăn dệt thủ công từ tơ tằm nuôi tại Mỹ Đức, nhẹ, thoáng và giữ ấm tự nhiên. "
            "Ruột tơ kéo tay, vỏ lụa mềm mượt, dùng được quanh năm."
        ),
        description_en=(
            "A hand-woven quilt made with silk from silkworms raised in My Duc: light, "
            "breathable and naturally warm. Hand-stretched silk filling in a smooth silk "
            "cover, comfortable all year round."
        ),
        unit_vi="chiếc 1,8 × 2 m",
        unit_en="1.8 × 2 m quilt",
        price=5_800_000,
        stock=7,
        stars=5,
        year=2023,
    ),
    DemoProduct(
        sku="MYDUC-CHAN-2022",
        producer="MYDUC",
        category="textiles",
        name_vi="Chăn tơ tằm dệt tay khổ lớn",
        name_en="Hand-woven silk quilt, large",
        description_vi=(
            "Phiên bản khổ lớn của chăn tơ tằm dệt tay Mỹ Đức, vừa giường đôi rộng. Mỗi chiếc "
            "mất nhiều ngày kéo tơ và dệt nên số lượng có hạn."
        ),
        description_en=(
            "The large size of My Duc's hand-woven silk quilt, for a wide double bed. Each "
            "one takes days of reeling and weaving, so only a few are made."
        ),
        unit_vi="chiếc 2 × 2,2 m",
        unit_en="2 × 2.2 m quilt",
        price=7_200_000,
        stock=1,
        stars=5,
        year=2023,
    ),
    DemoProduct(
        sku="MYDUC-GOI",
        producer="MYDUC",
        category="textiles",
        name_vi="Gối tơ tằm",
        name_en="Silk-filled pillow",
        description_vi=(
            "Gối ruột tơ tằm bọc vải lụa, êm vừa phải, thoáng khí và không bị bết khi trời "
            "nồm. Kích thước 45 × 65 cm."
        ),
        description_en=(
            "A pillow filled with silk floss in a silk cover: gently supportive, breathable "
            "and fresh even in humid weather. 45 × 65 cm."
        ),
        unit_vi="chiếc 45 × 65 cm",
        unit_en="45 × 65 cm pillow",
        price=950_000,
        stock=20,
        stars=4,
        year=2024,
    ),
    DemoProduct(
        sku="MYDUC-VOGOI",
        producer="MYDUC",
        category="textiles",
        name_vi="Vỏ gối lụa tơ tằm",
        name_en="Mulberry silk pillowcases",
        description_vi=(
            "Đôi vỏ gối lụa tơ tằm mặt trơn láng, giúp tóc ít rối khi ngủ. Khóa kéo giấu "
            "kín, vừa gối 45 × 65 cm."
        ),
        description_en=(
            "A pair of smooth mulberry silk pillowcases that help keep hair from tangling "
            "overnight. Hidden zip; fits 45 × 65 cm pillows."
        ),
        unit_vi="đôi",
        unit_en="pair",
        price=680_000,
        stock=25,
        stars=4,
        year=2024,
    ),
    DemoProduct(
        sku="MYDUC-KHAN",
        producer="MYDUC",
        category="textiles",
        name_vi="Khăn lụa tơ tằm Mỹ Đức",
        name_en="My Duc silk scarf",
        description_vi=(
            "Khăn lụa dệt tay từ sợi tơ tằm Mỹ Đức, mặt vải có độ sần nhẹ đặc trưng của hàng "
            "dệt thủ công. Nhuộm màu tự nhiên, khổ 55 × 180 cm."
        ),
        description_en=(
            "A scarf hand-woven from My Duc mulberry silk, with the slight texture typical of "
            "hand-loomed cloth. Naturally dyed, 55 × 180 cm."
        ),
        unit_vi="chiếc 55 × 180 cm",
        unit_en="55 × 180 cm scarf",
        price=650_000,
        stock=30,
        stars=4,
        year=2024,
    ),
    DemoProduct(
        sku="MYDUC-KHAN-VUONG",
        producer="MYDUC",
        category="textiles",
        name_vi="Khăn vuông lụa tơ tằm",
        name_en="Square silk scarf",
        description_vi=(
            "Khăn vuông 90 × 90 cm bằng lụa tơ tằm, có thể buộc cổ, quấn tóc hay làm điểm "
            "nhấn cho túi xách."
        ),
        description_en=(
            "A 90 × 90 cm square of mulberry silk to tie at the neck, wrap in your hair or "
            "knot onto a handbag."
        ),
        unit_vi="chiếc 90 × 90 cm",
        unit_en="90 × 90 cm scarf",
        price=550_000,
        stock=22,
        stars=4,
        year=2025,
    ),
    # --- Tam Hưng: glutinous and fragrant rice -----------------------------------------------
    DemoProduct(
        sku="TAMHUNG-NEP-2KG",
        producer="TAMHUNG",
        category="food",
        name_vi="Gạo nếp cái hoa vàng",
        name_en="Nep cai hoa vang glutinous rice",
        description_vi=(
            "Nếp cái hoa vàng hạt tròn, mẩy, trồng trên đồng đất Tam Hưng, đồ xôi dẻo thơm. "
            "Nguyên liệu quen thuộc để gói bánh chưng và nấu rượu nếp."
        ),
        description_en=(
            "Plump, round-grained nep cai hoa vang glutinous rice from the fields of Tam "
            "Hung, which steams into fragrant, sticky xoi. The classic choice for banh chung "
            "and rice wine."
        ),
        unit_vi="túi 2 kg",
        unit_en="2 kg bag",
        price=150_000,
        stock=100,
        stars=4,
        year=2021,
    ),
    DemoProduct(
        sku="TAMHUNG-NEP-5KG",
        producer="TAMHUNG",
        category="food",
        name_vi="Gạo nếp cái hoa vàng",
        name_en="Nep cai hoa vang glutinous rice",
        description_vi=(
            "Túi 5 kg nếp cái hoa vàng Tam Hưng cho gia đình đông người hoặc dịp gói bánh "
            "chưng ngày Tết."
        ),
        description_en=(
            "A 5 kg bag of Tam Hung nep cai hoa vang glutinous rice for big families or for "
            "wrapping banh chung at Tet."
        ),
        unit_vi="túi 5 kg",
        unit_en="5 kg bag",
        price=350_000,
        stock=0,
        stars=4,
        year=2021,
    ),
    DemoProduct(
        sku="TAMHUNG-GAO-5KG",
        producer="TAMHUNG",
        category="food",
        name_vi="Gạo thơm Tam Hưng",
        name_en="Tam Hung fragrant rice",
        description_vi=(
            "Gạo tẻ thơm hạt dài, cơm mềm, dẻo vừa và vẫn ngon khi để nguội. Phù hợp cho bữa "
            "cơm gia đình hằng ngày."
        ),
        description_en=(
            "Long-grain fragrant rice that cooks up soft and slightly sticky and stays tasty "
            "even when cool. A good everyday rice for family meals."
        ),
        unit_vi="túi 5 kg",
        unit_en="5 kg bag",
        price=160_000,
        stock=140,
        stars=3,
        year=2024,
    ),
    DemoProduct(
        sku="TAMHUNG-BOTNEP-500",
        producer="TAMHUNG",
        category="food",
        name_vi="Bột nếp cái hoa vàng",
        name_en="Glutinous rice flour",
        description_vi=(
            "Bột xay từ gạo nếp cái hoa vàng, mịn và dẻo, dùng làm bánh trôi, bánh chay và "
            "các món chè."
        ),
        description_en=(
            "Flour milled from nep cai hoa vang glutinous rice, fine and sticky, for banh "
            "troi, banh chay and sweet soups."
        ),
        unit_vi="gói 500 g",
        unit_en="500 g pack",
        price=45_000,
        stock=80,
        stars=3,
        year=2023,
    ),
    DemoProduct(
        sku="TAMHUNG-BOTGAO-500",
        producer="TAMHUNG",
        category="food",
        name_vi="Bột gạo tẻ",
        name_en="Rice flour",
        description_vi="Bột gạo tẻ xay mịn, dùng tráng bánh cuốn, làm bánh đúc hoặc bánh xèo.",
        description_en=(
            "Finely milled rice flour for steamed rice rolls (banh cuon), banh duc or crispy "
            "pancakes (banh xeo)."
        ),
        unit_vi="gói 500 g",
        unit_en="500 g pack",
        price=30_000,
        stock=90,
        stars=3,
        year=2023,
    ),
    # --- Hoàng Long: processed pork ---------------------------------------------------------
    DemoProduct(
        sku="HOANGLONG-GIO-500",
        producer="HOANGLONG",
        category="food",
        name_vi="Giò lụa",
        name_en="Gio lua pork roll",
        description_vi=(
            "Giò lụa giã từ thịt thăn lợn nóng trong ngày, gói lá chuối rồi luộc chín. Mặt "
            "cắt mịn, màu hồng nhạt, thơm mùi nước mắm ngon."
        ),
        description_en=(
            "Vietnamese pork roll pounded from pork loin on the day of slaughter, wrapped in "
            "banana leaves and boiled. Smooth, pale pink slices with a savoury fish-sauce "
            "aroma."
        ),
        unit_vi="cây 500 g",
        unit_en="500 g roll",
        price=120_000,
        stock=30,
        stars=4,
        year=2022,
    ),
    DemoProduct(
        sku="HOANGLONG-GIO-1KG",
        producer="HOANGLONG",
        category="food",
        name_vi="Giò lụa",
        name_en="Gio lua pork roll",
        description_vi=(
            "Cây giò lụa 1 kg cho mâm cỗ ngày Tết, giỗ chạp hoặc tiệc gia đình. Giữ nguyên lá "
            "chuối, bảo quản ngăn mát tủ lạnh."
        ),
        description_en=(
            "A 1 kg gio lua roll for Tet feasts, memorial days or family parties. Keep it in "
            "its banana leaves in the fridge."
        ),
        unit_vi="cây 1 kg",
        unit_en="1 kg roll",
        price=235_000,
        stock=3,
        stars=4,
        year=2022,
    ),
    DemoProduct(
        sku="HOANGLONG-CHAQUE-500",
        producer="HOANGLONG",
        category="food",
        name_vi="Chả quế",
        name_en="Cinnamon pork roll",
        description_vi=(
            "Chả quế làm từ giò sống tẩm bột quế, nướng trên than hoa cho lớp vỏ vàng nâu "
            "thơm lừng. Thái lát ăn kèm xôi, bánh mì hoặc bày mâm cỗ."
        ),
        description_en=(
            "Pork roll seasoned with cinnamon and grilled over charcoal to a fragrant "
            "golden-brown crust. Slice it with sticky rice or bread, or serve it at a festive "
            "meal."
        ),
        unit_vi="cây 500 g",
        unit_en="500 g roll",
        price=130_000,
        stock=25,
        stars=4,
        year=2024,
    ),
    DemoProduct(
        sku="HOANGLONG-NEM-20",
        producer="HOANGLONG",
        category="food",
        name_vi="Nem chua",
        name_en="Nem chua fermented pork",
        description_vi=(
            "Nem chua lên men tự nhiên từ thịt nạc, bì lợn và thính gạo, gói lá chuối. Vị "
            "chua dịu, thơm tỏi ớt, ăn kèm lá đinh lăng."
        ),
        description_en=(
            "Naturally fermented pork with shredded skin and toasted rice powder, wrapped in "
            "banana leaves. Gently sour with garlic and chilli, eaten with a fresh herb leaf."
        ),
        unit_vi="túi 20 chiếc",
        unit_en="bag of 20",
        price=100_000,
        stock=50,
        stars=3,
        year=2024,
    ),
    DemoProduct(
        sku="HOANGLONG-XX-500",
        producer="HOANGLONG",
        category="food",
        name_vi="Xúc xích thịt lợn",
        name_en="Pork sausages",
        description_vi=(
            "Xúc xích làm từ thịt lợn tươi, vỏ giòn, thịt chắc, chiên hay nướng đều ngon. "
            "Tiện cho bữa sáng của trẻ nhỏ."
        ),
        description_en=(
            "Sausages made from fresh pork, with a snappy skin and a firm bite, good "
            "pan-fried or grilled. An easy breakfast for children."
        ),
        unit_vi="gói 500 g",
        unit_en="500 g pack",
        price=110_000,
        stock=40,
        stars=3,
        year=2024,
    ),
    DemoProduct(
        sku="HOANGLONG-GIOBO-500",
        producer="HOANGLONG",
        category="food",
        name_vi="Giò bò",
        name_en="Beef roll",
        description_vi=(
            "Giò bò giã từ thịt bò tươi, có điểm gân giòn sần sật. Thái lát ăn cùng bánh "
            "cuốn, xôi hoặc bày mâm cỗ."
        ),
        description_en=(
            "Beef roll pounded from fresh beef, dotted with crunchy bits of tendon. Slice it "
            "for banh cuon, sticky rice or a festive spread."
        ),
        unit_vi="cây 500 g",
        unit_en="500 g roll",
        price=180_000,
        stock=20,
        stars=3,
        year=2024,
    ),
)
