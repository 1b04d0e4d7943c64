"""A base for tests that publish through the sandbox over real HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.utils import translation

from pressroom.channels.models import Channel
from pressroom.content import actions as content
from pressroom.content.models import Post
from pressroom.publishing.dispatcher import Dispatcher
from pressroom.testing import BaseTransactionTestCase, make_image

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


class PublishingTestCase(BaseTransactionTestCase):
    """Channels on the sandbox for the district, posts approved and ready to schedule."""

    @pytest.fixture(autouse=True)
    def _sandbox(self, clean_sandbox: Any) -> None:
        self.sandbox = clean_sandbox

    def setUp(self) -> None:
        super().setUp()
        # Actions' messages in English, so that the tests read like the code.
        self.enterContext(translation.override("en"))

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
