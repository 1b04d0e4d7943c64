"""Whatever the composer lets through for Mastodon, the emulated instance takes: the app's
counting (pressroom.core.text, used here only) never finds a status shorter than Mastodon's
own counting, written independently in the emulator, does."""

from __future__ import annotations

import httpx
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pressroom.core.text import count_mastodon, nfc
from pressroom.platforms.mastodon.limits import LIMITS
from pressroom.platforms.testing import RunningSandbox

LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
TLDS = st.sampled_from(["vn", "gov.vn", "com", "org", "net", "edu.vn", "social", "xn--p1ai"])
PATH_CHARS = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S", "M"), exclude_characters="\x00"
)
TAILS = st.sampled_from(["", ".", ",", "!", "?", ":", ";", ")", "'", '"', "…", ").", "!!"])
PIECE = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40),
    st.builds(
        lambda scheme, labels, tld, path, query, tail: (
            f"{scheme}://{'.'.join(labels)}.{tld}{path}{query}{tail}"
        ),
        st.sampled_from(["https", "http", "HTTPS"]),
        st.lists(LABEL, min_size=1, max_size=3),
        TLDS,
        st.one_of(st.just(""), st.text(PATH_CHARS, max_size=60).map(lambda p: "/" + p)),
        st.one_of(st.just(""), st.text(PATH_CHARS, max_size=20).map(lambda q: "?" + q)),
        TAILS,
    ),
    st.builds(
        lambda user, domain: f"@{user}{domain}",
        LABEL,
        st.one_of(st.just(""), LABEL.map(lambda d: f"@{d}.social")),
    ),
    st.sampled_from(["👨‍👩‍👧", "🇻🇳", "e\u0301", "Việt Nam", "\u1ec7", "#tin", "x" * 200]),
)
SEPARATOR = st.sampled_from(["", " ", "\n", "\n\n", "(", ") "])


@st.composite
def statuses(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.tuples(PIECE, SEPARATOR), min_size=1, max_size=12))
    return "".join(piece + separator for piece, separator in pieces)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=statuses())
# At the limit: a link ending a sentence, a link in parentheses, a link glued to a word.
@example(text="https://langson.gov.vn/a.")
@example(text="(https://vi.wikipedia.org/wiki/Lang_Son)")
@example(text="Tin:xhttps://langson.gov.vn/" + "a" * 400)
@example(text="Xem https://langson.gov.vn/?id=5&p=2!")
def test_what_the_composer_accepts_mastodon_accepts(
    clean_sandbox: RunningSandbox, text: str
) -> None:
    # The composer stores and sends NFC text; padded to the limit exactly, where a count that
    # is one short would be refused.
    text = nfc(text)
    room = LIMITS.max_text - count_mastodon(text) - 1
    assume(room >= 0)
    text = f"{text} {'x' * room}"
    assume(count_mastodon(text) == LIMITS.max_text)
    access = clean_sandbox.connect("mastodon", "so-tt")
    response = httpx.post(
        f"{clean_sandbox.base_for('mastodon')}/api/v1/statuses",
        data={"status": text},
        headers={"Authorization": f"Bearer {access.credentials['access_token']}"},
    )
    assert response.status_code == 200, (count_mastodon(text), response.json())
