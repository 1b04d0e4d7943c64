"""A unit's dashboard for a period (everything below it included): read through `figures` in
a fixed number of queries whatever the size of the tree, shaped for the template."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.analytics import figures
from pressroom.analytics.display import (
    COLUMNS,
    FORMATS,
    POST_COLUMNS,
    Cell,
    ChartBlock,
    Headline,
    cells,
    change,
    gaps,
    headlines,
    missing_on_all,
    notes,
    number_text,
    platform_label,
)
from pressroom.analytics.documents import charts
from pressroom.analytics.documents.model import Language
from pressroom.analytics.figures import Cadences, Period, Totals
from pressroom.analytics.models import PostFigures
from pressroom.analytics.responses import Responses, responses
from pressroom.analytics.templatetags.analytics_tags import day
from pressroom.channels.models import Channel
from pressroom.orgs.models import Unit


@dataclass(frozen=True)
class Row:
    """A line of a table: a platform, a unit (None: the unit's own channels), a channel."""

    name: str
    cells: list[Cell]
    unit: Unit | None = None
    channel: Channel | None = None
    reach_change: float | None = None


@dataclass(frozen=True)
class PostRow:
    post_id: int
    title: str
    channel: str
    platform: str
    published_on: date
    cells: list[Cell]
    permalink: str = ""


@dataclass(frozen=True)
class GroupRow:
    name: str
    posts: int
    cells: list[Cell]


@dataclass
class Dashboard:
    unit: Unit
    period: Period
    headlines: list[Headline]
    responses: Responses
    platforms: list[Row]
    lines: list[Row]
    channels: list[Row]
    top_posts: list[PostRow]
    themes: list[GroupRow]
    formats: list[GroupRow]
    cadence: Cadences
    notes: list[str]
    charts: list[ChartBlock] = field(default_factory=list)
    empty: bool = False


def post_rows(posts: list[PostFigures], unavailable: dict[str, dict[str, str]]) -> list[PostRow]:
    return [
        PostRow(
            post_id=row.delivery.post_id,
            title=row.delivery.post.title,
            channel=row.delivery.channel.name,
            platform=platform_label(row.platform),
            published_on=row.published_on,
            cells=cells(row, unavailable.get(row.platform, {}), POST_COLUMNS),
            permalink=row.delivery.permalink,
        )
        for row in posts
    ]


def _group_cells(row: dict[str, object]) -> list[Cell]:
    return [Cell(int(str(row[column] or 0))) for column in POST_COLUMNS]


def theme_rows(rows: list[dict[str, object]]) -> list[GroupRow]:
    return [
        GroupRow(str(row["name"] or _("No theme")), int(str(row["posts"])), _group_cells(row))
        for row in rows
    ]


def format_rows(rows: list[dict[str, object]]) -> list[GroupRow]:
    return [
        GroupRow(
            str(FORMATS.get(str(row["format"]), row["format"])),
            int(str(row["posts"])),
            _group_cells(row),
        )
        for row in rows
    ]


def trend_chart(
    rows: list[dict[str, object]], language: Language, *, with_reach: bool
) -> ChartBlock:
    title = _("Reach and engagement per day")
    reach, engagement = _("Reach"), _("Comments and reactions")
    points: list[charts.TrendPoint] = []
    table: list[tuple[str, ...]] = []
    for row in rows:
        on = row["day"]
        assert isinstance(on, date)
        comments_reactions = int(str(row["comments"] or 0)) + int(str(row["reactions"] or 0))
        if with_reach:
            points.append(charts.TrendPoint(day=on, measure=reach, value=int(str(row["reach"]))))
        points.append(charts.TrendPoint(day=on, measure=engagement, value=comments_reactions))
        table.append(
            (
                day(on),
                number_text(int(str(row["reach"] or 0))) if with_reach else "—",
                number_text(comments_reactions),
            )
        )
    return ChartBlock(
        key="chart-trend",
        title=title,
        # The figure's caption is the title on screen (the PDF prints it as text too).
        spec=charts.trend_spec(points, language=language),
        columns=(_("Day"), reach, engagement),
        rows=table,
    )


def counted(platforms: dict[str, Totals]) -> list[str]:
    """The platforms that counted anything (a unit's own line keeps empty ones)."""
    return [platform for platform, totals in platforms.items() if any(totals.as_dict().values())]


def own_channels(unit: Unit) -> str:
    return _("%(unit)s (own channels)") % {"unit": unit.name}


def build(unit: Unit, period: Period, language: Language) -> Dashboard:
    seen = figures.overview(unit, period)
    unavailable = figures.unavailable(unit)
    found_gaps = gaps(seen.platforms, unavailable)
    channels = figures.channels_of(unit, period)
    themes, formats = figures.themes_and_formats(unit, period)
    target = settings.ANALYTICS_CADENCE_TARGET
    cadence = figures.cadence(unit, min(period.end, timezone.localdate()), target=target)
    lines = [
        Row(
            name=line.unit.name
            if line.unit
            else _("%(unit)s (own channels)") % {"unit": unit.name},
            cells=cells(line.totals, missing_on_all(counted(line.platforms), unavailable)),
            unit=line.unit,
            reach_change=change(line.totals.reach, line.previous.reach),
        )
        for line in seen.lines
    ]
    trend = figures.trend(unit, period)
    board = Dashboard(
        unit=unit,
        period=period,
        headlines=headlines(seen.total, seen.previous, found_gaps),
        responses=responses(unit, period),
        platforms=[
            Row(
                name=platform_label(platform),
                cells=cells(totals, unavailable.get(platform, {})),
                reach_change=change(
                    totals.reach, seen.previous_platforms.get(platform, Totals()).reach
                ),
            )
            for platform, totals in seen.platforms.items()
        ],
        lines=lines,
        channels=[
            Row(
                name=channel.name,
                cells=cells(totals, unavailable.get(channel.platform, {})),
                channel=channel,
            )
            for channel, totals in channels
        ],
        top_posts=post_rows(figures.top_posts(unit, period), unavailable),
        themes=theme_rows(themes),
        formats=format_rows(formats),
        cadence=cadence,
        notes=notes(figures.series_notes(unit, period), unavailable),
        empty=not trend and not any(seen.total.as_dict().values()),
    )
    reach_everywhere_missing = "reach" in found_gaps and found_gaps["reach"].everywhere
    if trend:
        board.charts.append(trend_chart(trend, language, with_reach=not reach_everywhere_missing))
    if lines and not reach_everywhere_missing:
        title = _("Reach per unit")
        board.charts.append(
            ChartBlock(
                key="chart-units",
                title=title,
                spec=charts.bars_spec(
                    [(line.name, line.cells[COLUMNS.index("reach")].value) for line in lines],
                    "",
                    language=language,
                ),
                columns=(_("Unit"), _("Reach")),
                rows=[
                    (line.name, number_text(line.cells[COLUMNS.index("reach")].value))
                    for line in lines
                ],
            )
        )
    return board
