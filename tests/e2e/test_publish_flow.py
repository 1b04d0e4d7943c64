"""The main job in a real browser: an editor writes, an approver approves and publishes,
the sandbox shows the post on every chosen channel and Pressroom shows every delivery."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.orgs.models import Membership, Role, Unit
from pressroom.publishing.models import Delivery
from pressroom.testing import make_image
from tests.e2e.page_checks import assert_accessible, assert_fits

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long demo password 2025"
# The README's screenshot is refreshed by running this test with PRESSROOM_UPDATE_SCREENSHOT=1.
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"
ACCOUNTS = {
    "facebook": ("1000777", {"page_token": "e2e-fb"}),
    "zalo": ("4200777", {"access_token": "e2e-zalo", "refresh_token": "e2e-zalo-r"}),
    "telegram": ("@cao_loc_e2e", {"bot_token": "777:e2e-telegram"}),
    "mastodon": ("cao-loc-e2e", {"access_token": "e2e-mastodon"}),
}


@pytest.fixture
def district(clean_sandbox: Any) -> dict[str, Any]:
    province = Unit.objects.create(name="Tỉnh Lạng Sơn", slug="lang-son", kind="province")
    district = Unit.objects.create(
        name="Huyện Cao Lộc", slug="cao-loc", kind="district", parent=province
    )
    users = {}
    for username, role in (("bientap", Role.EDITOR), ("pheduyet", Role.APPROVER)):
        users[username] = get_user_model().objects.create_user(username, password=PASSWORD)
        Membership.objects.create(user=users[username], unit=district, role=role)
    channels = []
    for platform, (external_id, credentials) in ACCOUNTS.items():
        extra = {"username": external_id.lstrip("@")} if platform == "telegram" else {}
        token = next(iter(credentials.values()))
        clean_sandbox.add_account(platform, external_id, token, **extra)
        viewer = f"{clean_sandbox.url}/view/{platform}/{external_id}"
        channel = Channel(
            unit=district,
            platform=platform,
            name=f"Cao Lộc · {platform}",
            external_id=external_id,
            api_base=clean_sandbox.base_for(platform),
            is_sandbox=True,
            options={"viewer_url": viewer, "permalink_base": viewer},
        )
        channel.credentials = credentials
        channel.save()
        channels.append(channel)
    return {"unit": district, "channels": channels, "sandbox": clean_sandbox}


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.locator("form[action$='/sign-out/']")).to_be_visible()


def sign_out(page: Any) -> None:
    page.locator("form[action$='/sign-out/'] button").click()
    expect(page.locator("input[name=username]")).to_be_visible()


def test_compose_approve_publish_everywhere(
    page: Any, live_server: Any, district: dict[str, Any], running_dispatcher: None, tmp_path: Path
) -> None:
    base = live_server.url
    photo = tmp_path / "hoi-nghi.jpg"
    photo.write_bytes(make_image(size=(640, 400), kind="JPEG", color="darkcyan"))
    title = "Hội nghị triển khai chuyển đổi số năm 2026"
    body = "Sáng nay, UBND huyện Cao Lộc tổ chức hội nghị triển khai kế hoạch chuyển đổi số."

    # The editor writes the post with a photo and sends it for review.
    sign_in(page, base, "bientap")
    page.goto(f"{base}/posts/new/")
    page.select_option("select[name=unit]", str(district["unit"].pk))
    page.fill("input[name=title]", title)
    page.fill("textarea[name=body]", body)
    for channel in district["channels"]:
        page.check(f"input[name=channels][value='{channel.pk}']")
    page.set_input_files("input[name=new_image_1]", str(photo))
    page.fill("[name=new_image_1_description]", "Toàn cảnh hội nghị tại hội trường UBND huyện")
    page.locator("form.composer button[name=then][value=save]").click()
    expect(page).to_have_url(re.compile(r"/posts/\d+/$"))
    post = Post.objects.get(title=title)
    page.locator("form[action$='/submit/'] button").click()
    expect(page.locator("form[action$='/submit/']")).to_have_count(0)
    assert Post.objects.get(pk=post.pk).status == Post.Status.IN_REVIEW
    sign_out(page)

    # The approver approves it and publishes it now.
    sign_in(page, base, "pheduyet")
    page.goto(f"{base}/posts/{post.pk}/")
    page.locator("form[action$='/approve/'] button").click()
    page.get_by_role("button", name="Đăng ngay").click()
    # One more look before it reaches the public: nothing is sent until it is confirmed.
    expect(page.get_by_role("heading", name="Đăng ngay?")).to_be_visible()
    assert not Delivery.objects.filter(post=post).exists()
    page.get_by_role("button", name="Có, đăng ngay").click()

    # Pressroom shows every delivery published, updated live on the page.
    published = page.locator("#deliveries .badge-published")
    expect(published).to_have_count(len(ACCOUNTS), timeout=30_000)
    statuses = set(Delivery.objects.filter(post=post).values_list("status", flat=True))
    assert statuses == {Delivery.Status.PUBLISHED}
    # When the last delivery finishes, the page reloads itself to show the post published.
    expect(page.locator(".badge-published").first).to_be_visible()
    expect(page.locator("#deliveries[hx-get]")).to_have_count(0)
    assert_accessible(page)
    assert_fits(page, 390, 1366)
    page.set_viewport_size({"width": 1200, "height": 900})
    target = SCREENSHOT if os.environ.get("PRESSROOM_UPDATE_SCREENSHOT") else tmp_path / "post.png"
    page.screenshot(path=str(target), full_page=True)

    # The sandbox's ground truth: exactly one post per chosen channel, with the photo.
    sandbox = district["sandbox"]
    for platform, (external_id, _credentials) in ACCOUNTS.items():
        entries = [
            entry
            for entry in sandbox.ledger(platform=platform, account_id=external_id)
            if entry["kind"] in ("post", "article", "message", "status")
        ]
        assert len(entries) == 1, (platform, entries)
        assert entries[0]["media_count"] == 1
        # The channel's feed in the sandbox viewer shows the post.
        viewer = httpx.get(f"{sandbox.url}/view/{platform}/{external_id}", timeout=10)
        assert body[:40] in viewer.text or title in viewer.text
    page.goto(f"{sandbox.url}/view/telegram/{ACCOUNTS['telegram'][0]}")
    expect(page.get_by_text(body[:30])).to_be_visible()
