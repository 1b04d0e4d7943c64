"""Figures per channel and day, per post, and their roll-ups up the unit tree.

`ChannelDay` holds what was read for one channel on one day; `UnitDay` holds the same figures
summed over a unit and every unit below it, per platform, maintained as figures arrive (see
`rollup`), so that a report of any unit over any period reads a few hundred rows, and
`UnitMonth` the same per calendar month; `ChannelWeek` holds each channel's posts per week,
for the cadence. Followers
are a level: a day's figure is the followers at the end of that day, and the followers of a
period are those of its last day.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pressroom.channels.models import Channel
from pressroom.orgs.models import Unit
from pressroom.platforms.registry import Platform
from pressroom.publishing.models import Delivery

# The figures a channel-day and a unit-day carry, in the order reports show them.
FIGURES = (
    "posts",
    "reach",
    "visits",
    "reactions",
    "comments",
    "shares",
    "clicks",
    "messages",
    "followers",
)
# Figures summed over days (followers are not: see the module's docstring).
SUMMED = tuple(name for name in FIGURES if name != "followers")


class SummedFigures(models.Model):
    posts = models.BigIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    visits = models.BigIntegerField(default=0)
    reactions = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    messages = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class Figures(SummedFigures):
    followers = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class ChannelDay(Figures):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    # The followers were read for this day (not carried from the day before it).
    followers_read = models.BooleanField(default=False)
    # The unit and platform the figures are rolled up to (the channel's, kept here so that a
    # roll-up never joins the channel table).
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=20, choices=Platform.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["channel", "day"], name="one_figure_row_per_channel_day"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["unit", "day"])]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.day}"


class UnitDay(Figures):
    """A unit's figures on one day on one platform, the units below it included."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    platform = models.CharField(max_length=20, choices=Platform.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["unit", "day", "platform"], name="one_rollup_row_per_unit_day_platform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.platform}"


class UnitMonth(SummedFigures):
    """A unit's `UnitDay` rows of one calendar month summed (followers, a level, are read
    from the days): a quarter of any unit is three rows per platform, a year twelve."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    platform = models.CharField(max_length=20, choices=Platform.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["unit", "month", "platform"], name="one_rollup_row_per_unit_month_platform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m} {self.platform}"


class ChannelWeek(models.Model):
    """A channel's posts over one week (Monday to Sunday), kept with its days (see `rollup`):
    how often a channel posts is read from four rows per channel, not twenty-eight."""

    # Indexed by the unique constraint, which starts with it.
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="weeks", db_index=False
    )
    # The week's Monday.
    week = models.DateField()
    posts = models.BigIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["channel", "week"], name="one_row_per_channel_week")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.week}"


class ChannelCadence(models.Model):
    """A connected channel's posts over the last whole weeks, as `cadence.refresh` last found
    them (the collector refreshes them every few minutes): a large tree's dashboard reads
    the lowest ones from an index instead of summing every channel's weeks."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    since = models.DateField()  # a Monday
    until = models.DateField()  # a Sunday
    target = models.PositiveIntegerField()  # posts a week, when the rows were made
    posts = models.BigIntegerField()
    # The channel's, when the rows were made: listed in this order, within a subtree.
    unit_path = models.CharField(max_length=500)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    name = models.CharField(max_length=200)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["channel", "until"], name="one_cadence_per_channel_window"
            )
        ]
        indexes: ClassVar = [
            models.Index(
                fields=["until", "target", "posts", "unit_path", "platform", "name"],
                name="analytics_cadence_lowest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.until}: {self.posts}"


class MetricSeries(models.Model):
    """Which platform metric a channel's measure was read from, and over which days: a report
    says where a series changed meaning (Facebook's impressions became views in 2025)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="metric_series")
    measure = models.CharField(max_length=20)
    metric = models.CharField(max_length=100)
    definition = models.TextField(blank=True)
    first_day = models.DateField()
    last_day = models.DateField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["channel", "measure", "metric"], name="one_series_per_channel_metric"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.measure} ← {self.metric}"


class PostFigures(models.Model):
    """A published post's latest figures on one channel, with what a report groups it by."""

    delivery = models.OneToOneField(Delivery, on_delete=models.CASCADE, related_name="figures")
    # Copied from the delivery, its channel and its post so that lists read one table.
    unit_path = models.CharField(max_length=500)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    published_on = models.DateField()
    published_hour = models.PositiveSmallIntegerField(default=0)
    published_weekday = models.PositiveSmallIntegerField(default=0)
    theme_id = models.BigIntegerField(null=True)
    # "text", "image", "link", "video", "document".
    format = models.CharField(max_length=20, default="text")
    reach = models.BigIntegerField(default=0)
    reactions = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["unit_path", "published_on"]),
            models.Index(fields=["published_on"]),
        ]

    def __str__(self) -> str:
        return f"figures of delivery {self.delivery_id}"

    @property
    def engagement(self) -> int:
        return self.reactions + self.comments + self.shares


class PostDay(models.Model):
    """A post's figures as read on one day (totals since publication): its history."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    reach = models.BigIntegerField(default=0)
    reactions = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["delivery", "day"], name="one_post_row_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.day}"


class CollectCursor(models.Model):
    """Where a channel's collection stands: resumable, and held back after a rate limit."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="collect_cursor")
    # The channel's daily figures are read up to this day (inclusive); none yet: backfill.
    complete_until = models.DateField(null=True, blank=True)
    next_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    # Platform metrics refused as unknown (retired): not asked again, named in reports.
    dropped = models.JSONField(default=list, blank=True)
    # Measures the platform does not give, with its reason.
    unavailable = models.JSONField(default=dict, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"collection of {self.channel_id}"


class ReportSchedule(models.Model):
    """A unit's period report, e-mailed to chosen people after each month or quarter."""

    class Every(models.TextChoices):
        MONTH = "month", _("Every month")
        QUARTER = "quarter", _("Every quarter")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="report_schedules")
    every = models.CharField(_("how often"), max_length=10, choices=Every.choices)
    recipients = models.TextField(_("recipients (one e-mail address per line)"))
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="vi"
    )
    # The last period sent ("2026-11", "2026-Q3"): a period is sent once.
    last_sent = models.CharField(max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled report")
        verbose_name_plural = _("scheduled reports")

    def __str__(self) -> str:
        return f"{self.unit} · {self.every}"

    def addresses(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]
