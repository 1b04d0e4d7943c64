"""A post's title reaches every platform the way its descriptor says, over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from pressroom.content.validation import MediaDraft, VariantDraft, check_for_channel
from pressroom.platforms.base import MediaFile, OutcomeKind, Publication, TitleStyle
from pressroom.platforms.registry import DESCRIPTORS, descriptor_for
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.testing import make_image

HEADLINE = "Khẩn: lũ quét <cấp 3> & sạt lở"
TEXT = "Người dân xã Hợp Thành di chuyển lên vùng cao trước 17 giờ."
ACCOUNTS = {
    "facebook": "100000000000001",
    "zalo": "4200000000000001",
    "telegram": "@ubnd_hop_thanh",
    "mastodon": "ubnd-hop-thanh",
}


@pytest.mark.parametrize("platform", sorted(DESCRIPTORS))
def test_the_headline_reaches_every_platform(clean_sandbox: RunningSandbox, platform: str) -> None:
    access = clean_sandbox.connect(platform, ACCOUNTS[platform])
    outcome = publish(platform, access, Publication(text=TEXT, title=HEADLINE))
    assert outcome.kind is OutcomeKind.PUBLISHED, outcome
    [entry] = clean_sandbox.ledger(platform=platform, top_level=1)
    if descriptor_for(platform).title is TitleStyle.FIELD:
        assert entry["title"] == HEADLINE
        assert entry["text"].startswith(TEXT)
    else:
        # The headline is the first line, as readers see it (no markup, nothing escaped).
        assert entry["text"] == f"{HEADLINE}\n\n{TEXT}"
    page = httpx.get(f"{clean_sandbox.url}/view/{platform}/{ACCOUNTS[platform]}")
    assert page.status_code == 200
    assert "Khẩn: lũ quét &lt;cấp 3&gt; &amp; sạt lở" in page.text


def test_telegram_shows_the_headline_in_bold(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", ACCOUNTS["telegram"])
    outcome = publish("telegram", access, Publication(text="a < b & c > d", title="🚨 Báo động"))
    assert outcome.kind is OutcomeKind.PUBLISHED, outcome
    [entry] = clean_sandbox.ledger(platform="telegram")
    assert entry["text"] == "🚨 Báo động\n\na < b & c > d"
    page = httpx.get(f"{clean_sandbox.url}/view/telegram/{ACCOUNTS['telegram']}")
    assert "<strong>🚨 Báo động</strong><br><br>a &lt; b &amp; c &gt; d" in page.text


def test_a_post_without_a_title_is_sent_as_plain_text(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", ACCOUNTS["telegram"])
    publish("telegram", access, Publication(text="<b>not markup</b>"))
    [entry] = clean_sandbox.ledger(platform="telegram")
    assert entry["text"] == "<b>not markup</b>"
    page = httpx.get(f"{clean_sandbox.url}/view/telegram/{ACCOUNTS['telegram']}")
    assert "&lt;b&gt;not markup&lt;/b&gt;" in page.text


def test_telegram_caption_limit_counts_the_text_without_markup(
    clean_sandbox: RunningSandbox,
) -> None:
    """1,024 characters once parsed: the <b> tags and &lt; escapes do not count."""
    title = "Tin <mới>"
    text = "<" * (1024 - len(title) - 2)
    media = (MediaFile("a.png", make_image(), "image/png"),)
    access = clean_sandbox.connect("telegram", ACCOUNTS["telegram"])
    outcome = publish("telegram", access, Publication(text=text, title=title, media=media))
    assert outcome.kind is OutcomeKind.PUBLISHED, outcome
    longer = publish("telegram", access, Publication(text=text + "x", title=title, media=media))
    assert longer.kind is OutcomeKind.REJECTED
    assert "caption is too long" in longer.reason


def test_the_sandbox_refuses_unescaped_html(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", ACCOUNTS["telegram"])
    response = httpx.post(
        f"{access.api_base}/bot{access.credentials['bot_token']}/sendMessage",
        json={"chat_id": ACCOUNTS["telegram"], "text": "<b>a < b</b>", "parse_mode": "HTML"},
    )
    assert response.status_code == 400
    assert "can't parse entities" in response.json()["description"]


def test_facebook_finds_a_lost_post_by_its_titled_message(clean_sandbox: RunningSandbox) -> None:
    import asyncio

    from pressroom.platforms.clients import client_class, make_http_client

    access = clean_sandbox.connect("facebook", ACCOUNTS["facebook"])
    publication = Publication(text=TEXT, title=HEADLINE)
    sent = publish("facebook", access, publication)

    async def look() -> object:
        async with make_http_client() as http:
            return await client_class("facebook")(access, http).look_for(publication, None)

    found = asyncio.run(look())
    assert getattr(found, "remote_id", None) == sent.remote_id


def problems(platform: str, title: str, text: str) -> list[str]:
    return check_for_channel(
        platform=platform,
        channel_name="Kênh",
        options={},
        variant=VariantDraft(platform=platform, title=title, text=text),
        media=[],
    )


def test_the_limit_counts_the_title_where_it_is_part_of_the_text() -> None:
    text = "x" * 490
    assert problems("mastodon", "", text) == []
    # Title, blank line and text make 502 of Mastodon's 500 characters.
    assert problems("mastodon", "Tin khẩn cấp", text) != []
    # Zalo keeps the title in its own field.
    assert problems("zalo", "Tin khẩn cấp", text) == []


def test_the_limit_counts_the_link_where_the_client_adds_it_to_the_text() -> None:
    link = "https://langson.gov.vn/tin-tuc/lich-tiep-cong-dan"
    text = "x" * 4090

    def problems_with(platform: str, *, media: bool) -> list[str]:
        return check_for_channel(
            platform=platform,
            channel_name="Kênh",
            options={},
            variant=VariantDraft(platform=platform, title="", text=text, link=link),
            media=[MediaDraft("image/jpeg", 1000, "Ảnh")] if media else [],
        )

    # Telegram gets the link at the end of the message: 4,090 + 2 + 50 > 4,096.
    assert problems_with("telegram", media=False) != []
    assert (
        check_for_channel(
            platform="telegram",
            channel_name="Kênh",
            options={},
            variant=VariantDraft(platform="telegram", title="", text=text),
            media=[],
        )
        == []
    )
    # A Facebook feed post carries the link in its own field; with photos, in the text.
    assert problems_with("facebook", media=False) == []
    facebook = descriptor_for("facebook")
    assert facebook.counted_text("", "Tin", link=link) == "Tin"
    assert facebook.counted_text("", "Tin", link=link, with_media=True) == f"Tin\n\n{link}"
    # A link the author already wrote is not added twice.
    assert descriptor_for("telegram").counted_text("", f"Xem {link}", link=link) == f"Xem {link}"
