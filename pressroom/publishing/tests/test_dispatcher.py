"""The dispatcher sends approved posts to the sandbox over real HTTP and records the result."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from pressroom.audit.actions import verify_chain
from pressroom.channels.models import Channel
from pressroom.content import actions as content
from pressroom.content.models import Post
from pressroom.core.testing import BaseTransactionTestCase, make_image
from pressroom.publishing import actions
from pressroom.publishing.dispatcher import Dispatcher
from pressroom.publishing.models import Delivery

TOKENS = {
    "facebook": {"page_token": "fb-page-token"},
    "zalo": {"access_token": "zalo-access", "refresh_token": "zalo-refresh"},
    "telegram": {"bot_token": "123456:telegram-token"},
    "mastodon": {"access_token": "mastodon-token"},
}
EXTERNAL_IDS = {
    "facebook": "1000001",
    "zalo": "4200001",
    "telegram": "@cao_loc",
    "mastodon": "cao-loc",
}


def run_dispatcher_once() -> None:
    asyncio.run(Dispatcher(poll_s=0.05).run(once=True))


class DispatcherTests(BaseTransactionTestCase):
    @pytest.fixture(autouse=True)
    def _sandbox(self, clean_sandbox: Any) -> None:
        self.sandbox = clean_sandbox

    def connect(self, platform: str, *, registered_token: str | None = None) -> Channel:
        credentials = TOKENS[platform]
        token = next(iter(credentials.values()))
        extra = {"username": "cao_loc"} if platform == "telegram" else {}
        self.sandbox.add_account(
            platform, EXTERNAL_IDS[platform], registered_token or token, **extra
        )
        channel = Channel(
            unit=self.district,
            platform=platform,
            name=f"Cao Lộc {platform}",
            external_id=EXTERNAL_IDS[platform],
            api_base=self.sandbox.base_for(platform),
            is_sandbox=True,
        )
        channel.credentials = credentials
        channel.save()
        return channel

    def approved_post(self, channels: list[Channel], *, images: int = 0) -> Post:
        post = content.save_post(
            by=self.owner,
            unit=self.district,
            title="Thông báo nghỉ Tết",
            body="UBND huyện Cao Lộc thông báo lịch nghỉ Tết Nguyên đán.",
            channels=channels,
            images=[
                content.NewImage(f"anh-{n}.jpg", make_image(kind="JPEG"), f"Ảnh {n}")
                for n in range(images)
            ],
        )
        content.submit_post(post=post, by=self.owner)
        return content.approve_post(post=post, by=self.approver)

    def test_publishes_once_on_every_platform_with_photos(self) -> None:
        channels = [self.connect(platform) for platform in TOKENS]
        post = self.approved_post(channels, images=2)
        content.schedule_post(post=post, by=self.approver)
        run_dispatcher_once()

        deliveries = list(Delivery.objects.filter(post=post))
        self.assertEqual({d.status for d in deliveries}, {Delivery.Status.PUBLISHED})
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.PUBLISHED)
        ledger = [
            entry
            for entry in self.sandbox.ledger()
            if entry["kind"] not in ("photo", "media", "image")
        ]
        by_platform = {entry["platform"]: entry for entry in ledger}
        self.assertEqual(sorted(by_platform), sorted(TOKENS))
        self.assertEqual(len(ledger), 4, ledger)
        for delivery in deliveries:
            entry = by_platform[delivery.channel.platform]
            self.assertEqual(entry["account_id"], delivery.channel.external_id)
            self.assertEqual(entry["media_count"], 2)
            self.assertIn("lịch nghỉ Tết", entry["text"])
        self.assertTrue(verify_chain().ok)

    def test_text_post_on_telegram(self) -> None:
        channel = self.connect("telegram")
        post = self.approved_post([channel])
        content.schedule_post(post=post, by=self.approver)
        run_dispatcher_once()
        delivery = Delivery.objects.get(post=post)
        self.assertEqual(delivery.status, Delivery.Status.PUBLISHED)
        (entry,) = self.sandbox.ledger(platform="telegram")
        self.assertEqual(str(entry["remote_id"]), delivery.remote_id)

    def test_rejected_token_pauses_only_that_channel(self) -> None:
        good = self.connect("mastodon")
        bad = self.connect("facebook", registered_token="another-token")
        post = self.approved_post([good, bad])
        content.schedule_post(post=post, by=self.approver)
        run_dispatcher_once()
        self.assertEqual(Delivery.objects.get(channel=good).status, Delivery.Status.PUBLISHED)
        paused = Delivery.objects.get(channel=bad)
        self.assertEqual(paused.status, Delivery.Status.PAUSED)
        self.assertEqual(paused.error_code, "190")
        bad.refresh_from_db()
        self.assertEqual(bad.status, Channel.Status.NEEDS_RECONNECT)
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.SCHEDULED)
        self.assertEqual(len(self.sandbox.ledger(platform="facebook")), 0)

    def test_scheduled_post_waits_for_its_time(self) -> None:
        channel = self.connect("mastodon")
        post = self.approved_post([channel])
        content.schedule_post(post=post, by=self.approver, at=timezone.now() + timedelta(hours=2))
        run_dispatcher_once()
        self.assertEqual(Delivery.objects.get(post=post).status, Delivery.Status.PENDING)
        self.assertEqual(self.sandbox.ledger(platform="mastodon"), [])

    def test_claims_do_not_overlap(self) -> None:
        channels = [self.connect(platform) for platform in TOKENS]
        post = self.approved_post(channels)
        content.schedule_post(post=post, by=self.approver)
        first = actions.claim_due(worker="a", limit=3)
        second = actions.claim_due(worker="b", limit=10)
        self.assertEqual(len(first), 3)
        self.assertEqual(len(second), 1)
        self.assertFalse(set(first) & set(second))

    def test_expired_lease_becomes_unknown(self) -> None:
        channel = self.connect("zalo")
        post = self.approved_post([channel])
        content.schedule_post(post=post, by=self.approver)
        (claimed,) = actions.claim_due(worker="dead", limit=5)
        self.assertEqual(actions.reap_expired_leases(now=timezone.now() + timedelta(hours=1)), 1)
        self.assertEqual(Delivery.objects.get(pk=claimed).status, Delivery.Status.UNKNOWN)
