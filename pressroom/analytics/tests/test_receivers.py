"""What analytics counts from the inbox: comments and messages as they arrive, and the
platform's reaction totals on a post."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils import timezone

from pressroom.analytics.figures import Period, totals
from pressroom.analytics.models import ChannelDay, PostFigures
from pressroom.content.models import Post
from pressroom.inbox.models import Conversation, Message
from pressroom.inbox.signals import messages_received, reactions_counted
from pressroom.publishing.models import Delivery
from pressroom.testing import BaseTestCase


class InboxCountTests(BaseTestCase):
    def test_comments_and_messages_from_the_public_are_counted_on_their_day(self) -> None:
        channel = self.make_channel(self.commune, "facebook")
        at = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)  # 1 December in Hà Nội
        ids = []
        for kind, direction, n in (
            ("comments", "in", 3),
            ("messages", "in", 2),
            ("messages", "out", 4),
        ):
            conversation = Conversation.objects.create(
                channel=channel, kind=kind, key=f"{kind}:{direction}"
            )
            for index in range(n):
                ids.append(
                    Message.objects.create(
                        conversation=conversation,
                        channel=channel,
                        remote_id=f"{kind}-{direction}-{index}",
                        direction=direction,
                        at=at,
                    ).pk
                )
        messages_received.send(sender=Message, message_ids=ids)
        row = ChannelDay.objects.get(channel=channel)
        self.assertEqual((row.day, row.comments, row.messages), (date(2026, 12, 1), 3, 2))
        messages_received.send(sender=Message, message_ids=ids[:1])
        figures = totals(self.province, Period(date(2026, 12, 1), date(2026, 12, 1)))
        self.assertEqual((figures.comments, figures.messages), (4, 2))

    def test_a_platforms_reaction_total_replaces_the_last(self) -> None:
        channel = self.make_channel(self.commune, "telegram")
        post = Post.objects.create(unit=self.commune, author=self.member, title="T", body="B")
        delivery = Delivery.objects.create(
            post=post,
            channel=channel,
            status=Delivery.Status.PUBLISHED,
            due_at=timezone.now(),
            published_at=timezone.now(),
            remote_id="77",
        )
        for count in (5, 9):
            reactions_counted.send(
                sender=None,
                channel_id=channel.pk,
                post_remote_id="77",
                count=count,
                at=timezone.now(),
            )
        reactions_counted.send(
            sender=None, channel_id=channel.pk, post_remote_id="unknown", count=1, at=timezone.now()
        )
        self.assertEqual(PostFigures.objects.get(delivery=delivery).reactions, 9)
        self.assertEqual(PostFigures.objects.count(), 1)
