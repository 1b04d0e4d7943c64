"""The viewer shows what the public wrote under posts and to the account, and the answers."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pressroom.sandbox.server import build_app
from pressroom.sandbox.store import Account, Item, SandboxStore
from pressroom.sandbox.testing import ServedApp
from pressroom.sandbox.tests.town import TOWN, add_post
from pressroom.sandbox.viewer import author_of, names_of, parent_of


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, SandboxStore]]:
    app = build_app(tmp_path / "sandbox", [TOWN])
    store: SandboxStore = app.state.store
    with ServedApp(app) as running:
        store.save_account(
            platform="town", account_id="ubnd", token="t", name="UBND phường Một", extra={}
        )
        yield running.url, store


def test_comments_are_threaded_under_their_post(served: tuple[str, SandboxStore]) -> None:
    url, store = served
    add_post(store, "town", "ubnd", "p1")
    act = f"{url}/_control/public/act"
    base = {"platform": "town", "account_id": "ubnd", "post_id": "p1"}
    first = httpx.post(
        act, json={**base, "action": "comment", "text": "Lịch tiêm <b>khi nào</b>?", "citizen": 1}
    ).json()["created"]["remote_id"]
    httpx.post(act, json={**base, "action": "comment", "text": "Đường tối quá", "citizen": 2})
    store.add_item(
        platform="town",
        account_id="ubnd",
        kind="comment",
        remote_id="p1_answer",
        top_level=False,
        text="Thứ bảy này ạ",
        data={"post": "p1", "parent": first, "from": {"id": "ubnd", "name": "UBND phường Một"}},
    )
    httpx.post(
        act,
        json={**base, "action": "reply", "comment_id": "p1_answer", "text": "Cảm ơn ad"},
    )
    page = httpx.get(f"{url}/view/town/ubnd").text
    assert "4 bình luận (comments)" in page
    assert "Lịch tiêm &lt;b&gt;khi nào&lt;/b&gt;?" in page
    # The page's answer sits inside the first comment, the citizen's thanks inside the answer.
    thread = page.split(f'id="comment-{first}"')[1].split('id="comment-p1_c2"')[0]
    assert '<div class="comment page" id="comment-p1_answer">' in thread
    assert thread.index("Thứ bảy này ạ") < thread.index("Cảm ơn ad")
    one = httpx.get(f"{url}/view/town/ubnd/p1").text
    assert "Cảm ơn ad" in one


def test_messages_show_by_conversation(served: tuple[str, SandboxStore]) -> None:
    url, store = served
    act = f"{url}/_control/public/act"
    for citizen, text in ((3, "Cho hỏi thủ tục khai sinh"), (4, "Rác chưa dọn"), (3, "Ạ?")):
        httpx.post(
            act,
            json={
                "platform": "town",
                "account_id": "ubnd",
                "action": "message",
                "text": text,
                "citizen": citizen,
            },
        ).raise_for_status()
    store.add_item(
        platform="town",
        account_id="ubnd",
        kind="dm",
        remote_id="answer",
        top_level=False,
        text="Anh/chị mang giấy chứng sinh ạ",
        data={"conversation": "ubnd-3", "by_page": True},
    )
    page = httpx.get(f"{url}/view/town/ubnd").text
    assert "Tin nhắn (Messages) · 4" in page
    conversations = page.split('<div class="conversation">')[1:]
    assert len(conversations) == 2
    assert "Cho hỏi thủ tục khai sinh" in conversations[0]
    assert "Ạ?" in conversations[0]
    assert '<div class="message page"><b>UBND phường Một</b>' in conversations[0]
    assert "Rác chưa dọn" in conversations[1]


def test_a_platform_without_a_public_shows_no_comments(tmp_path: Path) -> None:
    app = build_app(tmp_path / "sandbox", [dataclasses.replace(TOWN, public=None)])
    store: SandboxStore = app.state.store
    with ServedApp(app) as running:
        store.save_account(platform="town", account_id="x", token="t", name="X", extra={})
        add_post(store, "town", "x", "p1")
        page = httpx.get(f"{running.url}/view/town/x").text
    assert "Thông báo p1" in page
    assert "bình luận" not in page
    assert "Tin nhắn" not in page


def item(remote_id: str, *, account_id: str = "ubnd", **data: Any) -> Item:
    return Item(
        seq=1,
        platform="town",
        account_id=account_id,
        kind="comment",
        remote_id=remote_id,
        top_level=False,
        text="",
        title="",
        link="",
        media=[],
        data=data,
        idempotency_key="",
        created_at=0,
    )


ACCOUNT = Account("town", "ubnd", "t", "UBND phường", {}, 0)


def test_authors_are_read_from_the_platforms_own_fields() -> None:
    assert author_of(item("1", author="Lan", by_page=False), ACCOUNT) == ("Lan", False)
    assert author_of(item("1", by_page=True), ACCOUNT) == ("UBND phường", True)
    sent_by_page: dict[str, Any] = {"from": {"id": "ubnd", "name": "UBND"}}
    assert author_of(item("1", **sent_by_page), ACCOUNT)[1]
    telegram: dict[str, Any] = {
        "message": {"message_id": 9, "from": {"id": 5, "first_name": "Lan"}}
    }
    assert author_of(item("c:9", **telegram), ACCOUNT) == ("Lan", False)
    assert author_of(item("c:9", by_bot=True, **telegram), ACCOUNT) == ("UBND phường", True)
    # A reply kept under the citizen's own account (Mastodon's statuses).
    assert author_of(item("7", account_id="1090"), ACCOUNT) == ("1090", False)
    assert author_of(item("7"), ACCOUNT) == ("—", False)


def test_parents_are_read_from_the_platforms_own_fields() -> None:
    assert parent_of(item("2", parent="1")) == "1"
    assert parent_of(item("2", in_reply_to_id="1")) == "1"
    assert parent_of(item("2", parent={"id": "1"})) == "1"
    assert parent_of(item("c:2", message={"reply_to_message": {"message_id": 1}})) == "1"
    assert parent_of(item("2", parent=True)) == ""
    assert names_of(item("c:2", message={"message_id": 2})) == ["c:2", "2"]
