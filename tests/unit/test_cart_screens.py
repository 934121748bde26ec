"""A cart's lines a page at a time, and long texts kept within a message."""

from collections.abc import Iterator

import pytest

from bot.i18n import build_i18n
from catalog.services.cart import CartLineView, CartView, ProducerGroup, cart_page
from catalog.snapshot import CatalogSnapshot
from storefront.actions import CartAction, ChangeCartPage
from storefront.cart import cart_screen
from storefront.format import fit_text, visible_length


def line(product_id: int, producer_id: int) -> CartLineView:
    return CartLineView(
        product_id=product_id, sku=f"SKU-{product_id}", producer_id=producer_id,
        name_vi=f"Sản phẩm {product_id}", name_en=f"Product {product_id}",
        unit_vi="hộp", unit_en="box", price=10_000 * product_id, quantity=1, stock=9,
        active=True,
    )  # fmt: skip


# Three producers, 12 lines: producer 1 has 1-5, producer 2 has 6-7, producer 3 has 8-12.
CART = CartView(
    (
        ProducerGroup(1, tuple(line(n, 1) for n in range(1, 6))),
        ProducerGroup(2, tuple(line(n, 2) for n in range(6, 8))),
        ProducerGroup(3, tuple(line(n, 3) for n in range(8, 13))),
    )
)


def shown(page: int) -> list[tuple[int, list[int]]]:
    found = cart_page(CART, page, size=5)
    return [(g.group.producer_id, [ln.product_id for ln in g.lines]) for g in found.groups]


def test_a_cart_page_shows_its_lines_under_their_producers() -> None:
    assert shown(0) == [(1, [1, 2, 3, 4, 5])]
    assert shown(1) == [(2, [6, 7]), (3, [8, 9, 10])]
    assert shown(2) == [(3, [11, 12])]
    middle = cart_page(CART, 1, size=5)
    assert (middle.page, middle.pages) == (1, 3)
    # A producer's subtotal and the total are the whole cart's, whatever the page.
    assert middle.groups[1].group.subtotal == sum(10_000 * n for n in range(8, 13))
    assert middle.cart.total == sum(10_000 * n for n in range(1, 13))


def test_a_page_that_no_longer_exists_shows_the_nearest_one() -> None:
    assert cart_page(CART, 9, size=5).page == 2
    assert cart_page(CART, -1, size=5).page == 0
    empty = cart_page(CartView(()), 3)
    assert (empty.groups, empty.page, empty.pages) == ((), 0, 1)


@pytest.fixture
def english() -> Iterator[None]:
    i18n = build_i18n()
    with i18n.context(), i18n.use_locale("en"):
        yield


@pytest.mark.usefixtures("english")
def test_a_text_within_the_limit_is_left_as_it_is() -> None:
    assert fit_text(["<b>Head</b>"], ["a &amp; b", "c"], ["tail"], limit=20) == (
        "<b>Head</b>\na &amp; b\nc\ntail"
    )
    # Telegram counts what is shown: tags and escapes are not counted as written.
    assert visible_length("<b>Head</b>\na &amp; b") == len("Head\na & b")


@pytest.mark.usefixtures("english")
def test_a_text_over_the_limit_gives_up_its_last_lines_and_says_how_many() -> None:
    body = [f"• <b>line {n}</b> &lt;" + "x" * 80 for n in range(100)]
    text = fit_text(["🧾 Head"], body, ["Total: 1", "📍 Address"], limit=1000)
    assert visible_length(text) <= 1000
    assert text.startswith("🧾 Head\n• <b>line 0</b>")
    kept = sum(1 for n in range(100) if f"line {n}<" in text)
    assert 5 < kept < 100
    assert f"…and {100 - kept} more lines\nTotal: 1\n📍 Address" in text


@pytest.mark.usefixtures("english")
def test_a_cart_screen_shows_one_page_whose_buttons_keep_to_it() -> None:
    screen = cart_screen(CART, CatalogSnapshot({}, {}, {}), 1, limit=4096)
    assert [item.label for item in screen.items] == [f"Product {n} × 1" for n in range(6, 11)]
    assert {choice.action for item in screen.items for choice in item.choices} == {
        ChangeCartPage(action=step, id=n, page=1)
        for step in (CartAction.less, CartAction.more, CartAction.remove)
        for n in range(6, 11)
    }
    pages, ways, _catalog = screen.choices
    assert [(choice.label, choice.action) for choice in pages] == [
        ("◀️", ChangeCartPage(action=CartAction.show, page=0)),
        ("Page 2/3", ChangeCartPage(action=CartAction.show, page=1)),
        ("▶️", ChangeCartPage(action=CartAction.show, page=2)),
    ]
    assert [choice.action for choice in ways] == [
        ChangeCartPage(action=CartAction.clear, page=1),
        ChangeCartPage(action=CartAction.checkout, page=1),
    ]
    assert "12 products · page 2/3" in screen.text
    assert "Total: " in screen.text
