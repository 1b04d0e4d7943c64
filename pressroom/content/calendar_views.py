"""The calendar: a week or a month of posts, on the day they go out (or were written)."""

from __future__ import annotations

import calendar as calendar_module
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Case, DateTimeField, F, When
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pressroom.channels.models import Channel
from pressroom.content.access import visible_posts, visible_themes
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
    posts = (
        filter_posts(visible_posts(request.user), filters)
        .annotate(
            when=Case(
                When(scheduled_at__isnull=False, then=F("scheduled_at")),
                default=F("created_at"),
                output_field=DateTimeField(),
            )
        )
        .filter(
            when__gte=datetime.combine(start, time.min, tzinfo=VIETNAM),
            when__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=VIETNAM),
        )
        .select_related("unit", "theme")
        .order_by("when")
        .distinct()
    )
    by_day: dict[date, list[Post]] = {}
    for post in posts:
        by_day.setdefault(timezone.localtime(post.when, VIETNAM).date(), []).append(post)
    days = [
        CalendarDay(
            day=day,
            in_month=first <= day <= last,
            is_today=day == today,
            posts=by_day.get(day, []),
        )
        for day in (start + timedelta(days=offset) for offset in range((end - start).days + 1))
    ]
    weeks = [days[index : index + 7] for index in range(0, len(days), 7)]
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
            "total": sum(len(day.posts) for day in days),
        },
    )
