"""Data-subject requests: a person asks for a copy of their messages on a channel, or for their
erasure. Recorded, acknowledged, then completed or refused by the channel's unit's
administrators, each step audited (without the person's id: the chain is never erased).

Deadlines: acknowledged within 2 working days (the unit's working hours, `hours`), completed
within 15 calendar days of receipt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.channels.models import Channel
from pressroom.core.errors import ActionError
from pressroom.core.text import has_control_characters, nfc
from pressroom.inbox import privacy
from pressroom.inbox.hours import due_at, policy_for, working_week
from pressroom.inbox.models import DataSubjectRequest, ResponsePolicy
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability

ACKNOWLEDGE_WORKING_DAYS = 2
COMPLETE_CALENDAR_DAYS = 15
# A deadline this close is shown as a warning.
SOON = timedelta(days=1)
# A request "received" a little in the future is a clock's difference, not a mistake.
CLOCK_SKEW = timedelta(minutes=5)

OPEN_STATES = (DataSubjectRequest.State.RECEIVED, DataSubjectRequest.State.ACKNOWLEDGED)


@dataclass(frozen=True)
class Deadline:
    due: datetime
    done_at: datetime | None

    def state(self, now: datetime) -> str:
        """met, late (done after it), passed (not done), soon (≤ 1 day left) or open."""
        if self.done_at is not None:
            return "met" if self.done_at <= self.due else "late"
        if now > self.due:
            return "passed"
        return "soon" if self.due - now <= SOON else "open"


def acknowledge_by(request: DataSubjectRequest, policy: ResponsePolicy) -> datetime:
    """Two working days of the unit's hours after it was received."""
    day_hours = working_week(policy).day_seconds / 3600
    return due_at(request.received_at, ACKNOWLEDGE_WORKING_DAYS * day_hours, policy)


def complete_by(request: DataSubjectRequest) -> datetime:
    return request.received_at + timedelta(days=COMPLETE_CALENDAR_DAYS)


def deadlines_of(
    request: DataSubjectRequest, policy: ResponsePolicy | None = None
) -> tuple[Deadline, Deadline]:
    """The acknowledgement's and the completion's deadlines (finishing acknowledges too)."""
    policy = policy or policy_for(request.channel.unit)
    finished = request.completed_at
    return (
        Deadline(acknowledge_by(request, policy), request.acknowledged_at or finished),
        Deadline(complete_by(request), finished),
    )


def _require_manage(user: Any, channel: Channel) -> None:
    if Capability.MANAGE not in capabilities_in(user, channel.unit):
        raise ActionError(
            _("Only an administrator of %(unit)s handles its data-subject requests.")
            % {"unit": channel.unit}
        )


def _audit(by: User, kind: str, request: DataSubjectRequest, **data: Any) -> None:
    record_event(
        actor=by,
        action=kind,
        obj=request,
        unit_id=request.channel.unit_id,
        data={"kind": request.kind, "channel": request.channel_id, **data},
    )


@transaction.atomic
def record_request(
    *,
    by: User,
    channel: Channel,
    kind: str,
    person_id: str,
    received_at: datetime,
    contact: str = "",
) -> DataSubjectRequest:
    _require_manage(by, channel)
    person_id, contact = nfc(person_id).strip(), nfc(contact).strip()
    problems = []
    if kind not in DataSubjectRequest.Kind.values:
        problems.append(_("Choose what the person asks for."))
    if not person_id:
        problems.append(_("Give the person's id on the platform (shown on their conversation)."))
    elif len(person_id) > 200 or has_control_characters(person_id) or " " in person_id:
        problems.append(_("A platform id is one word of at most 200 characters."))
    if len(contact) > 300 or has_control_characters(contact):
        problems.append(_("Write how to answer them on one line, in at most 300 characters."))
    if received_at > timezone.now() + CLOCK_SKEW:
        problems.append(_("A request cannot have been received in the future."))
    if problems:
        raise ActionError(*problems)
    request = DataSubjectRequest.objects.create(
        channel=channel,
        kind=kind,
        person_id=person_id,
        contact=contact,
        received_at=received_at,
        created_by=by,
    )
    _audit(by, Kind.DATA_REQUEST_CREATE, request)
    return request


def _move(request: DataSubjectRequest, allowed: tuple[str, ...], **fields: Any) -> None:
    """Change the request's state only from an allowed one (two clicks do it once)."""
    moved = DataSubjectRequest.objects.filter(pk=request.pk, state__in=allowed).update(**fields)
    if not moved:
        raise ActionError(_("This request was handled already."))
    for name, value in fields.items():
        setattr(request, name, value)


@transaction.atomic
def acknowledge_request(*, by: User, request: DataSubjectRequest) -> DataSubjectRequest:
    _require_manage(by, request.channel)
    now = timezone.now()
    _move(
        request,
        (DataSubjectRequest.State.RECEIVED,),
        state=DataSubjectRequest.State.ACKNOWLEDGED,
        acknowledged_at=now,
    )
    _audit(by, Kind.DATA_REQUEST_ACKNOWLEDGE, request)
    return request


@transaction.atomic
def complete_export(*, by: User, request: DataSubjectRequest, file_format: str) -> dict[str, Any]:
    """The person's copy; the first one completes the request. Each copy is audited."""
    _require_manage(by, request.channel)
    if request.kind != DataSubjectRequest.Kind.EXPORT:
        raise ActionError(_("This person asked for erasure, not a copy."))
    now = timezone.now()
    copy = privacy.copy_of(request.channel, request.person_id, now)
    count = len(copy["messages"])
    again = request.state == DataSubjectRequest.State.COMPLETED
    if not again:
        _move(
            request,
            OPEN_STATES,
            state=DataSubjectRequest.State.COMPLETED,
            completed_at=now,
            outcome=_("A copy of %(count)d messages was made (%(format)s).")
            % {"count": count, "format": file_format.upper()},
        )
    _audit(by, Kind.DATA_REQUEST_COMPLETE, request, messages=count, format=file_format, again=again)
    return copy


@transaction.atomic
def complete_erasure(*, by: User, request: DataSubjectRequest) -> privacy.ErasureOutcome:
    """Erase the person's messages and the webhook bodies naming them; say what was done."""
    _require_manage(by, request.channel)
    if request.kind != DataSubjectRequest.Kind.ERASE:
        raise ActionError(_("This person asked for a copy, not erasure."))
    now = timezone.now()
    _move(request, OPEN_STATES, state=DataSubjectRequest.State.COMPLETED, completed_at=now)
    done = privacy.erase_person(channel=request.channel, person_id=request.person_id, now=now)
    request.outcome = _(
        "Erased: the texts of %(messages)d messages, the names in %(conversations)d "
        "conversations, %(events)d webhook bodies."
    ) % {
        "messages": done.messages,
        "conversations": done.conversations,
        "events": done.raw_events,
    }
    request.save(update_fields=["outcome"])
    _audit(
        by,
        Kind.DATA_REQUEST_COMPLETE,
        request,
        messages=done.messages,
        conversations=done.conversations,
        raw_events=done.raw_events,
    )
    return done


@transaction.atomic
def refuse_request(*, by: User, request: DataSubjectRequest, reason: str) -> DataSubjectRequest:
    _require_manage(by, request.channel)
    reason = nfc(reason).strip()
    if not reason:
        raise ActionError(_("Say why the request is refused: the person is told."))
    if len(reason) > 2000:
        raise ActionError(_("Keep the reason under 2000 characters."))
    _move(
        request,
        OPEN_STATES,
        state=DataSubjectRequest.State.REFUSED,
        completed_at=timezone.now(),
        outcome=reason,
    )
    _audit(by, Kind.DATA_REQUEST_REFUSE, request)
    return request
