"""Connecting a channel for listening, against the sandbox over real HTTP: where its comments
are (the discussion group), the bot's place there, and the webhook the app sets and removes."""

from __future__ import annotations

from django.utils import translation

from pressroom.platforms.base import OutcomeKind
from pressroom.platforms.telegram.botapi import WebhookInfo
from pressroom.platforms.telegram.connect import CONNECTOR
from pressroom.platforms.telegram.tests.conftest import (
    CHANNEL,
    CHAT_ID,
    GROUP_ID,
    TOKEN,
    Channel,
    Receiver,
)
from pressroom.platforms.telegram.webhooks import (
    new_webhook_secret,
    webhook_removal,
    webhook_setup,
    webhook_status,
)


def test_the_discussion_group_is_found_when_connecting(channel: Channel) -> None:
    found = CONNECTOR.check(
        CONNECTOR.target(channel.sandbox.url), {"bot_token": TOKEN, "chat": CHANNEL}
    )
    assert found.connectable
    assert found.external_id == str(CHAT_ID)
    assert found.options["discussion_chat_id"] == GROUP_ID
    options = CONNECTOR.after_connect(found)
    assert options == {
        "discussion_chat_id": GROUP_ID,
        "discussion_error": "",
        "bot_reads_all_group_messages": False,
        "discussion_bot_status": "administrator",
        "discussion_bot_can_delete": True,
    }


def test_a_bot_that_is_only_a_member_of_the_group_is_reported(channel: Channel) -> None:
    channel.settings(discussion_bot_status="member", bot_privacy=False)
    found = CONNECTOR.check(
        CONNECTOR.target(channel.sandbox.url), {"bot_token": TOKEN, "chat": CHANNEL}
    )
    options = CONNECTOR.after_connect(found)
    assert options["discussion_bot_status"] == "member"
    assert options["discussion_bot_can_delete"] is False
    assert options["bot_reads_all_group_messages"] is True


def test_a_channel_without_a_discussion_group_says_so(channel: Channel) -> None:
    channel.settings(discussion_group=False)
    with translation.override("en"):
        found = CONNECTOR.check(
            CONNECTOR.target(channel.sandbox.url), {"bot_token": TOKEN, "chat": CHANNEL}
        )
    assert found.connectable
    assert "discussion_chat_id" not in found.options
    assert any("discussion group" in detail for detail in found.details)
    assert CONNECTOR.after_connect(found)["discussion_chat_id"] is None


def test_the_app_sets_reads_and_removes_the_webhook(channel: Channel, receiver: Receiver) -> None:
    api = channel.access.api_base
    secret = new_webhook_secret()
    assert 1 <= len(secret) <= 256
    done = webhook_setup(api, TOKEN, receiver.hook(), secret)
    assert (done.kind, done.reason) == (OutcomeKind.PUBLISHED, "Webhook was set")
    status = webhook_status(api, TOKEN)
    assert isinstance(status, WebhookInfo)
    assert status.is_set
    assert status.url == receiver.hook()
    channel.post()
    channel.flush_webhooks()
    [(headers, _body)] = receiver.received
    assert headers["x-telegram-bot-api-secret-token"] == secret
    assert webhook_removal(api, TOKEN).kind is OutcomeKind.PUBLISHED
    after = webhook_status(api, TOKEN)
    assert isinstance(after, WebhookInfo)
    assert not after.is_set


def test_a_refused_webhook_says_why_without_the_token(channel: Channel) -> None:
    api = channel.access.api_base
    refused = webhook_setup(api, TOKEN, "http://pressroom.example.vn/hook", "secret")
    assert refused.kind is OutcomeKind.REJECTED
    assert refused.reason == "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
    unreachable = webhook_setup("http://127.0.0.1:9/telegram", TOKEN, "https://x.vn/h", "s")
    assert unreachable.kind is OutcomeKind.RETRY_LATER
    assert TOKEN not in unreachable.reason
    wrong = webhook_status(api, "7012345678:AAother-token-000000000000000000000")
    assert not isinstance(wrong, WebhookInfo)
    assert wrong.kind is OutcomeKind.CREDENTIALS_EXPIRED


def test_disconnecting_removes_the_webhook(channel: Channel, receiver: Receiver) -> None:
    api = channel.access.api_base
    webhook_setup(api, TOKEN, receiver.hook(), "secret")
    assert CONNECTOR.disconnect(api, str(CHAT_ID), {"bot_token": TOKEN}) is True
    status = webhook_status(api, TOKEN)
    assert isinstance(status, WebhookInfo)
    assert status.url == ""
    assert CONNECTOR.disconnect(api, str(CHAT_ID), {}) is False
