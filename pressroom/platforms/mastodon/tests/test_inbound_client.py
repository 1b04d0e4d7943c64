"""The Mastodon client's inbound side against the emulated instance, over real HTTP: polling
notifications, a reply's thread, the notification policy, replies and looking for them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import time_machine

from pressroom.platforms.base import ChannelAccess, Outcome, OutcomeKind, Publication
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.inbound import (
    Fetched,
    HappeningKind,
    OutgoingReply,
    ReplyWay,
    ThreadKind,
)
from pressroom.platforms.mastodon.client import Client
from pressroom.platforms.testing import RunningSandbox, publish

ACCOUNT = "ubnd-phuong"


def run[T](access: ChannelAccess, work: Callable[[Client], Awaitable[T]], **limits: Any) -> T:
    async def go() -> T:
        async with make_http_client() as http:
            client = client_class("mastodon")(access, http, timeout=limits.get("timeout", 5.0))
            assert isinstance(client, Client)
            return await work(client)

    return asyncio.run(go())


def fetch(access: ChannelAccess, cursor: Mapping[str, Any]) -> Fetched:
    fetched = run(access, lambda client: client.fetch(cursor))
    assert isinstance(fetched, Fetched), fetched
    return fetched


def send(access: ChannelAccess, reply: OutgoingReply, **limits: Any) -> Outcome:
    return run(access, lambda client: client.send_reply(reply), **limits)


def look(access: ChannelAccess, reply: OutgoingReply, since: datetime | None) -> Outcome | None:
    return run(access, lambda client: client.look_for_reply(reply, since))


class Citizens:
    """The emulator's simulated citizens, driven over HTTP."""

    def __init__(self, sandbox: RunningSandbox) -> None:
        self.base = sandbox.base_for("mastodon")

    def act(self, action: str, **body: Any) -> dict[str, Any]:
        response = httpx.post(f"{self.base}/_control/citizens/{action}", json=body)
        response.raise_for_status()
        made: dict[str, Any] = response.json()
        return made

    def comment(self, status_id: str, text: str, citizen: int = 0, **extra: Any) -> str:
        made = self.act("comment", status_id=status_id, citizen=citizen, text=text, **extra)
        return str(made["id"])

    def message(self, text: str, citizen: int = 0) -> str:
        return str(self.act("message", account_id=ACCOUNT, citizen=citizen, text=text)["id"])


def api(sandbox: RunningSandbox, access: ChannelAccess) -> httpx.Client:
    token = access.credentials["access_token"]
    return httpx.Client(
        base_url=sandbox.base_for("mastodon"), headers={"Authorization": f"Bearer {token}"}
    )


def connected(sandbox: RunningSandbox, **extra: Any) -> tuple[ChannelAccess, str, dict[str, Any]]:
    """The account, one post of its own, and the poll cursor from before anything came."""
    access = sandbox.connect("mastodon", ACCOUNT, username="ubnd", name="UBND phường", **extra)
    post = publish("mastodon", access, Publication(text="Lịch tiêm chủng tháng 10"))
    assert post.kind is OutcomeKind.PUBLISHED
    first = fetch(access, {})
    assert first.happenings == ()
    return access, post.remote_id, dict(first.cursor)


def test_a_citizens_reply_to_a_reply_is_found_in_the_posts_thread(
    clean_sandbox: RunningSandbox,
) -> None:
    access, post_id, cursor = connected(clean_sandbox)
    citizens = Citizens(clean_sandbox)
    asked = citizens.comment(post_id, "Phường tôi tiêm ngày nào ạ?")
    fetched = fetch(access, cursor)
    [question] = fetched.happenings
    assert question.kind is HappeningKind.COMMENT
    assert (question.thread, question.post_id, question.parent_id) == (
        f"post:{post_id}",
        post_id,
        post_id,
    )
    assert question.remote_id == asked
    assert question.author.name == "Nguyễn Thị Lan"
    assert question.text == "@ubnd Phường tôi tiêm ngày nào ạ?"
    answer = send(
        access,
        OutgoingReply(
            way=ReplyWay.PUBLIC,
            text="Thứ Bảy này, tại trạm y tế.",
            thread=question.thread,
            in_reply_to=question.remote_id,
            reference="pressroom:reply-1",
        ),
    )
    assert answer.kind is OutcomeKind.PUBLISHED
    thanks = citizens.comment(answer.remote_id, "Cảm ơn!")
    [again] = fetch(access, fetched.cursor).happenings
    assert again.remote_id == thanks
    assert (again.thread, again.post_id, again.parent_id) == (
        f"post:{post_id}",
        post_id,
        answer.remote_id,
    )
    with api(clean_sandbox, access) as http:
        context = http.get(f"/api/v1/statuses/{post_id}/context").json()
        ours = http.get(f"/api/v1/statuses/{answer.remote_id}").json()
        post = http.get(f"/api/v1/statuses/{post_id}").json()
    assert [status["id"] for status in context["descendants"]] == [asked, answer.remote_id, thanks]
    assert ours["content"].endswith("Thứ Bảy này, tại trạm y tế.</p>")
    assert [mention["acct"] for mention in ours["mentions"]] == ["lan@xa-hoi.example"]
    assert ours["visibility"] == "public"
    assert ours["in_reply_to_id"] == asked
    assert post["replies_count"] == 1
    # The reply is not one of the account's posts.
    assert [entry["remote_id"] for entry in clean_sandbox.ledger(top_level=True)] == [post_id]


def test_min_id_pages_forward_without_a_gap(clean_sandbox: RunningSandbox) -> None:
    access, post_id, cursor = connected(clean_sandbox)
    citizens = Citizens(clean_sandbox)
    made = [citizens.comment(post_id, f"Ý kiến số {n}", citizen=n % 5) for n in range(170)]
    fetched = fetch(access, cursor)
    assert [happening.remote_id for happening in fetched.happenings] == made
    assert {happening.thread for happening in fetched.happenings} == {f"post:{post_id}"}
    assert fetched.more is False
    with api(clean_sandbox, access) as http:
        newest = http.get("/api/v1/notifications", params={"limit": 1}).json()[0]["id"]
    assert fetched.cursor == {"min_id": newest}
    assert fetch(access, fetched.cursor).happenings == ()


def test_the_first_poll_starts_from_now(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT, username="ubnd")
    assert fetch(access, {}).cursor == {"min_id": "0"}
    post = publish("mastodon", access, Publication(text="Thông báo"))
    Citizens(clean_sandbox).comment(post.remote_id, "Trước khi kết nối")
    first = fetch(access, {})
    assert first.happenings == ()
    assert int(first.cursor["min_id"]) > 0
    later = Citizens(clean_sandbox).comment(post.remote_id, "Sau khi kết nối")
    assert [happening.remote_id for happening in fetch(access, first.cursor).happenings] == [later]


def test_filtered_mentions_are_read_and_dropped_ones_never_exist(
    clean_sandbox: RunningSandbox,
) -> None:
    access, post_id, cursor = connected(clean_sandbox)
    citizens = Citizens(clean_sandbox)
    # Mastodon's default policy filters private mentions.
    private = citizens.message("Tôi muốn hỏi riêng về hồ sơ")
    with api(clean_sandbox, access) as http:
        assert http.get("/api/v1/notifications").json() == []
        listed = http.get("/api/v1/notifications", params={"include_filtered": "true"}).json()
        assert [entity["status"]["id"] for entity in listed] == [private]
        assert listed[0]["group_key"] == f"ungrouped-{listed[0]['id']}"
        summary = http.get("/api/v2/notifications/policy").json()["summary"]
        assert summary == {"pending_requests_count": 1, "pending_notifications_count": 1}
    fetched = fetch(access, cursor)
    [message] = fetched.happenings
    assert message.kind is HappeningKind.MESSAGE
    assert message.thread == f"person:{message.author.id}"
    with api(clean_sandbox, access) as http:
        changed = http.patch("/api/v2/notifications/policy", data={"for_not_following": "drop"})
        assert changed.json()["for_not_following"] == "drop"
    citizens.comment(post_id, "Không ai thấy")
    assert fetch(access, fetched.cursor).happenings == ()
    with api(clean_sandbox, access) as http:
        assert (
            http.get("/api/v1/notifications", params={"include_filtered": "true"}).json()[0]["id"]
            == listed[0]["id"]
        )


def test_a_private_message_is_answered_privately(clean_sandbox: RunningSandbox) -> None:
    access, _, cursor = connected(clean_sandbox)
    citizens = Citizens(clean_sandbox)
    citizens.message("Cho tôi hỏi thủ tục đăng ký tạm trú", citizen=3)
    fetched = fetch(access, cursor)
    [message] = fetched.happenings
    assert message.thread_kind is ThreadKind.MESSAGES
    answer = send(
        access,
        OutgoingReply(
            way=ReplyWay.MESSAGE,
            text="Anh mang CCCD đến bộ phận một cửa.",
            thread=message.thread,
            in_reply_to=message.remote_id,
            reference="pressroom:reply-2",
        ),
    )
    assert answer.kind is OutcomeKind.PUBLISHED
    with api(clean_sandbox, access) as http:
        ours = http.get(f"/api/v1/statuses/{answer.remote_id}").json()
        [conversation] = http.get("/api/v1/conversations").json()
    assert ours["visibility"] == "direct"
    assert [mention["acct"] for mention in ours["mentions"]] == ["dung@xa-hoi.example"]
    assert conversation["last_status"]["id"] == answer.remote_id
    assert [account["acct"] for account in conversation["accounts"]] == ["dung@xa-hoi.example"]
    assert conversation["unread"] is False
    # The person's answer continues the conversation the account answered: never filtered.
    follow_up = citizens.message("Cảm ơn, tôi sẽ đến", citizen=3)
    [again] = fetch(access, fetched.cursor).happenings
    assert (again.remote_id, again.thread, again.parent_id) == (
        follow_up,
        message.thread,
        answer.remote_id,
    )
    with api(clean_sandbox, access) as http:
        assert [entity["status"]["id"] for entity in http.get("/api/v1/notifications").json()] == [
            follow_up
        ]


def test_a_reply_keeps_an_unlisted_parents_visibility(clean_sandbox: RunningSandbox) -> None:
    access, post_id, cursor = connected(clean_sandbox)
    quiet = Citizens(clean_sandbox).comment(post_id, "Hỏi nhỏ", visibility="unlisted")
    [question] = fetch(access, cursor).happenings
    assert question.visibility == "unlisted"
    reply = OutgoingReply(
        way=ReplyWay.PUBLIC, text="@lan@xa-hoi.example Đã ghi nhận.", thread="", in_reply_to=quiet
    )
    answer = send(access, reply)
    with api(clean_sandbox, access) as http:
        ours = http.get(f"/api/v1/statuses/{answer.remote_id}").json()
    assert ours["visibility"] == "unlisted"
    # The text named the person already: no second mention in front.
    assert ours["content"].count("mention") == 1


def test_the_same_reference_gives_the_same_status(clean_sandbox: RunningSandbox) -> None:
    access, post_id, _ = connected(clean_sandbox)
    asked = Citizens(clean_sandbox).comment(post_id, "Khi nào có kết quả?")
    reply = OutgoingReply(
        way=ReplyWay.PUBLIC,
        text="Trong 5 ngày làm việc.",
        thread=f"post:{post_id}",
        in_reply_to=asked,
        reference="pressroom:reply-3",
    )
    first, second = send(access, reply), send(access, reply)
    assert first.kind is second.kind is OutcomeKind.PUBLISHED
    assert first.remote_id == second.remote_id
    assert len(clean_sandbox.ledger(account_id=ACCOUNT, kind="status")) == 2


def test_a_lost_answer_is_looked_for_in_the_thread(clean_sandbox: RunningSandbox) -> None:
    access, post_id, _ = connected(clean_sandbox)
    asked = Citizens(clean_sandbox).comment(post_id, "Đường ngập, ai xử lý?")
    reply = OutgoingReply(
        way=ReplyWay.PUBLIC,
        text="Đội thoát nước đang đến.",
        thread=f"post:{post_id}",
        in_reply_to=asked,
        reference="pressroom:reply-4",
    )
    since = datetime.now(UTC)
    assert look(access, reply, since) is None
    clean_sandbox.add_fault("mastodon", "timeout_after_create", delay_s=3)
    lost = send(access, reply, timeout=1)
    assert lost.kind is OutcomeKind.UNKNOWN
    found = look(access, reply, since)
    assert found is not None
    assert found.kind is OutcomeKind.PUBLISHED
    [ours] = clean_sandbox.ledger(account_id=ACCOUNT, kind="status", top_level=False)
    assert found.remote_id == ours["remote_id"]
    # Another text in the same thread is not it.
    other = OutgoingReply(way=ReplyWay.PUBLIC, text="Nội dung khác", thread="", in_reply_to=asked)
    assert look(access, other, since) is None


def test_a_message_answering_nothing_is_safe_to_resend_within_the_hour(
    clean_sandbox: RunningSandbox,
) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT)
    reply = OutgoingReply(way=ReplyWay.MESSAGE, text="Chào anh", thread="person:1", in_reply_to="")
    now = datetime.now(UTC)
    assert look(access, reply, now - timedelta(minutes=10)) is None
    late = look(access, reply, now - timedelta(hours=2))
    assert late is not None
    assert late.code == "cannot_check"
    assert send(access, reply).code == "no_recipient"


def test_a_conversation_begun_by_a_mention_stays_one_thread(
    clean_sandbox: RunningSandbox,
) -> None:
    access, _, cursor = connected(clean_sandbox)
    citizens = Citizens(clean_sandbox)
    mention = citizens.act("mention", account_id=ACCOUNT, citizen=1, text="Đèn đường hỏng")["id"]
    first = fetch(access, cursor)
    [remark] = first.happenings
    assert (remark.kind, remark.thread, remark.parent_id) == (
        HappeningKind.COMMENT,
        f"status:{mention}",
        "",
    )
    answer = send(
        access,
        OutgoingReply(
            way=ReplyWay.PUBLIC, text="Đã báo điện lực.", thread=remark.thread, in_reply_to=mention
        ),
    )
    thanks = citizens.comment(answer.remote_id, "Cảm ơn", citizen=1)
    [reply] = fetch(access, first.cursor).happenings
    # Its root is the citizen's status, not the account's answer.
    assert (reply.remote_id, reply.thread, reply.post_id, reply.parent_id) == (
        thanks,
        f"status:{mention}",
        "",
        answer.remote_id,
    )
    with api(clean_sandbox, access) as http:
        [notification] = http.get(
            "/api/v1/notifications", params={"types[]": "mention", "min_id": "0", "limit": 1}
        ).json()
    assert notification["status"]["id"] == mention


def test_quotes_favourites_and_follows(clean_sandbox: RunningSandbox) -> None:
    access, post_id, cursor = connected(clean_sandbox)
    citizens = Citizens(clean_sandbox)
    quote = citizens.act("quote", status_id=post_id, citizen=2, text="Mọi người xem nhé")["id"]
    citizens.act("react", status_id=post_id, citizen=2)
    citizens.act("react", status_id=post_id, citizen=4, reaction="reblog")
    citizens.act("follow", account_id=ACCOUNT, citizen=2)
    quoted, favourite, boost, follow = fetch(access, cursor).happenings
    assert (quoted.kind, quoted.remote_id, quoted.thread) == (
        HappeningKind.COMMENT,
        quote,
        f"post:{post_id}",
    )
    assert quoted.text == "Mọi người xem nhé"
    assert (favourite.kind, favourite.reaction, favourite.remote_id) == (
        HappeningKind.REACTION,
        "favourite",
        post_id,
    )
    assert boost.reaction == "reblog"
    assert follow.kind is HappeningKind.FOLLOW
    assert follow.author.id == quoted.author.id
    with api(clean_sandbox, access) as http:
        post = http.get(f"/api/v1/statuses/{post_id}").json()
    assert (post["favourites_count"], post["reblogs_count"]) == (1, 1)


def test_scopes_are_enforced(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", ACCOUNT, token_scopes="write:statuses")
    refused = run(access, lambda client: client.fetch({"min_id": "0"}))
    assert isinstance(refused, Outcome)
    assert (refused.kind, refused.code) == (OutcomeKind.REJECTED, "403")
    reader = clean_sandbox.connect("mastodon", "doc", token_scopes="read:notifications")
    with api(clean_sandbox, reader) as http:
        assert http.get("/api/v2/notifications/policy").status_code == 200
        patched = http.patch("/api/v2/notifications/policy", data={"for_new_accounts": "drop"})
        assert patched.status_code == 403
        assert http.get("/api/v1/conversations").status_code == 403


def test_a_new_accounts_mention_follows_its_policy(clean_sandbox: RunningSandbox) -> None:
    access, post_id, cursor = connected(clean_sandbox)
    base = clean_sandbox.base_for("mastodon")
    httpx.put(f"{base}/_control/citizens/6", json={"new": True}).raise_for_status()
    with api(clean_sandbox, access) as http:
        http.patch("/api/v2/notifications/policy", data={"for_new_accounts": "filter"})
        Citizens(clean_sandbox).comment(post_id, "Tài khoản mới", citizen=6)
        assert http.get("/api/v1/notifications").json() == []
    [comment] = fetch(access, cursor).happenings
    assert comment.author.name == "Đặng Phương Thảo"


def test_a_reply_a_month_later_is_still_found(clean_sandbox: RunningSandbox) -> None:
    access, post_id, _ = connected(clean_sandbox)
    asked = Citizens(clean_sandbox).comment(post_id, "Còn hạn nộp không?")
    reply = OutgoingReply(
        way=ReplyWay.PUBLIC, text="Còn đến cuối tháng.", thread="", in_reply_to=asked
    )
    since = datetime.now(UTC)
    assert send(access, reply).kind is OutcomeKind.PUBLISHED
    with time_machine.travel(since + timedelta(days=30), tick=True):
        found = look(access, reply, since)
    assert found is not None
    assert found.kind is OutcomeKind.PUBLISHED
