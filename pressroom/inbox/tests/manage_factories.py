"""Rows for the tests of the inbox's reports, settings and privacy pages, made directly: what
the intake would have stored, without a platform."""

from __future__ import annotations

from datetime import datetime
from itertools import count
from typing import Any

from pressroom.channels.models import Channel
from pressroom.inbox.models import Conversation, Message, RawEvent

_numbers = count(1)


def conversation(channel: Channel, **fields: Any) -> Conversation:
    number = next(_numbers)
    values: dict[str, Any] = {
        "kind": Conversation.Kind.MESSAGES,
        "key": f"person:p{number}",
        "person_id": f"p{number}",
    }
    values.update(fields)
    return Conversation.objects.create(channel=channel, **values)


def message(conversation: Conversation, at: datetime, **fields: Any) -> Message:
    number = next(_numbers)
    values: dict[str, Any] = {
        "remote_id": f"m{number}",
        "direction": Message.Direction.IN,
        "author_id": conversation.person_id,
        "author_name": "Nguyễn Văn An",
        "text": f"Xin hỏi lịch tiếp dân số {number}",
    }
    values.update(fields)
    return Message.objects.create(
        conversation=conversation, channel=conversation.channel, at=at, **values
    )


def raw_event(channel: Channel | None, received_at: datetime, **fields: Any) -> RawEvent:
    number = next(_numbers)
    values: dict[str, Any] = {
        "platform": channel.platform if channel else "facebook",
        "key": f"event-{number}",
        "body": b'{"entry": [{"text": "Xin ch\\u00e0o"}]}',
        "state": RawEvent.State.PROCESSED,
    }
    values.update(fields)
    return RawEvent.objects.create(channel=channel, received_at=received_at, **values)
