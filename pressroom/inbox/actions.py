"""The inbox's writes other than replies: assignment, status and tag, notes, moderation. Each
is audited in the transaction that makes it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.core.errors import ActionError
from pressroom.inbox import hours
from pressroom.inbox.models import (
    Conversation,
    Message,
    ModerationAction,
    ModerationReason,
    Note,
)
from pressroom.inbox.sending import access_of
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability, Membership
from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.inbound import ModerationKind
from pressroom.platforms.registry import listener_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def colleagues(conversation: Conversation) -> QuerySet[Any]:
    """Who may be given the conversation: people who may answer for its unit."""
    unit = conversation.channel.unit
    ids = Membership.objects.filter(
        unit_id__in=unit.ancestor_ids(), role__in=["editor", "approver", "admin"]
    ).values_list("user_id", flat=True)
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username")


def _check(user: User, conversation: Conversation) -> None:
    if Capability.COMPOSE not in capabilities_in(user, conversation.channel.unit):
        raise ActionError(_("You may not work on this unit's conversations."))


def assign(*, user: User, conversation: Conversation, assignee: Any) -> Conversation:
    _check(user, conversation)
    if assignee is not None and not colleagues(conversation).filter(pk=assignee.pk).exists():
        raise ActionError(_("Choose a colleague of this unit."))
    with transaction.atomic():
        conversation.assignee = assignee
        fields = ["assignee"]
        if conversation.status == Conversation.Status.NEW and assignee is not None:
            conversation.status = Conversation.Status.ASSIGNED
            fields.append("status")
        conversation.save(update_fields=fields)
        record_event(
            actor=user,
            action=Kind.INBOX_ASSIGN,
            obj=conversation,
            unit_id=conversation.channel.unit_id,
            data={"assignee": assignee.pk if assignee else None},
        )
    return conversation


def set_status(*, user: User, conversation: Conversation, status: str, tag: str) -> Conversation:
    _check(user, conversation)
    with transaction.atomic():
        before = (conversation.status, conversation.tag)
        conversation.status = status
        conversation.tag = tag
        fields = ["status", "tag"]
        if status == Conversation.Status.CLOSED and conversation.closed_at is None:
            now = timezone.now()
            conversation.closed_at = now
            start = conversation.first_inbound_at
            if start is not None:
                policy = hours.policy_for(conversation.channel.unit)
                conversation.resolution_s = hours.working_seconds(start, now, policy)
            conversation.waiting_since = None
            fields += ["closed_at", "resolution_s", "waiting_since"]
        elif status != Conversation.Status.CLOSED and conversation.closed_at is not None:
            conversation.closed_at = None
            conversation.resolution_s = None
            fields += ["closed_at", "resolution_s"]
        conversation.save(update_fields=fields)
        if before[0] != status:
            record_event(
                actor=user,
                action=Kind.INBOX_STATUS,
                obj=conversation,
                unit_id=conversation.channel.unit_id,
                data={"from": before[0], "to": status},
            )
        if before[1] != tag:
            record_event(
                actor=user,
                action=Kind.INBOX_TAG,
                obj=conversation,
                unit_id=conversation.channel.unit_id,
                data={"tag": tag},
            )
    return conversation


def add_note(*, user: User, conversation: Conversation, text: str) -> Note:
    _check(user, conversation)
    text = text.strip()
    if not text:
        raise ActionError(_("Write the note first."))
    with transaction.atomic():
        note = Note.objects.create(conversation=conversation, author=user, text=text)
        record_event(
            actor=user,
            action=Kind.INBOX_NOTE,
            obj=conversation,
            unit_id=conversation.channel.unit_id,
        )
    return note


def moderate(
    *, user: User, message: Message, action: str, reason: str, explanation: str = ""
) -> ModerationAction:
    """Hide, show again or delete one comment on the channel's own thread, for one of the
    published policy's reasons. One comment at a time, by design: there is no bulk action."""
    conversation = message.conversation
    channel = conversation.channel
    _check(user, conversation)
    kind = ModerationKind(action)
    if kind not in listener_for(channel.platform).moderation:
        raise ActionError(_("This platform does not allow that on its comments."))
    if message.direction != Message.Direction.IN:
        raise ActionError(_("Only comments from the public are moderated here."))
    if kind is not ModerationKind.UNHIDE and reason not in ModerationReason.values:
        raise ActionError(_("Choose the reason from the moderation policy."))
    outcome = asyncio.run(_moderate(channel, message.remote_id, kind))
    done = outcome.kind is OutcomeKind.PUBLISHED
    with transaction.atomic():
        entry = ModerationAction.objects.create(
            message=message,
            channel=channel,
            action=str(kind),
            reason=reason if kind is not ModerationKind.UNHIDE else reason or "",
            explanation=explanation.strip()[:300],
            actor=user,
            state=ModerationAction.State.DONE if done else ModerationAction.State.FAILED,
            error="" if done else f"{outcome.code}: {outcome.reason}"[:300],
            at=timezone.now(),
        )
        if done:
            if kind is ModerationKind.DELETE:
                message.removed = True
            else:
                message.hidden = kind is ModerationKind.HIDE
            message.save(update_fields=["removed", "hidden"])
        record_event(
            actor=user,
            action=Kind.INBOX_MODERATE,
            obj=entry,
            unit_id=channel.unit_id,
            data={"action": str(kind), "reason": reason, "done": done},
        )
    if not done:
        raise ActionError(
            _("The platform refused: %(reason)s") % {"reason": outcome.reason or outcome.code}
        )
    return entry


async def _moderate(channel: Any, remote_id: str, kind: ModerationKind) -> Outcome:
    async with make_http_client() as http:
        client = client_class(channel.platform)(access_of(channel), http)
        return await client.moderate(remote_id, kind)
