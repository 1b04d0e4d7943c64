"""Text as the Bot API reads it: entities parsed from `parse_mode`, length in UTF-16 units."""

from __future__ import annotations

import html
import re
from typing import Any

from pressroom.platforms.telegram.sandbox_errors import bad_request


def count_utf16(text: str) -> int:
    """The text's length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# The HTML tags of the Bot API's HTML parse mode, and the entity each one makes.
HTML_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
}
HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>")
HREF = re.compile(r"""href\s*=\s*["']([^"']*)["']""")


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """The text as readers see it and its entities (offsets in UTF-16 units), as the Bot API
    parses `parse_mode=HTML`; a stray `<` or a tag it does not know is refused."""
    plain: list[str] = []
    entities: list[dict[str, Any]] = []
    open_tags: list[tuple[str, int, str]] = []
    offset = position = 0

    def add_data(data: str) -> None:
        nonlocal offset
        if "<" in data:
            raise bad_request('can\'t parse entities: unexpected "<" outside a tag')
        data = html.unescape(data)
        plain.append(data)
        offset += count_utf16(data)

    for tag in HTML_TAG.finditer(text):
        add_data(text[position : tag.start()])
        position = tag.end()
        closing, name = tag.group(1) == "/", tag.group(2).lower()
        if name not in HTML_ENTITIES:
            raise bad_request(f'can\'t parse entities: unsupported start tag "{name}"')
        if not closing:
            href = HREF.search(tag.group(3) or "")
            open_tags.append((name, offset, href.group(1) if href else ""))
            continue
        if not open_tags or open_tags[-1][0] != name:
            raise bad_request(f'can\'t parse entities: unexpected end tag "{name}"')
        _name, start, url = open_tags.pop()
        if offset > start:
            entity: dict[str, Any] = {
                "type": HTML_ENTITIES[name],
                "offset": start,
                "length": offset - start,
            }
            if url:
                entity["url"] = html.unescape(url)
            entities.append(entity)
    add_data(text[position:])
    if open_tags:
        raise bad_request(
            "can't parse entities: can't find end tag corresponding to start tag "
            f'"{open_tags[-1][0]}"'
        )
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(plain), entities


def parsed(text: str, parse_mode: str) -> tuple[str, list[dict[str, Any]]]:
    """The text after entities parsing (no parse mode: as sent, without entities)."""
    if not parse_mode:
        return text, []
    if parse_mode.upper() != "HTML":
        raise bad_request(f"unsupported parse_mode in the sandbox: {parse_mode} (use HTML)")
    return parse_html(text)
