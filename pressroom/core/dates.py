"""The dates a person may ask for: calendars and schedules stay between these."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
EARLIEST_DATE = date(2000, 1, 1)
YEARS_AHEAD = 5


def latest_date() -> date:
    """Five years from today (Vietnam time): the furthest a post may be scheduled."""
    today = timezone.localdate(timezone=VIETNAM)
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)
