"""The inbox's figures: conversations past their first-answer target, and the response report
of a unit and everything below it (aggregated in the database, rolled up the unit tree)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from pressroom.channels.models import Channel
from pressroom.inbox.hours import policies_for, started_by, working_seconds
from pressroom.inbox.models import Conversation, Message, ResponsePolicy
from pressroom.orgs.access import AnyUser, units_for
from pressroom.orgs.models import Capability, Unit

# The overdue list


@dataclass(frozen=True)
class Overdue:
    conversation_id: int
    waited_s: float
    target_s: float

    @property
    def overdue_s(self) -> float:
        return self.waited_s - self.target_s


def _by_policy(policies: dict[int, ResponsePolicy]) -> list[tuple[ResponsePolicy, list[int]]]:
    """Units grouped by the policy they follow (the default one counts as one policy)."""
    groups: dict[object, tuple[ResponsePolicy, list[int]]] = {}
    for unit_id, policy in policies.items():
        key = policy.pk or "default"
        groups.setdefault(key, (policy, []))[1].append(unit_id)
    return list(groups.values())


def overdue_for(user: AnyUser, now: datetime) -> list[Overdue]:
    """The conversations of the units the user may view still waiting for an answer past their
    unit's first-answer target, most overdue first (in working time)."""
    units = list(units_for(user, Capability.VIEW))
    policies = policies_for(units)
    condition = Q()
    for policy, unit_ids in _by_policy(policies):
        # Whatever has waited since before this has waited the target, in this policy's hours.
        cutoff = started_by(now, policy.first_response_hours, policy)
        condition |= Q(channel__unit_id__in=unit_ids, waiting_since__lte=cutoff)
    if not condition:
        return []
    waiting = (
        Conversation.objects.filter(condition, waiting_since__isnull=False)
        .exclude(status=Conversation.Status.CLOSED)
        .values_list("pk", "waiting_since", "channel__unit_id")
        .order_by()
    )
    rows = [
        Overdue(
            conversation_id=pk,
            waited_s=working_seconds(since, now, policies[unit_id]),
            target_s=policies[unit_id].first_response_hours * 3600,
        )
        for pk, since, unit_id in waiting
        if since is not None
    ]
    rows.sort(key=lambda row: (-row.overdue_s, row.conversation_id))
    return rows


# The response report


@dataclass
class Figures:
    """One row's figures; times in working seconds."""

    conversations: int = 0
    received: int = 0
    answered: int = 0
    within_target: int = 0
    first_response_total: float = 0.0
    first_response_count: int = 0
    resolution_total: float = 0.0
    resolution_count: int = 0
    first_response_median: float | None = None
    resolution_median: float | None = None

    def add(self, other: Figures) -> None:
        self.conversations += other.conversations
        self.received += other.received
        self.answered += other.answered
        self.within_target += other.within_target
        self.first_response_total += other.first_response_total
        self.first_response_count += other.first_response_count
        self.resolution_total += other.resolution_total
        self.resolution_count += other.resolution_count

    @property
    def first_response_average(self) -> float | None:
        if not self.first_response_count:
            return None
        return self.first_response_total / self.first_response_count

    @property
    def resolution_average(self) -> float | None:
        if not self.resolution_count:
            return None
        return self.resolution_total / self.resolution_count

    @property
    def within_target_share(self) -> float | None:
        """Of the conversations begun in the period, the share first answered in time."""
        if not self.conversations:
            return None
        return self.within_target / self.conversations


@dataclass
class ChannelRow:
    channel: Channel
    figures: Figures


@dataclass
class UnitRow:
    """A unit's figures with every unit below it included; its own channels' rows."""

    unit: Unit
    depth: int
    figures: Figures
    channels: list[ChannelRow] = field(default_factory=list)


@dataclass
class PlatformRow:
    platform: str
    label: str
    figures: Figures


@dataclass
class Report:
    root: Unit
    start: datetime
    end: datetime
    units: list[UnitRow]
    platforms: list[PlatformRow]

    @property
    def total(self) -> Figures:
        return self.units[0].figures


type Grouping = Literal["unit", "channel", "platform"]


def _median_sql(column: str, by: Grouping) -> str:
    quote = connection.ops.quote_name
    conversations, channels, units = (
        quote(Conversation._meta.db_table),
        quote(Channel._meta.db_table),
        quote(Unit._meta.db_table),
    )
    value = f"c.{quote(column)}"
    if by == "unit":
        # A conversation counts for its channel's unit and every unit above it, up to the root.
        group = "u.id"
        join = f"JOIN {units} u ON cu.path LIKE u.path || '%%' AND u.path LIKE %s"
    else:
        group = "c.channel_id" if by == "channel" else "ch.platform"
        join = ""
    # Names are the models' own tables and columns; every value is a parameter.
    ranked = (
        f"SELECT {group} AS grp, {value} AS v, "  # noqa: S608
        f"ROW_NUMBER() OVER (PARTITION BY {group} ORDER BY {value}) AS r, "
        f"COUNT(*) OVER (PARTITION BY {group}) AS n "
        f"FROM {conversations} c "
        f"JOIN {channels} ch ON ch.id = c.channel_id "
        f"JOIN {units} cu ON cu.id = ch.unit_id {join} "
        f"WHERE cu.path LIKE %s AND c.first_inbound_at >= %s AND c.first_inbound_at < %s "
        f"AND {value} IS NOT NULL"
    )
    # The middle value, or the mean of the two middle ones.
    middle = "r IN ((n + 1) / 2, (n + 2) / 2)"
    return f"SELECT grp, AVG(v) FROM ({ranked}) ranked WHERE {middle} GROUP BY grp"  # noqa: S608


def _medians(
    root: Unit, start: datetime, end: datetime, column: str, by: Grouping
) -> dict[Any, float]:
    adapt = connection.ops.adapt_datetimefield_value
    prefix = f"{root.path}%"
    params: list[Any] = [prefix] if by == "unit" else []
    params += [prefix, adapt(start), adapt(end)]
    with connection.cursor() as cursor:
        cursor.execute(_median_sql(column, by), params)
        return {group: float(value) for group, value in cursor.fetchall()}


def _channel_figures(
    root: Unit, start: datetime, end: datetime, policies: dict[int, ResponsePolicy]
) -> dict[int, Figures]:
    """Each channel's figures in the period (one query for conversations, one for messages)."""
    within = Q()
    for policy, unit_ids in _by_policy(policies):
        target = policy.first_response_hours * 3600
        within |= Q(channel__unit_id__in=unit_ids, first_response_s__lte=target)
    conversations = (
        Conversation.objects.filter(
            channel__unit__path__startswith=root.path,
            first_inbound_at__gte=start,
            first_inbound_at__lt=end,
        )
        .values("channel_id")
        .annotate(
            conversations=Count("id"),
            answered=Count("id", filter=Q(first_response_at__isnull=False)),
            within_target=Count("id", filter=within),
            first_response_total=Sum("first_response_s"),
            first_response_count=Count("first_response_s"),
            resolution_total=Sum("resolution_s"),
            resolution_count=Count("resolution_s"),
        )
        .order_by()
    )
    figures: dict[int, Figures] = defaultdict(Figures)
    for row in conversations:
        figures[row["channel_id"]] = Figures(
            conversations=row["conversations"],
            answered=row["answered"],
            within_target=row["within_target"],
            first_response_total=row["first_response_total"] or 0.0,
            first_response_count=row["first_response_count"],
            resolution_total=row["resolution_total"] or 0.0,
            resolution_count=row["resolution_count"],
        )
    received = (
        Message.objects.filter(
            channel__unit__path__startswith=root.path,
            direction=Message.Direction.IN,
            at__gte=start,
            at__lt=end,
        )
        .values("channel_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    for message_row in received:
        figures[message_row["channel_id"]].received = message_row["count"]
    return figures


def response_report(root: Unit, start: datetime, end: datetime) -> Report:
    """The figures of the conversations begun in [start, end) in the root's subtree: a row per
    unit (its descendants included), per channel of each unit, and per platform."""
    units = list(root.subtree().order_by("path"))
    policies = policies_for(units)
    channels = list(Channel.objects.filter(unit__in=units).order_by("platform", "name", "id"))
    per_channel = _channel_figures(root, start, end, policies)
    unit_rows = {
        unit.pk: UnitRow(unit=unit, depth=unit.depth - root.depth, figures=Figures())
        for unit in units
    }
    platforms: dict[str, Figures] = defaultdict(Figures)
    labels = dict(Channel._meta.get_field("platform").flatchoices)
    for channel in channels:
        figures = per_channel[channel.pk]
        own = unit_rows[channel.unit_id]
        own.channels.append(ChannelRow(channel=channel, figures=figures))
        platforms[channel.platform].add(figures)
        for ancestor in own.unit.ancestor_ids():
            if ancestor in unit_rows:
                unit_rows[ancestor].figures.add(figures)
    for column, name in (
        ("first_response_s", "first_response_median"),
        ("resolution_s", "resolution_median"),
    ):
        for unit_id, value in _medians(root, start, end, column, "unit").items():
            setattr(unit_rows[unit_id].figures, name, value)
        for channel_id, value in _medians(root, start, end, column, "channel").items():
            setattr(per_channel[channel_id], name, value)
        for platform, value in _medians(root, start, end, column, "platform").items():
            setattr(platforms[platform], name, value)
    return Report(
        root=root,
        start=start,
        end=end,
        units=list(unit_rows.values()),
        platforms=[
            PlatformRow(
                platform=platform, label=str(labels.get(platform, platform)), figures=figures
            )
            for platform, figures in sorted(platforms.items())
        ],
    )


NOTHING = "\N{EN DASH}"


def hours_text(seconds: float | None) -> str:
    """Working time for people: "2 h 05 min", "45 min"; a dash when there is none."""
    if seconds is None:
        return NOTHING
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}


def share_text(share: float | None) -> str:
    return NOTHING if share is None else f"{share * 100:.0f} %"
