"""The unit network in a real browser: the province keeps an image in its media library and
sends a content pack; a commune's editor writes the commune's post from it with the
library's image and a new one uploaded at once, meets a form error that loses nothing,
publishes to a saved channel set after the commune's approval, and the pack's page shows
the commune's post published."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from pressroom.channels import sets
from pressroom.channels.models import Channel
from pressroom.content.models import Asset, ContentPack, Post
from pressroom.orgs.models import Membership, Role, Unit
from pressroom.publishing.models import Delivery
from pressroom.testing import make_image
from tests.e2e.page_checks import assert_accessible, assert_fits
from tests.e2e.test_publish_flow import PASSWORD, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ACCOUNTS = {
    "facebook": ("1000888", {"page_token": "e2e-pack-fb"}),
    "telegram": ("@hop_thanh_e2e", {"bot_token": "888:e2e-pack-telegram"}),
}


@pytest.fixture
def network(clean_sandbox: Any) -> dict[str, Any]:
    province = Unit.objects.create(name="Tỉnh Lạng Sơn", slug="lang-son", kind="province")
    commune = Unit.objects.create(
        name="Xã Hợp Thành", slug="hop-thanh", kind="commune", parent=province
    )
    users = {}
    for username, unit, role in (
        ("tinh.pheduyet", province, Role.APPROVER),
        ("xa.bientap", commune, Role.EDITOR),
        ("xa.pheduyet", commune, Role.APPROVER),
    ):
        users[username] = get_user_model().objects.create_user(username, password=PASSWORD)
        Membership.objects.create(user=users[username], unit=unit, role=role)
    channels = []
    for platform, (external_id, credentials) in ACCOUNTS.items():
        extra = {"username": external_id.lstrip("@")} if platform == "telegram" else {}
        clean_sandbox.add_account(platform, external_id, next(iter(credentials.values())), **extra)
        channel = Channel(
            unit=commune,
            platform=platform,
            name=f"Hợp Thành · {platform}",
            external_id=external_id,
            api_base=clean_sandbox.base_for(platform),
            is_sandbox=True,
        )
        channel.credentials = credentials
        channel.save()
        channels.append(channel)
    channel_set = sets.save_channel_set(
        unit=commune, name="Kênh của xã", channels=channels, by=users["xa.bientap"]
    )
    return {"commune": commune, "channels": channels, "set": channel_set, "sandbox": clean_sandbox}


def test_a_commune_publishes_its_post_from_a_province_pack(
    page: Any, live_server: Any, network: dict[str, Any], running_dispatcher: None, tmp_path: Path
) -> None:
    base = live_server.url
    banner = tmp_path / "bang-ron.png"
    banner.write_bytes(make_image(size=(800, 450), kind="PNG", color="darkgreen"))
    photo = tmp_path / "hop-thanh.jpg"
    photo.write_bytes(make_image(size=(640, 400), kind="JPEG", color="orange"))

    # The province keeps its image in the media library (uploaded with the page's progress).
    sign_in(page, base, "tinh.pheduyet")
    page.goto(f"{base}/library/")
    page.set_input_files("form[data-library-upload] input[type=file]", str(banner))
    page.fill("form[data-library-upload] textarea", "Băng rôn Ngày Pháp luật Việt Nam")
    page.locator("form[data-library-upload] button[type=submit]").click()
    expect(page.locator(".library-card", has_text="bang-ron.png")).to_be_visible()
    assert_accessible(page)
    banner_item = Asset.objects.get(name="bang-ron.png")

    # It sends a pack with the image to the units below.
    page.goto(f"{base}/packs/new/")
    page.fill("#id_title", "Hưởng ứng Ngày Pháp luật Việt Nam 9/11")
    page.fill("#id_body", "Cán bộ và nhân dân tích cực tìm hiểu pháp luật.")
    page.fill("#id_starts_on", "2026-12-01")
    page.fill("#id_ends_on", "2026-12-20")
    page.get_by_label(re.compile("bang-ron.png")).check()
    page.locator("#id_all_below").check()
    page.locator("form.pack-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/packs/\d+/$"))
    expect(page.locator(".badge-adoption-not_yet")).to_have_text("Chưa dùng")
    pack = ContentPack.objects.get()
    sign_out(page)

    # The commune's editor hears of it and writes the commune's post from it.
    sign_in(page, base, "xa.bientap")
    expect(page.locator(".bell-count")).to_have_text("1")
    page.goto(f"{base}/packs/{pack.pk}/")
    page.get_by_role("button", name="Viết bài của Xã Hợp Thành").click()
    expect(page.locator("#id_title")).to_have_value(pack.title)
    expect(page.locator(f"input[name=library][value='{banner_item.pk}']")).to_be_checked()
    # A photo of the commune's own, uploaded as soon as it is chosen.
    page.set_input_files("#id_new_image_1", str(photo))
    page.fill("#id_new_image_1_description", "Buổi tuyên truyền tại nhà văn hóa thôn")
    expect(page.locator(".new-image .upload-status").first).to_contain_text("hop-thanh.jpg")
    # The saved channel set ticks the commune's channels.
    page.locator("#id_add_set").select_option(str(network["set"].pk))
    expect(page.locator("input[name=channels]:checked")).to_have_count(2)
    # Adapted to the commune, but the title left empty by mistake.
    page.fill("#id_body", "Xã Hợp Thành tổ chức tuyên truyền Ngày Pháp luật tại 12 thôn.")
    page.fill("#id_title", "")
    page.locator("#id_title").evaluate("field => field.removeAttribute('required')")
    page.locator("form.composer button[name=then][value=submit]").click()

    # The error loses nothing: the pack, both images, their descriptions, the channels.
    expect(page.locator("#id_title + .errorlist, .errorlist").first).to_be_visible()
    expect(page.locator(f"input[name=library][value='{banner_item.pk}']")).to_be_checked()
    expect(page.locator("#id_new_image_1_description")).to_have_value(
        "Buổi tuyên truyền tại nhà văn hóa thôn"
    )
    expect(page.locator(".new-image .upload-status").first).to_contain_text("hop-thanh.jpg")
    expect(page.locator("input[name=channels]:checked")).to_have_count(2)
    expect(page.locator("#id_body")).to_have_value(
        "Xã Hợp Thành tổ chức tuyên truyền Ngày Pháp luật tại 12 thôn."
    )
    assert_accessible(page)
    assert_fits(page, 390, 1366)
    assert not Post.objects.exists()
    page.fill("#id_title", "Xã Hợp Thành hưởng ứng Ngày Pháp luật")
    page.locator("form.composer button[name=then][value=submit]").click()
    expect(page).to_have_url(re.compile(r"/posts/\d+/$"))
    post = Post.objects.get()
    assert post.pack == pack and post.status == Post.Status.IN_REVIEW
    assert [str(m.asset) for m in post.media.select_related("asset")] == [
        "bang-ron.png",
        "hop-thanh.jpg",
    ]
    sign_out(page)

    # The commune's approver approves and publishes it.
    sign_in(page, base, "xa.pheduyet")
    page.goto(f"{base}/posts/{post.pk}/")
    page.locator("form[action$='/approve/'] button").click()
    page.get_by_role("button", name="Đăng ngay").click()
    page.get_by_role("button", name="Có, đăng ngay").click()
    expect(page.locator("#deliveries .badge-published")).to_have_count(2, timeout=30_000)
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.PUBLISHED}
    sign_out(page)

    # The pack's page, for the province: the commune published, adapted.
    sign_in(page, base, "tinh.pheduyet")
    page.goto(f"{base}/packs/{pack.pk}/")
    row = page.locator("tr", has_text="Xã Hợp Thành")
    expect(row.locator(".badge-adoption-published")).to_be_visible()
    expect(row).to_contain_text("có điều chỉnh")
    assert_accessible(page)

    # The sandbox received the commune's post with both images, once per channel.
    sandbox = network["sandbox"]
    for platform, (external_id, _credentials) in ACCOUNTS.items():
        entries = [
            entry
            for entry in sandbox.ledger(platform=platform, account_id=external_id)
            if entry["kind"] in ("post", "message", "status")
        ]
        assert len(entries) == 1, (platform, entries)
        assert entries[0]["media_count"] == 2
