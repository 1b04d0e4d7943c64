"""The post page's preview on each platform, in the browser: accessible, and nothing scrolls
sideways on a phone, with a long link and its card."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from pressroom.content import actions
from pressroom.content.models import LinkPreview
from pressroom.testing import TreeMixin, make_image
from tests.e2e.page_checks import assert_accessible, assert_fits

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_preview_fits_a_phone_and_passes_the_checks(live_server: Any, page: Any) -> None:
    TreeMixin.build_tree()
    owner = TreeMixin.owner
    channels = [
        TreeMixin.make_channel(TreeMixin.district, platform)
        for platform in ("facebook", "mastodon", "telegram", "zalo")
    ]
    link = "https://caoloc.langson.gov.vn/tin-tuc/" + "thong-bao-lich-tiep-cong-dan-" * 6
    linked = actions.save_post(
        by=owner,
        unit=TreeMixin.district,
        title="Lịch tiếp công dân tháng 12 của Ủy ban nhân dân huyện Cao Lộc",
        body="Lịch tiếp công dân tháng 12.\n\n" + "Nội dung dài " * 40,
        link=link,
        channels=channels,
    )
    LinkPreview.objects.create(
        post=linked,
        url=link,
        final_url=link,
        title="Thông báo lịch tiếp dân tháng 12 " * 3,
        description="UBND huyện Cao Lộc thông báo lịch tiếp công dân. " * 6,
        image_url=f"{live_server.url}/static/favicon.svg",
        fetched_at=timezone.now(),
    )
    with_images = actions.save_post(
        by=owner,
        unit=TreeMixin.district,
        title="Ảnh hội nghị",
        body="Hội nghị tổng kết năm.",
        channels=channels,
        images=[
            actions.NewImage(f"a{n}.png", make_image(size=(800, 500)), f"Ảnh {n}") for n in range(6)
        ],
    )
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", TreeMixin.password)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"{live_server.url}/**")
    for post in (linked, with_images):
        page.goto(f"{live_server.url}/posts/{post.pk}/")
        assert page.locator(".platform-preview").count() == 4
        page.set_viewport_size({"width": 1366, "height": 900})
        assert_accessible(page)
        page.set_viewport_size({"width": 390, "height": 844})
        assert_accessible(page)
        assert_fits(page, 390, 1366)
