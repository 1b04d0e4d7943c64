"""Emergency broadcast in a real browser: an editor composes an alert from a template, an
approver with two-factor sign-in confirms it with a code, the live board shows every channel
published, and the sandbox holds exactly one post per channel."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from pressroom.channels.models import Channel
from pressroom.emergency.models import EmergencyAlert, EmergencyTemplate, Hazard
from pressroom.orgs.models import Membership, Role, Unit
from pressroom.publishing.models import Delivery
from tests.e2e.page_checks import assert_accessible, assert_fits

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long demo password 2025"
# Sandbox accounts: (unit slug, platform, account id, credentials).
ACCOUNTS = [
    ("cao-loc", "facebook", "2000801", {"page_token": "alert-fb-district"}),
    ("cao-loc", "zalo", "4200801", {"access_token": "alert-zalo-d", "refresh_token": "r-d"}),
    ("cao-loc", "telegram", "@cao_loc_alert", {"bot_token": "801:alert-telegram-district"}),
    ("cao-loc", "mastodon", "cao-loc-alert", {"access_token": "alert-mastodon-district"}),
    ("hop-thanh", "facebook", "2000802", {"page_token": "alert-fb-hop-thanh"}),
    ("hop-thanh", "telegram", "@hop_thanh_alert", {"bot_token": "802:alert-telegram-commune"}),
    ("gia-cat", "zalo", "4200803", {"access_token": "alert-zalo-c", "refresh_token": "r-c"}),
    ("gia-cat", "mastodon", "gia-cat-alert", {"access_token": "alert-mastodon-commune"}),
]
# A channel of a sibling district: outside the alert, it must receive nothing.
OUTSIDE = ("loc-binh", "facebook", "2000899", {"page_token": "alert-fb-outside"})
VALUES = {
    "khu_vuc": "các xã ven sông Kỳ Cùng",
    "thoi_gian": "18 giờ hôm nay",
    "muc_do": "cấp 3",
    "huong_dan": "Di chuyển người già, trẻ nhỏ ra khỏi khu vực ven suối, sườn đồi.",
}


@pytest.fixture
def tree(clean_sandbox: Any) -> dict[str, Any]:
    province = Unit.objects.create(name="Tỉnh Lạng Sơn", slug="lang-son", kind="province")
    district = Unit.objects.create(
        name="Huyện Cao Lộc", slug="cao-loc", kind="district", parent=province
    )
    units = {
        "lang-son": province,
        "cao-loc": district,
        "hop-thanh": Unit.objects.create(
            name="Xã Hợp Thành", slug="hop-thanh", kind="commune", parent=district
        ),
        "gia-cat": Unit.objects.create(
            name="Xã Gia Cát", slug="gia-cat", kind="commune", parent=district
        ),
        "loc-binh": Unit.objects.create(
            name="Huyện Lộc Bình", slug="loc-binh", kind="district", parent=province
        ),
    }
    users = {}
    for username, role in (("bientap", Role.EDITOR), ("pheduyet", Role.APPROVER)):
        users[username] = get_user_model().objects.create_user(username, password=PASSWORD)
        Membership.objects.create(user=users[username], unit=district, role=role)
    channels = []
    for slug, platform, external_id, credentials in [*ACCOUNTS, OUTSIDE]:
        extra = {"username": external_id.lstrip("@")} if platform == "telegram" else {}
        clean_sandbox.add_account(platform, external_id, next(iter(credentials.values())), **extra)
        viewer = f"{clean_sandbox.url}/view/{platform}/{external_id}"
        channel = Channel(
            unit=units[slug],
            platform=platform,
            name=f"{units[slug].name} · {platform}",
            external_id=external_id,
            api_base=clean_sandbox.base_for(platform),
            is_sandbox=True,
            options={"viewer_url": viewer, "permalink_base": viewer},
        )
        channel.credentials = credentials
        channel.save()
        channels.append(channel)
    template = EmergencyTemplate.objects.create(
        unit=province,
        hazard=Hazard.LANDSLIDE,
        title="Cảnh báo lũ quét, sạt lở đất tại {khu_vuc}",
        text=(
            "Từ {thoi_gian}, mưa lớn có thể gây lũ quét, sạt lở đất tại {khu_vuc}. "
            "Mức độ rủi ro: {muc_do}.\n{huong_dan}"
        ),
    )
    # The approver has two-factor sign-in on.
    device = TOTPDevice.objects.create(user=users["pheduyet"], name="Pressroom", confirmed=True)
    return {
        "district": district,
        "channels": channels[: len(ACCOUNTS)],
        "outside": channels[-1],
        "template": template,
        "device": device,
        "sandbox": clean_sandbox,
    }


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.locator("form[action$='/sign-out/']")).to_be_visible()


def sign_out(page: Any) -> None:
    page.locator("form[action$='/sign-out/'] button").click()
    expect(page.locator("input[name=username]")).to_be_visible()


def test_alert_from_template_confirmed_with_a_code_reaches_every_channel(
    page: Any,
    live_server: Any,
    tree: dict[str, Any],
    running_dispatcher: None,
    tmp_path: Path,
) -> None:
    base = live_server.url
    channels: list[Channel] = tree["channels"]

    # The editor composes the alert from the province's template, for the whole district.
    sign_in(page, base, "bientap")
    page.get_by_role("link", name="Cảnh báo khẩn cấp", exact=True).click()
    page.get_by_role("button", name="Cảnh báo khẩn cấp mới").click()
    # The whole district is chosen by default; the count follows the chosen units.
    total = page.locator("#channel-total")
    expect(total).to_contain_text(f"{len(channels)} kênh sẽ nhận cảnh báo")
    commune = tree["channels"][-1].unit
    page.uncheck(f"input[name=units][value='{commune.pk}']")
    expect(total).to_contain_text(f"{len(channels) - 2} kênh sẽ nhận cảnh báo")
    page.check(f"input[name=units][value='{commune.pk}']")
    expect(total).to_contain_text(f"{len(channels)} kênh sẽ nhận cảnh báo")
    page.select_option("select[name=template]", str(tree["template"].pk))
    # htmx fetches the template's fields.
    expect(page.locator("[name=field_khu_vuc]")).to_be_visible()
    for name, value in VALUES.items():
        page.fill(f"[name=field_{name}]", value)
    page.locator("button[name=step][value=compose]").click()
    expect(page).to_have_url(re.compile(r"/emergency/\d+/$"))
    alert = EmergencyAlert.objects.get()
    assert alert.status == EmergencyAlert.Status.WAITING
    assert alert.post.title == "Cảnh báo lũ quét, sạt lở đất tại các xã ven sông Kỳ Cùng"
    # The composer cannot confirm it.
    expect(page.locator("form.confirm-form")).to_have_count(0)
    sign_out(page)

    # The approver confirms it with the code from their authenticator app.
    sign_in(page, base, "pheduyet")
    page.goto(f"{base}/emergency/{alert.pk}/")
    expect(page.locator("dl.facts")).to_contain_text("bientap")
    device = tree["device"]
    page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
    page.locator("form.confirm-form button").click()
    expect(page).to_have_url(re.compile(rf"/emergency/{alert.pk}/board/$"))

    # The board follows every channel live until all are published, then stops polling.
    published = page.locator("#board .delivery-row[data-status=published]")
    expect(published).to_have_count(len(channels), timeout=30_000)
    expect(page.locator("#board[hx-get]")).to_have_count(0, timeout=5_000)
    expect(page.locator(".published-count")).to_have_text(
        f"{len(channels)}/{len(channels)} kênh đã đăng"
    )
    assert_accessible(page)
    # Nothing scrolls sideways or is clipped, on a phone or a laptop.
    assert_fits(page, 390, 1366)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.screenshot(path=str(tmp_path / "board.png"), full_page=True)
    deliveries = Delivery.objects.filter(post=alert.post)
    assert {delivery.channel_id for delivery in deliveries} == {c.pk for c in channels}
    assert {delivery.status for delivery in deliveries} == {Delivery.Status.PUBLISHED}
    assert {delivery.priority for delivery in deliveries} == {10}

    # The sandbox's ground truth: exactly one object per channel, nothing outside the alert.
    sandbox = tree["sandbox"]
    for channel in channels:
        entries = [
            entry
            for entry in sandbox.ledger(platform=channel.platform, account_id=channel.external_id)
            if entry["kind"] in ("post", "article", "message", "status")
        ]
        assert len(entries) == 1, (channel.name, entries)
    outside: Channel = tree["outside"]
    assert not [
        entry
        for entry in sandbox.ledger(platform=outside.platform, account_id=outside.external_id)
        if entry["kind"] in ("post", "article", "message", "status")
    ]
