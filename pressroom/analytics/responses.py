"""How quickly a unit (everything below it included) answered the public over a period: the
dashboard's few figures of the inbox, in two queries. The inbox's response report
(`pressroom.inbox.reports.response_report`) has them per unit, channel and platform, with
the share answered within each unit's target; the dashboard links to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, Sum

from pressroom.analytics.periods import Period
from pressroom.inbox.models import Conversation
from pressroom.orgs.models import Unit


@dataclass(frozen=True)
class Responses:
    """Conversations begun in the period; times in working seconds, as the inbox counts."""

    conversations: int
    answered: int
    first_response_median: float | None
    first_response_average: float | None


def bounds(period: Period) -> tuple[datetime, datetime]:
    """The period as moments: from its first day's midnight to the one after its last."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(period.start, time(), tzinfo=zone),
        datetime.combine(period.end + timedelta(days=1), time(), tzinfo=zone),
    )


def responses(unit: Unit, period: Period) -> Responses:
    start, end = bounds(period)
    begun = Conversation.objects.filter(
        channel__unit__path__startswith=unit.path,
        first_inbound_at__gte=start,
        first_inbound_at__lt=end,
    )
    found = begun.aggregate(
        conversations=Count("id"),
        answered=Count("id", filter=Q(first_response_at__isnull=False)),
        timed=Count("first_response_s"),
        total=Sum("first_response_s"),
    )
    timed: int = found["timed"] or 0
    median = average = None
    if timed:
        average = float(found["total"] or 0) / timed
        # The middle value, or the mean of the two middle ones.
        middle = [
            float(value)
            for value in begun.exclude(first_response_s=None)
            .order_by("first_response_s")
            .values_list("first_response_s", flat=True)[(timed - 1) // 2 : timed // 2 + 1]
            if value is not None
        ]
        median = sum(middle) / len(middle)
    return Responses(
        conversations=found["conversations"] or 0,
        answered=found["answered"] or 0,
        first_response_median=median,
        first_response_average=average,
    )
