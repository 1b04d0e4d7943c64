"""The live delivery board: /emergency/<id>/board/ and its htmx part."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from pressroom.channels.models import Channel
from pressroom.emergency import actions
from pressroom.emergency.models import EmergencyAlert
from pressroom.emergency.tests.helpers import AlertSetup
from pressroom.publishing.models import Delivery
from pressroom.testing import ViewTestCase


class BoardTests(AlertSetup, ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_channels()
        self.alert = self.compose()

    def confirm(self) -> EmergencyAlert:
        return actions.confirm_alert(alert=self.alert, by=self.approver, password=self.password)

    def board(self, *, htmx: bool = False) -> str:
        headers = {"HX-Request": "true"} if htmx else {}
        response = self.client.get(
            reverse("emergency_board", args=[self.alert.pk]), headers=headers
        )
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def set_status(self, channel: Channel, status: str, **fields: object) -> None:
        Delivery.objects.filter(post=self.alert.post, channel=channel).update(
            status=status, **fields
        )

    def test_waiting_alert_polls_until_it_is_confirmed(self) -> None:
        self.login(self.approver)
        page = self.board()
        self.assertIn("Waiting for confirmation: nothing has been sent yet.", page)
        self.assertIn('hx-trigger="every 1s"', page)

    def test_every_channel_with_its_state_and_the_counts(self) -> None:
        self.confirm()
        now = timezone.now()
        self.set_status(self.district_facebook, "published", published_at=now)
        self.set_status(self.district_telegram, "sending")
        self.set_status(self.commune_zalo, "failed", error_code="-216", error_message="token")
        self.login(self.owner)
        page = self.board()
        for channel in self.subtree_channels:
            self.assertIn(channel.name, page)
        self.assertIn("1 of 4 channels published", page)
        self.assertIn("seconds since confirmation", page)
        self.assertIn('hx-trigger="every 1s"', page)
        # Counts per state, per platform and per unit.
        self.assertIn("Per platform", page)
        self.assertIn("Per unit", page)
        self.assertIn("Xã Hợp Thành", page)
        # What to do about the failure, in plain words.
        self.assertIn("What to do", page)
        self.assertIn("A unit administrator must reconnect the channel.", page)
        state_counts = page[page.index('class="state-counts"') :]
        self.assertIn('state-published"><span class="count">1</span>', state_counts)
        self.assertIn('state-failed"><span class="count">1</span>', state_counts)

    def test_polling_stops_when_every_channel_is_done(self) -> None:
        self.confirm()
        Delivery.objects.filter(post=self.alert.post).update(
            status="published", published_at=self.alert_confirmed_at() + timedelta(seconds=3)
        )
        self.login(self.approver)
        part = self.board(htmx=True)
        self.assertNotIn("<html", part)
        self.assertIn("4 of 4 channels published", part)
        self.assertIn("Finished 3 seconds after confirmation", part)
        self.assertNotIn("hx-trigger", part)

    def alert_confirmed_at(self) -> datetime:
        self.alert.refresh_from_db()
        assert self.alert.confirmed_at is not None
        return self.alert.confirmed_at

    def test_a_state_the_board_does_not_know_is_shown_by_its_label(self) -> None:
        self.confirm()
        self.set_status(self.district_facebook, "claimed")
        self.set_status(self.district_telegram, "handed_over")
        self.login(self.approver)
        page = self.board(htmx=True)
        self.assertIn("About to be sent", page)
        self.assertIn("handed_over", page)
        self.assertIn('hx-trigger="every 1s"', page)

    def test_a_send_waiting_for_a_person_stops_the_polling_and_says_where_to_answer(
        self,
    ) -> None:
        self.confirm()
        Delivery.objects.filter(post=self.alert.post).update(status="published")
        # Telegram cannot be asked: an unconfirmed send waits for someone to look.
        self.set_status(self.district_telegram, "waiting_for_person")
        delivery = Delivery.objects.get(post=self.alert.post, channel=self.district_telegram)
        self.assertTrue(delivery.waits_for_a_person)
        self.login(self.approver)
        part = self.board(htmx=True)
        self.assertNotIn("hx-trigger", part)
        self.assertIn(reverse("post_detail", args=[self.alert.post_id]) + "#deliveries", part)

    def test_outsider_gets_404(self) -> None:
        self.confirm()
        self.login(self.outsider)
        response = self.client.get(reverse("emergency_board", args=[self.alert.pk]))
        self.assertEqual(response.status_code, 404)
        response = self.client.get(
            reverse("emergency_board", args=[self.alert.pk]), HTTP_HX_REQUEST="true"
        )
        self.assertEqual(response.status_code, 404)

    def test_editor_of_the_commune_does_not_see_a_district_alert(self) -> None:
        self.login(self.member)
        response = self.client.get(reverse("emergency_board", args=[self.alert.pk]))
        self.assertEqual(response.status_code, 404)
