"""The inbox in a real browser: a simulated citizen comments on a Page in the emulator, the
emulator's signed webhook reaches the app, the comment appears in the inbox, an editor answers
with the unit's saved reply, the answer shows in the emulator's thread, and the response time
appears in the unit's report."""

from __future__ import annotations

import asyncio
import datetime
import re
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from pressroom.channels.models import Channel
from pressroom.inbox.listener import listen_round
from pressroom.inbox.models import Conversation, Reply, ResponsePolicy, SavedReply
from pressroom.orgs.models import Membership, Role, Unit
from pressroom.platforms.base import Publication
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.connecting import Found
from pressroom.platforms.registry import connector_for
from tests.e2e.page_checks import assert_accessible
from tests.e2e.test_publish_flow import PASSWORD, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def off_the_browsers_loop[T](function: Callable[[], T]) -> T:
    """Playwright runs an event loop in the test's thread; the app's own asyncio (the
    listener's calls to the platforms) runs in a thread of its own, as in production."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(function())
        except BaseException as error:
            errors.append(error)
        finally:
            from django.db import connection

            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results[0]


def listen_once() -> None:
    off_the_browsers_loop(listen_round)


APP_ID = "880011220000002"
APP_SECRET = "e2e-inbox-app-secret"
PAGE = "100000000008080"
QUESTION = "Cho hỏi lịch tiêm chủng ở phường mình là ngày nào ạ?"
SAVED = "Cảm ơn anh/chị đã hỏi. Lịch tiêm được đăng tại trang của UBND phường."


@pytest.fixture
def ward(clean_sandbox: Any, live_server: Any, settings: Any) -> dict[str, Any]:
    settings.FACEBOOK_APP_SECRET = APP_SECRET
    province = Unit.objects.create(name="Tỉnh Lạng Sơn", slug="lang-son", kind="province")
    ward = Unit.objects.create(
        name="Phường Đông Kinh", slug="dong-kinh", kind="commune", parent=province
    )
    editor = get_user_model().objects.create_user("bientap", password=PASSWORD)
    Membership.objects.create(user=editor, unit=ward, role=Role.EDITOR)
    # Working hours all day, every day: the report's time is the time that passed.
    ResponsePolicy.objects.create(
        unit=ward,
        weekdays=[1, 2, 3, 4, 5, 6, 7],
        day_starts=datetime.time(0, 0),
        day_ends=datetime.time(23, 59, 59),
    )
    SavedReply.objects.create(unit=province, title="Lịch tiêm chủng", text=SAVED)
    httpx.post(
        f"{clean_sandbox.url}/_control/apps",
        json={
            "platform": "facebook",
            "app_id": APP_ID,
            "app_secret": APP_SECRET,
            "webhook_url": f"{live_server.url}/webhooks/facebook",
        },
    ).raise_for_status()
    access = clean_sandbox.connect("facebook", PAGE, name="UBND phường Đông Kinh")
    channel = Channel(
        unit=ward,
        platform="facebook",
        name="UBND phường Đông Kinh",
        external_id=PAGE,
        api_base=access.api_base,
        is_sandbox=True,
    )
    channel.credentials = dict(access.credentials)
    channel.save()
    connector_for("facebook").after_connect(
        Found(
            external_id=PAGE,
            name=channel.name,
            api_base=access.api_base,
            credentials=dict(access.credentials),
        )
    )

    async def publish() -> str:
        async with make_http_client() as http:
            client = client_class("facebook")(access, http)
            outcome = await client.publish(Publication(text="Lịch tiêm chủng tháng 12"))
            return outcome.remote_id

    return {
        "unit": ward,
        "sandbox": clean_sandbox,
        "access": access,
        "post_id": off_the_browsers_loop(lambda: asyncio.run(publish())),
    }


def test_a_citizens_comment_answered_with_a_saved_reply(
    page: Any, live_server: Any, ward: dict[str, Any]
) -> None:
    base, sandbox = live_server.url, ward["sandbox"]
    act = httpx.post(
        f"{sandbox.url}/_control/public/act",
        json={
            "platform": "facebook",
            "account_id": PAGE,
            "action": "comment",
            "post_id": ward["post_id"],
            "text": QUESTION,
        },
    )
    act.raise_for_status()
    comment_id = act.json()["created"]["remote_id"]
    # The emulator delivers its signed webhook to the app; the listener reads it.
    httpx.post(f"{sandbox.url}/_control/webhooks/flush", json={}, timeout=30)
    listen_once()

    sign_in(page, base, "bientap")
    page.goto(f"{base}/inbox/")
    expect(page.get_by_text(QUESTION)).to_be_visible()
    page.locator("table.inbox-list a").first.click()
    expect(page).to_have_url(re.compile(r"/inbox/\d+/$"))
    expect(page.locator(".thread").get_by_text(QUESTION)).to_be_visible()
    assert_accessible(page)

    # The saved reply fills the answer; the editor sends it.
    page.locator("select[name=saved]").select_option(label="Lịch tiêm chủng")
    page.locator("form[action='#reply'] button[type=submit]").click()
    expect(page.locator("form[action$='/reply/'] textarea")).to_have_value(SAVED)
    page.locator("form[action$='/reply/'] button[type=submit]").click()
    expect(page.locator(".messages, [role=status], .alert").first).to_be_visible()
    reply = Reply.objects.get()
    assert reply.saved_reply is not None and reply.state == Reply.State.QUEUED
    listen_once()
    reply.refresh_from_db()
    assert reply.state == Reply.State.SENT

    page.reload()
    expect(page.locator(".thread .message-out").get_by_text(SAVED)).to_be_visible()

    # The answer is in the emulator's thread, under the citizen's comment.
    page.goto(f"{sandbox.url}/view/facebook/{PAGE}")
    expect(page.get_by_text(QUESTION)).to_be_visible()
    expect(page.get_by_text(SAVED)).to_be_visible()
    answers = httpx.get(
        f"{ward['access'].api_base}/{comment_id}/comments",
        params={"fields": "id,message,from"},
        headers={"Authorization": f"Bearer {ward['access'].credentials['page_token']}"},
    ).json()["data"]
    assert [a["message"] for a in answers if a["from"]["id"] == PAGE] == [SAVED]

    # The response time is in the unit's report.
    conversation = Conversation.objects.get()
    assert conversation.first_response_s is not None
    page.goto(f"{base}/inbox/report/")
    channel_row = page.locator("table.report tr.report-channel").first
    expect(channel_row).to_contain_text("UBND phường Đông Kinh")
    cells = channel_row.locator("td")
    expect(cells.nth(2)).to_have_text("1")
    expect(cells.nth(3)).not_to_have_text("—")
