"""The demo province loads once, its channels talk to the sandbox, and its first posts go out."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import TransactionTestCase

from pressroom.channels.models import Channel
from pressroom.content.models import ContentPack, Post
from pressroom.demo.province import (
    AGENCIES,
    DEMO_PASSWORD,
    DISTRICTS,
    USERS,
    load_demo,
    point_channels_at_sandbox,
)
from pressroom.orgs.models import Unit
from pressroom.publishing.dispatcher import Dispatcher
from pressroom.publishing.models import Delivery


class DemoTests(TransactionTestCase):
    @pytest.fixture(autouse=True)
    def _sandbox(self, clean_sandbox: Any) -> None:
        self.sandbox = clean_sandbox

    def test_the_demo_province_publishes_to_the_sandbox(self) -> None:
        result = load_demo()
        self.assertTrue(result.created)
        units = 2 + len(DISTRICTS) + len(AGENCIES)  # the province, its city, districts, agencies
        self.assertEqual(Unit.objects.count(), units)
        self.assertEqual(Channel.objects.filter(is_sandbox=True).count(), units * 4)
        for username, *_ in USERS:
            user = get_user_model().objects.get(username=username)
            self.assertTrue(user.check_password(DEMO_PASSWORD))
        # A content pack waits for every unit below the province, with a library image and PDF.
        pack = ContentPack.objects.get()
        self.assertEqual(pack.units.count(), units - 1)
        self.assertEqual(sorted(pack.assets.values_list("kind", flat=True)), ["document", "image"])

        self.assertEqual(point_channels_at_sandbox(self.sandbox.url), units * 4)
        due_now = Delivery.objects.filter(post__status=Post.Status.SCHEDULED).count()
        self.assertGreater(due_now, 0)
        asyncio.run(Dispatcher(poll_s=0.05).run(once=True))
        published = Delivery.objects.filter(status=Delivery.Status.PUBLISHED)
        self.assertGreater(published.count(), 0)
        remote_ids = {entry["remote_id"] for entry in self.sandbox.ledger()}
        for delivery in published:
            self.assertIn(delivery.remote_id, remote_ids)

        again = load_demo()
        self.assertFalse(again.created)
        self.assertEqual(Unit.objects.count(), units)
