"""The sandbox's Bot API for listening, over raw HTTP: the discussion group, the automatic
forwards, getUpdates' offsets and filters, setWebhook's checks, private chats, deleteMessage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from pressroom.platforms.telegram.tests.conftest import (
    BOT_ID,
    CHAT_ID,
    GROUP_ID,
    TOKEN,
    Channel,
    Receiver,
)


def ok(channel: Channel, method: str, **params: Any) -> Any:
    answer = channel.api(method, **params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ok"] is True
    return body["result"]


def refused(channel: Channel, method: str, **params: Any) -> tuple[int, str]:
    answer = channel.api(method, **params)
    body = answer.json()
    assert body["ok"] is False
    assert body["error_code"] == answer.status_code
    return answer.status_code, body["description"]


def updates(channel: Channel, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(channel, "getUpdates", **params)
    return found


# The discussion group


def test_the_channel_and_its_group_name_each_other(channel: Channel) -> None:
    assert ok(channel, "getChat", chat_id=CHAT_ID)["linked_chat_id"] == GROUP_ID
    group = ok(channel, "getChat", chat_id=GROUP_ID)
    assert group["type"] == "supergroup"
    assert group["linked_chat_id"] == CHAT_ID
    assert group["title"] == "UBND xã Hợp Thành Chat"
    member = ok(channel, "getChatMember", chat_id=GROUP_ID, user_id=BOT_ID)
    assert member["status"] == "administrator"
    assert member["can_delete_messages"] is True
    assert ok(channel, "getChatMemberCount", chat_id=GROUP_ID) >= 1


def test_a_channel_without_a_group_has_no_comments(channel: Channel) -> None:
    channel.settings(discussion_group=False)
    assert "linked_chat_id" not in ok(channel, "getChat", chat_id=CHAT_ID)
    post = channel.post()
    assert channel.public.comment(post, channel.citizen(), "Không có nhóm") is None
    assert refused(channel, "getChat", chat_id=GROUP_ID) == (400, "Bad Request: chat not found")


def test_a_bot_outside_the_group_is_told_so(channel: Channel) -> None:
    channel.settings(discussion_bot_status="left")
    assert refused(channel, "getChat", chat_id=GROUP_ID) == (
        403,
        "Forbidden: bot is not a member of the supergroup chat",
    )


def test_each_post_is_forwarded_into_the_group(channel: Channel) -> None:
    updates(channel, offset=0)  # the bot starts listening
    post = channel.post("Thông báo mất điện")
    [update] = updates(channel)
    forward = update["message"]
    assert forward["is_automatic_forward"] is True
    assert forward["chat"]["id"] == GROUP_ID
    assert forward["chat"]["type"] == "supergroup"
    assert forward["sender_chat"]["id"] == CHAT_ID
    assert forward["from"]["id"] == 777000
    assert forward["forward_origin"]["type"] == "channel"
    assert forward["forward_origin"]["chat"]["id"] == CHAT_ID
    assert forward["forward_origin"]["message_id"] == int(post.remote_id)
    assert forward["forward_from_message_id"] == int(post.remote_id)
    assert forward["message_id"] == post.data["discussion_message_id"]
    assert forward["text"] == "Thông báo mất điện"
    # The forward is the group's, not something the channel published.
    assert [entry["remote_id"] for entry in channel.sandbox.ledger(platform="telegram")] == [
        post.remote_id
    ]


def test_a_bot_that_never_listened_has_no_forwards_queued(channel: Channel) -> None:
    channel.post("Trước khi nghe")
    assert updates(channel, offset=0) == []
    channel.post("Sau khi nghe")
    [update] = updates(channel, offset=0)
    assert update["message"]["text"] == "Sau khi nghe"


def test_a_comment_is_a_group_message_in_the_posts_thread(channel: Channel) -> None:
    updates(channel, offset=0)
    post = channel.post()
    channel.comment(post, "Câu hỏi")
    message = updates(channel)[-1]["message"]
    assert message["chat"]["id"] == GROUP_ID
    assert message["message_thread_id"] == post.data["discussion_message_id"]
    replied = message["reply_to_message"]
    assert replied["is_automatic_forward"] is True
    assert "reply_to_message" not in replied
    assert message["from"]["first_name"] == channel.citizen().name


# getUpdates


def test_offsets_confirm_and_a_negative_one_keeps_the_last(channel: Channel) -> None:
    updates(channel, offset=0)
    post = channel.post()
    for number in range(4):
        channel.comment(post, f"Bình luận {number}")
    ids = [update["update_id"] for update in updates(channel)]
    assert ids == list(range(ids[0], ids[0] + 5))
    assert [u["update_id"] for u in updates(channel, limit=2)] == ids[:2]
    assert [u["update_id"] for u in updates(channel, offset=ids[2])] == ids[2:]
    # Confirmed: gone even without an offset.
    assert [u["update_id"] for u in updates(channel)] == ids[2:]
    assert [u["update_id"] for u in updates(channel, offset=-1)] == ids[-1:]
    assert [u["update_id"] for u in updates(channel)] == ids[-1:]


def test_allowed_updates_are_kept_until_changed(channel: Channel) -> None:
    updates(channel, offset=0, allowed_updates=["edited_message"])
    post = channel.post()
    channel.comment(post, "Không được xếp hàng")
    assert updates(channel) == []
    updates(channel, allowed_updates='["message"]')
    channel.comment(post, "Được xếp hàng")
    [update] = updates(channel)
    assert update["message"]["text"] == "Được xếp hàng"
    # Reactions are left out by default.
    updates(channel, offset=update["update_id"] + 1, allowed_updates=["bogus"])
    channel.public.react(post, channel.citizen(), "👍")
    assert updates(channel) == []


# setWebhook, getWebhookInfo, deleteWebhook


def test_webhook_set_again_and_deleted(channel: Channel, receiver: Receiver) -> None:
    answer = channel.api("setWebhook", url=receiver.hook(), secret_token="abc_DEF-123")
    assert answer.json() == {"ok": True, "result": True, "description": "Webhook was set"}
    again = channel.api("setWebhook", url=receiver.hook(), secret_token="abc_DEF-123")
    assert again.json()["description"] == "Webhook is already set"
    info = ok(channel, "getWebhookInfo")
    assert info["url"] == receiver.hook()
    assert info["max_connections"] == 40
    assert info["pending_update_count"] == 0
    assert "last_error_date" not in info
    assert channel.api("deleteWebhook").json()["description"] == "Webhook was deleted"
    assert channel.api("deleteWebhook").json()["description"] == "Webhook is already deleted"
    assert ok(channel, "getWebhookInfo") == {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": 0,
    }


@pytest.mark.parametrize(
    ("url", "secret", "description"),
    [
        ("https://pressroom.example.vn/hook", "x" * 257, "Bad Request: secret token is too long"),
        (
            "https://pressroom.example.vn/hook",
            "bí mật",
            "Bad Request: secret token contains unallowed characters",
        ),
        (
            "http://pressroom.example.vn/hook",
            "",
            "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
        ),
        (
            "https://pressroom.example.vn:8080/hook",
            "",
            "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
        ),
        ("ftp://pressroom.example.vn/hook", "", "Bad Request: invalid webhook URL specified"),
    ],
)
def test_what_set_webhook_refuses(
    channel: Channel, url: str, secret: str, description: str
) -> None:
    assert refused(channel, "setWebhook", url=url, secret_token=secret) == (400, description)


def test_a_public_https_address_on_an_allowed_port_is_taken(channel: Channel) -> None:
    assert ok(channel, "setWebhook", url="https://pressroom.example.vn:8443/hook") is True


def test_pending_updates_go_to_a_new_webhook_unless_dropped(
    channel: Channel, receiver: Receiver
) -> None:
    updates(channel, offset=0)
    post = channel.post()
    channel.comment(post, "Đang chờ")
    assert ok(channel, "getWebhookInfo")["pending_update_count"] == 2
    ok(channel, "setWebhook", url=receiver.hook(), drop_pending_updates=True)
    channel.flush_webhooks()
    assert receiver.received == []
    ok(channel, "deleteWebhook")
    channel.comment(post, "Chờ tiếp")
    ok(channel, "setWebhook", url=receiver.hook())
    channel.flush_webhooks()
    assert len(receiver.received) == 1
    assert ok(channel, "getWebhookInfo")["pending_update_count"] == 0


def test_a_webhook_that_no_longer_answers_is_reported(channel: Channel, receiver: Receiver) -> None:
    ok(channel, "setWebhook", url=f"{receiver.url}/nowhere/else")
    channel.post()
    channel.flush_webhooks()
    info = ok(channel, "getWebhookInfo")
    assert info["pending_update_count"] == 1
    assert info["last_error_message"] == "Wrong response from the webhook: 404 Not Found"
    assert isinstance(info["last_error_date"], int)


# Private chats


def test_a_person_starts_the_bot_before_writing(channel: Channel) -> None:
    updates(channel, offset=0)
    channel.writes("Xin chào")
    start, hello = (update["message"] for update in updates(channel))
    assert start["text"] == "/start"
    assert start["entities"] == [{"offset": 0, "length": 6, "type": "bot_command"}]
    assert start["chat"]["type"] == "private"
    assert hello["text"] == "Xin chào"
    assert hello["message_id"] > start["message_id"]
    person = int(channel.citizen().id)
    sent = ok(channel, "sendMessage", chat_id=person, text="Chào anh/chị")
    assert sent["chat"] == {"id": person, "first_name": channel.citizen().name, "type": "private"}
    # A second message needs no /start.
    channel.writes("Câu hỏi thứ hai")
    assert [u["message"]["text"] for u in updates(channel, offset=-1)] == ["Câu hỏi thứ hai"]


def test_nobody_gets_a_message_they_did_not_ask_for(channel: Channel) -> None:
    post = channel.post()
    channel.comment(post, "Tôi chỉ bình luận", number=7)
    assert refused(channel, "sendMessage", chat_id=channel.citizen(7).id, text="Chào") == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )


# deleteMessage


def test_the_bot_deletes_its_own_message_within_48_hours_without_the_right(
    channel: Channel,
) -> None:
    channel.settings(discussion_bot_can_delete=False)
    post = channel.post()
    comment = channel.comment(post, "Câu hỏi")
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        mine = ok(
            channel,
            "sendMessage",
            chat_id=GROUP_ID,
            text="Trả lời",
            reply_parameters={"message_id": comment.data["message"]["message_id"]},
        )
        old = ok(channel, "sendMessage", chat_id=GROUP_ID, text="Cũ")
        assert ok(channel, "deleteMessage", chat_id=GROUP_ID, message_id=mine["message_id"])
        traveller.shift(timedelta(hours=49))
        assert refused(
            channel, "deleteMessage", chat_id=GROUP_ID, message_id=old["message_id"]
        ) == (400, "Bad Request: message can't be deleted")
    assert refused(channel, "deleteMessage", chat_id=GROUP_ID, message_id=mine["message_id"]) == (
        400,
        "Bad Request: message to delete not found",
    )


def test_a_post_is_deleted_from_the_channel(channel: Channel) -> None:
    post = channel.post()
    assert ok(channel, "deleteMessage", chat_id=CHAT_ID, message_id=int(post.remote_id))
    assert channel.sandbox.ledger(platform="telegram") == []


def test_replying_to_a_message_that_is_not_there(channel: Channel) -> None:
    assert refused(
        channel, "sendMessage", chat_id=GROUP_ID, text="x", reply_parameters={"message_id": 999}
    ) == (400, "Bad Request: message to be replied not found")
    sent = ok(
        channel,
        "sendMessage",
        chat_id=GROUP_ID,
        text="Vẫn gửi",
        reply_parameters={"message_id": 999, "allow_sending_without_reply": True},
    )
    assert "reply_to_message" not in sent
    assert TOKEN not in str(sent)
