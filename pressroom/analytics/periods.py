"""A period of days a figure is counted over, and the totals counted over one."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from pressroom.analytics.models import SUMMED


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: str = "custom"

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), "month")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        end = cls.month(year, first + 2).end
        return cls(date(year, first, 1), end, "quarter")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), "year")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def quarter_number(self) -> int:
        return (self.start.month - 1) // 3 + 1

    def previous(self) -> Period:
        """The period of the same kind just before (for growth against it)."""
        if self.kind == "month":
            before = self.start - timedelta(days=1)
            return Period.month(before.year, before.month)
        if self.kind == "quarter":
            before = self.start - timedelta(days=1)
            return Period.quarter(before.year, (before.month - 1) // 3 + 1)
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def label(self) -> str:
        if self.kind == "month":
            return _("month %(month)d/%(year)d") % {
                "month": self.start.month,
                "year": self.start.year,
            }
        if self.kind == "quarter":
            return _("quarter %(quarter)d of %(year)d") % {
                "quarter": self.quarter_number,
                "year": self.start.year,
            }
        if self.kind == "year":
            return _("the year %(year)d") % {"year": self.start.year}
        return _("%(start)s to %(end)s") % {
            "start": formats.date_format(self.start, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(self.end, "SHORT_DATE_FORMAT"),
        }

    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{self.quarter_number}"
        if self.kind == "year":
            return f"{self.start.year}"
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


@dataclass
class Totals:
    posts: int = 0
    reach: int = 0
    visits: int = 0
    reactions: int = 0
    comments: int = 0
    shares: int = 0
    clicks: int = 0
    messages: int = 0
    followers: int = 0
    followers_before: int = 0

    @property
    def growth(self) -> int:
        return self.followers - self.followers_before

    @property
    def engagement(self) -> int:
        return self.reactions + self.comments + self.shares

    def add(self, other: Totals) -> None:
        for name in (*SUMMED, "followers", "followers_before"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def minus(self, other: Totals) -> Totals:
        result = Totals()
        for name in (*SUMMED, "followers", "followers_before"):
            setattr(result, name, getattr(self, name) - getattr(other, name))
        return result

    def as_dict(self) -> dict[str, int]:
        return {
            **{name: getattr(self, name) for name in (*SUMMED, "followers")},
            "growth": self.growth,
        }
