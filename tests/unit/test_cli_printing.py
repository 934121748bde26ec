"""``ocop-bot qr`` and ``ocop-bot poster``: files that scan back to the bot's links."""

from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from bot.cli import main


@pytest.fixture(autouse=True)
def seeded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("BOT_TOKEN", "TELEGRAM_API_BASE", "DATABASE_URL", "ADMIN_IDS", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}")
    assert main(["db", "upgrade"]) == 0
    assert main(["catalog", "seed-demo"]) == 0


def scan(image: Image.Image) -> list[str]:
    return sorted(code.text for code in zxingcpp.read_barcodes(image.convert("L")))


def test_qr_writes_a_product_label_and_a_producer_svg(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["qr", "babe-sa-10", "oil.png", "--bot-username", "@ocop_shop_bot"]) == 0
    assert scan(Image.open(tmp_path / "oil.png")) == [
        "https://t.me/ocop_shop_bot?start=pp_BABE-SA-10"
    ]
    assert "written to oil.png" in capsys.readouterr().out
    (tmp_path / "bot.toml").write_text('[telegram]\nbot_username = "ocop_shop_bot"\n')
    assert main(["qr", "TANTHINH", "shop.svg", "--language", "en"]) == 0
    svg = (tmp_path / "shop.svg").read_text(encoding="utf-8")
    assert "Tan Thinh Pottery Cooperative" in svg


def test_qr_for_messenger_leads_to_the_pages_m_me_link_with_the_same_payload(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["qr", "BABE-SA-10", "oil.png", "--channel", "messenger", "--page-username", "ocopshop"]
    assert main(args) == 0
    assert scan(Image.open(tmp_path / "oil.png")) == ["https://m.me/ocopshop?ref=pp_BABE-SA-10"]
    (tmp_path / "bot.toml").write_text('[messenger]\npage_username = "ocop.hanoi"\n')
    assert main(["qr", "BABE", "shop.png", "--channel", "messenger"]) == 0
    assert scan(Image.open(tmp_path / "shop.png")) == ["https://m.me/ocop.hanoi?ref=ss_BABE"]
    assert main(["qr", "BABE", "x.png", "--channel", "messenger", "--page-username", "a b"]) == 2
    assert "is not a Facebook Page username" in capsys.readouterr().err


def test_poster_writes_a_pdf_with_a_code_per_product(tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_text('[telegram]\nbot_username = "ocop_shop_bot"\n')
    assert main(["poster", "MYDUC", "myduc.pdf"]) == 0
    document = pypdfium2.PdfDocument(tmp_path / "myduc.pdf")
    page = document[0]
    text = page.get_textpage().get_text_range()
    codes = scan(page.render(scale=200 / 72).to_pil())
    document.close()
    assert "Quét mã để vào gian hàng trên" in text
    assert len(codes) == 1 + 6  # the shop and its six products
    assert all("?start=po_" in code or "?start=so_MYDUC" in code for code in codes)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["qr", "BABE-SA-10", "x.png"], "no bot username for the links"),
        (["qr", "BABE-SA-10", "x.png", "--channel", "messenger"], "no Page username"),
        (["qr", "BABE-SA-10", "x.jpg", "--bot-username", "ocop_bot"], "not a .png or .svg"),
        (["qr", "NOPE", "x.png", "--bot-username", "ocop_bot"], "no product or producer"),
        (["poster", "BABE", "x.png", "--bot-username", "ocop_bot"], "not a .pdf file"),
        (["poster", "BABE", "no/x.pdf", "--bot-username", "ocop_bot"], "no such folder"),
        (["poster", "NOPE", "x.pdf", "--bot-username", "a b"], "is not a Telegram username"),
    ],
)
def test_mistakes_get_one_line_and_exit_status_2(
    args: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    assert error in capsys.readouterr().err
