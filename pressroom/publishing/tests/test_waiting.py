"""A send nobody can look for waits for a person, for as long as it takes."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pressroom.content.models import Post
from pressroom.core.errors import ActionError
from pressroom.publishing import claims, looking, reaper, scheduling
from pressroom.publishing.models import Delivery
from pressroom.publishing.tests.base import EXTERNAL_IDS, PublishingTestCase, run_dispatcher_once

# The client gives up after 0.3 s; the sandbox holds its answer 1.5 s after creating the post.
FAST = override_settings(PLATFORM_TIMEOUT_S=0.3)


@FAST
class WaitingForAPersonTests(PublishingTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.channel = self.connect("telegram")
        self.post = self.approved_post([self.channel])
        self.sandbox.add_fault("telegram", kind="timeout_after_create", delay_s=1.5, count=1)
        scheduling.schedule_post(post=self.post, by=self.approver)
        run_dispatcher_once()
        self.delivery = Delivery.objects.get(post=self.post)

    def on_telegram(self) -> int:
        return len(
            self.sandbox.ledger(
                platform="telegram", account_id=EXTERNAL_IDS["telegram"], top_level=1
            )
        )

    def test_it_has_its_own_status_and_is_never_sent_again_by_itself(self) -> None:
        self.assertEqual(self.delivery.status, Delivery.Status.WAITING_FOR_PERSON)
        self.assertFalse(self.delivery.in_progress)
        # Years later, still nobody has looked: no dispatcher and no reaper touches it.
        with time_machine.travel(timezone.now() + timedelta(days=4000), tick=True):
            self.assertEqual(reaper.reap_expired_leases(), 0)
            self.assertEqual(claims.due_count(), 0)
            run_dispatcher_once()
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.status, Delivery.Status.WAITING_FOR_PERSON)
        self.assertEqual(self.on_telegram(), 1)

    def test_the_pages_say_a_person_must_look(self) -> None:
        self.client.force_login(self.approver)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        post_page = self.client.get(reverse("post_detail", args=[self.post.pk]))
        self.assertContains(post_page, "Waiting for a person to look")
        self.assertContains(post_page, "cannot be asked whether the post is there")
        self.assertContains(
            post_page, reverse("delivery_look", args=[self.post.pk, self.delivery.pk])
        )
        # Nothing for the page to wait for: it does not poll.
        self.assertNotContains(post_page, 'hx-trigger="every 2s"')
        channel_page = self.client.get(reverse("channel_detail", args=[self.channel.pk]))
        self.assertContains(channel_page, "Waiting for a person to look")
        self.assertContains(channel_page, "1 post sent to this channel was not confirmed")
        self.assertContains(self.client.get(reverse("dashboard")), "Waiting for a person to look")

    def test_the_person_who_finds_it_there_marks_it_published(self) -> None:
        looking.record_look(delivery=self.delivery, by=self.approver, found=True)
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.status, Delivery.Status.PUBLISHED)
        self.post.refresh_from_db()
        self.assertEqual(self.post.status, Post.Status.PUBLISHED)
        run_dispatcher_once()
        self.assertEqual(self.on_telegram(), 1)

    def test_the_person_who_does_not_find_it_sends_it_again(self) -> None:
        # The person finds nothing on the channel (its posts were removed there).
        self.sandbox.reset()
        self.sandbox.add_account(
            "telegram", EXTERNAL_IDS["telegram"], "123456:telegram-token", username="cao_loc"
        )
        looking.record_look(delivery=self.delivery, by=self.approver, found=False)
        self.assertEqual(Delivery.objects.get(pk=self.delivery.pk).status, Delivery.Status.RETRY)
        run_dispatcher_once()
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.status, Delivery.Status.PUBLISHED)
        self.assertEqual(self.on_telegram(), 1)

    def test_only_someone_who_may_approve_for_the_unit_answers(self) -> None:
        for person in (self.member, self.outsider):
            with self.assertRaisesMessage(ActionError, "Only an approver"):
                looking.record_look(delivery=self.delivery, by=person, found=True)
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.status, Delivery.Status.WAITING_FOR_PERSON)
