"""Telegram's HTML parse mode: markup to plain text plus message entities.

Strict on purpose: whatever Telegram would reject (and a few things it only tolerates, such as a
bare ``&``) fails here, so a bot that forgets to escape a product name fails in tests first.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip
_SIMPLE = {
    "b": "bold", "strong": "bold",
    "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler",
}  # fmt: skip
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class HtmlParseError(ValueError):
    """The markup Telegram would answer with "Bad Request: can't parse entities: <detail>"."""


@dataclass(frozen=True)
class Entity:
    type: str
    offset: int  # UTF-16 code units, as the Bot API counts
    length: int
    url: str | None = None
    language: str | None = None
    custom_emoji_id: str | None = None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "offset": self.offset, "length": self.length}
        if self.url is not None:
            data["url"] = self.url
        if self.language is not None:
            data["language"] = self.language
        if self.custom_emoji_id is not None:
            data["custom_emoji_id"] = self.custom_emoji_id
        return data

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Entity:
        return cls(
            type=str(data["type"]),
            offset=int(data["offset"]),
            length=int(data["length"]),
            url=data.get("url"),
            language=data.get("language"),
            custom_emoji_id=data.get("custom_emoji_id"),
        )


@dataclass(frozen=True)
class ParsedText:
    text: str
    entities: tuple[Entity, ...] = ()

    def slice(self, entity: Entity) -> str:
        """The part of the text an entity covers (offsets are UTF-16, so index by them)."""
        encoded = self.text.encode("utf-16-le")
        return encoded[entity.offset * 2 : (entity.offset + entity.length) * 2].decode("utf-16-le")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    start: int  # code points into the output
    url: str | None = None
    language: str | None = None
    emoji_id: str | None = None
    expandable: bool = False
    attrs: dict[str, str] = field(default_factory=dict)


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_entity(source: str, i: int) -> tuple[str, int] | None:
    """Decode the HTML entity starting at ``source[i] == "&"``; None when it is not one."""
    end = source.find(";", i + 1, i + 12)
    if end == -1:
        return None
    body = source[i + 1 : end]
    if body in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[body], end + 1
    if not body.startswith("#") or len(body) < 2:
        return None
    digits, base = (body[2:], 16) if body[1] in "xX" else (body[1:], 10)
    allowed = "0123456789abcdefABCDEF" if base == 16 else "0123456789"
    if not digits or any(ch not in allowed for ch in digits):
        return None
    code = int(digits, base)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), end + 1


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.n = len(source)
        self.out: list[str] = []
        self.stack: list[_Open] = []
        self.raw: list[Entity] = []  # offsets and lengths in code points until _finish

    def fail(self, message: str) -> HtmlParseError:
        return HtmlParseError(message)

    def at(self, j: int) -> str:
        return self.src[j] if j < self.n else ""

    def run(self) -> None:
        i = 0
        while i < self.n:
            ch = self.src[i]
            if ch == "&":
                decoded = _decode_entity(self.src, i)
                if decoded is None:
                    raise self.fail(
                        f'Character "&" at byte offset {_byte_offset(self.src, i)} '
                        'must be escaped as "&amp;"'
                    )
                self.out.append(decoded[0])
                i = decoded[1]
            elif ch != "<":
                self.out.append(ch)
                i += 1
            elif self.at(i + 1) == "/":
                i = self.end_tag(i)
            else:
                i = self.start_tag(i)
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )

    def start_tag(self, begin: int) -> int:
        j = begin + 1
        while j < self.n and not self.src[j].isspace() and self.src[j] != ">":
            j += 1
        offset = _byte_offset(self.src, begin)
        if j >= self.n:
            raise self.fail(f"Unclosed start tag at byte offset {offset}")
        tag = self.src[begin + 1 : j].lower()
        if tag not in SUPPORTED_TAGS:
            raise self.fail(f'Unsupported start tag "{tag}" at byte offset {offset}')
        attrs, j = self.attributes(tag, j, offset)
        node = _Open(tag=tag, start=len(self.out), attrs=attrs)
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        if tag == "a":
            node.url = attrs.get("href", "")
        elif tag == "code" and attrs.get("class", "").startswith("language-"):
            node.language = attrs["class"].removeprefix("language-")
        elif tag == "tg-emoji":
            node.emoji_id = attrs.get("emoji-id", "")
            if not node.emoji_id.isdigit():
                raise self.fail("Custom emoji entity must contain a valid custom emoji identifier")
        elif tag == "blockquote":
            node.expandable = "expandable" in attrs
        self.stack.append(node)
        return j + 1

    def attributes(self, tag: str, j: int, offset: int) -> tuple[dict[str, str], int]:
        attrs: dict[str, str] = {}
        while True:
            while j < self.n and self.src[j].isspace():
                j += 1
            if j >= self.n:
                raise self.fail(f"Unclosed start tag at byte offset {offset}")
            if self.src[j] == ">":
                return attrs, j
            name_start = j
            while j < self.n and not self.src[j].isspace() and self.src[j] not in "=>":
                j += 1
            name = self.src[name_start:j].lower()
            if not name:
                raise self.fail(f'Empty attribute name in the tag "{tag}" at byte offset {offset}')
            while j < self.n and self.src[j].isspace():
                j += 1
            if self.at(j) != "=":
                if tag == "blockquote" and name == "expandable":
                    attrs[name] = ""
                    continue
                raise self.fail(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {offset}'
                )
            j += 1
            while j < self.n and self.src[j].isspace():
                j += 1
            if j >= self.n:
                raise self.fail(f"Unclosed start tag at byte offset {offset}")
            attrs[name], j = self.attribute_value(j, offset)

    def attribute_value(self, j: int, offset: int) -> tuple[str, int]:
        quote = self.src[j]
        if quote not in "'\"":
            token_start = j
            while j < self.n and (self.src[j].isalnum() or self.src[j] in ".-"):
                j += 1
            if j < self.n and not self.src[j].isspace() and self.src[j] != ">":
                raise self.fail(
                    f"Unexpected end of name token at byte offset "
                    f"{_byte_offset(self.src, token_start)}"
                )
            return self.src[token_start:j].lower(), j
        j += 1
        value: list[str] = []
        while j < self.n and self.src[j] != quote:
            if self.src[j] == "&" and (decoded := _decode_entity(self.src, j)) is not None:
                value.append(decoded[0])
                j = decoded[1]
            else:
                value.append(self.src[j])
                j += 1
        if j >= self.n:
            raise self.fail(f"Unclosed start tag at byte offset {offset}")
        return "".join(value), j + 1

    def end_tag(self, begin: int) -> int:
        offset = _byte_offset(self.src, begin)
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {offset}")
        j = begin + 2
        while j < self.n and not self.src[j].isspace() and self.src[j] != ">":
            j += 1
        name = self.src[begin + 2 : j].lower()
        while j < self.n and self.src[j].isspace():
            j += 1
        if self.at(j) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {offset}")
        node = self.stack.pop()
        if name and name != node.tag:
            raise self.fail(
                f'Unmatched end tag at byte offset {offset}, expected "</{node.tag}>", '
                f'found "</{name}>"'
            )
        self.close(node)
        return j + 1

    def close(self, node: _Open) -> None:
        length = len(self.out) - node.start
        if not length:
            return
        kind = _SIMPLE.get(node.tag, node.tag)
        extra: dict[str, Any] = {}
        if node.tag == "a":
            if not node.url:
                return
            kind, extra = "text_link", {"url": node.url}
        elif node.tag == "code":
            extra = {"language": node.language}
        elif node.tag == "pre":
            # <pre><code class="language-x"> is one pre entity with a language, not two.
            inner = self.raw[-1] if self.raw else None
            if inner and (inner.type, inner.offset, inner.length) == ("code", node.start, length):
                self.raw.pop()
                extra = {"language": inner.language}
        elif node.tag == "blockquote":
            kind = "expandable_blockquote" if node.expandable else "blockquote"
        elif node.tag == "tg-emoji":
            kind, extra = "custom_emoji", {"custom_emoji_id": node.emoji_id}
        self.raw.append(Entity(kind, node.start, length, **extra))


def _finish(chars: list[str], raw: list[Entity]) -> ParsedText:
    """Trim surrounding whitespace as Telegram does and convert offsets to UTF-16 units."""
    text = "".join(chars)
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    limit = lead + len(stripped)
    prefix = [0]
    for ch in stripped:
        prefix.append(prefix[-1] + (2 if ord(ch) > 0xFFFF else 1))
    entities: list[Entity] = []
    for item in raw:
        start = max(item.offset, lead) - lead
        end = min(item.offset + item.length, limit) - lead
        if end <= start:
            continue
        language = item.language if item.type == "pre" else None
        entities.append(
            replace(
                item, offset=prefix[start], length=prefix[end] - prefix[start], language=language
            )
        )
    entities.sort(key=lambda e: (e.offset, -e.length))
    return ParsedText(stripped, tuple(entities))


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML; raises HtmlParseError with Telegram's wording of the problem."""
    parser = _Parser(source)
    parser.run()
    return _finish(parser.out, parser.raw)


def plain(source: str) -> ParsedText:
    """Text sent without a parse mode: kept as typed, apart from Telegram's trimming."""
    return ParsedText(source.strip())
