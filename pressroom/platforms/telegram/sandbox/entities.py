"""What the Bot API's markup parsers share: the entities they make, a reader of UTF-8 bytes
as tdlib reads them, the links a text_link may hold (see text.py for the whole)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pressroom.platforms.telegram.sandbox.errors import BotApiError, bad_request

# tdlib's names for entity types, as its error messages say them.
TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "pre_code": "PreCode",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "blockquote": "BlockQuote",
}
SPACES = frozenset(b" \t\r\n\0\v\f")
MARKDOWN_V2_RESERVED = b"_*[]()~`>#+-=|{}.!\n"
LINK_SCHEMES = frozenset({"http", "https", "tg", "ton", "tonsite"})
HOST = re.compile(r"[A-Za-z0-9\u00a1-\uffff]([A-Za-z0-9\u00a1-\uffff.-]*[A-Za-z0-9\u00a1-\uffff])?")


def count_utf16(text: str) -> int:
    """The text's length in UTF-16 code units (how entity offsets are counted)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def cannot_parse(message: str) -> BotApiError:
    return bad_request(f"can't parse entities: {message}")


@dataclass
class Entity:
    type: str
    offset: int
    length: int
    argument: str = ""

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"offset": self.offset, "length": self.length, "type": self.type}
        if self.type == "pre_code":
            body["type"] = "pre"
            body["language"] = self.argument
        elif self.type == "text_link":
            body["url"] = self.argument
        elif self.type == "custom_emoji":
            body["custom_emoji_id"] = self.argument
        elif self.type == "date_time":
            body["unix_time"] = int(self.argument)
        return body


@dataclass
class Reader:
    """A UTF-8 text being read byte by byte, as tdlib reads it (a NUL past its end)."""

    data: bytes
    out: bytearray = field(default_factory=bytearray)
    utf16: int = 0

    def at(self, index: int) -> int:
        return self.data[index] if index < len(self.data) else 0

    def keep(self, byte: int) -> None:
        if byte & 0xC0 != 0x80:
            self.utf16 += 2 if byte >= 0xF0 else 1
        self.out.append(byte)


def checked_link(url: str) -> str:
    """The link a text_link gets, or "" when Telegram would drop the entity (its
    LinkManager::get_checked_link, in short: http(s), tg, ton links with a host)."""
    url = url.strip()
    if not url:
        return ""
    scheme, separator, rest = url.partition("://")
    if not separator:
        scheme, rest = "http", url
    scheme = scheme.lower()
    if scheme not in LINK_SCHEMES:
        return ""
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1].split(":")[0]
    if scheme in {"http", "https"} and not HOST.fullmatch(host):
        return ""
    return f"{scheme}://{rest}"


def link_entity(offset: int, length: int, url: str) -> list[Entity]:
    checked = checked_link(url)
    return [Entity("text_link", offset, length, checked)] if checked else []


def pre_language(reader: Reader, index: int) -> tuple[str, int]:
    """After an opening ```: the language (if one is given) and where the code starts, one
    line break skipped."""
    at = reader.at
    language = ""
    language_end = index
    while at(language_end) not in SPACES and at(language_end) != ord("`"):
        language_end += 1
    if index != language_end and language_end < len(reader.data) and at(language_end) != ord("`"):
        language = reader.data[index:language_end].decode("utf-8", "replace")
        index = language_end
    if at(index) in (ord("\n"), ord("\r")):
        if at(index + 1) in (ord("\n"), ord("\r")) and at(index) != at(index + 1):
            index += 2
        else:
            index += 1
    return language, index
