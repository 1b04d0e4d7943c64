"""The calendar: a week or a month of posts, on the day they go out (or were written)."""

from __future__ import annotations

import calendar as calendar_module
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Case, DateTimeField, F, Q, QuerySet, When
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pressroom.channels.models import Channel
from pressroom.content.access import visible_posts, visible_themes
from pressroom.content.cadence_gaps import gaps_of
from pressroom.content.forms import CalendarFilterForm, filter_posts
from pressroom.content.models import Post
from pressroom.core.dates import VIETNAM
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    posts: list[Post]
    # Every post of the day; `posts` holds the first SHOWN_IN_MONTH of them in a month.
    count: int = 0

    @property
    def more(self) -> int:
        return self.count - len(self.posts)


# A month's day lists this many posts, then "N more" leads to its week.
SHOWN_IN_MONTH = 4


def posts_by_day(
    posts: QuerySet[Post], start: date, end: date, *, shown: int | None
) -> tuple[dict[date, list[Post]], dict[date, int]]:
    """The posts from `start` to `end` (Vietnam days) at their publishing time, or the time
    they were written when not scheduled, per day (the first `shown` of each day when
    given), and how many each day has: two queries, the first reading only times."""
    since = datetime.combine(start, time.min, tzinfo=VIETNAM)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=VIETNAM)
    # Said as two ranges, each over an indexed column, rather than over the CASE below.
    within = Q(scheduled_at__gte=since, scheduled_at__lt=until) | Q(
        scheduled_at__isnull=True, created_at__gte=since, created_at__lt=until
    )
    dated = (
        posts.filter(within)
        .annotate(
            when=Case(
                When(scheduled_at__isnull=False, then=F("scheduled_at")),
                default=F("created_at"),
                output_field=DateTimeField(),
            )
        )
        .order_by("when", "pk")
    )
    counts: dict[date, int] = {}
    listed: list[int] = []
    for pk, when in dated.values_list("pk", "when"):
        day = when.astimezone(VIETNAM).date()
        counts[day] = counts.get(day, 0) + 1
        if shown is None or counts[day] <= shown:
            listed.append(pk)
    by_day: dict[date, list[Post]] = {}
    for post in dated.filter(pk__in=listed).select_related("unit", "theme"):
        by_day.setdefault(post.when.astimezone(VIETNAM).date(), []).append(post)
    return by_day, counts


def _planned_channels(request: AuthenticatedHttpRequest, filters: dict[str, Any]) -> Any:
    """The channels whose week the calendar checks: those the person plans for, narrowed by
    the calendar's unit and channel filters."""
    channels = Channel.objects.filter(unit__in=units_for(request.user, Capability.COMPOSE))
    if filters.get("unit") is not None:
        channels = channels.filter(unit__path__startswith=filters["unit"].path)
    if filters.get("channel") is not None:
        channels = channels.filter(pk=filters["channel"].pk)
    return channels


@login_required
@require_GET
def post_calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = units_for(request.user, Capability.VIEW)
    channels = Channel.objects.filter(unit__in=units).select_related("unit")
    form = CalendarFilterForm(
        request.GET or None,
        units=units,
        themes=visible_themes(request.user),
        channels=channels,
        initial={"view": "week", "date": timezone.localdate(timezone=VIETNAM)},
    )
    filters: dict[str, Any] = {}
    if form.is_bound:
        # What was valid applies; a field that was not (a date out of range) shows its error.
        form.is_valid()
        filters = form.cleaned_data
    today = timezone.localdate(timezone=VIETNAM)
    view = filters.get("view") or "week"
    anchor = filters.get("date") or today
    if view == "month":
        first = anchor.replace(day=1)
        last = first.replace(day=calendar_module.monthrange(first.year, first.month)[1])
        start = first - timedelta(days=first.weekday())
        end = last + timedelta(days=7 - last.isoweekday())
        previous = (first - timedelta(days=1)).replace(day=1)
        following = last + timedelta(days=1)
    else:
        first = start = anchor - timedelta(days=anchor.weekday())
        last = end = start + timedelta(days=6)
        previous, following = start - timedelta(days=7), start + timedelta(days=7)
    by_day, counts = posts_by_day(
        filter_posts(visible_posts(request.user), filters),
        start,
        end,
        shown=SHOWN_IN_MONTH if view == "month" else None,
    )
    days = [
        CalendarDay(
            day=day,
            in_month=first <= day <= last,
            is_today=day == today,
            posts=by_day.get(day, []),
            count=counts.get(day, 0),
        )
        for day in (start + timedelta(days=offset) for offset in range((end - start).days + 1))
    ]
    weeks = [days[index : index + 7] for index in range(0, len(days), 7)]
    gaps = gaps_of(_planned_channels(request, filters), first=start) if view == "week" else None
    return render(
        request,
        "content/calendar.html",
        {
            "form": form,
            "view": view,
            "first": first,
            "last": last,
            "weeks": weeks,
            "days": days,
            "previous": previous.isoformat(),
            "following": following.isoformat(),
            "today": today.isoformat(),
            "total": sum(day.count for day in days),
            "gaps": gaps,
        },
    )
