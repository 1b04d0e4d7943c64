"""Connecting channels in a real browser: a commune's administrator connects a Facebook Page
and a Mastodon account through the emulator's consent pages, a post goes out to both, and the
emulator's feeds show it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from pressroom.channels.models import Channel
from pressroom.content import actions as content
from pressroom.orgs.models import Membership, Role, Unit
from pressroom.publishing import scheduling
from pressroom.publishing.models import Delivery
from tests.e2e.test_publish_flow import PASSWORD, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def commune(clean_sandbox: Any, settings: Any) -> dict[str, Any]:
    settings.SANDBOX_URL = clean_sandbox.url
    province = Unit.objects.create(name="Tỉnh Lạng Sơn", slug="lang-son", kind="province")
    commune = Unit.objects.create(
        name="Xã Tân Liên", slug="tan-lien", kind="commune", parent=province
    )
    users = {}
    for username, role in (
        ("quantri", Role.ADMIN),
        ("bientap", Role.EDITOR),
        ("pheduyet", Role.APPROVER),
    ):
        users[username] = get_user_model().objects.create_user(username, password=PASSWORD)
        Membership.objects.create(user=users[username], unit=commune, role=role)
    return {"unit": commune, "users": users, "sandbox": clean_sandbox}


def connect_page(page: Any, base: str, unit: Unit) -> None:
    page.goto(f"{base}/channels/connect/?unit={unit.pk}&where=sandbox")
    expect(page.locator("#connect-facebook")).to_be_visible()


def test_connect_facebook_and_mastodon_then_publish(
    page: Any, live_server: Any, commune: dict[str, Any], running_dispatcher: None
) -> None:
    base, unit, sandbox = live_server.url, commune["unit"], commune["sandbox"]
    sign_in(page, base, "quantri")

    # Facebook: the emulator's login dialog, a new Page, back to choose it.
    connect_page(page, base, unit)
    page.locator("#connect-facebook button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(sandbox.url) + r"/facebook/v\d+\.0/dialog/oauth"))
    page.get_by_label("Tạo Trang mới (New Page name)").fill("UBND Xã Tân Liên")
    page.get_by_role("button", name="Tiếp tục (Continue)").click()
    expect(page).to_have_url(re.compile(r"/channels/connect/choose/\d+/$"))
    expect(page.get_by_label("UBND Xã Tân Liên")).to_be_checked()
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/channels/\d+/$"))
    facebook = Channel.objects.get(platform="facebook")
    assert facebook.unit == unit and facebook.is_sandbox

    # Mastodon: the sandbox's instance, an app registered there, the authorize page.
    connect_page(page, base, unit)
    page.locator("#connect-mastodon button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(sandbox.url) + r"/mastodon/oauth/authorize"))
    page.get_by_label("Tài khoản (Account)").select_option(label="Tạo tài khoản mới (New account)")
    page.get_by_label("Tên tài khoản mới (New username)").fill("ubnd_tanlien")
    page.get_by_role("button", name="Cho phép (Authorize)").click()
    expect(page).to_have_url(re.compile(r"/channels/connect/choose/\d+/$"))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/channels/\d+/$"))
    mastodon = Channel.objects.get(platform="mastodon")
    assert mastodon.options["max_characters"] > 0

    # A post written and approved in the commune goes out to both.
    users = commune["users"]
    post = content.save_post(
        by=users["bientap"],
        unit=unit,
        title="Lịch tiêm chủng tháng 12",
        body="Trạm y tế xã Tân Liên tiêm chủng mở rộng vào sáng thứ Bảy.",
        channels=[facebook, mastodon],
    )
    content.submit_post(post=post, by=users["bientap"])
    content.approve_post(post=post, by=users["pheduyet"])
    scheduling.schedule_post(post=post, by=users["pheduyet"])
    page.goto(f"{base}/posts/{post.pk}/")
    expect(page.locator("#deliveries .badge-published")).to_have_count(2, timeout=30_000)
    assert set(Delivery.objects.filter(post=post).values_list("status", flat=True)) == {
        Delivery.Status.PUBLISHED
    }

    # The emulator's feeds show the post, linked from each channel's page.
    for channel in (facebook, mastodon):
        page.goto(f"{base}/channels/{channel.pk}/")
        with page.context.expect_page() as opened:
            page.locator(f"a[href='{channel.options['viewer_url']}']").click()
        feed = opened.value
        expect(feed.get_by_text("Trạm y tế xã Tân Liên tiêm chủng").first).to_be_visible()
        feed.close()
