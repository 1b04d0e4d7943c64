"""Several dispatcher processes on one database, one killed mid-run: each post out exactly once.

Facebook, Zalo and Mastodon only: a Telegram send cut off by a crash cannot be answered by
looking (the Bot API lists no messages), so it waits for a person; the state machine tests
cover that case.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

from django.conf import settings
from django.db import connection
from django.utils import timezone

from pressroom.bench.harness import BenchChannel, credentials_for
from pressroom.bench.publishing import MARK, _bulk_deliveries, _bulk_posts
from pressroom.channels.models import Channel
from pressroom.publishing.models import Delivery
from pressroom.publishing.tests.base import PublishingTestCase

PLATFORMS = ("facebook", "zalo", "mastodon")
CHANNELS = 99
DELIVERIES = 500


class MultiProcessTests(PublishingTestCase):
    def dispatcher_env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "SECRET_KEY": settings.SECRET_KEY,
            "DELIVERY_LEASE_S": "4",
            "DISPATCHER_POLL_S": "0.05",
            "LOG_LEVEL": "ERROR",
        }
        if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
            # The tests' own key: a dispatcher refuses it unless it runs for development.
            env["DEBUG"] = "1"
        database = connection.settings_dict
        if connection.vendor == "postgresql":
            user = database["USER"]
            password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
            host = database["HOST"] or "localhost"
            port = f":{database['PORT']}" if database["PORT"] else ""
            env["DATABASE_URL"] = f"postgres://{user}{password}@{host}{port}/{database['NAME']}"
        else:
            env.pop("DATABASE_URL", None)
            env["PRESSROOM_DB_PATH"] = str(database["NAME"])
        return env

    def make_channels(self) -> list[BenchChannel]:
        made = []
        for index in range(CHANNELS):
            platform = PLATFORMS[index % len(PLATFORMS)]
            account = f"mp-{platform}-{index}"
            token = f"token-{index}"
            self.sandbox.add_account(platform, account, token)
            channel = Channel(
                unit=self.district,
                platform=platform,
                name=account,
                external_id=account,
                api_base=self.sandbox.base_for(platform),
                is_sandbox=True,
            )
            channel.credentials = credentials_for(platform, token)
            channel.save()
            made.append(BenchChannel(channel.pk, platform, account, token))
        return made

    def test_three_dispatchers_one_killed_every_delivery_published_once(self) -> None:
        self.sandbox.set_profile(platform="*", latency_ms={"mean": 40, "jitter": 10})
        channels = self.make_channels()
        posts = _bulk_posts(
            unit=self.district,
            editor=self.owner,
            approver=self.approver,
            count=DELIVERIES // CHANNELS + 1,
        )
        now = timezone.now()
        deliveries = _bulk_deliveries(posts=posts, channels=channels, due=[now] * DELIVERIES)
        ids = [delivery.pk for delivery in deliveries]
        dispatchers = [
            subprocess.Popen(
                [sys.executable, "-m", "pressroom.cli", "dispatcher"], env=self.dispatcher_env()
            )
            for _ in range(3)
        ]
        try:
            deadline = time.monotonic() + 120
            killed = False
            while time.monotonic() < deadline:
                published = Delivery.objects.filter(pk__in=ids, status="published").count()
                if not killed and published >= DELIVERIES // 5:
                    dispatchers[0].send_signal(signal.SIGKILL)
                    dispatchers[0].wait()
                    killed = True
                if published == DELIVERIES:
                    break
                time.sleep(0.1)
        finally:
            for process in dispatchers:
                if process.poll() is None:
                    process.terminate()
            for process in dispatchers:
                process.wait(timeout=20)
        self.assertTrue(killed)
        statuses = Counter(Delivery.objects.filter(pk__in=ids).values_list("status", flat=True))
        self.assertEqual(statuses, {"published": DELIVERIES})
        # The platforms' own record: one object per delivery, none twice.
        on_platform: Counter[tuple[str, int]] = Counter()
        for entry in self.sandbox.ledger(top_level=1):
            match = MARK.search(entry.get("text") or "")
            if match:
                on_platform[(entry["account_id"], int(match.group(1)))] += 1
        self.assertEqual(len(on_platform), DELIVERIES)
        self.assertEqual(set(on_platform.values()), {1})
