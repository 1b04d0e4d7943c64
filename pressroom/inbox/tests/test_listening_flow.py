"""The inbox against the emulator over real HTTP: a citizen writes, the emulator delivers a
signed webhook to the running app, the inbox stores it; an answer goes out exactly once (a lost
answer is looked for before any resend), shows in the emulator's thread, and is audited;
moderation and polling too."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from typing import Any

import httpx
import time_machine
from django.test import LiveServerTestCase, override_settings
from django.utils import timezone, translation

from pressroom.audit.models import AuditEvent
from pressroom.channels.models import Channel
from pressroom.core.errors import ActionError
from pressroom.inbox import actions, polling, processing, replies, sending
from pressroom.inbox.models import Conversation, Message, ModerationAction, RawEvent, Reply
from pressroom.platforms.base import Publication
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.connecting import Found
from pressroom.platforms.registry import connector_for
from pressroom.platforms.testing import RunningSandbox
from pressroom.testing import TreeMixin

APP_ID = "880011220000001"
APP_SECRET = "flow-app-secret"
PAGE = "100000000009090"


@override_settings(FACEBOOK_APP_SECRET=APP_SECRET, FACEBOOK_VERIFY_TOKEN="flow-verify")
class FacebookFlowTests(TreeMixin, LiveServerTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.build_tree()
        self.state = tempfile.TemporaryDirectory(prefix="pressroom-flow-")
        self.sandbox = RunningSandbox(self.state.name).start()
        httpx.post(
            f"{self.sandbox.url}/_control/apps",
            json={
                "platform": "facebook",
                "app_id": APP_ID,
                "app_secret": APP_SECRET,
                "webhook_url": f"{self.live_server_url}/webhooks/facebook",
                "verify_token": "flow-verify",
            },
        ).raise_for_status()
        access = self.sandbox.connect("facebook", PAGE, name="UBND huyện Cao Lộc")
        self.channel = Channel(
            unit=self.district,
            platform="facebook",
            name="UBND huyện Cao Lộc",
            external_id=PAGE,
            api_base=access.api_base,
            is_sandbox=True,
        )
        self.channel.credentials = dict(access.credentials)
        self.channel.save()
        connector_for("facebook").after_connect(
            Found(
                external_id=PAGE,
                name=self.channel.name,
                api_base=access.api_base,
                credentials=dict(access.credentials),
            )
        )
        self.access = access
        self.post_id = self.publish("Lịch tiêm chủng tháng 12 tại các phường")

    def tearDown(self) -> None:
        self.sandbox.stop()
        self.state.cleanup()
        super().tearDown()

    # Helpers ---------------------------------------------------------------------------------
    def publish(self, text: str) -> str:
        async def run() -> str:
            async with make_http_client() as http:
                client = client_class("facebook")(self.access, http)
                outcome = await client.publish(Publication(text=text))
                return outcome.remote_id

        return asyncio.run(run())

    def act(self, **body: Any) -> dict[str, Any]:
        response = httpx.post(
            f"{self.sandbox.url}/_control/public/act",
            json={"platform": "facebook", "account_id": PAGE, **body},
        )
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    def deliver(self) -> None:
        """Send every webhook the emulator has queued, then read what the app stored."""
        httpx.post(f"{self.sandbox.url}/_control/webhooks/flush", json={}, timeout=30)
        processing.process_stored()

    def page_replies(self, comment_id: str) -> list[dict[str, Any]]:
        response = httpx.get(
            f"{self.access.api_base}/{comment_id}/comments",
            params={"fields": "id,message,from"},
            headers={"Authorization": f"Bearer {self.access.credentials['page_token']}"},
        )
        response.raise_for_status()
        return [c for c in response.json()["data"] if c["from"]["id"] == PAGE]

    def send(self, reply: Reply) -> Reply:
        sent = sending.send(reply.pk)
        assert sent is not None
        return sent

    # The tests -------------------------------------------------------------------------------
    def test_a_comment_arrives_by_webhook_and_is_answered_once_in_the_thread(self) -> None:
        act = self.act(action="comment", post_id=self.post_id, text="Phường tôi tiêm ngày nào?")
        self.deliver()
        raw = RawEvent.objects.get()
        self.assertEqual((raw.state, raw.channel_id), (RawEvent.State.PROCESSED, self.channel.pk))
        comment = Message.objects.get()
        self.assertEqual(comment.remote_id, act["created"]["remote_id"])
        self.assertEqual(comment.text, "Phường tôi tiêm ngày nào?")
        conversation = comment.conversation
        self.assertEqual(conversation.key, f"post:{self.post_id}")

        reply = replies.write_reply(
            user=self.owner,
            conversation=conversation,
            text="Dạ, ngày 15/12 tại trạm y tế phường.",
            way=Reply.Way.PUBLIC,
            in_reply_to=comment,
        )
        self.assertEqual(reply.state, Reply.State.QUEUED)
        sent = self.send(reply)
        self.assertEqual(sent.state, Reply.State.SENT)
        on_platform = self.page_replies(comment.remote_id)
        self.assertEqual([c["message"] for c in on_platform], [reply.text])
        self.assertEqual(on_platform[0]["id"], sent.remote_id)
        # The Page's own comment comes back as a webhook: it is our reply, not a second one.
        self.deliver()
        ours = Message.objects.get(direction=Message.Direction.OUT)
        self.assertEqual((ours.reply_id, ours.from_outside), (reply.pk, False))
        conversation.refresh_from_db()
        self.assertEqual(conversation.status, Conversation.Status.ANSWERED)
        self.assertIsNotNone(conversation.first_response_s)
        actions_done = set(AuditEvent.objects.values_list("action", flat=True))
        self.assertTrue({"inbox.reply", "inbox.reply_sent"} <= actions_done)

    def test_a_lost_answer_is_looked_for_before_any_resend(self) -> None:
        self.act(action="comment", post_id=self.post_id, text="Cho hỏi giờ làm việc?")
        self.deliver()
        comment = Message.objects.get()
        self.sandbox.add_fault("facebook", "timeout_after_create", operation="comment", delay_s=3)
        reply = replies.write_reply(
            user=self.owner,
            conversation=comment.conversation,
            text="Từ 7 giờ 30 đến 17 giờ.",
            way=Reply.Way.PUBLIC,
            in_reply_to=comment,
        )
        with override_settings(PLATFORM_TIMEOUT_S=0.5):
            lost = self.send(reply)
        self.assertEqual((lost.state, lost.needs_look), (Reply.State.UNKNOWN, True))
        self.sandbox.clear_faults()
        with time_machine.travel(timezone.now() + timedelta(seconds=30)):
            found = self.send(lost)
        self.assertEqual(found.state, Reply.State.SENT)
        self.assertEqual(len(self.page_replies(comment.remote_id)), 1)
        self.assertEqual(found.attempts, 2)

    def test_a_message_answer_carries_our_reference_and_its_echo_is_recognised(self) -> None:
        self.act(action="message", text="Xin chào, cho tôi hỏi thủ tục cấp phép?")
        self.deliver()
        conversation = Conversation.objects.get()
        self.assertEqual(conversation.kind, Conversation.Kind.MESSAGES)
        windows = {w.way: w for w in replies.windows(conversation)}
        self.assertTrue(windows["message"].open)
        reply = replies.write_reply(
            user=self.owner,
            conversation=conversation,
            text="Dạ, mời anh/chị xem hướng dẫn tại cổng dịch vụ công.",
            way=Reply.Way.MESSAGE,
        )
        self.assertEqual(self.send(reply).state, Reply.State.SENT)
        self.deliver()
        self.assertEqual(Message.objects.filter(direction=Message.Direction.OUT).count(), 1)
        self.assertEqual(Message.objects.get(direction=Message.Direction.OUT).reply_id, reply.pk)

    def test_messenger_window_closes_after_24_hours(self) -> None:
        self.act(action="message", text="Alo?")
        self.deliver()
        conversation = Conversation.objects.get()
        with time_machine.travel(timezone.now() + timedelta(days=8)):
            windows = {w.way: w for w in replies.windows(conversation)}
            self.assertFalse(windows["message"].open)
            with (
                translation.override("en"),
                self.assertRaisesMessage(ActionError, "time allowed has passed"),
            ):
                replies.write_reply(
                    user=self.owner, conversation=conversation, text="Muộn", way="message"
                )
        self.assertFalse(Reply.objects.exists())

    def test_hiding_spam_with_a_reason_is_done_on_the_platform_and_logged_once(self) -> None:
        self.act(action="comment", post_id=self.post_id, text="Kiếm tiền online 5 triệu/ngày")
        self.deliver()
        spam = Message.objects.get()
        entry = actions.moderate(
            user=self.owner, message=spam, action="hide", reason="spam", explanation=""
        )
        self.assertEqual(entry.state, ModerationAction.State.DONE)
        response = httpx.get(
            f"{self.access.api_base}/{spam.remote_id}",
            params={"fields": "is_hidden"},
            headers={"Authorization": f"Bearer {self.access.credentials['page_token']}"},
        )
        self.assertTrue(response.json()["is_hidden"])
        self.deliver()  # the platform's own "hide" webhook: ours, not one done outside
        self.assertEqual(ModerationAction.objects.count(), 1)
        spam.refresh_from_db()
        self.assertTrue(spam.hidden)
        with translation.override("en"), self.assertRaisesMessage(ActionError, "reason"):
            actions.moderate(user=self.owner, message=spam, action="delete", reason="")
        self.assertEqual(ModerationAction.objects.count(), 1)

    def test_polling_finds_what_the_webhooks_missed_without_duplicates(self) -> None:
        # The app is away: its webhook address answers nothing.
        httpx.post(
            f"{self.sandbox.url}/_control/apps",
            json={
                "platform": "facebook",
                "app_id": APP_ID,
                "app_secret": APP_SECRET,
                "webhook_url": "http://127.0.0.1:9/gone",
            },
        ).raise_for_status()
        self.act(action="comment", post_id=self.post_id, text="Có ai trực không?")
        self.act(action="message", text="Cho hỏi số điện thoại đường dây nóng")
        polling.poll_channel(self.channel)
        self.assertEqual(Message.objects.count(), 2)
        polling.poll_channel(self.channel)
        self.assertEqual(Message.objects.count(), 2)
        self.assertEqual(Conversation.objects.count(), 2)
