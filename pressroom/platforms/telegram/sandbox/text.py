"""Text as the Bot API reads it: `parse_mode` markup parsed into entities, the text cleaned
and trimmed, then its length counted.

Written after tdlib's own code (td/telegram/MessageEntity.cpp: parse_html, parse_markdown,
parse_markdown_v2, fix_formatted_text; td/telegram/misc.cpp: clean_input_string,
strip_empty_characters; MessageContent.cpp: the length checks) and telegram-bot-api's
get_formatted_text, without using the application's own counting:

- the markup is read byte by byte over UTF-8, so an error names the same byte offset
  Telegram names (`can't parse entities: Can't find end of Bold entity at byte offset 0`);
- entity offsets and lengths are in UTF-16 code units;
- control characters become spaces, `\\r`, U+2028-U+202E and three combining marks go, and
  spaces and line breaks are trimmed at both ends;
- a message's 4,096 and a caption's 1,024 count **characters** (Unicode code points, tdutils'
  utf8_length) of the text left after all that, not UTF-16 units and not the markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pressroom.platforms.telegram.sandbox.entities import Entity, count_utf16
from pressroom.platforms.telegram.sandbox.errors import bad_request
from pressroom.platforms.telegram.sandbox.html import parse_html
from pressroom.platforms.telegram.sandbox.markdown import MarkdownV2, parse_markdown

# telegram-bot-api refuses text over 32 KiB (bytes of UTF-8) before parsing it.
MAX_RAW_BYTES = 1 << 15

# What clean_input_string drops, and the characters strip_empty_characters takes for nothing.
DROPPED = frozenset("\r\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u0333\u033f\u030a")
EMPTY_LOOKING = frozenset(
    " \n\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202e\u202f\u205f\u2800\u3000\ufffc\u200b\u200c\u200d\u200e\u200f\ufeff\u00a0"
    "\t\r\v\f\0"
)
DIRECTION_MARKS = re.compile(r"[\u200e\u200f]+(?=[\u200e\u200f])")


def count_characters(text: str) -> int:
    """The text's length as the 4,096 and 1,024 limits count it: code points."""
    return len(text)


def cleaned(text: str, entities: list[Entity]) -> str:
    """clean_input_string: control characters become spaces, some characters go; entity
    offsets move with the text."""
    kept: list[str] = []
    # position[n]: where UTF-16 unit n of the old text lands in the new one.
    position: list[int] = []
    units = 0
    for character in text:
        width = 2 if ord(character) > 0xFFFF else 1
        position += [units] * width
        if character in DROPPED:
            continue
        kept.append(" " if ord(character) < 32 and character != "\n" else character)
        units += width
    position.append(units)
    for entity in entities:
        end = position[min(entity.offset + entity.length, len(position) - 1)]
        entity.offset = position[min(entity.offset, len(position) - 1)]
        entity.length = end - entity.offset
    entities[:] = [entity for entity in entities if entity.length > 0]
    return DIRECTION_MARKS.sub(lambda found: "\u200c" * len(found.group()), "".join(kept))


def trimmed(text: str, entities: list[Entity]) -> str:
    """Spaces and line breaks off both ends (at the start, only before the first entity)."""
    right = text.rstrip(" \n")
    end_units = count_utf16(right)
    kept: list[Entity] = []
    for entity in entities:
        if entity.offset >= end_units:
            continue
        entity.length = min(entity.length, end_units - entity.offset)
        kept.append(entity)
    first = min((entity.offset for entity in kept), default=len(right))
    strip = 0
    while strip < min(first, len(right)) and right[strip] in " \n":
        strip += 1
    for entity in kept:
        entity.offset -= strip
    entities[:] = kept
    return right[strip:]


def looks_empty(text: str) -> bool:
    """strip_empty_characters: nothing left but spaces and invisible characters."""
    return all(
        character in EMPTY_LOOKING or 0xE0000 <= ord(character) <= 0xE007F for character in text
    )


@dataclass(frozen=True)
class Formatted:
    text: str
    entities: list[dict[str, Any]]


def parsed_entities(data: bytes, mode: str) -> tuple[bytes, list[Entity]]:
    if mode == "html":
        return parse_html(data)
    if mode == "markdownv2":
        return MarkdownV2(data).parse()
    return parse_markdown(data)


def formatted(text: str, parse_mode: str, *, allow_empty: bool) -> Formatted:
    """The text and its entities as Telegram keeps them (get_formatted_text, then
    fix_formatted_text); `allow_empty` for a caption, which may be nothing."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_RAW_BYTES:
        raise bad_request("text is too long")
    mode = parse_mode.strip().lower()
    entities: list[Entity] = []
    if data and mode and mode != "none":
        if mode not in {"html", "markdown", "markdownv2"}:
            raise bad_request("unsupported parse_mode")
        data, entities = parsed_entities(data, mode)
    plain = cleaned(data.decode("utf-8", "replace"), entities)
    plain = trimmed(plain, entities)
    if looks_empty(plain):
        if not allow_empty:
            raise bad_request("text must be non-empty")
        return Formatted("", [])
    entities.sort(key=lambda entity: (entity.offset, -entity.length))
    return Formatted(plain, [entity.as_json() for entity in entities])
