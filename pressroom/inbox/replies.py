"""Writing a reply: the ways open on a conversation, their windows, approval, the outbox row.

Sending it is sending.py's; a reply is written here and sent there, exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.core.errors import ActionError
from pressroom.core.text import count_code_points, nfc
from pressroom.inbox import hours, saved_replies
from pressroom.inbox.models import Conversation, Message, Reply, SavedReply
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability
from pressroom.platforms.catalog import limits_for
from pressroom.platforms.inbound import ReplyRule, ReplyWay, ThreadKind
from pressroom.platforms.registry import descriptor_for, listener_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Window:
    """One way to answer this conversation now, as the page shows it."""

    rule: ReplyRule
    open: bool
    # Until when it is open (None: no window), and with the human-agent tag.
    until: datetime | None = None
    human_agent_until: datetime | None = None
    # Free replies left in the window (Zalo), when the platform counts them.
    free_left: int | None = None
    used: bool = False

    @property
    def way(self) -> str:
        return str(self.rule.way)

    @property
    def needs_human_agent(self) -> bool:
        now = timezone.now()
        return bool(self.until and self.until < now and self.human_agent_until)


def windows(conversation: Conversation, message: Message | None = None) -> list[Window]:
    """The ways to answer, each with whether it is open now and until when."""
    try:
        rules = listener_for(conversation.channel.platform).reply_rules
    except ValueError:
        return []
    kind = ThreadKind(conversation.kind)
    now = timezone.now()
    found: list[Window] = []
    for rule in rules:
        if rule.thread_kind is not kind:
            continue
        if rule.way is ReplyWay.PRIVATE:
            found.append(_private_window(rule, message, now))
            continue
        since = conversation.last_inbound_at
        if rule.hours is None or since is None:
            found.append(Window(rule, open=since is not None or kind is ThreadKind.COMMENTS))
            continue
        until = since + timedelta(hours=rule.hours)
        agent = since + timedelta(hours=rule.human_agent_hours) if rule.human_agent_hours else None
        free_left = None
        if rule.free_replies is not None:
            sent = conversation.replies.filter(state=Reply.State.SENT, sent_at__gte=since).count()
            free_left = max(0, rule.free_replies - sent)
        is_open = now <= until or bool(agent and now <= agent) or rule.free_replies is not None
        found.append(
            Window(rule, open=is_open, until=until, human_agent_until=agent, free_left=free_left)
        )
    return found


def _private_window(rule: ReplyRule, message: Message | None, now: datetime) -> Window:
    if message is None or message.direction != Message.Direction.IN:
        return Window(rule, open=False)
    until = message.at + timedelta(hours=rule.hours) if rule.hours else None
    used = (
        rule.once
        and message.answers.filter(way=Reply.Way.PRIVATE)
        .exclude(state__in=[Reply.State.FAILED, Reply.State.DECLINED])
        .exists()
    )
    return Window(rule, open=(until is None or now <= until) and not used, until=until, used=used)


def saved_replies_for(conversation: Conversation) -> list[SavedReply]:
    return list(saved_replies.saved_replies_for(conversation.channel.unit))


def write_reply(
    *,
    user: User,
    conversation: Conversation,
    text: str,
    way: str,
    in_reply_to: Message | None = None,
    saved_reply: SavedReply | None = None,
) -> Reply:
    """Write a reply: checked against the platform's window and limits, then queued (or left
    for an approver when the unit asks that of editors' replies). ActionError with a
    message for the person otherwise; nothing is stored then."""
    text = nfc(text).strip()
    if not text:
        raise ActionError(_("Write the reply first."))
    channel = conversation.channel
    limits = limits_for(channel.platform, channel.options)
    if count_code_points(text) > limits.max_text:
        raise ActionError(
            _("The reply is %(count)d characters long; %(platform)s takes at most %(limit)d.")
            % {
                "count": count_code_points(text),
                "platform": descriptor_for(channel.platform).label,
                "limit": limits.max_text,
            }
        )
    if in_reply_to is not None and in_reply_to.conversation_id != conversation.pk:
        raise ActionError(_("That comment is not in this conversation."))
    window = next((w for w in windows(conversation, in_reply_to) if w.way == way), None)
    if window is None:
        raise ActionError(_("This channel cannot be answered that way."))
    if not window.open:
        if window.used:
            raise ActionError(_("A private reply to this comment was already sent."))
        raise ActionError(
            _(
                "The platform no longer lets the channel answer this way: "
                "the time allowed has passed."
            )
        )
    if way in (ReplyWay.PUBLIC, ReplyWay.PRIVATE) and in_reply_to is None:
        in_reply_to = conversation.messages.filter(direction=Message.Direction.IN).last()
        if in_reply_to is None:
            raise ActionError(_("Choose the comment to answer."))
    if channel.status != channel.Status.CONNECTED:
        raise ActionError(_("The channel is not connected; reconnect it to answer."))
    caps = capabilities_in(user, channel.unit)
    if Capability.COMPOSE not in caps:
        raise ActionError(_("You may not answer for this unit."))
    policy = hours.policy_for(channel.unit)
    needs_approval = policy.replies_need_approval and Capability.APPROVE not in caps
    with transaction.atomic():
        reply = Reply.objects.create(
            conversation=conversation,
            in_reply_to=in_reply_to,
            way=way,
            text=text,
            human_agent=window.needs_human_agent,
            state=Reply.State.AWAITING_APPROVAL if needs_approval else Reply.State.QUEUED,
            written_by=user,
            saved_reply=saved_reply,
            due_at=None if needs_approval else timezone.now(),
        )
        record_event(
            actor=user,
            action=Kind.INBOX_REPLY,
            obj=reply,
            unit_id=channel.unit_id,
            data={"conversation": conversation.pk, "way": way, "approval": needs_approval},
        )
        if not needs_approval:
            _enqueue_on_commit(reply.pk)
    return reply


def approve_reply(*, user: User, reply: Reply) -> Reply:
    unit = reply.conversation.channel.unit
    if Capability.APPROVE not in capabilities_in(user, unit):
        raise ActionError(_("Only an approver of this unit may approve replies."))
    with transaction.atomic():
        updated = Reply.objects.filter(pk=reply.pk, state=Reply.State.AWAITING_APPROVAL).update(
            state=Reply.State.QUEUED, approved_by=user, due_at=timezone.now()
        )
        if not updated:
            raise ActionError(_("This reply is no longer waiting for approval."))
        record_event(actor=user, action=Kind.INBOX_REPLY_APPROVE, obj=reply, unit_id=unit.pk)
        _enqueue_on_commit(reply.pk)
    reply.refresh_from_db()
    return reply


def decline_reply(*, user: User, reply: Reply) -> Reply:
    unit = reply.conversation.channel.unit
    if Capability.APPROVE not in capabilities_in(user, unit):
        raise ActionError(_("Only an approver of this unit may approve replies."))
    with transaction.atomic():
        updated = Reply.objects.filter(pk=reply.pk, state=Reply.State.AWAITING_APPROVAL).update(
            state=Reply.State.DECLINED, approved_by=user
        )
        if not updated:
            raise ActionError(_("This reply is no longer waiting for approval."))
        record_event(actor=user, action=Kind.INBOX_REPLY_DECLINE, obj=reply, unit_id=unit.pk)
    reply.refresh_from_db()
    return reply


def _enqueue_on_commit(reply_id: int) -> None:
    from pressroom.inbox.tasks import send_reply

    transaction.on_commit(lambda: send_reply.enqueue(reply_id))
