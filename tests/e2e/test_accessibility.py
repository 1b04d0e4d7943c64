"""Every main page against WCAG 2.2 AA with axe-core, in the browser, on the demo province.

Only violations of serious or critical impact fail the test; each is reported with the rule,
its help text and the elements, so that the failure says what to fix.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from pressroom.content.models import Asset, ContentPack, Post
from pressroom.demo.province import DEMO_PASSWORD, load_demo
from pressroom.emergency.models import EmergencyAlert
from pressroom.orgs.models import Unit
from tests.e2e.page_checks import assert_fits, problems_on

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.locator("form[action$='/sign-out/']")).to_be_visible()


def main_pages(base: str) -> list[str]:
    post = Post.objects.filter(is_emergency=False).order_by("pk").first()
    alert = EmergencyAlert.objects.order_by("pk").first()
    district = Unit.objects.get(slug="cao-loc")
    pages = [
        "/",
        "/posts/",
        "/posts/new/",
        "/calendar/",
        "/calendar/?view=month",
        "/inbox/",
        "/corrections/",
        "/analytics/",
        f"/analytics/{district.pk}/",
        "/channels/",
        "/themes/",
        "/emergency/",
        "/emergency/new/",
        "/notifications/",
        "/audit/",
        "/people/",
        "/people/new/",
        "/library/",
        "/packs/",
        "/packs/new/",
        "/no-such-page/",
    ]
    pack = ContentPack.objects.order_by("pk").first()
    asset = Asset.objects.order_by("pk").first()
    if pack is not None:
        pages.append(f"/packs/{pack.pk}/")
    if asset is not None:
        pages.append(f"/library/{asset.pk}/")
    if post is not None:
        pages += [f"/posts/{post.pk}/", f"/posts/{post.pk}/edit/"]
    if alert is not None:
        pages.append(f"/emergency/{alert.pk}/")
    return [base + path for path in pages]


def test_the_main_pages_have_no_serious_accessibility_problem(live_server: Any, page: Any) -> None:
    load_demo()
    base = live_server.url
    found: list[str] = []
    page.set_viewport_size(LAPTOP)
    page.goto(f"{base}/sign-in/")
    found += problems_on(page)
    sign_in(page, base, "admin")
    for url in main_pages(base):
        page.goto(url)
        found += problems_on(page)
    page.set_viewport_size(PHONE)
    for url in main_pages(base)[:5]:
        page.goto(url)
        found += problems_on(page)
    assert not found, "\n".join(found)


def test_phone_and_laptop_layouts(live_server: Any, page: Any) -> None:
    """A phone's first screen starts with the page, not the header or the filters; nothing
    scrolls sideways on a phone or a laptop; the week is seven columns at 1366 px."""
    load_demo()
    base = live_server.url
    sign_in(page, base, "admin")
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/calendar/")
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] <= 140, header
    expect(page.locator("details.filters-box")).not_to_have_attribute("open", "")
    heading = page.locator("main h1").bounding_box()
    assert heading is not None and heading["y"] < PHONE["height"] / 3, heading
    page.locator("details.nav-phone > summary").click()
    expect(page.locator(".nav-phone").get_by_role("link", name="Lịch")).to_be_visible()
    for path in ("/calendar/", "/calendar/?view=month", "/posts/", "/", "/emergency/"):
        page.goto(base + path)
        assert_fits(page, PHONE["width"], LAPTOP["width"])
    page.set_viewport_size(LAPTOP)
    page.goto(f"{base}/calendar/")
    expect(page.locator("details.filters-box")).to_have_attribute("open", "")
    tops = page.locator(".calendar-week > li").evaluate_all(
        "days => days.map(day => day.getBoundingClientRect().top)"
    )
    assert len(tops) == 7 and len(set(tops)) == 1, tops
