"""Text as platforms see it: NFC normalisation and the ways each platform counts length."""

from __future__ import annotations

import re
import unicodedata

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
