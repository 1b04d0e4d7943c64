"""The composer's live help in a real browser: versions that follow the main text until
edited, the "edited" mark and the way back, and counters that count as each platform does."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.demo.province import load_demo
from pressroom.testing import make_image
from tests.e2e.test_accessibility import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_versions_follow_the_main_text_until_edited(
    live_server: Any, page: Any, tmp_path: Any
) -> None:
    load_demo()
    base = live_server.url
    telegram = Channel.objects.get(unit__slug="cao-loc", platform="telegram")
    zalo = Channel.objects.get(unit__slug="cao-loc", platform="zalo")
    sign_in(page, base, "caoloc.bientap")
    page.goto(f"{base}/posts/new/")
    page.locator(f"input[name=channels][value='{telegram.pk}']").check()
    page.locator(f"input[name=channels][value='{zalo.pk}']").check()
    page.fill("#id_title", "Lịch tiếp công dân")
    page.fill("#id_body", "Thứ Năm hằng tuần tại trụ sở UBND.")

    # Every version follows the main text; Zalo alone asks for a title, and follows it too.
    expect(page.locator("#id_variant_telegram_text")).to_have_value(
        "Thứ Năm hằng tuần tại trụ sở UBND."
    )
    expect(page.locator("#id_variant_zalo_title")).to_have_value("Lịch tiếp công dân")
    expect(page.locator("#id_variant_telegram_title")).to_have_count(0)
    expect(page.locator("#counter-title")).to_contain_text("18 / 200")
    expect(page.locator("#counter-zalo-title")).to_contain_text("18 / 150")

    # Edited for Telegram: it stops following, and says so.
    page.fill("#id_variant_telegram_text", "Bản ngắn cho Telegram.")
    mark = page.locator("[data-edited-mark=telegram]")
    expect(mark).to_be_visible()
    page.fill("#id_body", "Thứ Sáu hằng tuần tại trụ sở UBND.")
    expect(page.locator("#id_variant_telegram_text")).to_have_value("Bản ngắn cho Telegram.")
    expect(page.locator("#id_variant_zalo_text")).to_have_value(
        "Thứ Sáu hằng tuần tại trụ sở UBND."
    )

    # Telegram counts a caption once an image is attached: 1,024, not 4,096.
    counter = page.locator("#counter-telegram")
    expect(counter).to_contain_text("/ 4096")
    image = tmp_path / "anh.png"
    image.write_bytes(make_image(kind="PNG"))
    page.set_input_files("#id_new_image_1", str(image))
    expect(counter).to_contain_text("/ 1024")

    # And back to the main text.
    page.locator("[data-reset=telegram]").click()
    expect(page.locator("#id_variant_telegram_text")).to_have_value(
        "Thứ Sáu hằng tuần tại trụ sở UBND."
    )
    expect(mark).to_be_hidden()


def test_a_quick_choice_ticks_a_unit_and_all_below_it(live_server: Any, page: Any) -> None:
    load_demo()
    base = live_server.url
    sign_in(page, base, "bientap")
    page.goto(f"{base}/posts/new/")
    expect(page.locator("#channel-summary")).to_have_text(re.compile("Chưa chọn kênh nào"))
    district = Channel.objects.filter(unit__slug="cao-loc")
    page.locator("#id_add_unit").select_option(str(district[0].unit_id))
    checked = page.locator('input[name="channels"]:checked')
    expect(checked).to_have_count(district.count())
    expect(page.locator("#channel-summary")).to_contain_text(f"{district.count()} (")
    expect(page.locator("#id_add_unit")).to_have_value("")
    page.locator("#id_add_platform").select_option("facebook")
    facebook_elsewhere = Channel.objects.filter(platform="facebook").exclude(unit__slug="cao-loc")
    expect(checked).to_have_count(district.count() + facebook_elsewhere.count())


def tab_to(page: Any, selector: str, limit: int = 150) -> None:
    """Press Tab until the focus is on `selector`; every control passed shows its focus."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """(selector) => {
                const element = document.activeElement;
                const style = getComputedStyle(element);
                const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
                    || style.boxShadow !== "none";
                return {
                    reached: element.matches(selector),
                    ring: ring,
                    what: element.outerHTML.slice(0, 120),
                };
            }""",
            selector,
        )
        assert state["ring"], f"no visible focus on {state['what']}"
        if state["reached"]:
            return
    raise AssertionError(f"{selector} cannot be reached with the keyboard")


def test_a_post_is_written_with_the_keyboard_alone(live_server: Any, page: Any) -> None:
    load_demo()
    base = live_server.url
    facebook = Channel.objects.get(unit__slug="cao-loc", platform="facebook")
    sign_in(page, base, "caoloc.bientap")
    page.goto(f"{base}/posts/new/")
    tab_to(page, "#id_title")
    page.keyboard.type("Lịch tiếp công dân tháng 12")
    tab_to(page, "#id_body")
    page.keyboard.type("Thứ Năm hằng tuần tại trụ sở UBND huyện.")
    tab_to(page, f"input[name=channels][value='{facebook.pk}']")
    page.keyboard.press("Space")
    expect(page.locator("#channel-summary")).to_contain_text("1")
    tab_to(page, "form.composer button[name=then][value=save]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/posts/\d+/$"))
    post = Post.objects.get(title="Lịch tiếp công dân tháng 12")
    assert list(post.channels.all()) == [facebook]
    assert post.body == "Thứ Năm hằng tuần tại trụ sở UBND huyện."
