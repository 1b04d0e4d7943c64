"""Notification entities read into happenings, and a status's HTML read as plain text."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pressroom.platforms.inbound import HappeningKind, ReplyWay, ThreadKind, Unreadable
from pressroom.platforms.mastodon.html_text import html_to_text
from pressroom.platforms.mastodon.inbound import LISTENER

OFFICIAL = "109302"
LAN = {
    "id": "971724",
    "username": "lan",
    "acct": "lan@xa-hoi.example",
    "display_name": "Nguyễn Thị Lan",
}
MENTION_HTML = (
    '<p><span class="h-card" translate="no"><a href="https://mastodon.gov.vn/@ubnd" '
    'class="u-url mention">@<span>ubnd</span></a></span> Lịch tiêm ở phường tôi là khi nào?</p>'
)


def status(**fields: Any) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "id": "103186126728896492",
        "created_at": "2019-11-23T07:49:01.940Z",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "visibility": "public",
        "content": MENTION_HTML,
        "account": LAN,
        "mentions": [{"id": OFFICIAL, "username": "ubnd", "acct": "ubnd", "url": "…"}],
        "media_attachments": [],
        "quote": None,
    }
    entity.update(fields)
    return entity


def notification(kind: str, **fields: Any) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "id": "34975861",
        "type": kind,
        "created_at": "2019-11-23T07:49:02.064Z",
        "group_key": "ungrouped-34975861",
        "account": LAN,
        "status": status(),
    }
    entity.update(fields)
    return entity


def test_a_reply_to_a_post_is_a_comment_under_its_parent_until_the_client_finds_the_root() -> None:
    entity = notification(
        "mention", status=status(in_reply_to_id="1001", in_reply_to_account_id=OFFICIAL)
    )
    [comment] = LISTENER.parse(entity, account_id=OFFICIAL)
    assert comment.kind is HappeningKind.COMMENT
    assert comment.thread_kind is ThreadKind.COMMENTS
    assert comment.thread == "post:1001"
    assert comment.parent_id == comment.post_id == "1001"
    assert comment.remote_id == "103186126728896492"
    assert comment.author.id == "971724"
    assert comment.author.name == "Nguyễn Thị Lan"
    assert comment.text == "@ubnd Lịch tiêm ở phường tôi là khi nào?"
    assert comment.at == datetime(2019, 11, 23, 7, 49, 1, 940000, tzinfo=UTC)
    assert comment.visibility == "public"
    assert comment.account_id == OFFICIAL
    assert not comment.by_channel


def test_a_direct_mention_is_a_message_in_the_persons_thread() -> None:
    entity = notification("mention", status=status(visibility="direct"))
    [message] = LISTENER.parse(entity, account_id=OFFICIAL)
    assert message.kind is HappeningKind.MESSAGE
    assert message.thread_kind is ThreadKind.MESSAGES
    assert message.thread == "person:971724"
    assert message.visibility == "direct"


def test_a_mention_replying_to_nothing_is_its_own_public_thread() -> None:
    [comment] = LISTENER.parse(notification("mention"), account_id=OFFICIAL)
    assert comment.kind is HappeningKind.COMMENT
    assert comment.thread == "status:103186126728896492"
    assert comment.parent_id == comment.post_id == ""


def test_a_quote_is_a_comment_on_the_quoted_status() -> None:
    quoted = status(id="1001", account={**LAN, "id": OFFICIAL}, content="<p>Thông báo</p>")
    full = notification(
        "quote", status=status(quote={"state": "accepted", "quoted_status": quoted})
    )
    shallow = notification(
        "quote", status=status(quote={"state": "accepted", "quoted_status_id": "1001"})
    )
    for entity in (full, shallow):
        [comment] = LISTENER.parse(entity, account_id=OFFICIAL)
        assert comment.kind is HappeningKind.COMMENT
        assert (comment.thread, comment.post_id, comment.parent_id) == ("post:1001", "1001", "")


def test_an_update_is_an_edit_of_the_status_at_its_edit_time() -> None:
    edited = status(
        in_reply_to_id="1001", edited_at="2019-11-23T08:00:00.000Z", content="<p>Đã sửa</p>"
    )
    [edit] = LISTENER.parse(notification("update", status=edited), account_id=OFFICIAL)
    assert edit.kind is HappeningKind.EDIT
    assert edit.remote_id == "103186126728896492"
    assert edit.text == "Đã sửa"
    assert edit.at == datetime(2019, 11, 23, 8, 0, tzinfo=UTC)


def test_favourites_and_boosts_are_reactions_and_a_follow_is_counted() -> None:
    ours = status(id="1001", account={**LAN, "id": OFFICIAL})
    favourite, boost, follow = LISTENER.parse(
        [
            notification("favourite", status=ours),
            notification("reblog", status=ours),
            notification("follow", status=None),
        ],
        account_id=OFFICIAL,
    )
    assert (favourite.kind, favourite.reaction, favourite.remote_id) == (
        HappeningKind.REACTION,
        "favourite",
        "1001",
    )
    assert favourite.author.id == "971724"
    assert boost.reaction == "reblog"
    assert follow.kind is HappeningKind.FOLLOW
    assert follow.thread == "person:971724"


def test_other_types_and_newer_ones_are_ignored() -> None:
    for kind in ("poll", "follow_request", "status", "moderation_warning", "collection_update"):
        assert LISTENER.parse(notification(kind), account_id=OFFICIAL) == []


def test_attachments_and_the_accounts_own_status() -> None:
    own = status(
        account={**LAN, "id": OFFICIAL},
        media_attachments=[{"type": "image"}, {"type": "video"}, {}],
    )
    [comment] = LISTENER.parse(notification("mention", status=own), account_id=OFFICIAL)
    assert comment.attachments == ("image", "video", "unknown")
    assert comment.by_channel


def test_what_is_not_a_notification_is_unreadable() -> None:
    for payload in (
        None,
        "mention",
        3,
        {"type": "mention"},
        {"id": "1"},
        {"id": "1", "type": "mention"},
        {"id": "1", "type": "mention", "status": {"id": "2", "account": LAN}},
        notification("mention", status=status(created_at="hôm qua")),
        notification("mention", status=status(content=["<p>"])),
        [notification("mention"), 7],
    ):
        try:
            LISTENER.parse(payload, account_id=OFFICIAL)
        except Unreadable:
            continue
        raise AssertionError(f"read {payload!r}")


def test_polling_only_and_the_ways_to_answer() -> None:
    assert LISTENER.has_webhooks is False
    assert LISTENER.moderation == frozenset()
    ways = {rule.thread_kind: rule.way for rule in LISTENER.reply_rules}
    assert ways == {ThreadKind.COMMENTS: ReplyWay.PUBLIC, ThreadKind.MESSAGES: ReplyWay.MESSAGE}
    assert all(rule.hours is None for rule in LISTENER.reply_rules)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=25,
)
KINDS = st.sampled_from(
    ["mention", "quote", "update", "favourite", "reblog", "follow", "poll", "other"]
)


@settings(max_examples=400, deadline=None)
@given(JSON)
def test_any_json_is_read_or_unreadable(payload: Any) -> None:
    try:
        happenings = LISTENER.parse(payload, account_id=OFFICIAL)
    except Unreadable:
        return
    assert all(happening.account_id == OFFICIAL for happening in happenings)


@settings(max_examples=400, deadline=None)
@given(
    kind=KINDS,
    ident=st.one_of(st.text(), st.integers(), st.none()),
    account=st.one_of(JSON, st.just(LAN)),
    entity=st.dictionaries(
        st.sampled_from(
            [
                "id",
                "created_at",
                "in_reply_to_id",
                "visibility",
                "content",
                "account",
                "media_attachments",
                "quote",
                "edited_at",
            ]
        ),
        JSON,
    ),
)
def test_notification_shaped_json_is_read_or_unreadable(
    kind: str, ident: Any, account: Any, entity: dict[str, Any]
) -> None:
    payload = {
        "id": ident,
        "type": kind,
        "created_at": "2026-01-02T03:04:05.000Z",
        "account": account,
        "status": {**status(), **entity},
    }
    try:
        happenings = LISTENER.parse(payload, account_id=OFFICIAL)
    except Unreadable:
        return
    for happening in happenings:
        assert happening.account_id == OFFICIAL
        assert happening.text == unicodedata.normalize("NFC", happening.text)


def test_html_paragraphs_breaks_and_entities() -> None:
    content = (
        "<p>Thông báo: nghỉ lễ 2/9.<br />Trụ sở mở lại thứ Ba.</p>"
        "<p>Chi tiết &amp; lịch &lt;trực&gt;</p>"
    )
    assert html_to_text(content) == (
        "Thông báo: nghỉ lễ 2/9.\nTrụ sở mở lại thứ Ba.\n\nChi tiết & lịch <trực>"
    )


def test_vietnamese_typed_decomposed_comes_back_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "<p>Ủy ban nhân dân phường Đống Đa</p>")
    text = html_to_text(decomposed)
    assert text == "Ủy ban nhân dân phường Đống Đa"
    assert unicodedata.is_normalized("NFC", text)


def test_a_long_link_comes_back_whole_and_the_quote_fallback_is_left_out() -> None:
    content = (
        '<p class="quote-inline">RE: <a href="https://mastodon.gov.vn/@ubnd/1">'
        "https://mastodon.gov.vn/@ubnd/1</a></p>"
        '<p>Xem <a href="https://dichvucong.gov.vn/p/home/dvc-trang-chu.html">'
        '<span class="invisible">https://</span><span class="ellipsis">dichvucong.gov.vn/p/ho'
        '</span><span class="invisible">me/dvc-trang-chu.html</span></a> nhé</p>'
    )
    assert html_to_text(content) == "Xem https://dichvucong.gov.vn/p/home/dvc-trang-chu.html nhé"


def test_lists_and_broken_markup() -> None:
    assert html_to_text("<ul><li>Một</li><li>Hai</li></ul>") == "Một\nHai"
    assert html_to_text("<p>Chưa đóng <b>thẻ") == "Chưa đóng thẻ"
    assert "Lan" in html_to_text("<![\x00 Lan")
    assert html_to_text("") == ""
