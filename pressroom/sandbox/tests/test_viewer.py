"""The viewer: what each sandbox account published, readable by a person."""

from __future__ import annotations

import httpx

from pressroom.platforms.base import MediaFile, Publication
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.testing import make_image


def test_feed_shows_published_posts_newest_first_and_escaped(
    clean_sandbox: RunningSandbox,
) -> None:
    access = clean_sandbox.connect("facebook", "10001", name="UBND xã Hợp Thành")
    publish("facebook", access, Publication(text="Bài thứ nhất"))
    publish("facebook", access, Publication(text="Bài <script>alert(1)</script> thứ hai"))
    page = httpx.get(f"{clean_sandbox.url}/view/facebook/10001")
    assert page.status_code == 200
    assert "UBND xã Hợp Thành" in page.text
    assert "Bảng tin (Feed)" in page.text
    assert "<script>" not in page.text
    assert "Bài &lt;script&gt;alert(1)&lt;/script&gt; thứ hai" in page.text
    assert page.text.index("thứ hai") < page.text.index("Bài thứ nhất")


def test_one_post_page_shows_its_text_and_images(clean_sandbox: RunningSandbox) -> None:
    # An OA whose upload answers the file's url: the article shows the uploaded file.
    access = clean_sandbox.connect("zalo", "42001", name="Zalo OA Lạng Sơn", upload_image_url=True)
    photo = MediaFile("a.jpg", make_image(kind="JPEG"), "image/jpeg")
    outcome = publish(
        "zalo", access, Publication(text="Nội dung\nhai dòng", title="Tiêu đề bài", media=(photo,))
    )
    page = httpx.get(f"{clean_sandbox.url}/view/zalo/42001/{outcome.remote_id}")
    assert page.status_code == 200
    assert "Tiêu đề bài" in page.text
    assert "Nội dung<br>hai dòng" in page.text
    image = page.text.split('<img src="')[1].split('"')[0]
    served = httpx.get(f"{clean_sandbox.url}{image}")
    assert served.headers["content-type"] == "image/jpeg"
    assert served.content == photo.content


def test_permalink_base_leads_to_the_post_page(clean_sandbox: RunningSandbox) -> None:
    base = f"{clean_sandbox.url}/view/telegram/@kenh_so"
    access = clean_sandbox.connect("telegram", "@kenh_so", options={"permalink_base": base})
    outcome = publish("telegram", access, Publication(text="Mở từ đường dẫn"))
    page = httpx.get(outcome.permalink)
    assert page.status_code == 200
    assert "Mở từ đường dẫn" in page.text


def test_index_lists_accounts_by_platform(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("mastodon", "so-yte", "t" * 20, name="Sở Y tế")
    clean_sandbox.add_account("telegram", "@cdc", "1:" + "t" * 20, name="CDC Lạng Sơn")
    page = httpx.get(f"{clean_sandbox.url}/view/")
    assert page.status_code == 200
    assert "Sở Y tế" in page.text
    assert "CDC Lạng Sơn" in page.text
    assert 'href="/view/telegram/@cdc"' in page.text
    assert "t" * 20 not in page.text


def test_unknown_account_or_post_is_not_found(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("facebook", "1", "token-token-token")
    assert httpx.get(f"{clean_sandbox.url}/view/facebook/2").status_code == 404
    assert httpx.get(f"{clean_sandbox.url}/view/facebook/1/1_9").status_code == 404
