"""From stored webhook bodies and polled happenings to conversations and messages.

Every happening is applied through `apply`, whichever way it came: a comment or message is
stored once per channel and platform id (a unique constraint), so a webhook and a poll that
bring the same comment make one message, and so does a body delivered twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from pressroom.channels.models import Channel
from pressroom.core.text import nfc
from pressroom.inbox import hours
from pressroom.inbox.models import Conversation, Message, ModerationAction, RawEvent, Reply
from pressroom.inbox.signals import messages_received, reactions_counted
from pressroom.platforms.inbound import Happening, HappeningKind, ThreadKind, Unreadable
from pressroom.platforms.registry import listener_for
from pressroom.publishing.models import Delivery

logger = logging.getLogger(__name__)

BATCH = 200
# Our own hide or delete comes back as the platform's webhook: the same action on the same
# comment within this long is ours, not one done outside Pressroom.
OWN_ACTION_ECHO = timedelta(minutes=10)
SNIPPET = 300


@dataclass
class Applied:
    """What applying happenings did, for the caller's counts and the signal."""

    new_inbound: list[int] = field(default_factory=list)
    stored: int = 0
    ignored: int = 0


def process_stored(*, limit: int = BATCH) -> int:
    """Read up to `limit` stored bodies, oldest first; the number read."""
    ids = list(
        RawEvent.objects.filter(state=RawEvent.State.STORED)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    applied = Applied()
    for raw_id in ids:
        process_one(raw_id, applied)
    announce(applied)
    return len(ids)


def process_one(raw_id: int, applied: Applied) -> None:
    try:
        with transaction.atomic():
            # Taken by whoever changes its state first: one reader per body.
            taken = RawEvent.objects.filter(pk=raw_id, state=RawEvent.State.STORED).update(
                state=RawEvent.State.PROCESSED, processed_at=timezone.now()
            )
            if not taken:
                return
            raw = RawEvent.objects.get(pk=raw_id)
            _read(raw, applied)
    except Exception as error:
        logger.exception("Could not read webhook event %s", raw_id)
        RawEvent.objects.filter(pk=raw_id).update(
            state=RawEvent.State.FAILED, error=f"{type(error).__name__}: {error}"[:500]
        )


def _read(raw: RawEvent, applied: Applied) -> None:
    listener = listener_for(raw.platform)
    account_id = ""
    if raw.channel_id is not None:
        account_id = (
            Channel.objects.filter(pk=raw.channel_id).values_list("external_id", flat=True).first()
            or ""
        )
    try:
        happenings = listener.parse(json.loads(bytes(raw.body)), account_id=account_id)
    except (ValueError, Unreadable) as error:
        raw.state = RawEvent.State.MALFORMED
        raw.error = str(error)[:500]
        raw.save(update_fields=["state", "error"])
        return
    channels = _channels_for(raw, happenings)
    people: set[str] = set()
    unknown = False
    for happening in happenings:
        channel = channels.get(happening.account_id)
        if channel is None:
            unknown = True
            continue
        if happening.author.id:
            people.add(happening.author.id)
        apply(channel, happening, applied)
    update: dict[str, object] = {"people": sorted(people)}
    if unknown and not any(channels.values()):
        update["state"] = RawEvent.State.UNKNOWN_CHANNEL
    if len(channels) == 1 and raw.channel_id is None:
        update["channel_id"] = next(iter(channels.values())).pk
    RawEvent.objects.filter(pk=raw.pk).update(**update)


def _channels_for(raw: RawEvent, happenings: Iterable[Happening]) -> dict[str, Channel]:
    if raw.channel_id is not None:
        channel = Channel.objects.filter(pk=raw.channel_id).first()
        if channel is None:
            return {}
        return {h.account_id: channel for h in happenings} or {channel.external_id: channel}
    wanted = {h.account_id for h in happenings} | {str(a) for a in raw.account_ids}
    # A disconnected (disabled) channel keeps its history and its conversations: what is
    # still delivered for it is kept too.
    found = Channel.objects.filter(platform=raw.platform, external_id__in=wanted)
    return {channel.external_id: channel for channel in found}


def announce(applied: Applied) -> None:
    if applied.new_inbound:
        ids = list(applied.new_inbound)
        transaction.on_commit(lambda: messages_received.send(sender=Message, message_ids=ids))


def apply(channel: Channel, happening: Happening, applied: Applied) -> None:
    """Apply one happening to the channel's conversations (inside the caller's transaction)."""
    kind = happening.kind
    if kind in (HappeningKind.COMMENT, HappeningKind.MESSAGE):
        _new_item(channel, happening, applied)
    elif kind is HappeningKind.EDIT:
        changed = Message.objects.filter(channel=channel, remote_id=happening.remote_id).update(
            text=nfc(happening.text), edited_at=happening.at
        )
        if not changed:
            # An edit of something we never saw: it is still what the person wrote.
            _new_item(channel, happening, applied)
    elif kind in (HappeningKind.HIDE, HappeningKind.UNHIDE, HappeningKind.REMOVE):
        _moderated_outside(channel, happening)
    elif kind is HappeningKind.REACTION and happening.count is not None:
        channel_id, post, count, at = channel.pk, happening.post_id, happening.count, happening.at
        transaction.on_commit(
            lambda: reactions_counted.send(
                sender=Channel, channel_id=channel_id, post_remote_id=post, count=count, at=at
            )
        )
    else:
        # Single reactions, reads and follows: the platforms' own counts are collected by
        # analytics; the raw events stay for inspection.
        applied.ignored += 1


def _new_item(channel: Channel, happening: Happening, applied: Applied) -> None:
    if Message.objects.filter(channel=channel, remote_id=happening.remote_id).exists():
        return
    conversation = _conversation(channel, happening)
    outbound = happening.by_channel
    reply = _our_reply(conversation, happening) if outbound else None
    text = nfc(happening.text)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                conversation=conversation,
                channel=channel,
                remote_id=happening.remote_id,
                parent_remote_id=happening.parent_id,
                direction=Message.Direction.OUT if outbound else Message.Direction.IN,
                author_id=happening.author.id,
                author_name=happening.author.name,
                text=text,
                attachments=list(happening.attachments),
                at=happening.at,
                from_outside=outbound and reply is None,
                reply=reply,
            )
    except IntegrityError:
        return  # stored meanwhile by another reader
    applied.stored += 1
    if outbound:
        record_outbound(conversation, happening.at)
    else:
        applied.new_inbound.append(message.pk)
        record_inbound(conversation, happening.at, text)


def _conversation(channel: Channel, happening: Happening) -> Conversation:
    comments = happening.thread_kind is ThreadKind.COMMENTS
    if comments and happening.parent_id:
        # A reply goes where the comment it answers is (Telegram's replies name only their
        # parent, not the post they are under).
        parent = (
            Message.objects.filter(channel=channel, remote_id=happening.parent_id)
            .select_related("conversation")
            .first()
        )
        if parent is not None:
            return parent.conversation
    defaults: dict[str, object] = {
        "kind": Conversation.Kind.COMMENTS if comments else Conversation.Kind.MESSAGES,
    }
    if comments:
        post_id = happening.post_id or happening.thread.removeprefix("post:")
        defaults["post_remote_id"] = post_id
        defaults["delivery"] = Delivery.objects.filter(channel=channel, remote_id=post_id).first()
    elif not happening.by_channel:
        defaults["person_id"] = happening.author.id
        defaults["person_name"] = happening.author.name
    conversation, _ = Conversation.objects.get_or_create(
        channel=channel, key=happening.thread[:300], defaults=defaults
    )
    if not comments and not conversation.person_id and not happening.by_channel:
        conversation.person_id = happening.author.id
        conversation.person_name = happening.author.name
        conversation.save(update_fields=["person_id", "person_name"])
    return conversation


def _our_reply(conversation: Conversation, happening: Happening) -> Reply | None:
    """The reply of ours this echo is: by the reference we sent, or by the id we were given."""
    reference = happening.reference.removeprefix("pressroom:")
    if reference:
        try:
            reply = Reply.objects.filter(reference=reference).first()
        except Exception:
            reply = None
        if reply is not None:
            return reply
    if happening.remote_id:
        return Reply.objects.filter(
            conversation__channel=conversation.channel, remote_id=happening.remote_id
        ).first()
    return None


def record_inbound(conversation: Conversation, at: datetime, text: str) -> None:
    """A citizen wrote: the conversation waits for an answer again."""
    Conversation.objects.filter(pk=conversation.pk).update(
        inbound_count=F("inbound_count") + 1, snippet=text[:SNIPPET]
    )
    conversation.refresh_from_db()
    fields = ["last_inbound_at", "last_message_at", "first_inbound_at", "waiting_since", "status"]
    conversation.last_inbound_at = max(filter(None, [conversation.last_inbound_at, at]))
    conversation.last_message_at = max(filter(None, [conversation.last_message_at, at]))
    conversation.first_inbound_at = conversation.first_inbound_at or at
    if conversation.waiting_since is None:
        conversation.waiting_since = at
    if conversation.status in (Conversation.Status.ANSWERED, Conversation.Status.CLOSED):
        conversation.status = (
            Conversation.Status.ASSIGNED if conversation.assignee_id else Conversation.Status.NEW
        )
    conversation.save(update_fields=fields)


def record_outbound(conversation: Conversation, at: datetime) -> None:
    """The channel answered (through Pressroom or elsewhere): the wait ends there."""
    conversation.refresh_from_db()
    conversation.outbound_count += 1
    conversation.last_message_at = max(filter(None, [conversation.last_message_at, at]))
    fields = ["outbound_count", "last_message_at"]
    if conversation.waiting_since is not None:
        if conversation.first_response_at is None:
            policy = hours.policy_for(conversation.channel.unit)
            start = conversation.first_inbound_at or conversation.waiting_since
            conversation.first_response_at = at
            conversation.first_response_s = hours.working_seconds(start, at, policy)
            fields += ["first_response_at", "first_response_s"]
        conversation.waiting_since = None
        fields.append("waiting_since")
    if conversation.status != Conversation.Status.CLOSED:
        conversation.status = Conversation.Status.ANSWERED
        fields.append("status")
    conversation.save(update_fields=fields)


def _moderated_outside(channel: Channel, happening: Happening) -> None:
    message = Message.objects.filter(channel=channel, remote_id=happening.remote_id).first()
    if message is None:
        return
    action = {
        HappeningKind.HIDE: ModerationAction.Action.HIDE,
        HappeningKind.UNHIDE: ModerationAction.Action.UNHIDE,
        HappeningKind.REMOVE: ModerationAction.Action.DELETE,
    }[happening.kind]
    if action == ModerationAction.Action.DELETE:
        message.removed = True
    else:
        message.hidden = action == ModerationAction.Action.HIDE
    message.save(update_fields=["removed", "hidden"])
    ours = ModerationAction.objects.filter(
        message=message,
        action=action,
        outside=False,
        at__gte=happening.at - OWN_ACTION_ECHO,
    ).exists()
    if ours:
        return
    ModerationAction.objects.create(
        message=message,
        channel=channel,
        action=action,
        outside=True,
        at=happening.at,
    )
