"""The alert composer's live help in a real browser: a chosen template hides the block for
writing without one, its fields have labels, and the preview follows what is typed."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from pressroom.demo.province import load_demo
from pressroom.emergency.models import EmergencyAlert, EmergencyTemplate
from tests.e2e.page_checks import assert_accessible
from tests.e2e.test_accessibility import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_chosen_template_is_previewed_as_it_is_filled(live_server: Any, page: Any) -> None:
    load_demo()
    template = EmergencyTemplate.objects.get(title="Cảnh báo bão: {khu_vuc}")
    base = live_server.url
    sign_in(page, base, "caoloc.bientap")
    page.goto(f"{base}/emergency/new/")
    no_template = page.locator("#no-template")
    preview = page.locator("#alert-preview")
    expect(no_template).to_be_visible()
    expect(preview.locator("#alert-preview-title")).to_have_text("[Tiêu đề]")

    page.select_option("select[name=template]", str(template.pk))
    expect(no_template).to_be_hidden()
    # The fields carry the template's labels, and the preview shows the template at once.
    area = page.get_by_label("Khu vực:", exact=True)
    expect(area).to_be_visible()
    expect(page.get_by_label("Thời gian:", exact=True)).to_be_visible()
    expect(preview.locator("#alert-preview-title")).to_have_text("Cảnh báo bão: [Khu vực]")
    expect(preview).to_have_attribute("aria-live", "polite")

    area.fill("các xã ven sông Kỳ Cùng")
    expect(preview.locator("#alert-preview-title")).to_have_text(
        "Cảnh báo bão: các xã ven sông Kỳ Cùng"
    )
    expect(preview.locator("#alert-preview-text")).to_contain_text(
        "ảnh hưởng trực tiếp đến các xã ven sông Kỳ Cùng từ [Thời gian]"
    )
    assert_accessible(page)

    # Back to no template: the block comes back and the preview shows what is written there.
    page.select_option("select[name=template]", "")
    expect(no_template).to_be_visible()
    page.fill("#id_title", "Thông báo khẩn")
    expect(preview.locator("#alert-preview-title")).to_have_text("Thông báo khẩn")
    assert not EmergencyAlert.objects.exists()
