"""Facebook's inbound side against the sandbox, over real HTTP: what people write reaches the
app both ways (signed webhooks and polling) with the same keys; replies, the messaging
windows, moderation and looking for a reply whose answer was lost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine

from pressroom.platforms.base import Outcome, OutcomeKind, Publication
from pressroom.platforms.facebook.inbound import LISTENER
from pressroom.platforms.facebook.sandbox.public import FacebookPublic
from pressroom.platforms.facebook.tests.listening import (
    APP_SECRET,
    PAGE,
    PAGE_NAME,
    VERIFY_TOKEN,
    Receiver,
    Town,
    add_app,
    client_run,
    keys,
    store_of,
    subscribe_page,
)
from pressroom.platforms.inbound import (
    Fetched,
    HappeningKind,
    ModerationKind,
    OutgoingReply,
    ReplyWay,
    ThreadKind,
)
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.sandbox.store import Item

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    served = Receiver().start()
    yield served
    served.stop()


@pytest.fixture
def town(clean_sandbox: RunningSandbox, receiver: Receiver) -> Town:
    receiver.received.clear()
    add_app(clean_sandbox, webhook_url=receiver.url, verify_token=VERIFY_TOKEN)
    access = clean_sandbox.connect("facebook", PAGE, name=PAGE_NAME)
    assert subscribe_page(access)["webhooks_error"] == ""
    store = store_of(clean_sandbox)
    return Town(clean_sandbox, receiver, access, store, FacebookPublic(store))


def a_post(town: Town, text: str = "Lịch tiêm chủng tháng 11") -> Item:
    outcome = publish("facebook", town.access, Publication(text=text))
    assert outcome.kind is OutcomeKind.PUBLISHED
    post = town.store.item("facebook", outcome.remote_id)
    assert post is not None
    return post


def fetch(town: Town, cursor: dict[str, object] | None = None) -> Fetched:
    fetched = client_run(town.access, lambda client: client.fetch(cursor or {}))
    assert isinstance(fetched, Fetched), fetched
    return fetched


def reply(town: Town, outgoing: OutgoingReply, **limits: float) -> Outcome:
    return client_run(town.access, lambda client: client.send_reply(outgoing), **limits)


def look(town: Town, outgoing: OutgoingReply, since: datetime) -> Outcome | None:
    return client_run(town.access, lambda client: client.look_for_reply(outgoing, since))


def moderate(town: Town, remote_id: str, action: ModerationKind) -> Outcome:
    return client_run(town.access, lambda client: client.moderate(remote_id, action))


def graph_get(town: Town, path: str, **params: str) -> httpx.Response:
    token = town.access.credentials["page_token"]
    return httpx.get(
        f"{town.access.api_base}/{path}",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
    )


# Both ways in


def test_a_comment_and_a_message_arrive_by_webhook_and_by_polling_with_the_same_keys(
    town: Town,
) -> None:
    post = a_post(town)
    lan, minh = town.citizen(1), town.citizen(2)
    comment = town.public.comment(post, lan, "Phường tôi tiêm ngày nào ạ?")
    assert comment is not None
    answer = town.public.comment(post, minh, "Tôi cũng muốn biết", reply_to=comment)
    assert answer is not None
    message = town.public.message(town.page, lan, "Cho tôi hỏi về giấy khai sinh")
    assert message is not None

    hooked = town.webhook_happenings()
    polled = fetch(town).happenings
    assert sorted(map(keys, hooked), key=str) == sorted(map(keys, polled), key=str)
    by_id = {happening.remote_id: happening for happening in polled}
    assert by_id[comment.remote_id].thread == f"post:{post.remote_id}"
    assert by_id[comment.remote_id].parent_id == ""
    assert by_id[answer.remote_id].parent_id == comment.remote_id
    assert by_id[answer.remote_id].author.name == minh.name
    assert by_id[message.remote_id].thread == f"person:{lan.id}"
    assert by_id[message.remote_id].thread_kind is ThreadKind.MESSAGES
    # Oldest first.
    assert [happening.remote_id for happening in polled] == [
        comment.remote_id,
        answer.remote_id,
        message.remote_id,
    ]


def test_polling_again_from_its_cursor_brings_only_what_is_new(town: Town) -> None:
    post = a_post(town)
    first = town.public.comment(post, town.citizen(1), "Câu hỏi thứ nhất")
    assert first is not None
    fetched = fetch(town)
    assert [happening.remote_id for happening in fetched.happenings] == [first.remote_id]
    assert fetch(town, dict(fetched.cursor)).happenings == ()
    second = town.public.comment(post, town.citizen(2), "Câu hỏi thứ hai")
    message = town.public.message(town.page, town.citizen(3), "Tin nhắn mới")
    assert second is not None and message is not None
    again = fetch(town, dict(fetched.cursor))
    assert [happening.remote_id for happening in again.happenings] == [
        second.remote_id,
        message.remote_id,
    ]


def test_a_first_poll_looks_back_one_day(town: Town) -> None:
    with time_machine.travel(START) as clock:
        post = a_post(town)
        town.public.comment(post, town.citizen(1), "Hai ngày trước")
        town.public.message(town.page, town.citizen(2), "Cũng hai ngày trước")
        clock.shift(timedelta(days=2))
        recent = town.public.comment(post, town.citizen(3), "Hôm nay")
        assert recent is not None
        assert [happening.remote_id for happening in fetch(town).happenings] == [recent.remote_id]


# Replies


def test_a_public_reply_is_in_the_comment_thread_and_comes_back_as_the_pages(
    town: Town,
) -> None:
    post = a_post(town)
    comment = town.public.comment(post, town.citizen(1), "Khi nào có kết quả?")
    assert comment is not None
    outcome = reply(
        town,
        OutgoingReply(
            way=ReplyWay.PUBLIC,
            text="Thứ Sáu tuần này ạ.",
            thread=f"post:{post.remote_id}",
            in_reply_to=comment.remote_id,
            post_id=post.remote_id,
        ),
    )
    assert outcome.kind is OutcomeKind.PUBLISHED
    assert outcome.permalink.endswith(f"{post.remote_id}?comment_id={outcome.remote_id}")
    thread = graph_get(town, f"{comment.remote_id}/comments", fields="id,from,message").json()
    assert thread["data"] == [
        {
            "id": outcome.remote_id,
            "from": {"id": PAGE, "name": PAGE_NAME},
            "message": "Thứ Sáu tuần này ạ.",
        }
    ]
    [hooked] = [h for h in town.webhook_happenings() if h.remote_id == outcome.remote_id]
    assert (hooked.by_channel, hooked.parent_id) == (True, comment.remote_id)


def test_a_public_reply_to_the_post_itself(town: Town) -> None:
    post = a_post(town)
    outcome = reply(
        town,
        OutgoingReply(
            way=ReplyWay.PUBLIC,
            text="Lịch cập nhật: xem bình luận này.",
            thread=f"post:{post.remote_id}",
            in_reply_to="",
        ),
    )
    assert outcome.kind is OutcomeKind.PUBLISHED
    [comment] = town.public.comments(post)
    assert (comment.remote_id, comment.data["parent_id"]) == (outcome.remote_id, post.remote_id)


def test_a_private_reply_goes_once(town: Town) -> None:
    post = a_post(town)
    lan = town.citizen(1)
    comment = town.public.comment(post, lan, "Tôi cần hỏi riêng")
    assert comment is not None
    outgoing = OutgoingReply(
        way=ReplyWay.PRIVATE,
        text="Chúng tôi đã nhắn riêng cho bạn.",
        thread=f"post:{post.remote_id}",
        in_reply_to=comment.remote_id,
        reference="pressroom:7",
    )
    first = reply(town, outgoing)
    assert first.kind is OutcomeKind.PUBLISHED
    assert first.remote_id.startswith("m_")
    again = reply(town, outgoing)
    assert (again.kind, again.code) == (OutcomeKind.REJECTED, "10900")
    [echo] = [h for h in town.webhook_happenings() if h.remote_id == first.remote_id]
    assert (echo.thread, echo.by_channel, echo.reference) == (
        f"person:{lan.id}",
        True,
        "pressroom:7",
    )


def test_a_private_reply_after_seven_days_is_refused(town: Town) -> None:
    with time_machine.travel(START) as clock:
        post = a_post(town)
        comment = town.public.comment(post, town.citizen(1), "Cũ rồi")
        assert comment is not None
        clock.shift(timedelta(days=7, minutes=1))
        outcome = reply(
            town,
            OutgoingReply(
                way=ReplyWay.PRIVATE, text="Muộn", thread="", in_reply_to=comment.remote_id
            ),
        )
    assert (outcome.kind, outcome.code) == (OutcomeKind.REJECTED, "10903")


def test_a_message_outside_the_day_needs_a_human_agent_and_not_after_a_week(
    town: Town,
) -> None:
    lan = town.citizen(1)
    with time_machine.travel(START) as clock:
        town.public.message(town.page, lan, "Xin chào")

        def answer(human_agent: bool) -> Outcome:
            return reply(
                town,
                OutgoingReply(
                    way=ReplyWay.MESSAGE,
                    text="Chào bạn, chúng tôi trả lời ngay.",
                    thread=f"person:{lan.id}",
                    in_reply_to="",
                    human_agent=human_agent,
                    reference="pressroom:9",
                ),
            )

        assert answer(human_agent=False).kind is OutcomeKind.PUBLISHED
        clock.shift(timedelta(hours=24, minutes=1))
        late = answer(human_agent=False)
        assert (late.kind, late.code, late.raw["error_subcode"]) == (
            OutcomeKind.REJECTED,
            "10",
            2018278,
        )
        assert answer(human_agent=True).kind is OutcomeKind.PUBLISHED
        clock.shift(timedelta(days=6))
        assert answer(human_agent=True).kind is OutcomeKind.REJECTED
        # The person writes again: the window opens again.
        town.public.message(town.page, lan, "Tôi vẫn chờ")
        assert answer(human_agent=False).kind is OutcomeKind.PUBLISHED


def test_a_message_to_someone_who_never_wrote_is_refused(town: Town) -> None:
    outcome = reply(
        town,
        OutgoingReply(way=ReplyWay.MESSAGE, text="Xin chào", thread="person:2999", in_reply_to=""),
    )
    assert (outcome.kind, outcome.code, outcome.raw["error_subcode"]) == (
        OutcomeKind.REJECTED,
        "100",
        2018001,
    )


# Moderation


def test_hide_show_again_and_delete_a_comment(town: Town) -> None:
    post = a_post(town)
    comment = town.public.comment(post, town.citizen(1), "Bình luận")
    assert comment is not None

    def hidden() -> bool:
        body = graph_get(town, comment.remote_id, fields="is_hidden,can_hide").json()
        assert body["can_hide"] is True
        return bool(body["is_hidden"])

    assert moderate(town, comment.remote_id, ModerationKind.HIDE).kind is OutcomeKind.PUBLISHED
    assert hidden()
    assert moderate(town, comment.remote_id, ModerationKind.UNHIDE).published
    assert not hidden()
    assert moderate(town, comment.remote_id, ModerationKind.DELETE).published
    assert graph_get(town, comment.remote_id).json()["error"]["code"] == 100
    # Facebook promises no order between deliveries (the sandbox sends them concurrently).
    kinds = [h.kind for h in town.webhook_happenings() if h.remote_id == comment.remote_id]
    expected = [HappeningKind.COMMENT, HappeningKind.HIDE, HappeningKind.UNHIDE]
    assert sorted(kinds) == sorted([*expected, HappeningKind.REMOVE])


def test_the_page_cannot_hide_its_own_comment(town: Town) -> None:
    post = a_post(town)
    comment = town.public.comment(post, town.citizen(1), "Hỏi")
    assert comment is not None
    own = reply(
        town,
        OutgoingReply(
            way=ReplyWay.PUBLIC, text="Trả lời", thread="", in_reply_to=comment.remote_id
        ),
    )
    outcome = moderate(town, own.remote_id, ModerationKind.HIDE)
    assert (outcome.kind, outcome.code) == (OutcomeKind.REJECTED, "100")


def test_without_the_permissions_the_page_is_refused(clean_sandbox: RunningSandbox) -> None:
    grant = {"app_id": "1", "scopes": ["pages_read_engagement"], "tasks": ["ANALYZE"]}
    access = clean_sandbox.connect("facebook", PAGE, grant=grant)
    outcome = client_run(
        access,
        lambda client: client.send_reply(
            OutgoingReply(way=ReplyWay.MESSAGE, text="x", thread="person:1", in_reply_to="")
        ),
    )
    assert (outcome.kind, outcome.code) == (OutcomeKind.REJECTED, "230")
    hidden = client_run(access, lambda client: client.moderate("1_2", ModerationKind.HIDE))
    assert hidden.kind is OutcomeKind.REJECTED


# After a lost answer


def test_a_reply_whose_answer_was_lost_is_found(town: Town) -> None:
    post = a_post(town)
    lan = town.citizen(1)
    comment = town.public.comment(post, lan, "Có ai không?")
    town.public.message(town.page, lan, "Alo")
    assert comment is not None
    public = OutgoingReply(
        way=ReplyWay.PUBLIC, text="Có ạ.", thread="", in_reply_to=comment.remote_id
    )
    message = OutgoingReply(
        way=ReplyWay.MESSAGE, text="Dạ, chúng tôi đây.", thread=f"person:{lan.id}", in_reply_to=""
    )
    for outgoing, operation in ((public, "comment"), (message, "messages")):
        since = datetime.now(UTC)
        assert look(town, outgoing, since) is None
        town.sandbox.add_fault("facebook", "timeout_after_create", operation=operation, delay_s=3)
        lost = reply(town, outgoing, timeout=1)
        assert lost.kind is OutcomeKind.UNKNOWN
        found = look(town, outgoing, since)
        assert found is not None and found.kind is OutcomeKind.PUBLISHED
        sent = town.store.item("facebook", found.remote_id)
        assert sent is not None and sent.text == outgoing.text
    polled = {h.remote_id: h for h in fetch(town).happenings if h.by_channel}
    assert len(polled) == 2


# Webhooks


def test_webhooks_go_only_where_both_the_app_and_the_page_subscribed(town: Town) -> None:
    post = a_post(town)
    token = town.access.credentials["page_token"]
    httpx.post(
        f"{town.access.api_base}/{PAGE}/subscribed_apps",
        data={"subscribed_fields": "messages"},
        headers={"Authorization": f"Bearer {token}"},
    ).raise_for_status()
    town.public.comment(post, town.citizen(1), "Không ai nhận")
    message = town.public.message(town.page, town.citizen(1), "Có người nhận")
    assert message is not None
    assert [h.remote_id for h in town.webhook_happenings()] == [message.remote_id]
    # The app now takes the feed only.
    add_app(town.sandbox, webhook_url=town.receiver.url, webhook_fields=["feed"])
    town.public.message(town.page, town.citizen(2), "Cũng không ai nhận")
    assert len(town.delivered()) == 1


def test_a_delivery_is_signed_with_the_app_secret_and_escaped_as_facebooks(town: Town) -> None:
    post = a_post(town)
    town.public.comment(post, town.citizen(1), "Đường/ngõ 5")
    [(headers, body)] = town.delivered()
    assert b"\\u0110\\u01b0\\u1eddng\\/ng\\u00f5 5" in body
    assert headers["x-hub-signature-256"].startswith("sha256=")
    assert headers["x-hub-signature"].startswith("sha1=")
    assert headers["content-type"] == "application/json"
    assert LISTENER.verify(headers, body, APP_SECRET)
    assert not LISTENER.verify(headers, body, "another-secret")


def test_a_reaction_arrives_as_a_feed_reaction(town: Town) -> None:
    post = a_post(town)
    comment = town.public.comment(post, town.citizen(1), "Hay quá")
    message = town.public.message(town.page, town.citizen(2), "Cảm ơn")
    assert comment is not None and message is not None
    town.public.react(post, town.citizen(3), "❤️")
    town.public.react(comment, town.citizen(3), "👍")
    town.public.react(post, town.citizen(4), "😂")
    town.public.react(message, town.citizen(2), "😮")
    reactions = [h for h in town.webhook_happenings() if h.kind is HappeningKind.REACTION]
    # One delivery each, sent concurrently: in no promised order.
    assert sorted((h.remote_id, h.reaction) for h in reactions) == sorted(
        [
            (post.remote_id, "love"),
            (comment.remote_id, "like"),
            (post.remote_id, "haha"),
            (message.remote_id, "😮"),
        ]
    )


def test_the_same_citizen_has_the_same_id_on_a_page(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.connect("facebook", PAGE)
    store = store_of(clean_sandbox)
    public = FacebookPublic(store)
    page = store.account("facebook", PAGE)
    assert page is not None
    first, again, other = public.citizen(page, 4), public.citizen(page, 4), public.citizen(page, 5)
    assert first == again
    assert first.id != other.id
    assert first.id.isdigit() and len(first.id) == 16
