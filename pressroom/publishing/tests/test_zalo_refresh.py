"""Zalo access tokens expire after 25 hours; the single-use refresh token renews them."""

from __future__ import annotations

from pressroom.audit.models import AuditEvent
from pressroom.channels import tokens
from pressroom.channels.models import Channel
from pressroom.publishing import scheduling
from pressroom.publishing.models import Delivery
from pressroom.publishing.tests.base import EXTERNAL_IDS, PublishingTestCase, run_dispatcher_once

APP = {"app_id": "1234567890", "secret_key": "oa-app-secret"}


class ZaloRefreshTests(PublishingTestCase):
    def zalo_channel(self, *, refresh_token: str) -> Channel:
        # The sandbox knows a newer token than ours: ours has expired.
        self.sandbox.add_account(
            "zalo", EXTERNAL_IDS["zalo"], "current-token", refresh_token="r-1", **APP
        )
        channel = Channel(
            unit=self.district,
            platform="zalo",
            name="Zalo OA Cao Lộc",
            external_id=EXTERNAL_IDS["zalo"],
            api_base=self.sandbox.base_for("zalo"),
            is_sandbox=True,
            options={"oauth_base": f"{self.sandbox.url}/zalo-oauth"},
        )
        channel.credentials = {"access_token": "expired", "refresh_token": refresh_token, **APP}
        channel.save()
        return channel

    def test_expired_token_is_refreshed_stored_and_the_post_goes_out(self) -> None:
        channel = self.zalo_channel(refresh_token="r-1")
        post = self.approved_post([channel])
        scheduling.schedule_post(post=post, by=self.approver)
        run_dispatcher_once()
        self.assertEqual(Delivery.objects.get(post=post).status, Delivery.Status.PUBLISHED)
        channel.refresh_from_db()
        credentials = channel.credentials
        self.assertNotIn(credentials["access_token"], ("expired", "current-token"))
        self.assertNotEqual(credentials["refresh_token"], "r-1")
        self.assertEqual(channel.status, Channel.Status.CONNECTED)
        self.assertIsNone(channel.refresh_lock_until)
        self.assertTrue(AuditEvent.objects.filter(action="channel.token_refreshed").exists())
        self.assertEqual(len(self.sandbox.ledger(platform="zalo", top_level=1)), 1)

    def test_a_used_refresh_token_pauses_the_channel(self) -> None:
        channel = self.zalo_channel(refresh_token="already-used")
        post = self.approved_post([channel])
        scheduling.schedule_post(post=post, by=self.approver)
        run_dispatcher_once()
        self.assertEqual(Delivery.objects.get(post=post).status, Delivery.Status.PAUSED)
        channel.refresh_from_db()
        self.assertEqual(channel.status, Channel.Status.NEEDS_RECONNECT)
        self.assertIsNone(channel.refresh_lock_until)

    def test_only_one_process_refreshes_at_a_time(self) -> None:
        channel = self.zalo_channel(refresh_token="r-1")
        expired = channel.credentials
        first = tokens.begin_refresh(channel_id=channel.pk, expired=expired)
        self.assertEqual(first, expired)
        self.assertEqual(tokens.begin_refresh(channel_id=channel.pk, expired=expired), tokens.BUSY)
        tokens.store_refreshed(
            channel_id=channel.pk, credentials={"access_token": "a-2", "refresh_token": "r-2"}
        )
        # A process that failed with the old token now uses the stored one.
        self.assertEqual(
            tokens.begin_refresh(channel_id=channel.pk, expired=expired), tokens.ALREADY_REFRESHED
        )
        self.assertEqual(
            tokens.current_credentials(channel_id=channel.pk),
            {**APP, "access_token": "a-2", "refresh_token": "r-2"},
        )
