"""Text as platforms see it: NFC normalisation, the ways each platform counts length, what a
one-line field refuses, and the folded form that text is searched and matched in."""

from __future__ import annotations

import unicodedata

import regex
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

# A link as Mastodon finds one (twitter-text's rules), never longer than Mastodon's: after a
# character that is not an ASCII letter or digit, @, $ or #; a host with a top-level domain
# (letters, or punycode); a path that does not end in punctuation or an unbalanced
# parenthesis; an ASCII query. Where this is unsure it ends the link early, so the count is
# never below Mastodon's.
_PATH_CHAR = r"[^\s<>()?]"
_PATH_END = r"(?:[^\s<>()?!*\"'「」;:=,.$%\[\]~&|@]|\([A-Za-z0-9\-_.~%]+\))"
URL_RE = regex.compile(
    r"(?<![A-Za-z0-9@$#\uff20\uff03])https?://"
    r"(?:[^\W_](?:[^\W_]|-){0,62}\.)+(?:\p{L}{2,63}|xn--[0-9a-z]+)(?![0-9a-z@+\-])"
    r"(?::[0-9]+)?"
    rf"(?:/(?:{_PATH_CHAR}*(?:\({_PATH_CHAR}+\){_PATH_CHAR}*)*{_PATH_END})?)?"
    r"(?:\?[A-Za-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@^]*[A-Za-z0-9_&=#/\-])?",
    regex.IGNORECASE | regex.VERSION0,
)


def nfc(text: str) -> str:
    """Vietnamese often arrives decomposed (NFD); store and count it composed."""
    return unicodedata.normalize("NFC", text or "")


def fold(text: str) -> str:
    """The text as it is searched and compared: NFC, casefolded, without diacritics (đ → d),
    only letters and digits, in words separated by single spaces (punctuation and emoji are
    dropped). "Tiếp CÔNG dân!" and "tiep cong dan" fold the same, NFD input too."""
    folded = nfc(text).casefold().replace("đ", "d")
    words: list[str] = []
    current: list[str] = []
    for char in unicodedata.normalize("NFD", folded):
        category = unicodedata.category(char)
        if category.startswith("M"):
            # A combining mark (a tone or a vowel's hat, horn or breve): dropped.
            continue
        if category[0] in "LN":
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return " ".join(words)


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
