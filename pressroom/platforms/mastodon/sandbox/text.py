"""How long Mastodon finds a status, as its StatusLengthValidator counts it.

Mastodon (app/validators/status_length_validator.rb) counts the grapheme clusters of the
content warning followed by the text, after replacing in the text every URL twitter-text
extracts (with a protocol only) by 23 characters and every mention `@user@domain` by `@user`.
The URL rules are twitter-text's `valid_url` as Mastodon's config/initializers/twitter_regex.rb
changes them: a URL starts after a character that is not a letter, digit, `@`, `$` or `#`; its
domain ends in a top-level domain; trailing punctuation (`.`, `,`, `!`, `?`, `:`, `;`, quotes,
…) and an unbalanced `)` are not part of it.

One difference, on purpose: twitter-text knows IANA's list of top-level domains; here any
alphabetic label of two or more letters (or `xn--…`) is one, so a made-up TLD counts as a URL
where Mastodon would count its characters.
"""

from __future__ import annotations

import regex

URL_LENGTH = 23
MAX_URL_LENGTH = 4096

DIRECTIONAL = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
INVALID = "\ufffe\ufeff\uffff"
UNICODE_SPACES = (
    "\u0009-\u000d\u0020\u0085\u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
PUNCTUATION = r"!\"#$%&'()*+,\-./:;<=>?@\[\]^_`{|}~"
LATIN_ACCENTS = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259"
    "\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
UCHARS = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd"
    "\U00030000-\U0003fffd\U00040000-\U0004fffd\U00050000-\U0005fffd\U00060000-\U0006fffd"
    "\U00070000-\U0007fffd\U00080000-\U0008fffd\U00090000-\U0009fffd\U000a0000-\U000afffd"
    "\U000b0000-\U000bfffd\U000c0000-\U000cfffd\U000d0000-\U000dfffd\U000e1000-\U000efffd"
    "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
)

# Fullwidth @ and # too (U+FF20, U+FF03).
PRECEDING = rf"(?:[^A-Z0-9@\uff20$#\uff03{INVALID}]|[{DIRECTIONAL}]|^)"
DOMAIN_CHAR = rf"[^{DIRECTIONAL}{PUNCTUATION}\x00-\x20\x7f{INVALID}{UNICODE_SPACES}]"
SUBDOMAIN = rf"(?:(?:{DOMAIN_CHAR}(?:[_-]|{DOMAIN_CHAR})*)?{DOMAIN_CHAR}\.)"
DOMAIN_NAME = rf"(?:(?:{DOMAIN_CHAR}(?:-|{DOMAIN_CHAR})*)?{DOMAIN_CHAR}\.)"
TLD = r"(?:(?:\p{L}{2,63}|xn--[0-9a-z]+)(?=[^0-9a-z@+-]|$))"
DOMAIN = rf"(?:{SUBDOMAIN}*{DOMAIN_NAME}{TLD})"
PORT = r"[0-9]+"

# twitter-text's own path characters, which Mastodon's end-of-path rule still uses inside
# parentheses (its initializer redefines the parentheses only after that rule).
GEM_PATH_CHAR = rf"[a-z\p{{Cyrillic}}0-9!*';:=+,.$/%#\[\]\p{{Pd}}_~&|@{LATIN_ACCENTS}]"
GEM_PARENS = rf"\((?:{GEM_PATH_CHAR}+|(?:{GEM_PATH_CHAR}*\({GEM_PATH_CHAR}+\){GEM_PATH_CHAR}*))\)"
PATH_CHAR = r"[^\p{White_Space}<>()?]"
PARENS = rf"\((?:{PATH_CHAR}+|(?:{PATH_CHAR}*\({PATH_CHAR}+\){PATH_CHAR}*))\)"
PATH_END = rf"(?:[^\p{{White_Space}}()?!*\"'「」<>;:=,.$%\[\]~&|@]|(?:{GEM_PARENS}))"
PATH = rf"(?:(?:{PATH_CHAR}*(?:{PARENS}{PATH_CHAR}*)*{PATH_END})|(?:{PATH_CHAR}+/))"
QUERY_CHAR = rf"[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@^{UCHARS}]"
QUERY_END = rf"[a-z0-9_&=#/\-{UCHARS}]"

URL = regex.compile(
    rf"({PRECEDING})"
    r"("
    r"((?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://)?"
    rf"({DOMAIN})"
    rf"(?::({PORT}))?"
    rf"(/{PATH}*)?"
    rf"(\?{QUERY_CHAR}*{QUERY_END})?"
    r")",
    regex.IGNORECASE | regex.VERSION0,
)

# Mastodon's Account::MENTION_RE, and twitter-text's rule for what may not follow a mention.
MENTION = regex.compile(
    r"(?<![=/\w])@(([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@[\w]+(?:[.-]+[\w]+)*)?)",
    regex.IGNORECASE,
)
AFTER_MENTION = regex.compile(rf"^(?:[@\uff20]|[{LATIN_ACCENTS}]|://)", regex.IGNORECASE)


def _valid_domain(url: str, domain: str) -> bool:
    try:
        encoded = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return len(url) + max(0, len(encoded) - len(domain)) <= MAX_URL_LENGTH


def urls(text: str) -> list[tuple[int, int]]:
    """Where the URLs (with a protocol) are, as twitter-text extracts them for Mastodon."""
    if ":" not in text:
        return []
    found = []
    for match in URL.finditer(text):
        if not match.group(3):
            continue
        if not _valid_domain(match.group(2), match.group(4)):
            continue
        found.append((match.start(2), match.end(2)))
    return found


def mentions(text: str) -> list[tuple[int, int, str]]:
    """Where the mentions are, with what Mastodon counts for each (`@user`)."""
    if "@" not in text and "\uff20" not in text:
        return []
    found = []
    for match in MENTION.finditer(text):
        if AFTER_MENTION.match(text[match.end() :]):
            continue
        found.append((match.start(), match.end(), "@" + match.group(2)))
    return found


def countable_text(text: str) -> str:
    """The text with each URL as 23 characters and each mention without its domain."""
    entities = [(start, end, "x" * URL_LENGTH) for start, end in urls(text)]
    entities += mentions(text)
    entities.sort(key=lambda entity: entity[0])
    kept: list[tuple[int, int, str]] = []
    for entity in entities:
        # twitter-text's remove_overlapping_entities: the earlier one wins.
        if kept and kept[-1][1] > entity[0]:
            continue
        kept.append(entity)
    parts = []
    position = 0
    for start, end, replacement in kept:
        parts.append(text[position:start])
        parts.append(replacement)
        position = end
    parts.append(text[position:])
    return "".join(parts)


def graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


def status_length(text: str, spoiler_text: str = "") -> int:
    """What Mastodon compares with the instance's max_characters."""
    return graphemes(spoiler_text + countable_text(text))
