"""Writing figures: a channel's days set to what was read, the roll-ups moved by the
difference, in one transaction per channel."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from django.db import transaction

from pressroom.analytics import rollup
from pressroom.analytics.models import FIGURES, ChannelDay, MetricSeries
from pressroom.channels.models import Channel
from pressroom.platforms.metrics import Value

# A channel's followers are carried over the days between two readings (a level read once a
# day, or once a week after an outage), at most this far back.
CARRY_DAYS = 400


def _lock(channel: Channel) -> None:
    """One writer per channel at a time (PostgreSQL; SQLite writes are serial anyway)."""
    Channel.objects.select_for_update().filter(pk=channel.pk).values_list("pk", flat=True).first()


def set_days(channel: Channel, days: Mapping[date, Mapping[str, int]]) -> int:
    """Set the named figures of the channel on these days (other figures and days are left
    as they are); the roll-ups follow. Returns the number of days changed."""
    if not days:
        return 0
    unit_path = channel.unit.path
    with transaction.atomic():
        _lock(channel)
        wanted = dict(days)
        if any("followers" in figures for figures in wanted.values()):
            wanted = _carry_followers(channel, wanted)
            wanted = _followers_onward(channel, wanted)
        existing = {
            row.day: row for row in ChannelDay.objects.filter(channel=channel, day__in=wanted)
        }
        wanted = _followers_of_new_days(channel, wanted, existing)
        read_days = {day for day, figures in days.items() if "followers" in figures}
        marked: list[ChannelDay] = []
        changes: list[rollup.Change] = []
        new_rows: list[ChannelDay] = []
        changed_rows: list[ChannelDay] = []
        for day, figures in wanted.items():
            row = existing.get(day)
            is_new = row is None
            if row is None:
                row = ChannelDay(
                    channel=channel, day=day, unit_id=channel.unit_id, platform=channel.platform
                )
            if day in read_days and not row.followers_read:
                row.followers_read = True
                if not is_new:
                    marked.append(row)
            deltas = {}
            for name, value in figures.items():
                if name not in FIGURES:
                    continue
                deltas[name] = int(value) - getattr(row, name)
                setattr(row, name, int(value))
            if any(deltas.values()):
                (new_rows if is_new else changed_rows).append(row)
                changes.append(
                    rollup.Change(
                        unit_path=unit_path, day=day, platform=channel.platform, deltas=deltas
                    )
                )
        ChannelDay.objects.bulk_create(new_rows, batch_size=500)
        ChannelDay.objects.bulk_update(
            {row.pk: row for row in changed_rows + marked}.values(),
            [*FIGURES, "followers_read"],
            batch_size=500,
        )
        rollup.add(changes)
        rollup.add_weeks(
            channel.pk, {change.day: change.deltas.get("posts", 0) for change in changes}
        )
    return len(changes)


def _carry_followers(
    channel: Channel, wanted: dict[date, Mapping[str, int]]
) -> dict[date, Mapping[str, int]]:
    """Fill the days before the first day given, back to the last day with followers, with
    that day's followers (so that a sum over channels on any day counts every channel)."""
    first = min(day for day, figures in wanted.items() if "followers" in figures)
    last_known = (
        ChannelDay.objects.filter(
            channel=channel, day__lt=first, day__gte=first - timedelta(days=CARRY_DAYS)
        )
        .exclude(followers=0)
        .order_by("-day")
        .values_list("day", "followers")
        .first()
    )
    if last_known is None:
        return wanted
    day, followers = last_known
    filled: dict[date, Mapping[str, int]] = dict(wanted)
    day += timedelta(days=1)
    while day < first:
        if day not in filled:
            filled[day] = {"followers": followers}
        day += timedelta(days=1)
    return filled


def _followers_onward(
    channel: Channel, wanted: dict[date, Mapping[str, int]]
) -> dict[date, Mapping[str, int]]:
    """Days after the last one given whose followers were carried, not read (the inbox's
    counts came first), take its followers, up to the next day read."""
    last = max(day for day, figures in wanted.items() if "followers" in figures)
    followers = int(wanted[last]["followers"])
    later = ChannelDay.objects.filter(channel=channel, day__gt=last).order_by("day")
    filled = dict(wanted)
    for day, read in later.values_list("day", "followers_read"):
        if read:
            break
        if "followers" not in filled.get(day, {}):
            filled[day] = {**filled.get(day, {}), "followers": followers}
    return filled


def _followers_of_new_days(
    channel: Channel, wanted: dict[date, Mapping[str, int]], existing: Mapping[date, ChannelDay]
) -> dict[date, Mapping[str, int]]:
    """A day stored for the first time without followers (posts or the inbox's counts)
    starts with the followers of the last day before it that has them."""
    new_days = sorted(
        day for day, figures in wanted.items() if day not in existing and "followers" not in figures
    )
    if not new_days:
        return wanted
    known = dict(
        ChannelDay.objects.filter(
            channel=channel,
            day__lt=new_days[-1],
            day__gte=new_days[0] - timedelta(days=CARRY_DAYS),
        )
        .exclude(followers=0)
        .values_list("day", "followers")
    )
    known.update(
        {
            day: int(figures["followers"])
            for day, figures in wanted.items()
            if "followers" in figures
        }
    )
    ordered = sorted(known.items())
    filled = dict(wanted)
    for day in new_days:
        before = [followers for known_day, followers in ordered if known_day < day]
        if before and before[-1]:
            filled[day] = {**wanted[day], "followers": before[-1]}
    return filled


def add_counts(channel: Channel, counts: Mapping[date, Mapping[str, int]]) -> int:
    """Add to the named figures (the inbox's comments and messages as they arrive)."""
    if not counts:
        return 0
    with transaction.atomic():
        _lock(channel)
        existing = {
            row.day: row for row in ChannelDay.objects.filter(channel=channel, day__in=counts)
        }
        totals = {
            day: {
                name: getattr(existing[day], name, 0) + value if day in existing else value
                for name, value in figures.items()
            }
            for day, figures in counts.items()
        }
    return set_days(channel, totals)


def note_series(channel: Channel, values: Iterable[Value]) -> None:
    """Remember which platform metric each measure was read from, and over which days."""
    spans: dict[tuple[str, str], tuple[date, date, str]] = {}
    for value in values:
        key = (str(value.measure), value.metric)
        first, last, definition = spans.get(key, (value.day, value.day, value.definition))
        spans[key] = (min(first, value.day), max(last, value.day), definition or value.definition)
    for (measure, metric), (first, last, definition) in spans.items():
        series, created = MetricSeries.objects.get_or_create(
            channel=channel,
            measure=measure,
            metric=metric,
            defaults={"first_day": first, "last_day": last, "definition": definition},
        )
        if not created and (
            first < series.first_day or last > series.last_day or definition != series.definition
        ):
            series.first_day = min(first, series.first_day)
            series.last_day = max(last, series.last_day)
            series.definition = definition or series.definition
            series.save(update_fields=["first_day", "last_day", "definition"])
