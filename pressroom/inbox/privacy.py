"""Personal data in the inbox: how long texts are kept, and one person's copy or erasure.

Retention (settings.INBOX_RETENTION_DAYS) blanks what people wrote and deletes the webhook
bodies it came in; the counts stay, so the reports still add up. A person's erasure does the
same for everything they wrote on one channel, whatever its age, and reaches the webhook bodies
that named them (RawEvent.people).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.channels.models import Channel
from pressroom.inbox.models import Conversation, Message, RawEvent

_BLANK_MESSAGE: dict[str, Any] = {"text": "", "author_name": "", "attachments": []}

# Retention


@dataclass(frozen=True)
class RetentionOutcome:
    messages: int = 0
    conversations: int = 0
    raw_events_emptied: int = 0
    raw_events_deleted: int = 0

    @property
    def changed(self) -> bool:
        return any(asdict(self).values())


def retention_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.INBOX_RETENTION_DAYS)


def _blank_finished_conversations(conversations: QuerySet[Conversation]) -> int:
    """Blank the snippet and the person's name of threads whose every message is erased."""
    messages = Message.objects.filter(conversation=OuterRef("pk"))
    return (
        conversations.filter(Exists(messages))
        .exclude(Exists(messages.filter(erased_at__isnull=True)))
        .exclude(snippet="", person_name="")
        .update(snippet="", person_name="")
    )


@transaction.atomic
def erase_old_bodies(now: datetime | None = None) -> RetentionOutcome:
    """Blank every message older than the retention period and delete the webhook bodies
    received before it. Running it again changes nothing (and records nothing)."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    messages = Message.objects.filter(at__lt=cutoff, erased_at__isnull=True).update(
        **_BLANK_MESSAGE, erased_at=now
    )
    conversations = _blank_finished_conversations(Conversation.objects.all())
    old_events = RawEvent.objects.filter(received_at__lt=cutoff)
    # Read events are done with; the others stay, emptied, for an administrator to see.
    deleted, _by_model = old_events.filter(state=RawEvent.State.PROCESSED).delete()
    emptied = old_events.exclude(body=b"").update(body=b"", people=[])
    outcome = RetentionOutcome(
        messages=messages,
        conversations=conversations,
        raw_events_emptied=emptied,
        raw_events_deleted=deleted,
    )
    if outcome.changed:
        record_event(
            actor=None,
            action=Kind.INBOX_RETENTION,
            data={
                **asdict(outcome),
                "before": cutoff.isoformat(),
                "days": settings.INBOX_RETENTION_DAYS,
            },
        )
    return outcome


# One person on one channel


def their_messages(channel: Channel, person_id: str) -> QuerySet[Message]:
    """What the person wrote on the channel."""
    return Message.objects.filter(
        channel=channel, direction=Message.Direction.IN, author_id=person_id
    )


def their_threads(channel: Channel, person_id: str) -> QuerySet[Conversation]:
    """Their message threads, and the comment threads they wrote in."""
    wrote = their_messages(channel, person_id).filter(conversation=OuterRef("pk"))
    return Conversation.objects.filter(Q(person_id=person_id) | Q(Exists(wrote)), channel=channel)


def messages_for_copy(channel: Channel, person_id: str) -> QuerySet[Message]:
    """Their messages and the channel's answers to them: every answer in their own message
    threads; in comment threads, the answers to their comments only (others' stay out)."""
    theirs = their_messages(channel, person_id)
    answers = Message.objects.filter(channel=channel, direction=Message.Direction.OUT).filter(
        Q(
            conversation__person_id=person_id,
            conversation__kind=Conversation.Kind.MESSAGES,
        )
        | Q(parent_remote_id__in=theirs.values("remote_id"))
        | Q(reply__in_reply_to__in=theirs)
    )
    return (
        Message.objects.filter(Q(pk__in=theirs.values("pk")) | Q(pk__in=answers.values("pk")))
        .select_related("conversation")
        .order_by("at", "id")
    )


def copy_of(channel: Channel, person_id: str, now: datetime) -> dict[str, Any]:
    """The person's copy, as one JSON document."""
    return {
        "channel": {
            "platform": channel.platform,
            "name": channel.name,
            "account_id": channel.external_id,
        },
        "person_id": person_id,
        "made_at": now.isoformat(),
        "messages": [
            {
                "at": message.at.isoformat(),
                "from": "person" if message.direction == Message.Direction.IN else "channel",
                "text": message.text,
                "attachments": message.attachments,
                "thread": message.conversation.key,
                "id": message.remote_id,
                "in_reply_to": message.parent_remote_id,
                "erased": message.erased_at is not None,
            }
            for message in messages_for_copy(channel, person_id)
        ],
    }


COPY_COLUMNS = ("at", "from", "text", "attachments", "thread", "id", "in_reply_to", "erased")


def copy_rows(copy: dict[str, Any]) -> list[list[object]]:
    return [
        [
            item["at"],
            item["from"],
            item["text"],
            ", ".join(str(part.get("url", part)) for part in item["attachments"])
            if isinstance(item["attachments"], list)
            else "",
            item["thread"],
            item["id"],
            item["in_reply_to"],
            "yes" if item["erased"] else "",
        ]
        for item in copy["messages"]
    ]


@dataclass(frozen=True)
class ErasureOutcome:
    messages: int
    conversations: int
    raw_events: int


def _their_raw_events(channel: Channel, person_id: str) -> list[int]:
    """The webhook bodies that named the person on the channel (or on no known channel of its
    platform, which may be this one's before it was connected)."""
    candidates = (
        RawEvent.objects.filter(
            Q(channel=channel) | Q(channel__isnull=True, platform=channel.platform)
        )
        .filter(people__icontains=person_id)
        .exclude(body=b"")
        .values_list("pk", "people")
    )
    return [pk for pk, people in candidates if isinstance(people, list) and person_id in people]


def erase_person(*, channel: Channel, person_id: str, now: datetime) -> ErasureOutcome:
    """Blank everything the person wrote on the channel and the names in their threads, and
    delete the webhook bodies that named them. Call inside the request's transaction."""
    threads = list(their_threads(channel, person_id).values_list("pk", flat=True))
    messages = their_messages(channel, person_id)
    erased = messages.filter(erased_at__isnull=True).update(erased_at=now)
    # Those erased before (retention) keep their date; nothing of any text is left.
    messages.update(**_BLANK_MESSAGE)
    conversations = (
        Conversation.objects.filter(pk__in=threads)
        .exclude(snippet="", person_name="")
        .update(snippet="", person_name="")
    )
    events = _their_raw_events(channel, person_id)
    RawEvent.objects.filter(pk__in=events).update(body=b"", people=[])
    return ErasureOutcome(messages=erased, conversations=conversations, raw_events=len(events))
