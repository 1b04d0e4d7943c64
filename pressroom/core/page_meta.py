"""What a web page says about itself for a link card: its title, description and image.

Open Graph first (`og:title`, `og:description`, `og:image`), then `<title>` and
`<meta name="description">`. Read with the standard library's forgiving HTML parser: any
bytes give an answer, never an exception.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

MAX_TITLE = 300
MAX_DESCRIPTION = 1000
MAX_IMAGE_URL = 1000
MAX_SITE_NAME = 200
_CHARSET_IN_PAGE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class PageMeta:
    title: str = ""
    description: str = ""
    image_url: str = ""
    site_name: str = ""


def clean(text: str, limit: int) -> str:
    """One line of NFC text without control characters, at most `limit` characters (cut at a
    word where it can be, with an ellipsis)."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(_one_line(char) for char in text)
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def _one_line(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Cf":
        # Invisible formatting (a zero-width joiner inside an emoji) stays.
        return char
    return " " if category[0] in "CZ" else char


def decode(content: bytes, charset: str = "") -> str:
    """The page's text: in the charset the answer named, or the page's own `<meta charset>`,
    or UTF-8; characters that do not decode are replaced, never an error."""
    for candidate in (charset, _page_charset(content), "utf-8"):
        if not candidate:
            continue
        try:
            codecs.lookup(candidate)
            return content.decode(candidate, errors="replace")
        except (LookupError, ValueError):
            continue
    return content.decode("utf-8", errors="replace")


def _page_charset(content: bytes) -> str:
    match = _CHARSET_IN_PAGE.search(content[:4096])
    return match.group(1).decode("ascii", errors="ignore") if match else ""


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.properties: dict[str, str] = {}
        self.title_parts: list[str] = []
        self._in_title = False
        self._title_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self._title_done:
            self._in_title = True
        elif tag == "meta":
            values = {name.lower(): value or "" for name, value in attrs}
            key = (values.get("property") or values.get("name") or "").strip().lower()
            if key and "content" in values:
                # The first one counts, as the platforms' crawlers read it.
                self.properties.setdefault(key, values["content"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self._title_done = True

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)


def image_address(value: str, base_url: str) -> str:
    """The image's absolute web address, or "" for anything but an http(s) address."""
    value = value.strip()
    if not value:
        return ""
    try:
        absolute = urljoin(base_url, value)
        parts = urlsplit(absolute)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return ""
    if len(absolute) > MAX_IMAGE_URL or any(char.isspace() for char in absolute):
        return ""
    return absolute


def read_meta(html: str, base_url: str = "") -> PageMeta:
    """The page's title, description, image and site name, as a link card shows them."""
    parser = _MetaParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        # The parser gives up on some broken markup: what it read so far still counts.
        pass
    found = parser.properties
    title = found.get("og:title") or found.get("twitter:title") or "".join(parser.title_parts)
    description = (
        found.get("og:description")
        or found.get("twitter:description")
        or found.get("description")
        or ""
    )
    image = found.get("og:image") or found.get("og:image:url") or found.get("twitter:image") or ""
    return PageMeta(
        title=clean(title, MAX_TITLE),
        description=clean(description, MAX_DESCRIPTION),
        image_url=image_address(image, base_url),
        site_name=clean(found.get("og:site_name", ""), MAX_SITE_NAME),
    )
