"""The Telegram client's inbound side against the sandbox's Bot API, over real HTTP: polling
getUpdates, replies in the discussion group and in private chats, deleting, the webhook."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import time_machine

from pressroom.platforms.base import OutcomeKind
from pressroom.platforms.inbound import (
    HappeningKind,
    ModerationKind,
    OutgoingReply,
    ReplyWay,
    ThreadKind,
)
from pressroom.platforms.telegram.botapi import WebhookInfo
from pressroom.platforms.telegram.inbound import LISTENER
from pressroom.platforms.telegram.tests.conftest import BOT_ID, GROUP_ID, Channel, Receiver

SECRET = "webhook_secret-0123456789"


def listening(channel: Channel) -> dict[str, int]:
    """The cursor after a first poll, which starts from now."""
    first = channel.fetch({})
    assert first.happenings == ()
    return dict(first.cursor)


def test_a_citizens_comment_is_polled_in_the_posts_thread(channel: Channel) -> None:
    cursor = listening(channel)
    post = channel.post()
    comment = channel.comment(post, "Lịch tiêm ở phường tôi là khi nào?")
    fetched = channel.fetch(cursor)
    [happening] = fetched.happenings
    assert happening.kind is HappeningKind.COMMENT
    assert happening.thread_kind is ThreadKind.COMMENTS
    # The thread is the published post's own id: the app finds the post by it.
    assert happening.thread == f"post:{post.remote_id}"
    assert happening.post_id == post.remote_id
    assert happening.remote_id == comment.remote_id
    assert happening.remote_id.startswith(f"{GROUP_ID}:")
    assert happening.text == "Lịch tiêm ở phường tôi là khi nào?"
    assert happening.author.id == channel.citizen().id
    assert happening.author.name == channel.citizen().name
    assert happening.by_channel is False
    assert fetched.more is False
    assert fetched.cursor["offset"] > cursor["offset"]


def test_a_reply_to_a_comment_names_its_parent(channel: Channel) -> None:
    cursor = listening(channel)
    post = channel.post()
    first = channel.comment(post, "Cho hỏi giờ làm việc?")
    channel.comment(post, "Tôi cũng muốn hỏi", number=2, reply_to=first)
    [top, reply] = channel.fetch(cursor).happenings
    assert top.thread == f"post:{post.remote_id}"
    assert reply.parent_id == first.remote_id
    # The sandbox gives message_thread_id, the forward's id in the group.
    assert reply.thread == f"discussion:{GROUP_ID}:{post.data['discussion_message_id']}"


def test_an_edited_comment_is_an_edit_of_the_same_item(channel: Channel) -> None:
    cursor = listening(channel)
    post = channel.post()
    comment = channel.comment(post, "Giờ làm việc là mấy giờ")
    channel.public.edit(comment, "Giờ làm việc buổi chiều là mấy giờ?")
    [new, edit] = channel.fetch(cursor).happenings
    assert (new.kind, edit.kind) == (HappeningKind.COMMENT, HappeningKind.EDIT)
    assert edit.remote_id == new.remote_id == comment.remote_id
    assert edit.thread == f"post:{post.remote_id}"
    assert edit.text == "Giờ làm việc buổi chiều là mấy giờ?"


def test_the_offset_confirms_what_was_read(channel: Channel) -> None:
    cursor = listening(channel)
    post = channel.post()
    channel.comment(post, "Một")
    once = channel.fetch(cursor)
    assert len(once.happenings) == 1
    # The same cursor again: Telegram has not forgotten them yet.
    again = channel.fetch(cursor)
    assert [h.remote_id for h in again.happenings] == [h.remote_id for h in once.happenings]
    # The next cursor confirms them: they are gone for good.
    assert channel.fetch(dict(once.cursor)).happenings == ()
    assert channel.fetch(cursor).happenings == ()
    channel.comment(post, "Hai")
    [second] = channel.fetch(dict(once.cursor)).happenings
    assert second.text == "Hai"


def test_a_first_poll_starts_from_now(channel: Channel) -> None:
    post = channel.post()
    channel.comment(post, "Trước khi Pressroom nghe")
    first = channel.fetch({})
    assert first.happenings == ()
    channel.comment(post, "Sau đó")
    [after] = channel.fetch(dict(first.cursor)).happenings
    assert after.text == "Sau đó"


def test_a_hundred_updates_say_there_is_more(channel: Channel) -> None:
    cursor = listening(channel)
    post = channel.post()
    for number in range(100):
        channel.comment(post, f"Bình luận {number}", number=number)
    # A page is 100 updates: the post's automatic forward (nothing to the inbox) and 99.
    page = channel.fetch(cursor)
    assert len(page.happenings) == 99
    assert page.more is True
    rest = channel.fetch(dict(page.cursor))
    assert [h.text for h in rest.happenings] == ["Bình luận 99"]
    assert rest.more is False


def test_updates_older_than_a_day_are_gone(channel: Channel) -> None:
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        cursor = listening(channel)
        post = channel.post()
        channel.comment(post, "Cũ")
        traveller.shift(timedelta(hours=23))
        channel.comment(post, "Mới")
        traveller.shift(timedelta(hours=2))
        [kept] = channel.fetch(cursor).happenings
    assert kept.text == "Mới"


def test_reaction_counts_arrive_for_the_post(channel: Channel) -> None:
    cursor = listening(channel)
    post = channel.post()
    channel.public.react(post, channel.citizen(1), "👍")
    channel.public.react(post, channel.citizen(2), "👍")
    channel.public.react(post, channel.citizen(3), "❤")
    happenings = channel.fetch(cursor).happenings
    assert [(h.kind, h.reaction, h.text) for h in happenings[-2:]] == [
        (HappeningKind.REACTION, "👍", "2"),
        (HappeningKind.REACTION, "❤", "1"),
    ]
    assert {h.remote_id for h in happenings} == {post.remote_id}
    assert [h.count for h in happenings] == [1, 2, 3, 3]


def test_a_bot_that_only_belongs_to_the_group_sees_comments_only_without_privacy(
    channel: Channel,
) -> None:
    channel.settings(discussion_bot_status="member")
    cursor = listening(channel)
    post = channel.post()
    channel.comment(post, "Bot không thấy")
    assert channel.fetch(cursor).happenings == ()
    channel.settings(discussion_bot_status="member", bot_privacy=False)
    channel.comment(post, "Bot thấy")
    [seen] = channel.fetch(cursor).happenings
    assert seen.text == "Bot thấy"


def test_a_comment_in_another_group_is_left_out(channel: Channel) -> None:
    cursor = listening(channel)
    post = channel.post()
    channel.comment(post, "Trong nhóm của kênh")
    elsewhere = dataclasses.replace(channel.access, options={"discussion_chat_id": -1005550001111})
    assert Channel(channel.sandbox, elsewhere).fetch(cursor).happenings == ()


# Replies


def test_a_reply_appears_in_the_group_under_the_comment(channel: Channel) -> None:
    post = channel.post()
    comment = channel.comment(post, "Khi nào có điện lại?")
    reply = OutgoingReply(
        way=ReplyWay.PUBLIC,
        text="Dự kiến 17 giờ hôm nay.",
        thread=f"post:{post.remote_id}",
        in_reply_to=comment.remote_id,
        post_id=post.remote_id,
    )
    outcome = channel.run(lambda client: client.send_reply(reply))
    assert outcome.kind is OutcomeKind.PUBLISHED
    chat, _, message_id = outcome.remote_id.rpartition(":")
    assert chat == str(GROUP_ID)
    assert outcome.permalink == (
        f"https://t.me/ubnd_xa_hop_thanh/{post.remote_id}?comment={message_id}"
    )
    # In the post's thread, answering the comment, written by the bot.
    [first, answer] = channel.public.comments(post)
    assert first.remote_id == comment.remote_id
    assert answer.remote_id == outcome.remote_id
    assert answer.text == "Dự kiến 17 giờ hôm nay."
    message = answer.data["message"]
    assert message["message_thread_id"] == post.data["discussion_message_id"]
    assert message["reply_to_message"]["message_id"] == comment.data["message"]["message_id"]
    assert message["from"]["id"] == BOT_ID
    entries = channel.sandbox.ledger(platform="telegram", kind="comment")
    assert [entry["remote_id"] for entry in entries] == [comment.remote_id, answer.remote_id]


def test_a_reply_to_a_deleted_comment_is_refused(channel: Channel) -> None:
    post = channel.post()
    comment = channel.comment(post, "Sẽ bị xoá")
    channel.run(lambda client: client.moderate(comment.remote_id, ModerationKind.DELETE))
    reply = OutgoingReply(ReplyWay.PUBLIC, "Trả lời", f"post:{post.remote_id}", comment.remote_id)
    outcome = channel.run(lambda client: client.send_reply(reply))
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.reason == "Bad Request: message to be replied not found"


def test_a_message_is_answered_in_the_private_chat(channel: Channel) -> None:
    cursor = listening(channel)
    channel.writes("Cho hỏi thủ tục đăng ký khai sinh")
    # The /start before it says nothing to answer.
    [message] = channel.fetch(cursor).happenings
    assert message.kind is HappeningKind.MESSAGE
    person = channel.citizen().id
    assert message.thread == f"person:{person}"
    reply = OutgoingReply(
        way=ReplyWay.MESSAGE,
        text="Anh/chị mang giấy chứng sinh đến UBND xã.",
        thread=message.thread,
        in_reply_to=message.remote_id,
        person=message.author.id,
    )
    outcome = channel.run(lambda client: client.send_reply(reply))
    assert outcome.kind is OutcomeKind.PUBLISHED
    assert outcome.remote_id.startswith(f"{person}:")
    [sent] = [
        entry
        for entry in channel.sandbox.ledger(platform="telegram", kind="private_message")
        if entry["remote_id"] == outcome.remote_id
    ]
    assert sent["text"] == "Anh/chị mang giấy chứng sinh đến UBND xã."


def test_the_bot_cannot_write_first(channel: Channel) -> None:
    post = channel.post()
    # Someone the bot met in its group, who never opened a chat with it.
    comment = channel.comment(post, "Bình luận công khai", number=4)
    reply = OutgoingReply(
        ReplyWay.MESSAGE, "Xin chào", f"person:{channel.citizen(4).id}", comment.remote_id
    )
    outcome = channel.run(lambda client: client.send_reply(reply))
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.code == "403"
    assert outcome.reason == "Forbidden: bot can't initiate conversation with a user"
    stranger = OutgoingReply(ReplyWay.MESSAGE, "Xin chào", "person:5999999999", "")
    unknown = channel.run(lambda client: client.send_reply(stranger))
    assert unknown.reason == "Bad Request: chat not found"


def test_a_comment_cannot_be_answered_privately(channel: Channel) -> None:
    reply = OutgoingReply(ReplyWay.PRIVATE, "Riêng", "post:1", f"{GROUP_ID}:5")
    outcome = channel.run(lambda client: client.send_reply(reply))
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.code == "not_supported"


def test_nobody_can_look_for_a_lost_reply(channel: Channel) -> None:
    reply = OutgoingReply(ReplyWay.PUBLIC, "Mất câu trả lời", "post:1", f"{GROUP_ID}:5")
    found = channel.run(lambda client: client.look_for_reply(reply, None))
    assert found is not None
    assert (found.kind, found.code) == (OutcomeKind.UNKNOWN, "cannot_check")


# Moderation


def test_a_comment_is_deleted_from_the_group(channel: Channel) -> None:
    post = channel.post()
    comment = channel.comment(post, "Quảng cáo bán hàng")
    outcome = channel.run(lambda client: client.moderate(comment.remote_id, ModerationKind.DELETE))
    assert outcome.kind is OutcomeKind.PUBLISHED
    assert channel.public.comments(post) == []
    again = channel.run(lambda client: client.moderate(comment.remote_id, ModerationKind.DELETE))
    assert (again.kind, again.code) == (OutcomeKind.PUBLISHED, "already_gone")


def test_a_bot_without_the_right_to_delete_cannot_delete_a_citizens_comment(
    channel: Channel,
) -> None:
    channel.settings(discussion_bot_can_delete=False)
    post = channel.post()
    comment = channel.comment(post, "Bình luận")
    outcome = channel.run(lambda client: client.moderate(comment.remote_id, ModerationKind.DELETE))
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.reason == "Bad Request: message can't be deleted"
    assert len(channel.public.comments(post)) == 1


def test_telegram_cannot_hide(channel: Channel) -> None:
    outcome = channel.run(lambda client: client.moderate(f"{GROUP_ID}:5", ModerationKind.HIDE))
    assert (outcome.kind, outcome.code) == (OutcomeKind.REJECTED, "not_supported")


# The webhook


def test_polling_is_refused_while_a_webhook_is_set(channel: Channel, receiver: Receiver) -> None:
    cursor = listening(channel)
    assert channel.run(lambda client: client.set_webhook(receiver.hook(), SECRET)).published
    outcome = channel.fetch_outcome(cursor)
    assert outcome.kind is OutcomeKind.RETRY_LATER
    assert outcome.code == "webhook_set"
    assert outcome.reason == (
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first"
    )
    assert channel.run(lambda client: client.delete_webhook()).published
    assert channel.fetch(cursor).happenings == ()


def test_webhook_deliveries_carry_the_secret_token(channel: Channel, receiver: Receiver) -> None:
    assert channel.run(lambda client: client.set_webhook(receiver.hook(), SECRET)).published
    post = channel.post()
    comment = channel.comment(post, "Qua webhook")
    channel.flush_webhooks()
    bodies = sorted(
        (json.loads(body) for _headers, body in receiver.received),
        key=lambda body: body["update_id"],
    )
    # The automatic forward of the post, then the comment.
    assert [body["message"].get("is_automatic_forward", False) for body in bodies] == [True, False]
    for headers, body in receiver.received:
        assert headers["x-telegram-bot-api-secret-token"] == SECRET
        assert headers["content-type"] == "application/json"
        assert LISTENER.verify(headers, body, SECRET)
        assert not LISTENER.verify(headers, body, "another_secret")
    [happening] = LISTENER.parse(bodies[1], account_id=channel.access.external_id)
    assert happening.remote_id == comment.remote_id
    assert happening.thread == f"post:{post.remote_id}"
    assert LISTENER.event_key(bodies[1], b"") == f"update:{bodies[1]['update_id']}"


def test_webhook_info_tells_of_waiting_updates_and_the_last_error(
    channel: Channel, receiver: Receiver
) -> None:
    receiver.status = 500
    assert channel.run(lambda client: client.set_webhook(receiver.hook(), SECRET)).published
    post = channel.post()
    channel.comment(post, "Chưa tới nơi")
    channel.flush_webhooks()
    info = channel.run(lambda client: client.webhook_info())
    assert isinstance(info, WebhookInfo)
    assert info.url == receiver.hook()
    assert info.pending_update_count == 2
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_at is not None
    assert "message_reaction_count" in info.allowed_updates
    # Removed, the webhook's undelivered updates wait for getUpdates.
    assert channel.run(lambda client: client.delete_webhook()).published
    found = channel.fetch({"offset": 0})
    assert [h.text for h in found.happenings] == ["Chưa tới nơi"]
