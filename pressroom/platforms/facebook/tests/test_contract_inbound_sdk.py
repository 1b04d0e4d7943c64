"""The sandbox's comments and Messenger endpoints as Facebook's own SDK (facebook-business)
sees them, over real HTTP, with the SDK's defaults (its version, its appsecret_proof); only
its Graph address points at the sandbox (`FacebookSession.GRAPH`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from facebook_business.adobjects.comment import Comment
from facebook_business.adobjects.page import Page
from facebook_business.adobjects.post import Post
from facebook_business.api import FacebookAdsApi
from facebook_business.crashreporter import CrashReporter
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession

from pressroom.platforms.facebook.sandbox.public import FacebookPublic
from pressroom.platforms.facebook.tests.listening import store_of
from pressroom.platforms.testing import RunningSandbox
from pressroom.sandbox.emulation import Citizen
from pressroom.sandbox.store import Account, Item

APP_ID = "770011223344557"
APP_SECRET = "sdk-inbound-secret"
PAGE_ID = "100000000004343"
PAGE_TOKEN = "EAAsdk-page-token-4343"
PAGE_NAME = "UBND xã Tân Lập"


@pytest.fixture
def public(clean_sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> FacebookPublic:
    clean_sandbox.add_app("facebook", APP_ID, APP_SECRET)
    clean_sandbox.add_account("facebook", PAGE_ID, PAGE_TOKEN, name=PAGE_NAME)
    monkeypatch.setattr(FacebookSession, "GRAPH", f"{clean_sandbox.url}/facebook")
    return FacebookPublic(store_of(clean_sandbox))


@pytest.fixture
def api(public: FacebookPublic) -> Iterator[FacebookAdsApi]:
    yield FacebookAdsApi.init(APP_ID, APP_SECRET, PAGE_TOKEN)
    CrashReporter.disable()
    FacebookAdsApi.set_default_api(None)


def page_of(public: FacebookPublic) -> Account:
    account = public.store.account("facebook", PAGE_ID)
    assert account is not None
    return account


def citizen(public: FacebookPublic, number: int = 1) -> Citizen:
    return public.citizen(page_of(public), number)


def a_commented_post(public: FacebookPublic) -> tuple[str, Item]:
    created = Page(PAGE_ID).create_feed(params={"message": "Thông báo cắt điện"})
    post = public.store.item("facebook", created["id"])
    assert post is not None
    comment = public.comment(post, citizen(public), "Mấy giờ có điện lại?")
    assert comment is not None
    return created["id"], comment


def test_the_pages_reply_and_the_comments_of_a_post(
    api: FacebookAdsApi, public: FacebookPublic
) -> None:
    post_id, comment = a_commented_post(public)
    created = Comment(comment.remote_id).create_comment(params={"message": "17 giờ ạ."})
    assert created["id"]
    listed = Post(post_id).get_comments(
        fields=["id", "message", "from", "parent", "is_hidden", "can_hide", "created_time"],
        params={"filter": "stream", "order": "reverse_chronological"},
    )
    rows = [dict(row) for row in listed]
    assert [row["id"] for row in rows] == [created["id"], comment.remote_id]
    assert rows[0]["from"] == {"id": PAGE_ID, "name": PAGE_NAME}
    assert rows[0]["parent"]["id"] == comment.remote_id
    assert rows[0]["can_hide"] is False
    assert rows[1]["can_hide"] is True
    toplevel = Post(post_id).get_comments(fields=["id"], params={"filter": "toplevel"})
    assert [row["id"] for row in toplevel] == [comment.remote_id]


def test_the_sdk_pages_through_many_comments(api: FacebookAdsApi, public: FacebookPublic) -> None:
    post_id, first = a_commented_post(public)
    post = public.store.item("facebook", post_id)
    assert post is not None
    for number in range(2, 8):
        public.comment(post, citizen(public, number), f"Ý kiến số {number}")
    listed = Post(post_id).get_comments(fields=["id", "message"], params={"limit": 3})
    messages = [row["message"] for row in listed]
    assert messages == [first.text, *(f"Ý kiến số {n}" for n in range(2, 8))]


def test_hide_show_again_and_delete(api: FacebookAdsApi, public: FacebookPublic) -> None:
    _post_id, comment = a_commented_post(public)
    node = Comment(comment.remote_id)
    node.api_update(params={"is_hidden": True})
    assert Comment(comment.remote_id).api_get(fields=["is_hidden"])["is_hidden"] is True
    node.api_update(params={"is_hidden": False})
    assert Comment(comment.remote_id).api_get(fields=["is_hidden"])["is_hidden"] is False
    node.api_delete()
    with pytest.raises(FacebookRequestError) as raised:
        Comment(comment.remote_id).api_get(fields=["message"])
    assert raised.value.api_error_code() == 100


# The SDK checks field names against UnifiedThread's fields, which do not list its edges.
@pytest.mark.filterwarnings("ignore:conversations does not allow field messages")
def test_a_message_and_the_conversations(api: FacebookAdsApi, public: FacebookPublic) -> None:
    lan = citizen(public)
    written = public.message(page_of(public), lan, "Cho tôi hỏi lịch tiếp dân")
    assert written is not None
    sent = Page(PAGE_ID).create_message(
        params={
            "recipient": {"id": lan.id},
            "messaging_type": Page.MessagingType.response,
            "message": {"text": "Thứ Năm hằng tuần ạ."},
            "metadata": "pressroom:1",
        }
    )
    assert sent["recipient_id"] == lan.id
    assert sent["message_id"].startswith("m_")
    [conversation] = Page(PAGE_ID).get_conversations(
        fields=["updated_time", "participants", "messages.limit(25){id,message,from}"],
        params={"platform": "MESSENGER"},
    )
    assert [person["id"] for person in conversation["participants"]["data"]] == [lan.id, PAGE_ID]
    messages = conversation["messages"]["data"]
    assert [(m["id"], m["from"]["id"]) for m in messages] == [
        (sent["message_id"], PAGE_ID),
        (written.remote_id, lan.id),
    ]


def test_a_private_reply_once(api: FacebookAdsApi, public: FacebookPublic) -> None:
    _post_id, comment = a_commented_post(public)
    params = {"recipient": {"comment_id": comment.remote_id}, "message": {"text": "Xem tin nhắn"}}
    sent = Page(PAGE_ID).create_message(params=params)
    assert sent["recipient_id"] == citizen(public).id
    with pytest.raises(FacebookRequestError) as raised:
        Page(PAGE_ID).create_message(params=params)
    assert raised.value.api_error_code() == 10900
