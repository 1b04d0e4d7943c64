"""The user guide's week, walked in the browser on the demo province; its screenshots are
taken here (written to docs/ with PRESSROOM_UPDATE_SCREENSHOT=1)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from pressroom.channels.models import Channel
from pressroom.demo.province import load_demo
from tests.e2e.test_accessibility import LAPTOP, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs"


def shot(page: Any, tmp_path: Path, name: str) -> None:
    folder = DOCS if os.environ.get("PRESSROOM_UPDATE_SCREENSHOT") else tmp_path
    page.screenshot(path=str(folder / name), full_page=False)


def test_a_new_editors_week(live_server: Any, page: Any, tmp_path: Path) -> None:
    load_demo()
    base = live_server.url
    page.set_viewport_size({"width": LAPTOP["width"], "height": 900})
    sign_in(page, base, "caoloc.bientap")

    # The dashboard: the plan of the next seven days, no approval box for an editor.
    expect(page.locator("#gaps-title")).to_contain_text("Kế hoạch đăng bài")
    expect(page.locator("#to-approve")).to_have_count(0)
    shot(page, tmp_path, "guide-dashboard.png")

    # The composer: every channel of the district at once, a version edited for Telegram.
    page.goto(f"{base}/posts/new/")
    page.fill("#id_title", "Lịch tiếp công dân tháng 12")
    page.fill("#id_body", "UBND huyện tiếp công dân vào sáng thứ Năm hằng tuần tại trụ sở.")
    unit = Channel.objects.filter(unit__slug="cao-loc")[0].unit_id
    page.locator("#id_add_unit").select_option(str(unit))
    expect(page.locator("#channel-summary")).to_contain_text("Đã chọn")
    page.fill("#id_variant_telegram_text", "Tiếp công dân: sáng thứ Năm, trụ sở UBND huyện.")
    expect(page.locator("[data-edited-mark=telegram]")).to_be_visible()
    page.locator("#channels").scroll_into_view_if_needed()
    shot(page, tmp_path, "guide-composer.png")

    # The calendar's week: seven columns on a laptop.
    page.goto(f"{base}/calendar/")
    expect(page.locator(".calendar-week > li")).to_have_count(7)
    shot(page, tmp_path, "guide-calendar.png")
