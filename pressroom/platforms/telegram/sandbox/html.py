"""The Bot API's HTML parse mode, as tdlib's parse_html reads it."""

from __future__ import annotations

from dataclasses import dataclass

from pressroom.platforms.telegram.sandbox.entities import (
    SPACES,
    Entity,
    Reader,
    cannot_parse,
    link_entity,
)

HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "tg-time",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
HTML_TAG_ENTITIES = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}


def decode_html_entity(data: bytes, position: int) -> tuple[int, int]:
    """The character an `&…;` reference at `position` stands for (0 if none) and where the
    text goes on; only &lt; &gt; &amp; &quot; and numeric references are known."""
    reader = Reader(data)
    end = position + 1
    code = 0
    if reader.at(position + 1) == ord("#"):
        end += 1
        if reader.at(position + 2) == ord("x"):
            end += 1
            while chr(reader.at(end)) in "0123456789abcdefABCDEF" and reader.at(end):
                code = code * 16 + int(chr(reader.at(end)), 16)
                end += 1
        else:
            while ord("0") <= reader.at(end) <= ord("9"):
                code = code * 10 + reader.at(end) - ord("0")
                end += 1
        if code == 0 or code >= 0x10FFFF or end - position >= 10:
            return 0, position
    else:
        while chr(reader.at(end)).isascii() and chr(reader.at(end)).isalpha():
            end += 1
        name = data[position + 1 : end]
        code = {b"lt": ord("<"), b"gt": ord(">"), b"amp": ord("&"), b"quot": ord('"')}.get(name, 0)
        if not code:
            return 0, position
    return code, end + 1 if reader.at(end) == ord(";") else end


def utf8_of(code: int) -> bytes:
    return chr(code).encode("utf-8", "surrogatepass")


@dataclass
class OpenTag:
    name: str
    argument: str
    offset: int
    out_position: int


def html_attribute_value(reader: Reader, index: int) -> tuple[str, int]:
    """A quoted or bare attribute value starting at `index`, and where the tag goes on."""
    at = reader.at
    if at(index) not in (ord("'"), ord('"')):
        begin = index
        while chr(at(index)).isascii() and (chr(at(index)).isalnum() or at(index) in b".-"):
            index += 1
        if at(index) not in SPACES and at(index) != ord(">"):
            raise cannot_parse(f"Unexpected end of name token at byte offset {begin}")
        return reader.data[begin:index].decode("utf-8", "replace").lower(), index
    quote = at(index)
    index += 1
    value = bytearray()
    while at(index) != quote and at(index) != 0:
        if at(index) == ord("&"):
            code, after = decode_html_entity(reader.data, index)
            if code:
                value += utf8_of(code)
                index = after
                continue
        value.append(at(index))
        index += 1
    if at(index) == quote:
        index += 1
    return value.decode("utf-8", "surrogatepass"), index


def html_start_tag(reader: Reader, begin: int) -> tuple[OpenTag, int]:
    """The start tag at `begin` (its `<`); returns it and the index of its `>`."""
    at = reader.at
    index = begin + 1
    while at(index) not in SPACES and at(index) != ord(">"):
        index += 1
    if at(index) == 0:
        raise cannot_parse(f"Unclosed start tag at byte offset {begin}")
    name = reader.data[begin + 1 : index].decode("utf-8", "replace").lower()
    if name not in HTML_TAGS:
        raise cannot_parse(f'Unsupported start tag "{name}" at byte offset {begin}')
    argument = ""
    while at(index) != ord(">"):
        while at(index) != 0 and at(index) in SPACES:
            index += 1
        if at(index) == ord(">"):
            break
        attribute_begin = index
        while at(index) not in SPACES and at(index) not in b"=>/\"'":
            index += 1
        attribute = reader.data[attribute_begin:index].decode("utf-8", "replace")
        if not attribute:
            raise cannot_parse(f'Empty attribute name in the tag "{name}" at byte offset {begin}')
        while at(index) != 0 and at(index) in SPACES:
            index += 1
        if at(index) != ord("="):
            if at(index) == 0:
                raise cannot_parse(f'Unclosed start tag "{name}" at byte offset {begin}')
            if name == "blockquote" and attribute == "expandable":
                argument = "1"
            continue
        index += 1
        while at(index) != 0 and at(index) in SPACES:
            index += 1
        if at(index) == 0:
            raise cannot_parse(f'Unclosed start tag "{name}" at byte offset {begin}')
        value, index = html_attribute_value(reader, index)
        if at(index) == 0:
            raise cannot_parse(f"Unclosed start tag at byte offset {begin}")
        argument = html_argument(name, attribute, value, argument)
    if name == "span" and argument != "spoiler":
        raise cannot_parse(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    return OpenTag(name, argument, reader.utf16, len(reader.out)), index


def html_argument(tag: str, attribute: str, value: str, argument: str) -> str:
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value[9:]
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value[3:]
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    if tag == "blockquote" and attribute == "expandable":
        return "1"
    if tag == "tg-time" and attribute == "unix":
        return value
    return argument


def html_entity(tag: OpenTag, reader: Reader, entities: list[Entity]) -> None:
    """The entity a closed tag makes, added to `entities`."""
    offset, length = tag.offset, reader.utf16 - tag.offset
    name = tag.name
    if name in HTML_TAG_ENTITIES:
        entities.append(Entity(HTML_TAG_ENTITIES[name], offset, length))
    elif name == "tg-emoji":
        if not tag.argument.isdigit() or int(tag.argument) == 0:
            raise cannot_parse("Invalid custom emoji identifier specified")
        entities.append(Entity("custom_emoji", offset, length, tag.argument))
    elif name == "tg-time":
        if tag.argument.isdigit() and int(tag.argument) > 0:
            entities.append(Entity("date_time", offset, length, tag.argument))
    elif name == "a":
        url = tag.argument or bytes(reader.out[tag.out_position :]).decode("utf-8", "replace")
        entities += link_entity(offset, length, url)
    elif name == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last.type == "code"
            and (last.offset, last.length) == (offset, length)
            and last.argument
        ):
            last.type = "pre_code"
        else:
            entities.append(Entity("pre", offset, length))
    elif name == "code":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last.type == "pre"
            and (last.offset, last.length) == (offset, length)
            and tag.argument
        ):
            last.type, last.argument = "pre_code", tag.argument
        else:
            entities.append(Entity("code", offset, length, tag.argument))
    else:  # blockquote
        kind = "expandable_blockquote" if tag.argument else "blockquote"
        entities.append(Entity(kind, offset, length))


def parse_html(data: bytes) -> tuple[bytes, list[Entity]]:
    reader = Reader(data)
    at = reader.at
    entities: list[Entity] = []
    open_tags: list[OpenTag] = []
    index = 0
    while index < len(data):
        byte = data[index]
        if byte == ord("&"):
            code, after = decode_html_entity(data, index)
            if code:
                reader.utf16 += 2 if code > 0xFFFF else 1
                reader.out += utf8_of(code)
                index = after
                continue
        if byte != ord("<"):
            reader.keep(byte)
            index += 1
            continue
        begin = index
        if at(index + 1) != ord("/"):
            tag, index = html_start_tag(reader, begin)
            open_tags.append(tag)
            index += 1
            continue
        if not open_tags:
            raise cannot_parse(f"Unexpected end tag at byte offset {begin}")
        index += 2
        while at(index) not in SPACES and at(index) != ord(">"):
            index += 1
        end_name = data[begin + 2 : index].decode("utf-8", "replace").lower()
        while at(index) in SPACES and at(index) != 0:
            index += 1
        if at(index) != ord(">"):
            raise cannot_parse(f"Unclosed end tag at byte offset {begin}")
        tag = open_tags[-1]
        if end_name and end_name != tag.name:
            raise cannot_parse(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        if reader.utf16 > tag.offset:
            html_entity(tag, reader, entities)
        open_tags.pop()
        index += 1
    if open_tags:
        raise cannot_parse(f'Can\'t find end tag corresponding to start tag "{open_tags[-1].name}"')
    for entity in entities:
        if entity.type == "code":
            entity.argument = ""
    return bytes(reader.out), entities
