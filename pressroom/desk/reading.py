"""The reading dashboard: what a person who only reads (a viewer: the leadership, an
inspector) finds on the desk. The week's published posts of their units, the last month's
figures of the units they read with the way to the dashboards and reports, and the emergency
alerts that went out; nothing to write or approve. A fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from pressroom.analytics.figures import Period
from pressroom.analytics.glance import Glance, glances
from pressroom.content.models import Post
from pressroom.core.dates import VIETNAM
from pressroom.emergency.models import EmergencyAlert
from pressroom.orgs.access import tops
from pressroom.orgs.models import Unit
from pressroom.publishing.models import Delivery

WEEK = timedelta(days=7)
ALERT_DAYS = 30
POST_ROWS = 20
ALERT_ROWS = 10
# The figures of at most this many of the person's highest units (most read one or two).
GLANCE_UNITS = 5


@dataclass(frozen=True)
class Reading:
    since: datetime
    posts: Sequence[Post]
    post_count: int
    period: Period
    glances: list[Glance]
    alerts: list[EmergencyAlert]
    alerts_since: datetime


def last_month() -> Period:
    first = timezone.localdate(timezone=VIETNAM).replace(day=1)
    before = first - timedelta(days=1)
    return Period.month(before.year, before.month)


def reading_of(view_units: QuerySet[Unit]) -> Reading:
    now = timezone.now()
    since = now - WEEK
    published = Post.objects.filter(
        unit__in=view_units,
        deliveries__status=Delivery.Status.PUBLISHED,
        deliveries__published_at__gte=since,
    )
    # Filtered before annotated: the first time out and the channels are this week's.
    posts = list(
        published.annotate(out_at=Min("deliveries__published_at"), channels_out=Count("deliveries"))
        .select_related("unit")
        .order_by("-out_at", "-pk")[:POST_ROWS]
    )
    post_count = published.values("pk").distinct().count()
    alerts_since = now - timedelta(days=ALERT_DAYS)
    alerts = list(
        EmergencyAlert.objects.filter(
            unit__in=view_units,
            status=EmergencyAlert.Status.SENT,
            confirmed_at__gte=alerts_since,
        )
        .select_related("unit", "post")
        .order_by("-confirmed_at")[:ALERT_ROWS]
    )
    period = last_month()
    units = list(tops(view_units).order_by("path")[:GLANCE_UNITS])
    return Reading(
        since=since,
        posts=posts,
        post_count=post_count,
        period=period,
        glances=glances(units, period),
        alerts=alerts,
        alerts_since=alerts_since,
    )
