"""Working hours: a unit's response policy and the working time between two moments.

Time is counted on the wall clock of settings.TIME_ZONE (Asia/Ho_Chi_Minh), on the policy's
working days between its `day_starts` and `day_ends`. Public holidays are not known here: a
holiday counts as a working day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from pressroom.inbox.models import ResponsePolicy
from pressroom.orgs.models import Unit

DEFAULT_WEEKDAYS: tuple[int, ...] = (1, 2, 3, 4, 5)
DEFAULT_DAY_STARTS = time(7, 30)
DEFAULT_DAY_ENDS = time(17, 0)
DEFAULT_FIRST_RESPONSE_HOURS = 4.0
DEFAULT_RESOLUTION_HOURS = 24.0

_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class WorkingWeek:
    """A policy's working days and hours, made sound (a policy stored by hand may not be)."""

    weekdays: frozenset[int]
    starts: time
    ends: time

    @property
    def day_seconds(self) -> float:
        return _seconds_of(self.ends) - _seconds_of(self.starts)

    @property
    def week_seconds(self) -> float:
        return self.day_seconds * len(self.weekdays)


def _seconds_of(moment: time) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def _as_time(value: object, fallback: time) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            return fallback
    return fallback


def working_week(policy: ResponsePolicy) -> WorkingWeek:
    """The policy's week: no working days means Monday to Friday; a day that ends before it
    starts means the default hours."""
    days = policy.weekdays if isinstance(policy.weekdays, list) else []
    weekdays = frozenset(day for day in days if isinstance(day, int) and 1 <= day <= 7)
    starts = _as_time(policy.day_starts, DEFAULT_DAY_STARTS)
    ends = _as_time(policy.day_ends, DEFAULT_DAY_ENDS)
    if ends <= starts:
        starts, ends = DEFAULT_DAY_STARTS, DEFAULT_DAY_ENDS
    return WorkingWeek(weekdays or frozenset(DEFAULT_WEEKDAYS), starts, ends)


def default_policy(unit: Unit) -> ResponsePolicy:
    """The targets of a unit that has none, nor any unit above it (not saved)."""
    return ResponsePolicy(
        unit=unit,
        first_response_hours=DEFAULT_FIRST_RESPONSE_HOURS,
        resolution_hours=DEFAULT_RESOLUTION_HOURS,
        day_starts=DEFAULT_DAY_STARTS,
        day_ends=DEFAULT_DAY_ENDS,
        weekdays=list(DEFAULT_WEEKDAYS),
    )


def policy_for(unit: Unit) -> ResponsePolicy:
    """The unit's own policy, else the nearest unit's above it, else the default (unsaved)."""
    return policies_for([unit])[unit.pk]


def policies_for(units: Iterable[Unit]) -> dict[int, ResponsePolicy]:
    """`policy_for` of many units in one query, by unit id."""
    units = list(units)
    wanted = {ancestor for unit in units for ancestor in unit.ancestor_ids()}
    stored = {
        policy.unit_id: policy for policy in ResponsePolicy.objects.filter(unit_id__in=wanted)
    }
    found: dict[int, ResponsePolicy] = {}
    for unit in units:
        # ancestor_ids() is root first: the nearest is the last one with a policy.
        own = [stored[ancestor] for ancestor in unit.ancestor_ids() if ancestor in stored]
        found[unit.pk] = own[-1] if own else default_policy(unit)
    return found


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone)


def _shift_days(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """The same wall-clock time `days` later (or earlier) in the zone."""
    local = moment.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)
    return local.replace(tzinfo=zone)


def working_seconds(start: datetime, end: datetime, policy: ResponsePolicy) -> float:
    """The working time between two aware moments, in seconds (0 when end is not after start)."""
    if end <= start:
        return 0.0
    week, zone = working_week(policy), _zone()
    total = 0.0
    # Whole weeks at once: any seven days hold one working week.
    weeks = (end - start) // _WEEK - 1
    if weeks > 0:
        total += weeks * week.week_seconds
        start = _shift_days(start, 7 * weeks, zone)
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        if day.isoweekday() in week.weekdays:
            opens = max(_at(day, week.starts, zone), start)
            closes = min(_at(day, week.ends, zone), end)
            if closes > opens:
                total += (closes - opens).total_seconds()
        day += timedelta(days=1)
    return total


def due_at(start: datetime, hours: float, policy: ResponsePolicy) -> datetime:
    """The moment at which `hours` working hours after `start` have passed."""
    remaining = hours * 3600
    if remaining <= 0:
        return start
    week, zone = working_week(policy), _zone()
    weeks = int(remaining // week.week_seconds)
    if weeks and remaining == weeks * week.week_seconds:
        weeks -= 1  # end inside the last working day, not at the next one's opening
    if weeks > 0:
        remaining -= weeks * week.week_seconds
        start = _shift_days(start, 7 * weeks, zone)
    day = start.astimezone(zone).date()
    while True:
        if day.isoweekday() in week.weekdays:
            opens = max(_at(day, week.starts, zone), start)
            closes = _at(day, week.ends, zone)
            if closes > opens:
                available = (closes - opens).total_seconds()
                if remaining <= available:
                    return opens + timedelta(seconds=remaining)
                remaining -= available
        day += timedelta(days=1)


def started_by(end: datetime, hours: float, policy: ResponsePolicy) -> datetime:
    """The latest start from which `hours` working hours have passed at `end`.

    Whatever began at or before it is past a target of `hours` at `end` (`due_at` backwards).
    """
    remaining = hours * 3600
    if remaining <= 0:
        return end
    week, zone = working_week(policy), _zone()
    weeks = int(remaining // week.week_seconds)
    if weeks and remaining == weeks * week.week_seconds:
        weeks -= 1
    if weeks > 0:
        remaining -= weeks * week.week_seconds
        end = _shift_days(end, -7 * weeks, zone)
    day = end.astimezone(zone).date()
    while True:
        if day.isoweekday() in week.weekdays:
            opens = _at(day, week.starts, zone)
            closes = min(_at(day, week.ends, zone), end)
            if closes > opens:
                available = (closes - opens).total_seconds()
                if remaining <= available:
                    return closes - timedelta(seconds=remaining)
                remaining -= available
        day -= timedelta(days=1)
