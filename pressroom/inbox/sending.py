"""Sending a reply exactly once, as publishing sends a post.

A reply is taken (queued → sending, with a lease) by one sender. Before the request that may
create it goes out, the row says so (`needs_look`); after a lost answer, the next try first
looks for the reply on the platform (by our reference or the exact text) and sends again only
when it is certainly not there. A platform that cannot be asked (Telegram) leaves the reply to
a person who looks and says. A sender that died mid-send leaves a lease that runs out; the
reaper then marks the reply as needing a look.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.channels.models import Channel
from pressroom.inbox.models import Conversation, Message, Reply
from pressroom.inbox.processing import record_outbound
from pressroom.platforms.base import ChannelAccess, Outcome, OutcomeKind
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.inbound import OutgoingReply, ReplyWay

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
# After an unknown outcome, look again this soon.
LOOK_AFTER_S = 5.0


def access_of(channel: Channel) -> ChannelAccess:
    return ChannelAccess(
        api_base=channel.api_base,
        external_id=channel.external_id,
        credentials=channel.credentials,
        options=dict(channel.options or {}),
    )


def outgoing(reply: Reply) -> OutgoingReply:
    conversation = reply.conversation
    answered = reply.in_reply_to
    person = conversation.person_id or (answered.author_id if answered else "")
    mention = str(conversation.channel.options.get("mention_prefix") or "")
    return OutgoingReply(
        way=ReplyWay(reply.way),
        text=reply.text,
        thread=conversation.key,
        in_reply_to=answered.remote_id if answered else "",
        person=person,
        mention=(answered.author_name if answered and not mention else mention),
        post_id=conversation.post_remote_id,
        reference=reply.platform_reference,
        human_agent=reply.human_agent,
    )


def take(reply_id: int) -> Reply | None:
    """Take the reply for sending: one sender at a time, only when it is due."""
    now = timezone.now()
    taken = (
        Reply.objects.filter(
            pk=reply_id, state__in=[Reply.State.QUEUED, Reply.State.RETRY, Reply.State.UNKNOWN]
        )
        .filter(due_at__lte=now)
        .update(state=Reply.State.SENDING, lease_until=now + LEASE, attempts=F("attempts") + 1)
    )
    if not taken:
        return None
    return Reply.objects.select_related("conversation__channel__unit", "in_reply_to").get(
        pk=reply_id
    )


def send(reply_id: int) -> Reply | None:
    """Send (or look for) one reply; the reply as it ends, or None when it was not due."""
    reply = take(reply_id)
    if reply is None:
        return None
    channel = reply.conversation.channel
    message = outgoing(reply)
    if reply.needs_look:
        found = asyncio.run(_look(channel, message, reply))
        if found is None:
            pass  # certainly not there: send below
        elif found.kind is OutcomeKind.PUBLISHED:
            return finish(reply, found)
        elif found.code == "cannot_check":
            return wait_for_person(reply, found)
        else:
            return finish(reply, found)
    Reply.objects.filter(pk=reply.pk).update(
        needs_look=True, first_sent_at=reply.first_sent_at or timezone.now()
    )
    outcome = asyncio.run(_send(channel, message))
    return finish(reply, outcome)


async def _send(channel: Channel, message: OutgoingReply) -> Outcome:
    async with make_http_client() as http:
        client = client_class(channel.platform)(access_of(channel), http)
        return await client.send_reply(message)


async def _look(channel: Channel, message: OutgoingReply, reply: Reply) -> Outcome | None:
    async with make_http_client() as http:
        client = client_class(channel.platform)(access_of(channel), http)
        return await client.look_for_reply(message, reply.first_sent_at)


def finish(reply: Reply, outcome: Outcome) -> Reply:
    now = timezone.now()
    fields: dict[str, Any] = {"lease_until": None, "error_code": outcome.code}
    kind = outcome.kind
    if kind is OutcomeKind.PUBLISHED:
        fields |= {
            "state": Reply.State.SENT,
            "remote_id": outcome.remote_id,
            "sent_at": now,
            "needs_look": False,
            "error_message": "",
        }
    elif kind is OutcomeKind.RETRY_LATER and reply.attempts < MAX_ATTEMPTS:
        wait = outcome.retry_after_s or min(300.0, 5.0 * 2**reply.attempts)
        fields |= {
            "state": Reply.State.RETRY,
            "due_at": now + timedelta(seconds=wait),
            "error_message": outcome.reason[:1000],
        }
    elif kind is OutcomeKind.UNKNOWN and reply.attempts < MAX_ATTEMPTS:
        fields |= {
            "state": Reply.State.UNKNOWN,
            "needs_look": True,
            "due_at": now + timedelta(seconds=LOOK_AFTER_S),
            "error_message": outcome.reason[:1000],
        }
    else:
        fields |= {"state": Reply.State.FAILED, "error_message": outcome.reason[:1000]}
    with transaction.atomic():
        Reply.objects.filter(pk=reply.pk).update(**fields)
        reply.refresh_from_db()
        unit_id = reply.conversation.channel.unit_id
        if reply.state == Reply.State.SENT:
            _store_sent(reply)
            record_event(
                actor=None,
                action=Kind.INBOX_REPLY_SENT,
                obj=reply,
                unit_id=unit_id,
                data={"remote_id": reply.remote_id},
            )
        elif reply.state == Reply.State.FAILED:
            record_event(
                actor=None,
                action=Kind.INBOX_REPLY_FAILED,
                obj=reply,
                unit_id=unit_id,
                data={"code": reply.error_code},
            )
    if reply.state in (Reply.State.RETRY, Reply.State.UNKNOWN):
        from pressroom.inbox.tasks import send_reply

        transaction.on_commit(lambda: send_reply.using(run_after=reply.due_at).enqueue(reply.pk))
    return reply


def wait_for_person(reply: Reply, outcome: Outcome) -> Reply:
    Reply.objects.filter(pk=reply.pk).update(
        state=Reply.State.WAITING_FOR_PERSON,
        lease_until=None,
        error_code=outcome.code,
        error_message=outcome.reason[:1000],
    )
    reply.refresh_from_db()
    return reply


def settle(*, user: Any, reply: Reply, arrived: bool) -> Reply:
    """A person looked on the channel: the reply is there (sent) or not (send it again)."""
    if reply.state != Reply.State.WAITING_FOR_PERSON:
        return reply
    with transaction.atomic():
        if arrived:
            Reply.objects.filter(pk=reply.pk).update(
                state=Reply.State.SENT, sent_at=timezone.now(), needs_look=False
            )
        else:
            Reply.objects.filter(pk=reply.pk).update(
                state=Reply.State.QUEUED, needs_look=False, due_at=timezone.now()
            )
        reply.refresh_from_db()
        if arrived:
            _store_sent(reply)
        record_event(
            actor=user,
            action=Kind.INBOX_REPLY_SETTLED,
            obj=reply,
            unit_id=reply.conversation.channel.unit_id,
            data={"arrived": arrived},
        )
        if not arrived:
            from pressroom.inbox.tasks import send_reply

            transaction.on_commit(lambda: send_reply.enqueue(reply.pk))
    return reply


def _store_sent(reply: Reply) -> None:
    """The reply in its thread: the platform's echo may have come first (then it is linked)."""
    conversation = Conversation.objects.select_related("channel__unit").get(
        pk=reply.conversation_id
    )
    channel = conversation.channel
    remote_id = reply.remote_id or f"pressroom:{reply.reference}"
    echoed = Message.objects.filter(channel=channel, remote_id=remote_id).first()
    if echoed is not None:
        if echoed.reply_id is None:
            echoed.reply = reply
            echoed.from_outside = False
            echoed.save(update_fields=["reply", "from_outside"])
        return
    already = Message.objects.filter(reply=reply).exists()
    if already:
        return
    Message.objects.create(
        conversation=conversation,
        channel=channel,
        remote_id=remote_id,
        parent_remote_id=reply.in_reply_to.remote_id if reply.in_reply_to else "",
        direction=Message.Direction.OUT,
        author_id=channel.external_id,
        author_name=channel.name,
        text=reply.text,
        at=reply.sent_at or timezone.now(),
        reply=reply,
    )
    record_outbound(conversation, reply.sent_at or timezone.now())


def reap(*, now: Any = None) -> int:
    """Replies whose sender vanished mid-send: look for them before anything else."""
    now = now or timezone.now()
    return Reply.objects.filter(state=Reply.State.SENDING, lease_until__lt=now).update(
        state=Reply.State.UNKNOWN, needs_look=True, due_at=now, lease_until=None
    )


def due_replies(limit: int = 100) -> list[int]:
    """Replies due whose task may have been lost (a worker restarted): the listener sends them."""
    return list(
        Reply.objects.filter(
            state__in=[Reply.State.QUEUED, Reply.State.RETRY, Reply.State.UNKNOWN],
            due_at__lte=timezone.now(),
        )
        .order_by("due_at")
        .values_list("id", flat=True)[:limit]
    )
