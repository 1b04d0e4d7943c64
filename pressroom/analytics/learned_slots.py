"""Good hours learned from history: for each channel with enough published posts in the last
`HISTORY_DAYS`, the three half hours of the day (Vietnam time) whose posts drew the highest
median reactions and comments, never in the night; stored in the channel's options
(`options["learned_slots"]`), where the queue takes them after the administrator's own hours
and before the default. A channel with too little history gets the count it has, which its
page shows, and keeps the default.

Channels are learned in batches of `BATCH` (keyset over their ids): each batch is a fixed
number of queries and its own transaction, so a national tree never holds the write lock for
long and never loads more than a batch's posts at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.analytics.models import PostFigures
from pressroom.audit.actions import record_events
from pressroom.audit.kinds import Kind
from pressroom.channels.models import Channel
from pressroom.core.dates import VIETNAM
from pressroom.core.errors import ActionError
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability, Unit
from pressroom.publishing.models import Delivery

HISTORY_DAYS = 90
# Fewer posts than this in the window: the default hours stay.
MIN_POSTS = 20
# An hour is ranked only with at least this many posts behind it (one lucky post is no rule).
MIN_POSTS_PER_HOUR = 2
SLOTS = 3
# Learned hours are at least this far apart, so the queue spreads a day's posts.
SPACING_MINUTES = 120
# No hour from 23:00 up to 05:30 is ever proposed: officials' pages do not post at night.
QUIET_FROM = 23 * 60
QUIET_UNTIL = 5 * 60 + 30
BATCH = 200
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Learned:
    channel_id: int
    posts: int
    slots: list[str]


def half_hour_of(moment: datetime) -> int:
    """Minutes after midnight in Vietnam of the half hour nearest to `moment` (07:14 → 07:00,
    07:15 → 07:30, 23:50 → 00:00)."""
    local = moment.astimezone(VIETNAM)
    minutes = local.hour * 60 + local.minute + local.second / 60
    return int((minutes + 15) // 30) * 30 % DAY_MINUTES


def is_quiet(minutes: int) -> bool:
    return minutes >= QUIET_FROM or minutes < QUIET_UNTIL


def best_half_hours(engagement: dict[int, list[int]]) -> list[int]:
    """The `SLOTS` best half hours (minutes after midnight, in order of the day) by median
    engagement, each with `MIN_POSTS_PER_HOUR` posts, outside the night and `SPACING_MINUTES`
    apart; fewer when the posts went out at too few hours."""
    ranked = sorted(
        (
            (-median(values), -len(values), minutes)
            for minutes, values in engagement.items()
            if len(values) >= MIN_POSTS_PER_HOUR and not is_quiet(minutes)
        )
    )
    chosen: list[int] = []
    for _median, _count, minutes in ranked:
        if all(_apart(minutes, other) >= SPACING_MINUTES for other in chosen):
            chosen.append(minutes)
        if len(chosen) == SLOTS:
            break
    return sorted(chosen)


def _apart(first: int, second: int) -> int:
    gap = abs(first - second)
    return min(gap, DAY_MINUTES - gap)


def _text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def learned_value(posts: list[tuple[datetime, int]], *, today: str) -> dict[str, Any]:
    """What is stored for a channel from its posts' (published at, engagement)."""
    value: dict[str, Any] = {
        "slots": [],
        "posts": len(posts),
        "needed": MIN_POSTS,
        "days": HISTORY_DAYS,
        "learned_on": today,
        "by": "reactions+comments",
    }
    if len(posts) < MIN_POSTS:
        value["reason"] = "few_posts"
        return value
    engagement: dict[int, list[int]] = defaultdict(list)
    for published_at, figure in posts:
        engagement[half_hour_of(published_at)].append(figure)
    best = best_half_hours(engagement)
    if len(best) < SLOTS:
        value["reason"] = "few_hours"
        return value
    value["slots"] = [_text(minutes) for minutes in best]
    return value


def learn_slots(*, unit: Unit | None = None, by: Any = None) -> list[Learned]:
    """Learn the good hours of every channel of `unit` and the units below it (of every
    channel without a unit); `by` is the person asking (an administrator of the unit), or
    None for the collector's daily run."""
    if by is not None and (unit is None or Capability.MANAGE not in capabilities_in(by, unit)):
        raise ActionError(_("Only an administrator of the unit can set the channel's hours."))
    channels = Channel.objects.all()
    if unit is not None:
        channels = channels.filter(unit__path__startswith=unit.path)
    learned: list[Learned] = []
    last = 0
    while True:
        batch = _learn_batch(channels, after=last, by=by)
        if not batch:
            return learned
        learned.extend(batch)
        last = batch[-1].channel_id


@transaction.atomic
def _learn_batch(channels: Any, *, after: int, by: Any) -> list[Learned]:
    now = timezone.now()
    chosen = list(
        channels.filter(pk__gt=after)
        .select_for_update()
        .order_by("pk")
        .only("pk", "unit_id", "options")[:BATCH]
    )
    if not chosen:
        return []
    posts: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    rows = (
        PostFigures.objects.filter(
            delivery__channel__in=[channel.pk for channel in chosen],
            delivery__status=Delivery.Status.PUBLISHED,
            delivery__published_at__gte=now - timedelta(days=HISTORY_DAYS),
            delivery__published_at__lte=now,
            # An alert goes out when it must, not at a chosen hour, and draws like no other.
            delivery__post__is_emergency=False,
        )
        .annotate(reactions_and_comments=F("reactions") + F("comments"))
        .values_list("delivery__channel_id", "delivery__published_at", "reactions_and_comments")
    )
    for channel_id, published_at, engagement in rows:
        if published_at is not None:  # filtered on it: never None here
            posts[channel_id].append((published_at, engagement))
    today = timezone.localdate(now, VIETNAM).isoformat()
    events = []
    learned = []
    for channel in chosen:
        options = dict(channel.options or {})
        before = (options.get("learned_slots") or {}).get("slots") or []
        value = learned_value(posts.get(channel.pk, []), today=today)
        options["learned_slots"] = value
        channel.options = options
        learned.append(Learned(channel.pk, value["posts"], value["slots"]))
        if value["slots"] != before:
            events.append(
                {
                    "action": Kind.CHANNEL_EDIT,
                    "obj": channel,
                    "unit_id": channel.unit_id,
                    "data": {
                        "learned_slots": {
                            "before": before,
                            "after": value["slots"],
                            "posts": value["posts"],
                        }
                    },
                }
            )
    Channel.objects.bulk_update(chosen, ["options"])
    record_events(actor=by, events=events)
    return learned
