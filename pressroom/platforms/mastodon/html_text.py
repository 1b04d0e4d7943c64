"""A status's `content` (the HTML Mastodon renders) as the plain text a person wrote.

Mastodon's HTML is a small, sanitised subset (Sanitize::Config::MASTODON_STRICT): paragraphs,
line breaks, links, mention and hashtag spans, and since 4.x lists, quotes, code, emphasis.
The standard library's HTMLParser reads it, however malformed; what is kept:
- paragraphs are separated by a blank line, `<br>` is a line break, list items start a line;
- a link is its text; a long link's hidden parts (`<span class="invisible">`) are part of it,
  so the whole address comes back, as a person copying it would get;
- the `quote-inline` paragraph ("RE: <link>") Mastodon 4.5 adds for clients without quotes is
  left out: the quote itself is the status's `quote`;
- entities are decoded; the text is NFC (Vietnamese typed on some keyboards arrives
  decomposed).
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

BLOCKS = frozenset({"p", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"})
DROPPED = frozenset({"script", "style", "template"})
# Elements without an end tag: they never open a dropped region.
VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr", "area", "source"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        # Depth inside an element whose text is left out (0: not inside one).
        self.dropping = 0

    def _break(self, text: str) -> None:
        if self.parts:
            self.parts.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping:
            if tag not in VOID:
                self.dropping += 1
            return
        classes = " ".join(value or "" for name, value in attrs if name == "class").split()
        if tag in DROPPED or "quote-inline" in classes:
            self.dropping = 1
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self._break("\n")
        elif tag in BLOCKS:
            self._break("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self.dropping:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag not in VOID:
                self.dropping -= 1
            return
        if tag in BLOCKS:
            self._break("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.parts.append(data)


def html_to_text(content: str) -> str:
    """Plain text from a status's HTML content (see the module's docstring)."""
    collector = _TextCollector()
    try:
        collector.feed(content)
        collector.close()
        text = "".join(collector.parts)
    except AssertionError:
        # The parser gives up on some broken declarations (`<![` and a control character),
        # which Mastodon never sends: then the tags are simply taken out.
        text = html.unescape(re.sub(r"<[^<>]*>", "", content))
    # Spaces at the ends of lines come from the markup, not from the writer.
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return unicodedata.normalize("NFC", text.strip())
