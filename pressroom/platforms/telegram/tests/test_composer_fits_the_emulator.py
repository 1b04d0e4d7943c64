"""What the composer accepts for Telegram, the emulator (counting as Telegram does) accepts.

The composer measures a variant with the application's counting (pressroom.platforms' limits
for Telegram: UTF-16 units of the NFC text, the title as its first line); the client sends the
title in bold with `parse_mode=HTML` and the text escaped; the emulator parses, cleans and
counts the way tdlib does (characters of what is left). Whatever passes the first must be
published by the second.

Kept out on purpose, each a gap between the composer and Telegram (docs/platforms.md,
"What the emulator was corrected on: Telegram"): a text with nothing Telegram would show
(only control characters, zero-width or other invisible characters) and no title, which
Telegram refuses with `text must be non-empty`; and a link added by the client after a text
already at the limit (the composer does not count the link).
"""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pressroom.core.text import nfc
from pressroom.platforms.base import MediaFile, OutcomeKind, Publication
from pressroom.platforms.catalog import text_length
from pressroom.platforms.telegram.descriptor import DESCRIPTOR
from pressroom.platforms.telegram.limits import LIMITS
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.testing import make_image

PHOTO = MediaFile("anh.png", make_image(), "image/png")
# Characters Telegram shows nothing for (tdlib's clean_input_string and
# strip_empty_characters) that Python's str.strip() keeps.
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2800\ufeff\ufffc\u180e"
    "\u0333\u033f\u030a"
)

# Vietnamese, emoji, what HTML and Markdown treat as markup, spaces and line breaks, and now and
# then anything at all.
PIECES = st.sampled_from(
    [
        "Thông báo",
        "lũ quét",
        "Điện",
        "😀",
        "👨‍👩‍👧",
        "🇻🇳",
        "&",
        "&amp;",
        "<b>",
        "</i>",
        "<",
        ">",
        '"',
        "*",
        "_",
        "`",
        "[x](y)",
        "\\",
        " ",
        "\n",
        "\r\n",
        "\t",
        "a\u0301",
        "\u00a0",
    ]
)
# Any character a form can carry: no lone surrogates, no NUL (Django refuses it).
ANY_CHARACTER = st.characters(codec="utf-8", exclude_characters="\x00")


@st.composite
def near_a_limit(draw: st.DrawFn) -> str:
    """Pieces repeated up to about 1,024 or 4,096 UTF-16 units, where counting matters."""
    piece = draw(st.one_of(PIECES, st.text(ANY_CHARACTER, min_size=1, max_size=3)))
    limit = draw(st.sampled_from([LIMITS.max_caption or 1024, LIMITS.max_text]))
    target = limit - draw(st.integers(0, 40))
    units = max(1, len(piece.encode("utf-16-le")) // 2)
    return piece * max(1, target // units) + draw(st.text(ANY_CHARACTER, max_size=3))


TEXT = st.one_of(
    st.lists(PIECES, max_size=60).map("".join),
    st.text(ANY_CHARACTER, max_size=80),
    near_a_limit(),
)
SHORT_TITLE = st.sampled_from(["", "Mưa lớn", "Cảnh báo lũ 😀", "<b>&amp;</b>"])

TITLE = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=200).map(
    str.strip
)


def visible(character: str) -> bool:
    return (
        not character.isspace()
        and character not in INVISIBLE
        and (unicodedata.category(character) != "Cc")
    )


def composer_accepts(title: str, text: str, *, with_photo: bool) -> bool:
    """The composer's checks on a Telegram variant (pressroom.content.validation)."""
    if not text.strip():
        return False
    length = text_length(LIMITS, DESCRIPTOR.counted_text(title, text))
    limit = LIMITS.max_caption if with_photo and LIMITS.max_caption else LIMITS.max_text
    return length <= limit


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(title=st.one_of(SHORT_TITLE, TITLE), body=TEXT, with_photo=st.booleans())
def test_what_the_composer_accepts_telegram_accepts(
    clean_sandbox: RunningSandbox, title: str, body: str, with_photo: bool
) -> None:
    # As the composer's form keeps them: stripped (Django), composed (NFC).
    title, text = nfc(title.strip()), nfc(body.strip())
    assume(composer_accepts(title, text, with_photo=with_photo))
    assume(title or any(visible(character) for character in text))
    # Many examples go to one channel: its 20 a minute is not what this test is about.
    clean_sandbox.settings(enforce_limits=False)
    access = clean_sandbox.connect("telegram", "@kenh_soan")
    media = (PHOTO,) if with_photo else ()
    outcome = publish("telegram", access, Publication(text=text, title=title, media=media))
    assert outcome.kind is OutcomeKind.PUBLISHED, outcome.reason
