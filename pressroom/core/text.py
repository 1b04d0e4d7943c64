"""Text as platforms see it: NFC normalisation, the ways each platform counts length, and
what a one-line field refuses."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

URL_RE = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)


def nfc(text: str) -> str:
    """Vietnamese often arrives decomposed (NFD); store and count it composed."""
    return unicodedata.normalize("NFC", text or "")


def count_code_points(text: str) -> int:
    return len(nfc(text))


def count_utf16(text: str) -> int:
    """Telegram measures messages in UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(nfc(text).encode("utf-16-le")) // 2


def count_mastodon(text: str) -> int:
    """Mastodon counts every link as 23 characters, whatever its length."""
    normalised = nfc(text)
    return len(URL_RE.sub("x" * 23, normalised))


# What has no place in a one-line field (a title, a name): line breaks, tabs and the other
# control characters, and the Unicode line and paragraph separators. A title with a line break
# would split a notification's subject or a platform's first line.
LINE_SEPARATORS = frozenset("\u2028\u2029\x85")


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" or char in LINE_SEPARATORS for char in text)


def refuse_control_characters(value: str) -> None:
    """A form validator for one-line fields."""
    if has_control_characters(value):
        raise ValidationError(
            gettext("Write this on one line, without line breaks, tabs or control characters."),
            code="control_characters",
        )
