"""QR labels and posters: the codes scan back to their links, the text is there."""

import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from datetime import date

import pypdfium2
import zxingcpp
from PIL import Image, ImageDraw

from bot.printing import producer_label, producer_poster, product_label
from catalog.links import LinkSource, parse_payload
from catalog.printing.poster import PER_PAGE, Poster, PosterItem, render_poster
from catalog.printing.qr import LABEL_SCALE, Label, label_png, label_svg, qr_matrix
from catalog.snapshot import CatalogSnapshot, CategoryView, ProducerView, ProductView

BOT = "ocop_shop_bot"
SVG = "{http://www.w3.org/2000/svg}"


def decode(image: Image.Image) -> list[str]:
    return sorted(code.text for code in zxingcpp.read_barcodes(image.convert("L")))


def producer(pid: int = 1, code: str = "QUANGVINH") -> ProducerView:
    return ProducerView(
        id=pid, code=code, name_vi="Gốm sứ Quang Vinh", name_en="Quang Vinh Ceramics",
        kind="company", ward="Xã Bát Tràng", province="Hà Nội", street="Xóm 3",
        description_vi="", description_en="", bank_bin=None, bank_account=None,
        bank_account_name=None,
    )  # fmt: skip


def product(pid: int, *, active: bool = True, name: str = "Bộ ấm chén men lam") -> ProductView:
    return ProductView(
        id=pid, sku=f"QV-{pid:02d}", producer_id=1, category_id=1, name_vi=f"{name} {pid}",
        name_en=f"Blue glaze tea set {pid}", description_vi="", description_en="",
        unit_vi="bộ", unit_en="set", price=980_000 + pid, stock=5, ocop_stars=5,
        ocop_granted=date(2024, 1, 1), photo=None, active=active, search_text=f"bo am chen {pid}",
    )  # fmt: skip


def snapshot(products: list[ProductView]) -> CatalogSnapshot:
    return CatalogSnapshot(
        categories={1: CategoryView(1, "ceramics", "Gốm sứ", "Ceramics", 1)},
        producers={1: producer()},
        products={p.id: p for p in products},
    )


def test_a_product_label_scans_back_to_its_link_and_shows_name_and_price() -> None:
    label = product_label(product(1), BOT, "vi")
    assert label.url == f"https://t.me/{BOT}?start=pp_QV-01"
    assert label.title == "Bộ ấm chén men lam 1"
    assert label.lines == ("980.001\xa0₫ / bộ",)
    image = Image.open(io.BytesIO(label_png(label)))
    assert decode(image) == [label.url]
    side = (len(qr_matrix(label.url)) + 8) * LABEL_SCALE
    # The text is drawn under the code: the band below it is not blank.
    below = image.convert("L").crop((0, side, image.width, image.height))
    assert below.getextrema()[0] < 100
    assert image.height > side + 60


def test_a_long_name_is_wrapped_and_cut_but_the_code_stays_whole() -> None:
    label = Label("https://t.me/ocop_shop_bot?start=pp_X", "Chăn lụa tơ tằm " * 20, ("1 ₫",))
    image = Image.open(io.BytesIO(label_png(label)))
    assert decode(image) == [label.url]
    svg = ET.fromstring(label_svg(label))
    lines = [t.text or "" for t in svg.iter(f"{SVG}text")]
    assert len(lines) == 4  # three lines of name, the last ending in "…", then the price
    assert lines[2].endswith("…")


def rasterise(svg_text: str) -> Image.Image:
    """Draw the SVG's code path (``M x,y h n v1 h-n z`` in modules) the way a viewer would."""
    svg = ET.fromstring(svg_text)
    path = svg.find(f"{SVG}path")
    assert path is not None
    transform = re.fullmatch(r"translate\((\S+) (\S+)\) scale\((\S+)\)", path.get("transform", ""))
    assert transform is not None
    dx, dy, scale = map(float, transform.groups())
    size = (int(svg.get("width", "0")), int(svg.get("height", "0")))
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for x, y, n in re.findall(r"M(\d+),(\d+)h(\d+)v1h-\d+z", path.get("d", "")):
        left, top = dx + int(x) * scale, dy + int(y) * scale
        draw.rectangle((left, top, left + int(n) * scale - 1, top + scale - 1), fill=0)
    return image


def test_the_svg_label_holds_the_same_code_and_the_text() -> None:
    label = producer_label(producer(), BOT, "en")
    assert label.url == f"https://t.me/{BOT}?start=ss_QUANGVINH"
    svg_text = label_svg(label)
    assert decode(rasterise(svg_text)) == [label.url]
    texts = [t.text for t in ET.fromstring(svg_text).iter(f"{SVG}text")]
    assert texts == ["Quang Vinh Ceramics", "Xã Bát Tràng, Hà Nội"]


def pages(pdf: bytes, dpi: int = 200) -> list[tuple[Image.Image, str]]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [
            (
                document[i].render(scale=dpi / 72).to_pil(),
                unicodedata.normalize("NFC", document[i].get_textpage().get_text_range()),
            )
            for i in range(len(document))
        ]
    finally:
        document.close()


def test_a_poster_shows_the_producer_and_one_code_per_product_on_each_page() -> None:
    items = tuple(
        PosterItem(
            name=f"Bình gốm men rạn số {i}",
            price="1.200.000 ₫ / chiếc",
            stars=4,
            rating="★★★★ OCOP 2023",
            url=f"https://t.me/{BOT}?start=po_TT-{i:02d}",
        )
        for i in range(PER_PAGE + 2)
    )
    poster = Poster(
        title="HTX gốm Tân Thịnh",
        place="Xã Bát Tràng, Hà Nội",
        url=f"https://t.me/{BOT}?start=so_TANTHINH",
        scan_shop="Quét mã để vào gian hàng",
        heading="Sản phẩm OCOP",
        footer="@ocop_shop_bot",
        language="vi",
        items=items,
    )
    rendered = pages(render_poster(poster))
    assert len(rendered) == 2
    for number, (image, text) in enumerate(rendered):
        shown = items[number * PER_PAGE : (number + 1) * PER_PAGE]
        assert "HTX gốm Tân Thịnh" in text
        assert decode(image) == sorted([poster.url, *(item.url for item in shown)])
        for item in shown:
            assert item.name in text
        assert "★★★★ OCOP 2023" in text
        assert f"{number + 1}/2" in text


def test_the_shops_poster_lists_what_is_on_sale_with_poster_links() -> None:
    catalog = snapshot([product(i) for i in range(1, 5)] + [product(9, active=False)])
    pdf, count = producer_poster(catalog, producer(), BOT, "vi", lambda msgid: msgid)
    assert count == 4
    [(image, text)] = pages(pdf)
    assert "Gốm sứ Quang Vinh" in text
    assert "Xóm 3, Xã Bát Tràng, Hà Nội" in text
    assert "980.001\xa0₫ / bộ" in text
    links = [parse_payload(url.split("start=")[1]) for url in decode(image)]
    assert sorted((link.key, link.source) for link in links if link) == [
        ("QUANGVINH", LinkSource.poster),
        *[(f"QV-{i:02d}", LinkSource.poster) for i in range(1, 5)],
    ]
