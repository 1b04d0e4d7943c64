"""Webhook intake: signatures, the handshake, replays, malformed, oversize and unknown-channel
bodies, and what processing makes of them."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TransactionTestCase as HypothesisTransactionTestCase

from pressroom.inbox import processing
from pressroom.inbox.models import Conversation, Message, ModerationAction, RawEvent, Reply
from pressroom.testing import BaseTransactionTestCase

SECRET = "test-app-secret"
VERIFY = "test-verify-token"
ZALO_KEY = "test-oa-secret-key"
PAGE = "100000000000042"


def fb_signature(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def feed(
    comment: str,
    *,
    verb: str = "add",
    text: str = "Lịch tiêm ở phường tôi là khi nào?",
    author: tuple[str, str] = ("5551", "Lan"),
    page: str = PAGE,
    parent: str = "",
) -> bytes:
    post_id = f"{page}_777"
    value: dict[str, Any] = {
        "from": {"id": author[0], "name": author[1]},
        "post_id": post_id,
        "comment_id": comment,
        "created_time": 1767000000,
        "item": "comment",
        "parent_id": parent or post_id,
        "verb": verb,
    }
    if verb in ("add", "edited"):
        value["message"] = text
    body = {
        "object": "page",
        "entry": [{"id": page, "time": 1767000000, "changes": [{"field": "feed", "value": value}]}],
    }
    return json.dumps(body, ensure_ascii=False).encode()


def messenger(mid: str, text: str, *, echo: bool = False, metadata: str = "") -> bytes:
    message: dict[str, Any] = {"mid": mid, "text": text}
    if echo:
        message |= {"is_echo": True, "app_id": 1234}
        if metadata:
            message["metadata"] = metadata
    sender, recipient = ("5551", PAGE) if not echo else (PAGE, "5551")
    body = {
        "object": "page",
        "entry": [
            {
                "id": PAGE,
                "time": 1767000100000,
                "messaging": [
                    {
                        "sender": {"id": sender},
                        "recipient": {"id": recipient},
                        "timestamp": 1767000100000,
                        "message": message,
                    }
                ],
            }
        ],
    }
    return json.dumps(body, ensure_ascii=False).encode()


@override_settings(
    FACEBOOK_APP_SECRET=SECRET,
    FACEBOOK_VERIFY_TOKEN=VERIFY,
    ZALO_OA_SECRET_KEY=ZALO_KEY,
    INBOX_WEBHOOK_MAX_BYTES=64 * 1024,
)
class IntakeTests(BaseTransactionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.page = self.make_channel(self.district, "facebook")
        self.page.external_id = PAGE
        self.page.save()

    def post_facebook(self, body: bytes, signature: str | None = None) -> Any:
        return self.client.post(
            "/webhooks/facebook",
            data=body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": signature or fb_signature(body)},
        )

    # The handshake -----------------------------------------------------------------------
    def test_the_subscription_check_answers_the_challenge_for_the_right_token_only(self) -> None:
        query = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": VERIFY}
        answer = self.client.get("/webhooks/facebook", query)
        self.assertEqual((answer.status_code, answer.content), (200, b"1158201444"))
        wrong = self.client.get("/webhooks/facebook", {**query, "hub.verify_token": "nope"})
        self.assertEqual(wrong.status_code, 403)
        with override_settings(FACEBOOK_VERIFY_TOKEN=""):
            unset = self.client.get("/webhooks/facebook", {**query, "hub.verify_token": ""})
        self.assertEqual(unset.status_code, 403)

    # Signatures and bodies ---------------------------------------------------------------
    def test_a_signed_comment_is_stored_then_read_into_a_conversation(self) -> None:
        body = feed(f"{PAGE}_777_1")
        answer = self.post_facebook(body)
        self.assertEqual(answer.status_code, 200)
        raw = RawEvent.objects.get()
        self.assertEqual((raw.state, bytes(raw.body)), (RawEvent.State.STORED, body))
        processing.process_stored()
        raw.refresh_from_db()
        self.assertEqual(raw.state, RawEvent.State.PROCESSED)
        self.assertEqual(raw.channel_id, self.page.pk)
        self.assertEqual(raw.people, ["5551"])
        conversation = Conversation.objects.get()
        self.assertEqual(
            (conversation.channel_id, conversation.kind, conversation.key, conversation.status),
            (self.page.pk, "comments", f"post:{PAGE}_777", "new"),
        )
        self.assertIsNotNone(conversation.waiting_since)
        message = Message.objects.get()
        self.assertEqual(
            (message.text, message.author_name), ("Lịch tiêm ở phường tôi là khi nào?", "Lan")
        )

    def test_the_same_delivery_twice_is_stored_once_and_makes_one_message(self) -> None:
        body = feed(f"{PAGE}_777_2")
        self.assertEqual(self.post_facebook(body).status_code, 200)
        self.assertEqual(self.post_facebook(body).status_code, 200)
        self.assertEqual(RawEvent.objects.count(), 1)
        # The same comment in another body (a retry batched differently) is one message too.
        again = json.loads(body)
        again["entry"][0]["time"] += 1
        self.assertEqual(self.post_facebook(json.dumps(again).encode()).status_code, 200)
        processing.process_stored()
        self.assertEqual(Message.objects.count(), 1)
        self.assertEqual(Conversation.objects.get().inbound_count, 1)

    def test_a_bad_or_missing_signature_gets_403_and_stores_nothing(self) -> None:
        body = feed(f"{PAGE}_777_3")
        self.assertEqual(self.post_facebook(body, fb_signature(body, "other")).status_code, 403)
        self.assertEqual(self.post_facebook(body, "sha256=").status_code, 403)
        legacy = "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
        self.assertEqual(self.post_facebook(body, legacy).status_code, 403)
        missing = self.client.post("/webhooks/facebook", data=body, content_type="application/json")
        self.assertEqual(missing.status_code, 403)
        self.assertFalse(RawEvent.objects.exists())

    def test_without_an_app_secret_nothing_is_accepted(self) -> None:
        body = feed(f"{PAGE}_777_4")
        with override_settings(FACEBOOK_APP_SECRET=""):
            self.assertEqual(self.post_facebook(body, fb_signature(body, "")).status_code, 403)
        self.assertFalse(RawEvent.objects.exists())

    def test_malformed_json_gets_400_and_a_kept_copy(self) -> None:
        for body in (
            b"{not json",
            b"[1, 2, 3]",
            json.dumps({"object": "page", "entry": 5}).encode(),
        ):
            with self.subTest(body=body):
                self.assertEqual(self.post_facebook(body).status_code, 400)
        kept = RawEvent.objects.order_by("id")
        self.assertEqual([raw.state for raw in kept], [RawEvent.State.MALFORMED] * 3)
        self.assertEqual(bytes(kept[0].body), b"{not json")
        self.assertTrue(kept[0].error)

    def test_an_oversize_body_gets_413_unread(self) -> None:
        body = feed(f"{PAGE}_777_5", text="x" * 70_000)
        self.assertEqual(self.post_facebook(body).status_code, 413)
        self.assertFalse(RawEvent.objects.exists())

    def test_an_event_for_an_unknown_page_is_kept_for_administrators(self) -> None:
        body = feed("999_1_1", page="999")
        self.assertEqual(self.post_facebook(body).status_code, 200)
        processing.process_stored()
        raw = RawEvent.objects.get()
        self.assertEqual((raw.state, raw.account_ids), (RawEvent.State.UNKNOWN_CHANNEL, ["999"]))
        self.assertFalse(Message.objects.exists())

    def test_other_methods_are_refused(self) -> None:
        self.assertEqual(self.client.put("/webhooks/facebook").status_code, 405)
        self.assertEqual(self.client.get("/webhooks/zalo").status_code, 405)
        # Mastodon has no webhooks; an unknown platform has no address.
        self.assertEqual(self.client.post("/webhooks/mastodon").status_code, 404)
        self.assertEqual(self.client.post("/webhooks/myspace").status_code, 404)
        self.assertEqual(self.client.post("/webhooks/facebook/1").status_code, 404)

    # What processing makes of the platform's own events ----------------------------------
    def test_a_message_then_our_echo_by_its_metadata_answers_the_conversation(self) -> None:
        self.post_facebook(messenger("m_1", "Xin chào, cho hỏi giờ làm việc?"))
        processing.process_stored()
        conversation = Conversation.objects.get()
        self.assertEqual((conversation.kind, conversation.key), ("messages", "person:5551"))
        reply = Reply.objects.create(
            conversation=conversation,
            way=Reply.Way.MESSAGE,
            text="Từ 7:30 đến 17:00.",
            written_by=self.member,
            state=Reply.State.SENDING,
        )
        self.post_facebook(
            messenger("m_2", "Từ 7:30 đến 17:00.", echo=True, metadata=reply.platform_reference)
        )
        processing.process_stored()
        echo = Message.objects.get(remote_id="m_2")
        self.assertEqual(
            (echo.direction, echo.reply_id, echo.from_outside), ("out", reply.pk, False)
        )
        conversation.refresh_from_db()
        self.assertEqual(conversation.status, Conversation.Status.ANSWERED)
        self.assertIsNone(conversation.waiting_since)
        self.assertIsNotNone(conversation.first_response_s)

    def test_a_reply_made_outside_pressroom_is_recorded_as_such(self) -> None:
        self.post_facebook(messenger("m_3", "Cho hỏi?"))
        self.post_facebook(messenger("m_4", "Trả lời từ Business Suite", echo=True))
        processing.process_stored()
        outside = Message.objects.get(remote_id="m_4")
        self.assertTrue(outside.from_outside)
        self.assertEqual(Conversation.objects.get().outbound_count, 1)

    def test_a_hide_done_in_facebook_goes_to_the_moderation_log_as_outside(self) -> None:
        comment = f"{PAGE}_777_6"
        self.post_facebook(feed(comment))
        self.post_facebook(feed(comment, verb="hide"))
        processing.process_stored()
        message = Message.objects.get()
        self.assertTrue(message.hidden)
        entry = ModerationAction.objects.get()
        self.assertEqual((entry.action, entry.outside, entry.actor), ("hide", True, None))

    def test_an_edit_changes_the_text(self) -> None:
        comment = f"{PAGE}_777_7"
        self.post_facebook(feed(comment, text="Trước"))
        self.post_facebook(feed(comment, verb="edited", text="Sau khi sửa"))
        processing.process_stored()
        message = Message.objects.get()
        self.assertEqual(message.text, "Sau khi sửa")
        self.assertIsNotNone(message.edited_at)

    # Zalo and Telegram --------------------------------------------------------------------
    def test_zalo_events_are_checked_with_the_oa_secret_key_with_or_without_mac(self) -> None:
        oa = self.make_channel(self.commune, "zalo")
        event = {
            "app_id": "4321",
            "event_name": "user_send_text",
            "timestamp": "1767000000000",
            "sender": {"id": "8412345678901234567"},
            "recipient": {"id": oa.external_id},
            "message": {"msg_id": "zmsg-1", "text": "Xin chào"},
        }
        body = json.dumps(event, ensure_ascii=False).encode()
        digest = hashlib.sha256(b"4321" + body + b"1767000000000" + ZALO_KEY.encode()).hexdigest()
        for header in (f"mac={digest}", digest):
            with self.subTest(header=header[:4]):
                answer = self.client.post(
                    "/webhooks/zalo",
                    data=body,
                    content_type="application/json",
                    HTTP_X_ZEVENT_SIGNATURE=header,
                )
                self.assertEqual(answer.status_code, 200)
        wrong = self.client.post(
            "/webhooks/zalo",
            data=body,
            content_type="application/json",
            HTTP_X_ZEVENT_SIGNATURE="mac=" + "0" * 64,
        )
        self.assertEqual(wrong.status_code, 403)
        processing.process_stored()
        self.assertEqual(RawEvent.objects.count(), 1)
        self.assertEqual(Message.objects.get().conversation.channel_id, oa.pk)

    def test_telegram_checks_the_channels_own_secret_token(self) -> None:
        channel = self.make_channel(self.commune, "telegram")
        channel.external_id = "-1001234567890"
        channel.credentials = {"bot_token": "1:x", "webhook_secret": "s3cret_token-1"}
        channel.save()
        update = {"update_id": 812345001, "my_chat_member": {}}
        body = json.dumps(update).encode()
        url = f"/webhooks/telegram/{channel.pk}"

        def post(secret: str, to: str = url) -> int:
            return self.client.post(
                to,
                data=body,
                content_type="application/json",
                HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=secret,
            ).status_code

        self.assertEqual(post("wrong"), 403)
        self.assertEqual(post("s3cret_token-1", f"/webhooks/telegram/{channel.pk + 1000}"), 403)
        self.assertEqual(post("s3cret_token-1"), 200)
        self.assertEqual(post("s3cret_token-1"), 200)
        self.assertEqual(RawEvent.objects.count(), 1)
        self.assertEqual(RawEvent.objects.get().channel_id, channel.pk)


@override_settings(FACEBOOK_APP_SECRET=SECRET, INBOX_WEBHOOK_MAX_BYTES=64 * 1024)
class NeverAServerErrorTests(HypothesisTransactionTestCase):
    """Whatever a signed body holds, the answer is 200 or 400, never a 500."""

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.one_of(
            st.binary(max_size=300),
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                lambda children: (
                    st.lists(children, max_size=4)
                    | st.dictionaries(st.text(max_size=10), children, max_size=4)
                ),
                max_leaves=20,
            ).map(lambda value: json.dumps(value).encode()),
            st.fixed_dictionaries(
                {
                    "object": st.just("page"),
                    "entry": st.lists(
                        st.fixed_dictionaries(
                            {
                                "id": st.one_of(st.text(max_size=5), st.integers()),
                                "changes": st.lists(
                                    st.dictionaries(st.text(max_size=6), st.text(max_size=6)),
                                    max_size=2,
                                ),
                            }
                        ),
                        max_size=2,
                    ),
                }
            ).map(lambda value: json.dumps(value).encode()),
        )
    )
    def test_any_signed_body(self, body: bytes) -> None:
        answer = self.client.post(
            "/webhooks/facebook",
            data=body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=fb_signature(body),
        )
        self.assertIn(answer.status_code, (200, 400))
        processing.process_stored()
        self.assertFalse(RawEvent.objects.filter(state=RawEvent.State.STORED).exists())
