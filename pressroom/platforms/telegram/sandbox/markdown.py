"""The Bot API's Markdown parse modes: legacy Markdown and MarkdownV2, as tdlib's
parse_markdown and parse_markdown_v2 read them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pressroom.platforms.telegram.sandbox.entities import (
    MARKDOWN_V2_RESERVED,
    TYPE_NAMES,
    Entity,
    Reader,
    cannot_parse,
    checked_link,
    link_entity,
    pre_language,
)
from pressroom.platforms.telegram.sandbox.errors import BotApiError


def parse_markdown(data: bytes) -> tuple[bytes, list[Entity]]:
    reader = Reader(data)
    at = reader.at
    entities: list[Entity] = []
    size = len(data)
    index = 0
    while index < size:
        byte = data[index]
        if byte == ord("\\") and at(index + 1) in b"_*`[":
            index += 1
            reader.out.append(data[index])
            reader.utf16 += 1
            index += 1
            continue
        if byte not in b"_*`[":
            reader.keep(byte)
            index += 1
            continue
        begin = index
        end_character = ord("]") if byte == ord("[") else byte
        is_pre = False
        index += 1
        language = ""
        if byte == ord("`") and at(index) == ord("`") and at(index + 1) == ord("`"):
            is_pre = True
            language, index = pre_language(reader, index + 2)
        offset = reader.utf16
        while index < size and (
            data[index] != end_character
            or (is_pre and not (at(index + 1) == ord("`") and at(index + 2) == ord("`")))
        ):
            reader.keep(data[index])
            index += 1
        if index == size:
            raise cannot_parse(f"Can't find end of the entity starting at byte offset {begin}")
        if offset != reader.utf16:
            length = reader.utf16 - offset
            if byte == ord("_"):
                entities.append(Entity("italic", offset, length))
            elif byte == ord("*"):
                entities.append(Entity("bold", offset, length))
            elif byte == ord("["):
                if at(index + 1) != ord("("):
                    url = data[begin + 1 : index].decode("utf-8", "replace")
                else:
                    index += 2
                    url_begin = index
                    while index < size and data[index] != ord(")"):
                        index += 1
                    url = data[url_begin:index].decode("utf-8", "replace")
                entities += link_entity(offset, length, url)
            elif is_pre:
                kind = "pre_code" if language else "pre"
                entities.append(Entity(kind, offset, length, language))
            else:
                entities.append(Entity("code", offset, length))
        if is_pre:
            index += 2
        index += 1
    return bytes(reader.out), entities


@dataclass
class OpenEntity:
    type: str
    argument: str
    offset: int
    byte_offset: int
    out_position: int


def reserved(character: int) -> BotApiError:
    return cannot_parse(
        f"Character '{chr(character)}' is reserved and must be escaped with the preceding '\\'"
    )


def not_ended(entity: OpenEntity) -> BotApiError:
    name = TYPE_NAMES.get(entity.type, entity.type)
    return cannot_parse(f"Can't find end of {name} entity at byte offset {entity.byte_offset}")


def v2_ends_entity(reader: Reader, index: int, top: OpenEntity, have_blockquote: bool) -> bool:
    at = reader.at
    byte = at(index)
    if (
        have_blockquote
        and byte == ord("\n")
        and (index + 1 == len(reader.data) or at(index + 1) != ord(">"))
    ):
        return True
    kind = top.type
    ends = {
        "bold": byte == ord("*"),
        "italic": byte == ord("_") and at(index + 1) != ord("_"),
        "code": byte == ord("`"),
        "pre": byte == ord("`") and at(index + 1) == ord("`") and at(index + 2) == ord("`"),
        "text_link": byte == ord("]"),
        "underline": byte == ord("_") and at(index + 1) == ord("_"),
        "strikethrough": byte == ord("~"),
        "spoiler": byte == ord("|") and at(index + 1) == ord("|"),
        "custom_emoji": byte == ord("]"),
    }
    ends["pre_code"] = ends["pre"]
    return ends.get(kind, False)


def v2_url(reader: Reader, index: int) -> tuple[str, int]:
    """The (…) after a link's text, escapes undone; index at its `)`."""
    at = reader.at
    url = bytearray()
    url_begin = index
    while index < len(reader.data) and at(index) != ord(")"):
        if at(index) == ord("\\") and 0 < at(index + 1) <= 126:
            url.append(at(index + 1))
            index += 2
            continue
        url.append(at(index))
        index += 1
    if at(index) != ord(")"):
        raise cannot_parse(f"Can't find end of a URL at byte offset {url_begin}")
    return url.decode("utf-8", "replace"), index


class MarkdownV2:
    """parse_markdown_v2, one method per part of its loop."""

    def __init__(self, data: bytes) -> None:
        self.reader = Reader(data)
        self.data = data
        self.entities: list[Entity] = []
        self.open: list[OpenEntity] = []
        self.have_blockquote = False
        self.can_start_blockquote = True

    def parse(self) -> tuple[bytes, list[Entity]]:
        reader, data = self.reader, self.data
        index = 0
        while index < len(data):
            byte = data[index]
            if byte == ord("\\") and 0 < reader.at(index + 1) <= 126:
                index += 1
                reader.utf16 += 1
                reader.out.append(data[index])
                if data[index] != ord("\r"):
                    self.can_start_blockquote = data[index] == ord("\n")
                index += 1
                continue
            characters = MARKDOWN_V2_RESERVED
            if self.open and self.open[-1].type in {"code", "pre", "pre_code"}:
                characters = b"`"
            if byte not in characters:
                if byte & 0xC0 != 0x80 and byte != ord("\r"):
                    self.can_start_blockquote = False
                reader.keep(byte)
                index += 1
                continue
            if self.open and v2_ends_entity(reader, index, self.open[-1], self.have_blockquote):
                index = self.end_entity(index)
            else:
                index = self.begin_entity(index)
            index += 1
        self.finish()
        return bytes(reader.out), self.entities

    def begin_entity(self, index: int) -> int:
        reader = self.reader
        at = reader.at
        byte = at(index)
        byte_offset = index
        argument = ""
        kind: str | None
        if byte == ord("_"):
            kind = "underline" if at(index + 1) == ord("_") else "italic"
            index += 1 if kind == "underline" else 0
        elif byte == ord("*"):
            kind = "bold"
        elif byte == ord("~"):
            kind = "strikethrough"
        elif byte == ord("|"):
            if at(index + 1) != ord("|"):
                raise reserved(byte)
            index += 1
            kind = "spoiler"
        elif byte == ord("["):
            kind = "text_link"
        elif byte == ord("`"):
            if at(index + 1) == ord("`") and at(index + 2) == ord("`"):
                argument, index = pre_language(reader, index + 3)
                kind = "pre_code" if argument else "pre"
                index -= 1
            else:
                kind = "code"
        elif byte == ord("!"):
            if at(index + 1) != ord("["):
                raise reserved(byte)
            index += 1
            kind = "custom_emoji"
        elif byte == ord("\n"):
            reader.utf16 += 1
            reader.out.append(byte)
            self.can_start_blockquote = True
            kind = None
        elif byte == ord(">"):
            if not self.can_start_blockquote:
                raise reserved(byte)
            kind = None if self.have_blockquote else "blockquote"
            self.have_blockquote = True
        else:
            raise reserved(byte)
        if kind is not None:
            self.open.append(OpenEntity(kind, argument, reader.utf16, byte_offset, len(reader.out)))
        return index

    def end_entity(self, index: int) -> int:
        reader = self.reader
        at = reader.at
        byte = at(index)
        top = self.open[-1]
        kind = top.type
        if byte == ord("\n") and kind != "blockquote":
            after_spoiler_mark = top.byte_offset == index - 2 or (
                top.byte_offset == index - 3 and reader.out[-1:] == b"\r"
            )
            if kind != "spoiler" or not after_spoiler_mark:
                raise not_ended(top)
            self.open.pop()
            top = self.open[-1]
            if top.type != "blockquote":
                raise not_ended(top)
            kind = "expandable_blockquote"
        argument = top.argument
        skip = reader.utf16 == top.offset
        if kind in {"underline", "spoiler"}:
            index += 1
        elif kind in {"pre", "pre_code"}:
            index += 2
        elif kind == "text_link":
            if at(index + 1) != ord("("):
                url = bytes(reader.out[top.out_position :]).decode("utf-8", "replace")
            else:
                url, index = v2_url(reader, index + 2)
            argument = checked_link(url)
            skip = skip or not argument
        elif kind == "custom_emoji":
            if at(index + 1) != ord("("):
                raise cannot_parse("The entity must contain a tg://emoji or tg://time URL")
            url, index = v2_url(reader, index + 2)
            emoji = re.fullmatch(r"tg://emoji\?id=([0-9]+)", url)
            date = re.fullmatch(r"tg://time\?unix=([0-9]+)(&.*)?", url)
            if emoji is not None:
                argument = emoji.group(1)
            elif date is not None:
                kind, argument = "date_time", date.group(1)
            else:
                raise cannot_parse("Invalid tg://emoji or tg://time URL specified")
        elif kind in {"blockquote", "expandable_blockquote"}:
            self.have_blockquote = False
            reader.out.append(byte)
            self.can_start_blockquote = True
            reader.utf16 += 1
            skip = False
        if not skip:
            self.entities.append(Entity(kind, top.offset, reader.utf16 - top.offset, argument))
        self.open.pop()
        return index

    def finish(self) -> None:
        reader = self.reader
        if self.have_blockquote and self.open:
            kind = "blockquote"
            top = self.open[-1]
            if top.type == "spoiler" and top.byte_offset == len(self.data) - 2:
                self.open.pop()
                kind = "expandable_blockquote"
            if self.open and self.open[-1].type == "blockquote":
                top = self.open.pop()
                self.have_blockquote = False
                if reader.utf16 != top.offset:
                    self.entities.append(Entity(kind, top.offset, reader.utf16 - top.offset))
        if self.open:
            raise not_ended(self.open[-1])
