"""How the sandbox's Bot API reads a message's text: parse modes, refusals, cleaning, counting,
over real HTTP (the expected answers are telegram-bot-api's and tdlib's)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pressroom.platforms.testing import RunningSandbox
from pressroom.testing import make_image

TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"


@pytest.fixture
def channel(clean_sandbox: RunningSandbox) -> RunningSandbox:
    clean_sandbox.add_account("telegram", "@kenh_chu", TOKEN)
    return clean_sandbox


def send(sandbox: RunningSandbox, text: str, parse_mode: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"chat_id": "@kenh_chu", "text": text}
    if parse_mode is not None:
        body["parse_mode"] = parse_mode
    return httpx.post(f"{sandbox.base_for('telegram')}/bot{TOKEN}/sendMessage", json=body)


def sent(sandbox: RunningSandbox, text: str, parse_mode: str | None = None) -> dict[str, Any]:
    answer = send(sandbox, text, parse_mode)
    assert answer.status_code == 200, answer.text
    message: dict[str, Any] = answer.json()["result"]
    return message


@pytest.mark.parametrize(
    ("text", "parse_mode", "plain", "entities"),
    [
        (
            "<b>Mưa lớn</b>\n\nSơ tán &amp; <i>ngay</i> 😀 <a href='https://x.vn/a'>xem</a>",
            "HTML",
            "Mưa lớn\n\nSơ tán & ngay 😀 xem",
            [
                {"offset": 0, "length": 7, "type": "bold"},
                {"offset": 18, "length": 4, "type": "italic"},
                {"offset": 26, "length": 3, "type": "text_link", "url": "https://x.vn/a"},
            ],
        ),
        (
            '<pre><code class="language-python">x = 1</code></pre><tg-spoiler>s</tg-spoiler>',
            "html",
            "x = 1s",
            [
                {"offset": 0, "length": 5, "type": "pre", "language": "python"},
                {"offset": 5, "length": 1, "type": "spoiler"},
            ],
        ),
        (
            "*Mưa lớn* _sơ tán_ __gạch__ ~bỏ~ ||ẩn|| `mã` [xem](https://x.vn) 1\\.5\\!",
            "MarkdownV2",
            "Mưa lớn sơ tán gạch bỏ ẩn mã xem 1.5!",
            [
                {"offset": 0, "length": 7, "type": "bold"},
                {"offset": 8, "length": 6, "type": "italic"},
                {"offset": 15, "length": 4, "type": "underline"},
                {"offset": 20, "length": 2, "type": "strikethrough"},
                {"offset": 23, "length": 2, "type": "spoiler"},
                {"offset": 26, "length": 2, "type": "code"},
                {"offset": 29, "length": 3, "type": "text_link", "url": "https://x.vn"},
            ],
        ),
        (
            ">Trích dẫn\n>dòng hai\nHết",
            "MarkdownV2",
            "Trích dẫn\ndòng hai\nHết",
            [{"offset": 0, "length": 19, "type": "blockquote"}],
        ),
        (
            "*Mưa lớn* _1.5_ `a_b` [xem](https://x.vn) \\_",
            "Markdown",
            "Mưa lớn 1.5 a_b xem _",
            [
                {"offset": 0, "length": 7, "type": "bold"},
                {"offset": 8, "length": 3, "type": "italic"},
                {"offset": 12, "length": 3, "type": "code"},
                {"offset": 16, "length": 3, "type": "text_link", "url": "https://x.vn"},
            ],
        ),
        ("<b>không</b> đổi", None, "<b>không</b> đổi", None),
        ("*không* đổi", "none", "*không* đổi", None),
    ],
)
def test_parse_modes_make_the_text_readers_see(
    channel: RunningSandbox,
    text: str,
    parse_mode: str | None,
    plain: str,
    entities: list[dict[str, Any]] | None,
) -> None:
    message = sent(channel, text, parse_mode)
    assert message["text"] == plain
    assert message.get("entities") == entities
    [entry] = channel.ledger(platform="telegram")
    assert entry["text"] == plain


@pytest.mark.parametrize(
    ("text", "parse_mode", "description"),
    # Byte offsets count UTF-8 bytes: "đậm" is six.
    [
        ("<b>Mưa", "HTML", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a < b", "HTML", 'Unsupported start tag "" at byte offset 2'),
        ("<p>đoạn</p>", "HTML", 'Unsupported start tag "p" at byte offset 0'),
        ("</b>", "HTML", "Unexpected end tag at byte offset 0"),
        (
            "<b>đậm</i>",
            "HTML",
            'Unmatched end tag at byte offset 9, expected "</b>", found "</i>"',
        ),
        ("<b", "HTML", "Unclosed start tag at byte offset 0"),
        ('<a href="x>y', "HTML", "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", "HTML", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "Giá 1.5",
            "MarkdownV2",
            "Character '.' is reserved and must be escaped with the preceding '\\'",
        ),
        ("*đậm", "MarkdownV2", "Can't find end of Bold entity at byte offset 0"),
        ("Mưa _nghiêng", "MarkdownV2", "Can't find end of Italic entity at byte offset 5"),
        ("[xem](https://x.vn", "MarkdownV2", "Can't find end of a URL at byte offset 6"),
        ("a_b", "Markdown", "Can't find end of the entity starting at byte offset 1"),
    ],
)
def test_malformed_markup_is_refused_as_telegram_words_it(
    channel: RunningSandbox, text: str, parse_mode: str, description: str
) -> None:
    answer = send(channel, text, parse_mode)
    assert answer.status_code == 400
    assert answer.json() == {
        "ok": False,
        "error_code": 400,
        "description": f"Bad Request: can't parse entities: {description}",
    }
    assert channel.ledger(platform="telegram") == []


def test_an_unknown_parse_mode_is_refused(channel: RunningSandbox) -> None:
    answer = send(channel, "x", "XML")
    assert answer.status_code == 400
    assert answer.json()["description"] == "Bad Request: unsupported parse_mode"


@pytest.mark.parametrize(
    ("text", "parse_mode", "description"),
    [
        ("", None, "Bad Request: message text is empty"),
        ("   \n ", None, "Bad Request: text must be non-empty"),
        ("<b> </b>", "HTML", "Bad Request: text must be non-empty"),
        ("\x01", None, "Bad Request: text must be non-empty"),
        ("\u2800\u200b", None, "Bad Request: text must be non-empty"),
    ],
)
def test_a_text_with_nothing_to_show_is_refused(
    channel: RunningSandbox, text: str, parse_mode: str | None, description: str
) -> None:
    answer = send(channel, text, parse_mode)
    assert answer.status_code == 400
    assert answer.json()["description"] == description


def test_the_text_is_cleaned_and_trimmed(channel: RunningSandbox) -> None:
    message = sent(channel, "\n  <b>Tin</b>\r\n\tmới\x07\u2028 \n", "HTML")
    assert message["text"] == "Tin\n mới"
    assert message["entities"] == [{"offset": 0, "length": 3, "type": "bold"}]


def test_the_length_is_counted_in_characters_after_parsing(channel: RunningSandbox) -> None:
    # The markup does not count, emoji count one each (code points), entities stay UTF-16.
    assert send(channel, "<b>" + "😀" * 4096 + "</b>", "HTML").status_code == 200
    too_long = send(channel, "<b>" + "😀" * 4097 + "</b>", "HTML")
    assert too_long.status_code == 400
    assert too_long.json()["description"] == "Bad Request: message is too long"
    [entry] = channel.ledger(platform="telegram")
    assert len(entry["text"]) == 4096


def test_text_over_32_kib_is_refused_before_parsing(channel: RunningSandbox) -> None:
    answer = send(channel, "<b></b>" * 4700, "HTML")
    assert answer.status_code == 400
    assert answer.json()["description"] == "Bad Request: text is too long"


def test_a_caption_is_parsed_and_counted_the_same_way(channel: RunningSandbox) -> None:
    url = f"{channel.base_for('telegram')}/bot{TOKEN}/sendPhoto"
    files = {"photo": ("anh.png", make_image(), "image/png")}
    fits = httpx.post(
        url,
        data={"chat_id": "@kenh_chu", "caption": "<b>" + "á" * 1024 + "</b>", "parse_mode": "HTML"},
        files=files,
    )
    assert fits.status_code == 200, fits.text
    result = fits.json()["result"]
    assert result["caption_entities"] == [{"offset": 0, "length": 1024, "type": "bold"}]
    over = httpx.post(
        url,
        data={"chat_id": "@kenh_chu", "caption": "á" * 1025},
        files={"photo": ("anh.png", make_image(), "image/png")},
    )
    assert over.json()["description"] == "Bad Request: message caption is too long"
    broken = httpx.post(
        url,
        data={"chat_id": "@kenh_chu", "caption": "*đậm", "parse_mode": "MarkdownV2"},
        files={"photo": ("anh.png", make_image(), "image/png")},
    )
    assert broken.status_code == 400
    assert broken.json()["description"].startswith("Bad Request: can't parse entities: ")
    # An empty caption is no caption.
    bare = httpx.post(
        url,
        data={"chat_id": "@kenh_chu", "caption": "  "},
        files={"photo": ("anh.png", make_image(), "image/png")},
    )
    assert bare.status_code == 200
    assert "caption" not in bare.json()["result"]
