"""The correction desk's test base: the three-tenant tree, a channel per unit, and inbox
conversations and messages written directly (they are plain rows)."""

from __future__ import annotations

from datetime import datetime
from itertools import count
from typing import Any

from django.utils import timezone

from pressroom.channels.models import Channel
from pressroom.corrections.models import Claim
from pressroom.inbox.models import Conversation, Message
from pressroom.orgs.models import Unit
from pressroom.testing import ViewTestCase

STATEMENT = "Căn cước công dân hết hạn phải nộp phạt 500 nghìn đồng"

_numbers = count(1)


class CorrectionsTestCase(ViewTestCase):
    district_channel: Channel
    commune_channel: Channel
    sibling_channel: Channel

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.district_channel = cls.make_channel(cls.district, "facebook")
        cls.commune_channel = cls.make_channel(cls.commune, "facebook")
        cls.sibling_channel = cls.make_channel(cls.sibling, "facebook")

    @staticmethod
    def make_claim(unit: Unit, by: Any, statement: str = STATEMENT, **fields: Any) -> Claim:
        return Claim.objects.create(unit=unit, statement=statement, created_by=by, **fields)

    @staticmethod
    def make_message(
        channel: Channel,
        text: str,
        *,
        direction: str = Message.Direction.IN,
        at: datetime | None = None,
        conversation: Conversation | None = None,
    ) -> Message:
        number = next(_numbers)
        at = at or timezone.now()
        if conversation is None:
            conversation = Conversation.objects.create(
                channel=channel,
                kind=Conversation.Kind.COMMENTS,
                key=f"post:{number}",
                post_remote_id=str(number),
                last_inbound_at=at,
                last_message_at=at,
            )
        return Message.objects.create(
            conversation=conversation,
            channel=channel,
            remote_id=f"comment-{number}",
            direction=direction,
            author_id=f"person-{number}",
            author_name="Người dân",
            text=text,
            at=at,
        )
