"""The dashboards in a real browser: a province's viewer signs in, sees the province's charts
drawn under the site's Content Security Policy (no eval: Vega's expressions interpreted, no
violation reported), and drills down by clicking, district, commune, channel."""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from pressroom.analytics import store
from pressroom.analytics.collect import figures_row
from pressroom.analytics.models import CollectCursor
from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.orgs.models import Membership, Role, Unit
from pressroom.publishing.models import Delivery
from tests.e2e.conftest import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in the test thread; the test's own ORM calls
# stay synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "a long password for the province 2026"
QUARTER = "period=quarter&year=2026&q=4"
# Collected in the page before any of its scripts runs: what the CSP refused.
WATCH_CSP = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="en-US", timezone_id="Asia/Ho_Chi_Minh")
        context.set_default_timeout(15_000)
        context.add_init_script(WATCH_CSP)
        yield context.new_page()
        context.close()
        browser.close()
        from django.db import connections

        connections.close_all()


def channel_of(unit: Unit, platform: str) -> Channel:
    channel = Channel(
        unit=unit,
        platform=platform,
        name=f"{unit.name} · {platform}",
        external_id=f"{unit.slug}-{platform}",
        api_base="http://127.0.0.1:9/x",
        is_sandbox=True,
    )
    channel.credentials = {"token": "e2e"}
    channel.save()
    return channel


@pytest.fixture
def province(live_server: Any) -> dict[str, Any]:
    province = Unit.objects.create(name="Tỉnh Lạng Sơn", slug="lang-son", kind="province")
    district = Unit.objects.create(
        name="Huyện Cao Lộc", slug="cao-loc", kind="district", parent=province
    )
    commune = Unit.objects.create(
        name="Xã Hợp Thành", slug="hop-thanh", kind="commune", parent=district
    )
    Unit.objects.create(name="Huyện Lộc Bình", slug="loc-binh", kind="district", parent=province)
    viewer = get_user_model().objects.create_user("tinh", password=PASSWORD)
    Membership.objects.create(user=viewer, unit=province, role=Role.VIEWER)
    page_channel = channel_of(commune, "facebook")
    telegram = channel_of(district, "telegram")
    CollectCursor.objects.create(
        channel=telegram,
        unavailable={"reach": "Telegram does not let bots read how many times a post was viewed"},
    )
    for day in range(1, 31):
        store.set_days(
            page_channel,
            {
                date(2026, 11, day): {
                    "posts": day % 3,
                    "reach": 1000 + 37 * day,
                    "reactions": 20 + day,
                    "comments": day % 5,
                    "followers": 5000 + 11 * day,
                }
            },
        )
        store.set_days(telegram, {date(2026, 11, day): {"posts": 1, "followers": 800 + day}})
    post = Post.objects.create(
        unit=commune, author=viewer, title="Lịch tiêm chủng tháng 11", body="Lịch tiêm"
    )
    moment = timezone.make_aware(datetime(2026, 11, 9, 9, 0))
    delivery = Delivery.objects.create(
        post=post,
        channel=page_channel,
        status=Delivery.Status.PUBLISHED,
        due_at=moment,
        published_at=moment,
        remote_id="e2e-1",
    )
    row = figures_row(delivery)
    row.reach = 4321
    row.save()
    return {"province": province, "district": district, "commune": commune, "post": post}


def test_the_province_dashboard_draws_its_charts_and_leads_down_to_a_commune(
    page: Any, live_server: Any, province: dict[str, Any]
) -> None:
    errors: list[str] = []

    def console(message: Any) -> None:
        # The browser's own favicon request has no page to answer it.
        if message.type == "error" and not message.location.get("url", "").endswith("favicon.ico"):
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    failed: list[str] = []
    page.on(
        "response",
        lambda response: failed.append(response.url) if response.status >= 400 else None,
    )
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("input[name=username]", "tinh")
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.locator("form[action$='/sign-out/']")).to_be_visible()

    page.locator(".nav-wide a[href$='/analytics/']").click()  # the main menu's Analytics
    expect(page.locator("h1")).to_have_text("Tỉnh Lạng Sơn")  # the viewer's highest unit
    page.goto(f"{live_server.url}/analytics/?{QUARTER}")
    expect(page.locator("h1")).to_have_text("Tỉnh Lạng Sơn")
    # The figures, as Vietnamese writes them.
    expect(page.locator('[data-measure="followers"] .figure-value')).to_have_text("6.160")
    # The charts are drawn (the spec embedded by vega-embed, its expressions interpreted).
    expect(page.locator("#chart-trend svg").first).to_be_visible()
    expect(page.locator("#chart-units svg").first).to_be_visible()
    assert page.locator("#chart-trend svg path, #chart-trend svg line").count() > 0
    assert page.evaluate("window.__violations") == []
    assert not [text for text in errors if "Content Security Policy" in text or "eval" in text]
    assert failed == []
    assert errors == []

    # Another period swaps the board in place (htmx); its charts are drawn again.
    page.locator("#board a[rel=prev]").click()
    expect(page).to_have_url(
        f"{live_server.url}/analytics/{province['province'].pk}/?period=quarter&year=2026&q=3"
    )
    expect(page.locator("#board .empty").first).to_be_visible()
    page.locator("#board a[rel=next]").click()
    expect(page.locator("#chart-trend svg").first).to_be_visible()

    # Down the tree by clicking: district, commune, the commune's Page, the post.
    page.locator("table.per-unit").get_by_role("link", name="Huyện Cao Lộc").click()
    expect(page.locator("h1")).to_have_text("Huyện Cao Lộc")
    page.locator("table.per-unit").get_by_role("link", name="Xã Hợp Thành").click()
    expect(page.locator("h1")).to_have_text("Xã Hợp Thành")
    expect(page.locator('[data-measure="reach"] .figure-value')).to_have_text("47.205")
    expect(page.locator("#chart-trend svg").first).to_be_visible()

    # The commune's quarterly report, on screen and downloaded as PDF and as a workbook.
    page.locator("#report-downloads a").first.click()
    expect(page.locator("h1")).to_contain_text("Xã Hợp Thành")
    expect(page.locator("#report-reach svg").first).to_be_visible()
    with page.expect_download() as pdf_download:
        page.locator("a[href*='download.pdf']").click()
    reader = PdfReader(pdf_download.value.path())
    assert abs(float(reader.pages[0].mediabox.width) - 595.28) < 1
    words = " ".join(
        unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages)).split()
    )
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words
    assert "Độc lập - Tự do - Hạnh phúc" in words
    assert "XÃ HỢP THÀNH" in words
    assert "47.205" in words
    with page.expect_download() as xlsx_download:
        page.locator("a[href*='download.xlsx']").click()
    book = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    cells = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert 47205 in cells
    assert "Lịch tiêm chủng tháng 11" in cells
    page.go_back()
    expect(page.locator("h1")).to_have_text("Xã Hợp Thành")
    page.locator("table.own-channels").get_by_role("link", name="Xã Hợp Thành · facebook").click()
    expect(page.locator("h1")).to_have_text("Xã Hợp Thành · facebook")
    expect(page.locator("#chart-hours svg").first).to_be_visible()
    page.locator("table.top-posts").get_by_role("link", name="Lịch tiêm chủng tháng 11").click()
    expect(page.locator("h1")).to_contain_text("Lịch tiêm chủng tháng 11")
    assert page.evaluate("window.__violations") == []
    assert errors == []
