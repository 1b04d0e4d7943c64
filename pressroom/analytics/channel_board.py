"""A channel's page for a period: its figures against the period before, when its posts
reached most people (a week-by-hours heatmap and the three best hours, as text), and its
posts that reached most people, each leading to the post."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from pressroom.analytics import figures
from pressroom.analytics.dashboard import PostRow, post_rows, trend_chart
from pressroom.analytics.display import ChartBlock, Headline, gaps, headlines, notes, number_text
from pressroom.analytics.documents import charts
from pressroom.analytics.documents.model import Language
from pressroom.analytics.figures import Period
from pressroom.analytics.models import CollectCursor
from pressroom.channels.models import Channel

# A best hour has at least this many posts behind it.
SLOT_MIN_POSTS = 2


@dataclass(frozen=True)
class Slot:
    weekday: str
    hour: int
    posts: int
    average: float

    @property
    def hours(self) -> str:
        return f"{self.hour:02d}:00\N{EN DASH}{(self.hour + 1) % 24:02d}:00"


@dataclass
class ChannelBoard:
    channel: Channel
    period: Period
    headlines: list[Headline]
    top_posts: list[PostRow]
    slots: list[Slot]
    # What the best hours are ranked by: "reach", or "engagement" where the platform gives
    # no reach (Telegram).
    ranked_by: str
    notes: list[str]
    charts: list[ChartBlock] = field(default_factory=list)
    empty: bool = False


def missing_of(channel: Channel) -> dict[str, str]:
    try:
        cursor = channel.collect_cursor
    except CollectCursor.DoesNotExist:
        return {}
    return dict(cursor.unavailable or {})


def build(channel: Channel, period: Period, language: Language) -> ChannelBoard:
    missing = missing_of(channel)
    unavailable = {channel.platform: missing} if missing else {}
    now, before = figures.channel_totals(channel, [period, period.previous()])
    trend = figures.channel_trend(channel, period)
    hours = figures.best_hours(figures.channel_posts(channel, period))
    ranked_by = "engagement" if "reach" in missing else "reach"
    key = "average_engagement" if ranked_by == "engagement" else "reach"
    names = charts.WEEKDAYS[language]
    slots = [
        Slot(names[row["published_weekday"]], row["published_hour"], row["posts"], row[key] or 0)
        for row in figures.best_slots(hours, min_posts=SLOT_MIN_POSTS, by=key)
    ]
    board = ChannelBoard(
        channel=channel,
        period=period,
        headlines=headlines(now, before, gaps([channel.platform], unavailable)),
        top_posts=post_rows(figures.top_channel_posts(channel, period), unavailable),
        slots=slots,
        ranked_by=ranked_by,
        notes=notes(figures.series_notes(channel.unit, period, channel=channel), unavailable),
        empty=not trend and not any(now.as_dict().values()),
    )
    if trend:
        board.charts.append(trend_chart(trend, language, with_reach="reach" not in missing))
    if hours:
        value_title = _("Average reach") if ranked_by == "reach" else _("Average engagement")
        title = _("When posts reached most people")
        board.charts.append(
            ChartBlock(
                key="chart-hours",
                title=title,
                spec=charts.hours_spec(
                    [
                        (row["published_weekday"], row["published_hour"], row[key] or 0)
                        for row in hours
                    ],
                    language=language,
                    value_title=value_title,
                ),
                columns=(_("Day"), _("Hour"), _("Posts"), value_title),
                rows=[
                    (
                        names[row["published_weekday"]],
                        f"{row['published_hour']:02d}:00",
                        number_text(row["posts"]),
                        number_text(row[key] or 0),
                    )
                    for row in hours
                ],
            )
        )
    return board
