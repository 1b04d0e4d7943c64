"""The queue: "add to queue" puts an approved post in the next free good hour of each of its
channels (Vietnam time), so a unit's posts go out at the hours its followers read, spread
out rather than all at once.

A slot is free when no other delivery of the channel is due within SLOT_GAP of it. A
channel's slots are, in this order: its own (`options["slots"]`, "HH:MM", set by an
administrator), those analytics learned from its history (`options["learned_slots"]`, see
`pressroom.analytics.learned_slots`), or `QUEUE_SLOTS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pressroom.audit.actions import record_event
from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.core.dates import VIETNAM
from pressroom.core.errors import ActionError
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability
from pressroom.publishing.models import Delivery
from pressroom.publishing.scheduling import deadline_for, schedule_post

SLOT_GAP = timedelta(minutes=30)
# A slot must be at least this far ahead (time for a last look, and for the dispatcher).
LEAD = timedelta(minutes=10)
DAYS_AHEAD = 28
MAX_SLOTS = 8


def parse_slots(values: Any) -> list[time]:
    """Good hours from "HH:MM" strings, sorted, each once; a bad one is a ValueError."""
    if not isinstance(values, (list, tuple)):
        raise ValueError(values)
    slots = sorted({_hour(str(value)) for value in values})
    if not 1 <= len(slots) <= MAX_SLOTS:
        raise ValueError(values)
    return slots


def _hour(value: str) -> time:
    """ "7:30", "07:30" or "20:00" as a time; anything else a ValueError."""
    hours, _sep, minutes = value.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
        raise ValueError(value)
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class SlotChoice:
    """The hours a channel's queue uses, where they come from ("own", "learned" or
    "default"), and what analytics last learned (empty if it never looked)."""

    slots: list[time]
    source: str
    learned: dict[str, Any] = field(default_factory=dict)

    @property
    def learned_slots(self) -> list[str]:
        return [str(value) for value in self.learned.get("slots") or []]

    def reason(self) -> str:
        """Why these hours, in a sentence for the channel's page."""
        if self.source == "own":
            return _("Set by an administrator of the unit.")
        learned = self.learned
        posts = int(learned.get("posts") or 0)
        days = int(learned.get("days") or 0)
        if self.source == "learned":
            text = ngettext(
                "Learned from %(posts)d post of the last %(days)d days",
                "Learned from %(posts)d posts of the last %(days)d days",
                posts,
            ) % {"posts": posts, "days": days}
            return _("%(learned)s (%(date)s), by the median reactions and comments per post.") % {
                "learned": text,
                "date": self._learned_on(),
            }
        if not learned:
            return _("The default hours.")
        if learned.get("reason") == "few_hours":
            return _(
                "The default hours: the posts of the last %(days)d days went out at too few "
                "different hours to learn from."
            ) % {"days": days}
        needed = int(learned.get("needed") or 0)
        return ngettext(
            "The default hours: not enough history yet, %(posts)d of %(needed)d post in "
            "the last %(days)d days.",
            "The default hours: not enough history yet, %(posts)d of %(needed)d posts in "
            "the last %(days)d days.",
            needed,
        ) % {"posts": posts, "needed": needed, "days": days}

    def _learned_on(self) -> str:
        try:
            return date_format(date.fromisoformat(str(self.learned.get("learned_on"))))
        except ValueError:
            return ""


def slot_choice(channel: Channel) -> SlotChoice:
    options = channel.options or {}
    learned = options.get("learned_slots")
    learned = learned if isinstance(learned, dict) else {}
    for source, values in (("own", options.get("slots")), ("learned", learned.get("slots"))):
        try:
            return SlotChoice(parse_slots(values), source, learned)
        except ValueError:
            continue
    return SlotChoice(parse_slots(settings.QUEUE_SLOTS), "default", learned)


def slots_of(channel: Channel) -> list[time]:
    return slot_choice(channel).slots


def next_free_slots(channels: list[Channel], *, after: datetime) -> dict[int, datetime]:
    """Each channel's first good hour after `after` with no delivery due near it."""
    earliest = after + LEAD
    horizon = earliest + timedelta(days=DAYS_AHEAD)
    busy: dict[int, list[datetime]] = {}
    for channel_id, due in (
        Delivery.objects.filter(
            channel__in=channels,
            due_at__gte=earliest - SLOT_GAP,
            due_at__lt=horizon + SLOT_GAP,
        )
        .exclude(status=Delivery.Status.FAILED)
        .values_list("channel_id", "due_at")
    ):
        busy.setdefault(channel_id, []).append(due)
    first_day = timezone.localtime(earliest, VIETNAM).date()
    found: dict[int, datetime] = {}
    for channel in channels:
        taken = busy.get(channel.pk, [])
        for moment in _candidates(slots_of(channel), first_day, earliest):
            if all(abs(moment - due) >= SLOT_GAP for due in taken):
                found[channel.pk] = moment
                break
    return found


def _candidates(slots: list[time], first_day: date, earliest: datetime) -> Any:
    for offset in range(DAYS_AHEAD + 1):
        day = first_day + timedelta(days=offset)
        for slot in slots:
            moment = datetime.combine(day, slot, tzinfo=VIETNAM)
            if moment >= earliest:
                yield moment


@transaction.atomic
def queue_post(*, post: Post, by: Any) -> dict[int, datetime]:
    """Schedule an approved post at the next free slot of each of its channels."""
    if Capability.APPROVE not in capabilities_in(by, post.unit):
        raise ActionError(_("You are not allowed to do this for %(unit)s.") % {"unit": post.unit})
    if post.is_emergency:
        raise ActionError(_("An emergency alert goes out at once, never through the queue."))
    channels = list(post.channels.all())
    slots = next_free_slots(channels, after=timezone.now())
    missing = [channel.name for channel in channels if channel.pk not in slots]
    if missing:
        raise ActionError(
            _("No free slot in the next %(days)d days on %(channels)s: schedule a time instead.")
            % {"days": DAYS_AHEAD, "channels": ", ".join(missing)}
        )
    if not slots:
        raise ActionError(_("Choose at least one channel."))
    first = min(slots.values())
    post = schedule_post(post=post, by=by, at=first)
    for channel_id, due in slots.items():
        if due != first:
            Delivery.objects.filter(
                post=post, channel_id=channel_id, status=Delivery.Status.PENDING
            ).update(due_at=due, give_up_at=deadline_for(post, due))
    record_event(
        actor=by,
        action="post.queue",
        obj=post,
        unit_id=post.unit_id,
        data={"slots": {str(pk): due.isoformat() for pk, due in sorted(slots.items())}},
    )
    return slots


@transaction.atomic
def set_slots(*, channel: Channel, text: str, by: Any) -> Channel:
    """A unit administrator sets the channel's good hours ("07:30, 11:30, 20:00"); an empty
    text brings back the default."""
    if Capability.MANAGE not in capabilities_in(by, channel.unit):
        raise ActionError(_("Only an administrator of the unit can set the channel's hours."))
    values = [part for part in text.replace(";", ",").split(",") if part.strip()]
    try:
        slots = parse_slots(values) if values else None
    except ValueError:
        raise ActionError(
            _("Write from 1 to %(most)d times as HH:MM, separated by commas (07:30, 20:00).")
            % {"most": MAX_SLOTS}
        ) from None
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    before = [slot.strftime("%H:%M") for slot in slots_of(channel)]
    options = dict(channel.options or {})
    if slots is None:
        options.pop("slots", None)
    else:
        options["slots"] = [slot.strftime("%H:%M") for slot in slots]
    channel.options = options
    channel.save(update_fields=["options"])
    record_event(
        actor=by,
        action="channel.edit",
        obj=channel,
        unit_id=channel.unit_id,
        data={"slots": {"before": before, "after": options.get("slots")}},
    )
    return channel
