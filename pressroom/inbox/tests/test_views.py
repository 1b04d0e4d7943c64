"""The inbox's pages: who sees what, filters and search, the conversation page, and the forms
that keep what was typed when refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from pressroom.audit.models import AuditEvent
from pressroom.inbox.models import Conversation, Message, Note, Reply, SavedReply
from pressroom.orgs.models import Membership, Role
from pressroom.testing import ViewTestCase


class InboxPageTests(ViewTestCase):
    page: Any
    bot: Any
    question: Conversation
    complaint: Conversation
    elsewhere: Conversation

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.page = cls.make_channel(cls.commune, "facebook")
        cls.bot = cls.make_channel(cls.sibling, "telegram")
        cls.question = cls.conversation(
            cls.page, "post:1_2", "Lịch tiêm ở phường tôi là khi nào?", minutes=90
        )
        cls.complaint = cls.conversation(
            cls.page, "post:1_3", "Đường ngập nước mãi không ai sửa", minutes=10
        )
        cls.complaint.tag = Conversation.Tag.COMPLAINT
        cls.complaint.save()
        cls.elsewhere = cls.conversation(cls.bot, "post:9", "Ở huyện khác", minutes=5)

    @classmethod
    def conversation(cls, channel: Any, key: str, text: str, *, minutes: int) -> Conversation:
        at = timezone.now() - timedelta(minutes=minutes)
        conversation = Conversation.objects.create(
            channel=channel,
            kind=Conversation.Kind.COMMENTS,
            key=key,
            post_remote_id=key.removeprefix("post:"),
            waiting_since=at,
            last_inbound_at=at,
            first_inbound_at=at,
            last_message_at=at,
            inbound_count=1,
            snippet=text,
        )
        Message.objects.create(
            conversation=conversation,
            channel=channel,
            remote_id=f"{key}-c",
            direction=Message.Direction.IN,
            author_id="5551",
            author_name="Lan",
            text=text,
            at=at,
        )
        return conversation

    def test_the_list_shows_only_the_units_one_may_see(self) -> None:
        self.login(self.member)
        page = self.client.get("/inbox/")
        self.assertContains(page, "Lịch tiêm ở phường tôi là khi nào?")
        self.assertNotContains(page, "Ở huyện khác")
        self.login(self.outsider)
        page = self.client.get("/inbox/")
        self.assertContains(page, "Ở huyện khác")
        self.assertNotContains(page, "Lịch tiêm")

    def test_filters_and_search(self) -> None:
        self.login(self.owner)
        tagged = self.client.get("/inbox/", {"tag": "complaint"})
        self.assertContains(tagged, "Đường ngập nước")
        self.assertNotContains(tagged, "Lịch tiêm")
        waiting = self.client.get("/inbox/", {"waiting": "1h"})
        self.assertContains(waiting, "Lịch tiêm")
        self.assertNotContains(waiting, "Đường ngập nước")
        found = self.client.get("/inbox/", {"q": "tiêm"})
        self.assertContains(found, "Lịch tiêm")
        self.assertNotContains(found, "Đường ngập")
        nothing = self.client.get("/inbox/", {"q": "không có gì như thế"})
        self.assertContains(nothing, "No conversation matches these filters.")

    def test_an_empty_inbox_says_so(self) -> None:
        Conversation.objects.all().delete()
        self.login(self.member)
        self.assertContains(self.client.get("/inbox/"), "Nothing in the inbox yet.")

    def test_another_units_conversation_is_not_found(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(f"/inbox/{self.question.pk}/").status_code, 404)
        self.assertEqual(
            self.client.post(f"/inbox/{self.question.pk}/note/", {"note-text": "x"}).status_code,
            404,
        )

    def test_the_conversation_shows_the_thread_and_what_the_platform_allows(self) -> None:
        self.login(self.member)
        page = self.client.get(f"/inbox/{self.question.pk}/")
        self.assertContains(page, "Lịch tiêm ở phường tôi là khi nào?")
        self.assertContains(page, "What the platform allows")
        self.assertContains(page, "Moderate")

    def test_a_refused_reply_keeps_its_text(self) -> None:
        self.login(self.member)
        too_long = "x" * 70_000
        page = self.client.post(
            f"/inbox/{self.question.pk}/reply/", {"text": "  ", "way": "public"}
        )
        self.assertEqual(page.status_code, 400)
        self.assertFalse(Reply.objects.exists())
        page = self.client.post(
            f"/inbox/{self.question.pk}/reply/", {"text": too_long[:7990], "way": "message"}
        )
        self.assertEqual(page.status_code, 400)
        self.assertContains(page, "cannot be answered that way", status_code=400)
        self.assertContains(page, "x" * 100, status_code=400)

    def test_a_reply_is_queued_and_audited(self) -> None:
        self.login(self.member)
        answer = self.client.post(
            f"/inbox/{self.question.pk}/reply/", {"text": "Ngày 15/12 ạ.", "way": "public"}
        )
        self.assertRedirects(answer, f"/inbox/{self.question.pk}/")
        reply = Reply.objects.get()
        self.assertEqual((reply.state, reply.written_by), (Reply.State.QUEUED, self.member))
        self.assertEqual(reply.in_reply_to, self.question.messages.get())
        self.assertTrue(AuditEvent.objects.filter(action="inbox.reply").exists())

    def test_replies_of_editors_wait_for_an_approver_when_the_unit_asks(self) -> None:
        from pressroom.inbox.models import ResponsePolicy

        ResponsePolicy.objects.create(unit=self.district, replies_need_approval=True)
        self.login(self.member)
        self.client.post(
            f"/inbox/{self.question.pk}/reply/", {"text": "Ngày 15/12 ạ.", "way": "public"}
        )
        reply = Reply.objects.get()
        self.assertEqual(reply.state, Reply.State.AWAITING_APPROVAL)
        refused = self.client.post(f"/inbox/reply/{reply.pk}/decide/", {"decision": "approve"})
        self.assertIn("Only an approver", " ".join(self.messages_of(refused)))
        self.login(self.approver)
        self.client.post(f"/inbox/reply/{reply.pk}/decide/", {"decision": "approve"})
        reply.refresh_from_db()
        self.assertEqual((reply.state, reply.approved_by), (Reply.State.QUEUED, self.approver))

    def test_a_saved_reply_from_a_unit_above_fills_the_answer(self) -> None:
        saved = SavedReply.objects.create(
            unit=self.province, title="Giờ làm việc", text="Từ 7:30 đến 17:00."
        )
        SavedReply.objects.create(unit=self.sibling, title="Của huyện khác", text="Không")
        self.login(self.member)
        page = self.client.get(f"/inbox/{self.question.pk}/", {"saved": saved.pk})
        self.assertContains(page, "Từ 7:30 đến 17:00.</textarea>", html=False)
        self.assertNotContains(page, "Của huyện khác")

    def test_assignment_status_tag_and_notes(self) -> None:
        self.login(self.owner)
        self.client.post(f"/inbox/{self.question.pk}/assign/", {"assignee": self.member.pk})
        self.client.post(
            f"/inbox/{self.question.pk}/status/", {"status": "closed", "tag": "question"}
        )
        self.client.post(f"/inbox/{self.question.pk}/note/", {"note-text": "Đã gọi điện."})
        self.question.refresh_from_db()
        self.assertEqual(self.question.assignee, self.member)
        self.assertEqual((self.question.status, self.question.tag), ("closed", "question"))
        self.assertIsNotNone(self.question.resolution_s)
        self.assertEqual(Note.objects.get().text, "Đã gọi điện.")
        kinds = set(AuditEvent.objects.values_list("action", flat=True))
        self.assertTrue({"inbox.assign", "inbox.status", "inbox.tag", "inbox.note"} <= kinds)

    def test_only_colleagues_of_the_unit_can_be_assigned(self) -> None:
        self.login(self.owner)
        self.client.post(f"/inbox/{self.question.pk}/assign/", {"assignee": self.outsider.pk})
        self.question.refresh_from_db()
        self.assertIsNone(self.question.assignee)

    def test_a_viewer_cannot_answer(self) -> None:
        viewer = self.make_user("viewer", self.commune, Role.VIEWER)
        self.login(viewer)
        page = self.client.get(f"/inbox/{self.question.pk}/")
        self.assertNotContains(page, "Send the reply")
        self.client.post(f"/inbox/{self.question.pk}/reply/", {"text": "x", "way": "public"})
        self.assertFalse(Reply.objects.exists())
        Membership.objects.filter(user=viewer).delete()

    def test_moderation_needs_a_reason_and_a_platform_that_allows_it(self) -> None:
        self.login(self.outsider)
        message = self.elsewhere.messages.get()
        answer = self.client.post(
            f"/inbox/message/{message.pk}/moderate/", {"action": "hide", "reason": "spam"}
        )
        self.assertIn("does not allow", " ".join(self.messages_of(answer)))
        self.login(self.owner)
        message = self.question.messages.get()
        answer = self.client.post(f"/inbox/message/{message.pk}/moderate/", {"action": "hide"})
        self.assertIn("reason", " ".join(self.messages_of(answer)))
        self.assertFalse(message.moderation.exists())

    def test_kept_webhook_events_are_for_top_administrators(self) -> None:
        self.login(self.owner)
        self.assertEqual(self.client.get("/inbox/events/").status_code, 404)
        top = self.make_user("top", self.province, Role.ADMIN)
        self.login(top)
        self.assertContains(self.client.get("/inbox/events/"), "Nothing kept")
