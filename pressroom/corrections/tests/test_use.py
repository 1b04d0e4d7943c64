"""Answering a flagged message with the correction (/corrections/matches/<id>/use/), the
suggestions under it on the inbox's conversation page, and dismissing a match."""

from __future__ import annotations

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from pressroom.audit.models import AuditEvent
from pressroom.corrections.models import ClaimMatch, Correction, CorrectionUse
from pressroom.corrections.tests.base import CorrectionsTestCase
from pressroom.inbox.models import Message, Reply
from pressroom.publishing.models import Delivery

REPEAT = "nghe nói căn cước hết hạn phải nộp phạt 500 nghìn đồng???"


class UseTests(CorrectionsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.claim = self.make_claim(self.province, self.owner)
        post = self.make_approved_post(channels=[self.district_channel])
        self.correction = Correction.objects.create(
            claim=self.claim,
            post=post,
            suggested_reply="Thông tin này không đúng. Xem thông báo chính thức:",
            created_by=self.owner,
        )
        self.message = self.make_message(self.commune_channel, REPEAT)
        self.match = ClaimMatch.objects.create(message=self.message, claim=self.claim, score=92)
        self.url = reverse("correction_use", args=[self.match.pk])

    def publish(self) -> None:
        Delivery.objects.create(
            post=self.correction.post,
            channel=self.district_channel,
            status=Delivery.Status.PUBLISHED,
            due_at=timezone.now(),
            published_at=timezone.now(),
            permalink="https://www.facebook.com/123_456",
        )

    def test_a_person_answers_with_the_correction_and_its_link(self) -> None:
        self.publish()
        self.login(self.member)
        response = self.client.post(self.url, {"correction": self.correction.pk})
        self.assertRedirects(
            response,
            reverse("inbox_conversation", args=[self.message.conversation_id]),
            fetch_redirect_response=False,
        )
        reply = Reply.objects.get()
        self.assertEqual(
            reply.text,
            "Thông tin này không đúng. Xem thông báo chính thức:\nhttps://www.facebook.com/123_456",
        )
        self.assertEqual(
            (reply.conversation, reply.in_reply_to, reply.way, reply.written_by),
            (self.message.conversation, self.message, Reply.Way.PUBLIC, self.member),
        )
        self.assertEqual(reply.state, Reply.State.QUEUED)
        use = CorrectionUse.objects.get()
        self.assertEqual(
            (use.correction, use.reply, use.used_by), (self.correction, reply, self.member)
        )
        event = AuditEvent.objects.get(action="correction.use")
        self.assertEqual(event.data["conversation"], self.message.conversation_id)
        self.assertTrue(AuditEvent.objects.filter(action="inbox.reply").exists())

    def test_the_same_message_is_not_answered_twice(self) -> None:
        self.login(self.member)
        self.client.post(self.url, {"correction": self.correction.pk})
        response = self.client.post(self.url, {"correction": self.correction.pk})
        self.assertIn(
            "This message is already answered with a correction of this claim.",
            self.messages_of(response),
        )
        self.assertEqual(Reply.objects.count(), 1)

    def test_threads_answered_are_counted(self) -> None:
        self.login(self.member)
        self.client.post(self.url, {"correction": self.correction.pk})
        self.login(self.owner)
        response = self.client.get(reverse("claim_detail", args=[self.claim.pk]))
        self.assertContains(response, "1 thread answered with it")

    def test_outsider_gets_404_and_nothing_is_sent(self) -> None:
        self.login(self.outsider)
        response = self.client.post(self.url, {"correction": self.correction.pk})
        self.assertEqual(response.status_code, 404)
        dismiss = self.client.post(reverse("match_dismiss", args=[self.match.pk]))
        self.assertEqual(dismiss.status_code, 404)
        self.assertFalse(Reply.objects.exists())

    def test_a_viewer_may_not_answer(self) -> None:
        viewer = self.make_user("viewer", self.commune, "viewer")
        self.login(viewer)
        self.client.post(self.url, {"correction": self.correction.pk})
        self.assertFalse(Reply.objects.exists())

    def test_only_a_get_shows_nothing_and_sends_nothing(self) -> None:
        self.login(self.member)
        self.assertEqual(self.client.get(self.url).status_code, 405)
        self.assertFalse(Reply.objects.exists())

    def test_a_channel_that_cannot_answer_leaves_nothing(self) -> None:
        self.commune_channel.status = "needs_reconnect"
        self.commune_channel.save()
        self.login(self.member)
        response = self.client.post(self.url, {"correction": self.correction.pk})
        self.assertIn(
            "The channel is not connected; reconnect it to answer.", self.messages_of(response)
        )
        self.assertFalse(Reply.objects.exists())
        self.assertFalse(CorrectionUse.objects.exists())

    def test_with_htmx_the_suggestion_comes_back_answered(self) -> None:
        self.login(self.member)
        response = self.client.post(
            self.url, {"correction": self.correction.pk}, headers={"HX-Request": "true"}
        )
        self.assertContains(response, "Answered with the correction.")
        self.assertContains(response, "The correction is written as a reply.")

    def test_dismissing_takes_the_suggestion_away(self) -> None:
        self.login(self.member)
        response = self.client.post(
            reverse("match_dismiss", args=[self.match.pk]), {"next": "/inbox/"}
        )
        self.assertRedirects(response, "/inbox/", fetch_redirect_response=False)
        self.match.refresh_from_db()
        self.assertEqual((self.match.dismissed, self.match.dismissed_by), (True, self.member))
        self.assertEqual(self.render_tag(), "")

    def test_a_next_elsewhere_is_not_followed(self) -> None:
        self.login(self.member)
        response = self.client.post(
            reverse("match_dismiss", args=[self.match.pk]), {"next": "https://evil.example/"}
        )
        self.assertRedirects(
            response,
            reverse("inbox_conversation", args=[self.message.conversation_id]),
            fetch_redirect_response=False,
        )

    def render_tag(self, user: object = None) -> str:
        request = RequestFactory().get("/inbox/1/")
        request.user = user or self.member  # type: ignore[assignment]
        template = Template(
            "{% load corrections_tags %}"
            "{% for m in messages %}{% claim_suggestions m %}{% endfor %}"
        )
        messages = list(Message.objects.filter(conversation=self.message.conversation))
        return template.render(
            Context({"request": request, "messages": messages, "csrf_token": "t"})
        ).strip()

    def test_the_tag_offers_the_reply_and_the_button(self) -> None:
        self.publish()
        other = self.make_message(
            self.commune_channel, "Cảm ơn ủy ban", conversation=self.message.conversation
        )
        html = self.render_tag()
        self.assertIn("It seems to repeat a false claim:", html)
        self.assertIn("https://www.facebook.com/123_456", html)
        self.assertIn(self.url, html)
        self.assertIn(f'id="claim-suggestions-{self.message.pk}"', html)
        self.assertNotIn(f'id="claim-suggestions-{other.pk}"', html)

    def test_the_tag_before_publication_and_for_a_viewer(self) -> None:
        html = self.render_tag()
        self.assertIn("The correction is not published yet", html)
        viewer = self.make_user("viewer", self.commune, "viewer")
        html = self.render_tag(viewer)
        self.assertIn("It seems to repeat a false claim:", html)
        self.assertNotIn(self.url, html)

    def test_the_inbox_page_shows_the_suggestion(self) -> None:
        self.login(self.member)
        response = self.client.get(
            reverse("inbox_conversation", args=[self.message.conversation_id])
        )
        self.assertContains(response, "It seems to repeat a false claim:")
        self.assertContains(response, self.url)

    def test_a_correction_that_is_not_a_number_is_not_found(self) -> None:
        self.login(self.member)
        response = self.client.post(self.url, {"correction": "1 OR 1=1"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Reply.objects.exists())
