"""What a correction reached: where its post was published, the comments under it, the threads
answered with it; and the reply text with the link to the published correction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from pressroom.channels.models import Channel
from pressroom.corrections.models import Correction, CorrectionUse
from pressroom.inbox.models import Message, Reply
from pressroom.publishing.models import Delivery

# Replies that never went out (or never will) do not count as a thread answered.
NOT_ANSWERED = (Reply.State.FAILED, Reply.State.DECLINED)


@dataclass(frozen=True)
class Reach:
    # Channels the correction's post is published on.
    channels: int
    # Comments of the public under those posts, as far as the inbox has them.
    comments: int
    # Distinct conversations where a person answered with the correction.
    threads_answered: int


def published_deliveries(correction: Correction) -> list[Delivery]:
    return list(
        Delivery.objects.filter(post_id=correction.post_id, status=Delivery.Status.PUBLISHED)
        .select_related("channel")
        .order_by("published_at", "id")
    )


def answered_uses(corrections: Iterable[Correction]) -> QuerySet[CorrectionUse]:
    return CorrectionUse.objects.filter(correction__in=list(corrections)).exclude(
        reply__state__in=NOT_ANSWERED
    )


def reach_of(correction: Correction) -> Reach:
    channels = Delivery.objects.filter(
        post_id=correction.post_id, status=Delivery.Status.PUBLISHED
    ).count()
    comments = Message.objects.filter(
        conversation__delivery__post_id=correction.post_id, direction=Message.Direction.IN
    ).count()
    threads = (
        CorrectionUse.objects.filter(correction=correction)
        .exclude(reply__state__in=NOT_ANSWERED)
        .values("reply__conversation_id")
        .distinct()
        .count()
    )
    return Reach(channels=channels, comments=comments, threads_answered=threads)


def threads_answered(corrections: Iterable[Correction]) -> int:
    """Distinct conversations answered with any of these corrections."""
    return answered_uses(corrections).values("reply__conversation_id").distinct().count()


def link_for(correction: Correction, channel: Channel) -> str:
    """The published correction's address best suited to a reply on `channel`: on that channel,
    else on the same platform, else anywhere; empty while it is published nowhere."""
    deliveries = [d for d in published_deliveries(correction) if d.permalink.startswith("http")]
    for chosen in (
        [d for d in deliveries if d.channel_id == channel.pk],
        [d for d in deliveries if d.channel.platform == channel.platform],
        deliveries,
    ):
        if chosen:
            return chosen[0].permalink
    return ""


def with_link(text: str, link: str) -> str:
    text = text.strip()
    if link and link not in text:
        text = f"{text}\n{link}"
    return text


def reply_text(correction: Correction, channel: Channel) -> str:
    """The suggested reply as it is sent on `channel`: with the link when there is one."""
    return with_link(correction.suggested_reply, link_for(correction, channel))
