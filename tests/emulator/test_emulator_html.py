"""Telegram's HTML parse mode as the emulator applies it."""

import pytest

from emulators.telegram.html import HtmlParseError, parse_html, utf16_len


def test_nested_tags_become_entities_with_utf16_offsets() -> None:
    parsed = parse_html(
        "😀 <b>Gốm <i>Bát Tràng</i></b> &amp; <a href='https://x.vn/?a=1&amp;b=2'>chè</a>"
    )

    assert parsed.text == "😀 Gốm Bát Tràng & chè"
    kinds = [(e.type, e.offset, e.length) for e in parsed.entities]
    # The emoji is two UTF-16 code units, so "Gốm" starts at 3, not 2.
    assert kinds == [("bold", 3, 13), ("italic", 7, 9), ("text_link", 19, 3)]
    assert parsed.slice(parsed.entities[1]) == "Bát Tràng"
    assert parsed.entities[2].url == "https://x.vn/?a=1&b=2"


def test_pre_with_language_code_is_one_pre_entity() -> None:
    parsed = parse_html('<pre><code class="language-python">x = 1</code></pre>')

    assert [(e.type, e.language) for e in parsed.entities] == [("pre", "python")]


def test_spoiler_blockquote_emoji_and_numeric_entities() -> None:
    source = (
        '<span class="tg-spoiler">a</span><tg-spoiler>b</tg-spoiler>'
        "<blockquote expandable>c</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        "&#65;&#x1F600;&lt;&gt;&quot;"
    )
    parsed = parse_html(source)

    assert parsed.text == 'abc👍A😀<>"'
    assert [e.type for e in parsed.entities] == [
        "spoiler",
        "spoiler",
        "expandable_blockquote",
        "custom_emoji",
    ]
    assert parsed.entities[3].custom_emoji_id == "5368324170671202286"
    assert (parsed.entities[3].offset, parsed.entities[3].length) == (3, 2)
    assert utf16_len(parsed.text) == 11


def test_surrounding_whitespace_is_trimmed_and_entities_follow() -> None:
    parsed = parse_html("\n  <b>Xin chào</b>\n\n")

    assert parsed.text == "Xin chào"
    assert [(e.offset, e.length) for e in parsed.entities] == [(0, 8)]


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("Giá < 100.000đ", 'Unsupported start tag "" at byte offset 5'),
        ("Tôm & Cua", 'Character "&" at byte offset 5 must be escaped as "&amp;"'),
        ("a &nbsp; b", 'Character "&" at byte offset 2'),
        ("<b>Chè</b> <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 12'),
        ("<b>đậm", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
def test_invalid_markup_is_rejected_with_telegram_wording(source: str, detail: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(source)

    assert detail in str(caught.value)


def test_a_greater_than_sign_alone_is_fine() -> None:
    assert parse_html("5 > 3").text == "5 > 3"
