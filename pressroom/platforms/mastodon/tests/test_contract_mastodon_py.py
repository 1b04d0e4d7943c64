"""Mastodon.py, the platform's most used Python client, against the emulated instance.

The library runs with its default settings (default version check, ratelimit_method="wait");
only its base URL is the sandbox's, `{sandbox}/mastodon`, as an instance address. Where the
two disagreed, the emulator was corrected (docs/platforms.md says on what).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonUnauthorizedError,
)

from pressroom.platforms.testing import RunningSandbox
from pressroom.testing import make_image

REDIRECT = "https://pressroom.example/connect/mastodon/done"


@pytest.fixture
def sandbox(clean_sandbox: RunningSandbox) -> Iterator[RunningSandbox]:
    # The library warns about anything odd it sees in an instance (a missing API version…):
    # an emulator that makes it warn is answering wrongly.
    with warnings.catch_warnings():
        warnings.filterwarnings("error", module=r"mastodon(\.|$)")
        yield clean_sandbox


def client(sandbox: RunningSandbox, account: str = "so-tt", **extra: Any) -> Mastodon:
    access = sandbox.connect("mastodon", account, **extra)
    return Mastodon(
        api_base_url=sandbox.base_for("mastodon"),
        access_token=access.credentials["access_token"],
    )


def test_the_instance_and_its_version(sandbox: RunningSandbox) -> None:
    api = client(sandbox)
    instance = api.instance()
    assert instance.version.startswith("4.5.")
    assert instance.configuration.statuses.max_characters == 500
    assert api.retrieve_mastodon_version() == "4.5.0"
    assert api.verify_minimum_version("4.4.0", cached=True)
    assert api.mastodon_api_version == 7
    v1 = api.instance_v1()
    assert v1.uri == instance.domain
    assert v1.stats.user_count == 1


def test_verify_credentials(sandbox: RunningSandbox) -> None:
    me = client(sandbox, username="sotttt", name="Sở TT").account_verify_credentials()
    assert me.id == "so-tt"
    assert me.acct == "sotttt"
    assert me.display_name == "Sở TT"
    assert me.source.privacy == "public"
    assert isinstance(me.created_at, datetime)


def test_a_text_status(sandbox: RunningSandbox) -> None:
    api = client(sandbox)
    status = api.status_post("Thông báo nghỉ lễ https://langson.gov.vn/tin.", language="vi")
    assert status.content == "<p>Thông báo nghỉ lễ https://langson.gov.vn/tin.</p>"
    assert status.visibility == "public"
    assert status.language == "vi"
    assert isinstance(status.created_at, datetime)
    assert status.account.id == "so-tt"
    [entry] = sandbox.ledger(platform="mastodon", kind="status")
    assert entry["remote_id"] == str(status.id)
    assert api.status(status.id).id == status.id


def test_sensitive_and_a_content_warning(sandbox: RunningSandbox) -> None:
    api = client(sandbox)
    hidden = api.status_post("Ảnh hiện trường", sensitive=True)
    assert hidden.sensitive is True
    assert hidden.spoiler_text == ""
    warned = api.status_post("Chi tiết", spoiler_text="Tin buồn")
    assert warned.spoiler_text == "Tin buồn"
    assert warned.sensitive is True
    plain = api.status_post("Bình thường")
    assert plain.sensitive is False


def test_media_then_a_status_with_it(sandbox: RunningSandbox) -> None:
    api = client(sandbox)
    media = api.media_post(
        make_image(color="teal"), mime_type="image/png", description="Cầu Kỳ Lừa", focus=(0, 1)
    )
    assert media.type == "image"
    assert media.url.startswith(sandbox.url)
    assert media.meta.focus.y == 1
    status = api.status_post("Có ảnh", media_ids=[media])
    assert [attachment.id for attachment in status.media_attachments] == [media.id]
    assert status.media_attachments[0].description == "Cầu Kỳ Lừa"
    [entry] = sandbox.ledger(platform="mastodon", kind="status")
    assert entry["media_count"] == 1


def test_media_still_processing_is_waited_for(sandbox: RunningSandbox) -> None:
    api = client(sandbox, media_pending_polls=2)
    media = api.media_post(make_image(), mime_type="image/png", synchronous=True)
    assert media.url is not None
    updated = api.media_update(media, description="Mô tả sau")
    assert updated.description == "Mô tả sau"
    assert api.status_post("Ảnh lớn", media_ids=[media]).media_attachments


def test_scheduled_at(sandbox: RunningSandbox) -> None:
    api = client(sandbox)
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    scheduled = api.status_post("Hẹn giờ", scheduled_at=at)
    assert scheduled.scheduled_at == at
    assert scheduled.params.text == "Hẹn giờ"
    assert [item.id for item in api.scheduled_statuses()] == [scheduled.id]
    assert api.scheduled_status(scheduled.id).params.text == "Hẹn giờ"
    with pytest.raises(MastodonAPIError) as soon:
        api.status_post("Sớm quá", scheduled_at=datetime.now(UTC) + timedelta(minutes=1))
    assert soon.value.args[1] == 422
    assert sandbox.ledger(platform="mastodon", kind="status") == []


def test_the_same_idempotency_key_gives_the_same_status(sandbox: RunningSandbox) -> None:
    api = client(sandbox)
    first = api.status_post("Chỉ một lần", idempotency_key="delivery-7")
    second = api.status_post("Chỉ một lần", idempotency_key="delivery-7")
    assert first.id == second.id
    assert len(sandbox.ledger(platform="mastodon", kind="status")) == 1


def test_errors(sandbox: RunningSandbox) -> None:
    api = client(sandbox, max_characters=10)
    with pytest.raises(MastodonAPIError) as blank:
        api.status_post("")
    assert blank.value.args[1] == 422
    assert blank.value.args[3] == "Validation failed: Text can't be blank"
    with pytest.raises(MastodonAPIError) as long:
        api.status_post("x" * 11)
    assert long.value.args[1] == 422
    assert "Text character limit of 10 exceeded" in str(long.value)
    with pytest.raises(MastodonNotFoundError):
        api.status("1")
    stranger = Mastodon(api_base_url=sandbox.base_for("mastodon"), access_token="not-a-token")
    with pytest.raises(MastodonUnauthorizedError) as refused:
        stranger.account_verify_credentials()
    assert "The access token is invalid" in str(refused.value)


def test_rate_limit_headers_are_read(sandbox: RunningSandbox) -> None:
    api = client(sandbox)
    api.status_post("Một")
    api.account_verify_credentials()
    assert api.ratelimit_limit == 300
    assert api.ratelimit_remaining == 298
    assert api.ratelimit_reset > time.time()


def test_a_429_is_waited_out_by_default(sandbox: RunningSandbox) -> None:
    api = client(sandbox)
    sandbox.add_fault("mastodon", "rate_limit", operation="statuses", retry_after=1)
    started = time.monotonic()
    status = api.status_post("Sau khi chờ")
    assert time.monotonic() - started >= 0.5
    assert status.content == "<p>Sau khi chờ</p>"
    assert len(sandbox.ledger(platform="mastodon", kind="status")) == 1


def test_a_429_raises_when_the_client_throws(sandbox: RunningSandbox) -> None:
    # The real limit's window is five minutes: in the default "wait" mode the library would
    # sleep until it ends, so this one test asks it to throw instead.
    access = sandbox.connect("mastodon", "so-tt")
    api = Mastodon(
        api_base_url=sandbox.base_for("mastodon"),
        access_token=access.credentials["access_token"],
        ratelimit_method="throw",
    )
    headers = {"Authorization": f"Bearer {access.credentials['access_token']}"}
    with httpx.Client(headers=headers) as http:
        for _ in range(300):
            http.get(f"{sandbox.base_for('mastodon')}/api/v1/accounts/verify_credentials")
    with pytest.raises(MastodonRatelimitError):
        api.account_verify_credentials()
    assert api.ratelimit_remaining == 0


def test_the_oauth_flow(sandbox: RunningSandbox) -> None:
    base = sandbox.base_for("mastodon")
    client_id, client_secret = Mastodon.create_app(
        "Pressroom", redirect_uris=REDIRECT, api_base_url=base, website="https://pressroom.example"
    )
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    # The sandbox speaks http; the library asks for https OAuth addresses unless told this is
    # a test (allow_http, its documented switch).
    url = api.auth_request_url(redirect_uris=REDIRECT, state="s-1", allow_http=True)
    assert url.startswith(f"{base}/oauth/authorize?")
    page = httpx.get(url)
    assert "Cho phép (Authorize)" in page.text
    # The browser: choose a new account, press Authorize, follow nothing (the app's callback).
    answer = httpx.post(
        url, data={"account": "__new__", "new_username": "so_tt", "decision": "authorize"}
    )
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["state"] == ["s-1"]
    token = api.log_in(code=query["code"][0], redirect_uri=REDIRECT, allow_http=True)
    assert token
    me = api.account_verify_credentials()
    assert me.username == "so_tt"
    assert api.app_verify_credentials().name == "Pressroom"
    api.status_post("Kết nối xong")
    [entry] = sandbox.ledger(platform="mastodon", kind="status")
    assert entry["text"] == "Kết nối xong"
    api.revoke_access_token(allow_http=True)
    again = Mastodon(api_base_url=base, access_token=token)
    with pytest.raises(MastodonUnauthorizedError):
        again.account_verify_credentials()


def citizen_says(sandbox: RunningSandbox, action: str, **body: Any) -> str:
    """A simulated citizen acts (the emulator's control, not Mastodon's API)."""
    response = httpx.post(f"{sandbox.base_for('mastodon')}/_control/citizens/{action}", json=body)
    response.raise_for_status()
    return str(response.json().get("id") or "")


def test_mentions_paged_forward_with_min_id(sandbox: RunningSandbox) -> None:
    api = client(sandbox, username="ubnd")
    post = api.status_post("Lịch tiêm chủng tháng 10")
    said = [
        citizen_says(sandbox, "comment", status_id=post.id, citizen=n, text=f"Câu hỏi {n}")
        for n in range(5)
    ]
    page = api.notifications(min_id=0, limit=2, types=["mention", "quote"])
    seen: list[str] = []
    while page:
        # Each page: the oldest after the cursor, newest first.
        assert [item.id for item in page] == sorted((item.id for item in page), reverse=True)
        seen += [str(item.status.id) for item in reversed(page)]
        assert all(item.type == "mention" for item in page)
        assert all(item.status.in_reply_to_id == post.id for item in page)
        page = api.fetch_previous(page)
    assert seen == said
    newest = api.notifications(types=["mention"], limit=1)[0]
    assert str(newest.status.id) == said[-1]
    assert newest.account.acct.endswith("@xa-hoi.example")
    assert isinstance(newest.created_at, datetime)
    assert api.notifications(id=newest.id).status.content.endswith("Câu hỏi 4</p>")


def test_a_reply_in_the_thread_and_its_context(sandbox: RunningSandbox) -> None:
    api = client(sandbox, username="ubnd")
    post = api.status_post("Thông báo cắt điện")
    asked = citizen_says(sandbox, "comment", status_id=post.id, citizen=1, text="Mấy giờ ạ?")
    question = api.status(asked)
    answer = api.status_post(
        f"@{question.account.acct} Từ 8 giờ đến 11 giờ.",
        in_reply_to_id=question,
        idempotency_key="pressroom:reply-9",
    )
    assert answer.in_reply_to_id == question.id
    assert [mention.acct for mention in answer.mentions] == [question.account.acct]
    context = api.status_context(answer)
    assert [status.id for status in context.ancestors] == [post.id, question.id]
    assert [status.id for status in api.status_context(post).descendants] == [
        question.id,
        answer.id,
    ]
    assert api.status(post).replies_count == 1
    with pytest.raises(MastodonNotFoundError):
        api.status_post("Trả lời", in_reply_to_id="1")


def test_the_notification_policy(sandbox: RunningSandbox) -> None:
    api = client(sandbox, username="ubnd")
    policy = api.notifications_policy()
    assert policy.for_private_mentions == "filter"
    assert policy.for_not_following == "accept"
    assert policy.summary.pending_notifications_count == 0
    citizen_says(sandbox, "message", account_id="so-tt", citizen=2, text="Hỏi riêng")
    assert api.notifications() == []
    assert api.notifications_policy().summary.pending_requests_count == 1
    changed = api.update_notifications_policy(for_private_mentions="accept")
    assert changed.for_private_mentions == "accept"
    citizen_says(sandbox, "message", account_id="so-tt", citizen=2, text="Hỏi lại")
    [message] = api.notifications()
    assert message.status.visibility == "direct"


def test_direct_conversations(sandbox: RunningSandbox) -> None:
    api = client(sandbox, username="ubnd")
    api.update_notifications_policy(for_private_mentions="accept")
    citizen_says(sandbox, "message", account_id="so-tt", citizen=3, text="Xin chào")
    [conversation] = api.conversations()
    assert conversation.unread is True
    asked = conversation.last_status
    answer = api.status_post(
        f"@{asked.account.acct} Chào anh", in_reply_to_id=asked, visibility="direct"
    )
    [conversation] = api.conversations()
    assert conversation.last_status.id == answer.id
    assert conversation.unread is False
    assert [account.acct for account in conversation.accounts] == [asked.account.acct]
