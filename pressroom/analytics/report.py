"""A unit's period report: the summary paragraph with the headline figures, the tables per unit
and platform, the charts, and the notes on what a figure means — in the one shape the PDF,
XLSX and CSV renderers read (`documents.ReportDocument`), in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pressroom.analytics import figures
from pressroom.analytics.documents import charts
from pressroom.analytics.documents.model import (
    CellValue,
    Chart,
    Column,
    Heading,
    Language,
    ReportDocument,
    Signer,
    Table,
)
from pressroom.analytics.documents.wording import cell_text, short_date
from pressroom.analytics.figures import Period, Totals
from pressroom.analytics.responses import Responses, responses
from pressroom.orgs.models import Unit
from pressroom.platforms.registry import Platform

FORMATS = {
    "text": gettext_lazy("Text"),
    "image": gettext_lazy("Image"),
    "link": gettext_lazy("Link"),
    "video": gettext_lazy("Video"),
    "document": gettext_lazy("Document"),
}


@dataclass(frozen=True)
class Filing:
    """What the person filing the report adds: its number, place, signer and recipients."""

    number: str = "…/BC-…"
    place: str = ""
    signer_position: str = ""
    signer_name: str = ""
    recipients: tuple[str, ...] = ()
    issued_on: date | None = None


def _figure_columns(*, wide: bool = True) -> tuple[Column, ...]:
    """The figures' columns; the narrow set (for tables that also name a unit) fits the
    width of an A4 portrait page."""
    columns = [
        Column(_("Posts"), "int"),
        Column(_("Reach"), "int"),
        Column(_("Visits"), "int"),
        Column(_("Comments"), "int"),
        Column(_("Reactions"), "int"),
        Column(_("Shares"), "int"),
    ]
    if wide:
        columns.append(Column(_("Messages"), "int"))
    columns.append(Column(_("Followers"), "int"))
    if wide:
        columns.append(Column(_("Follower growth"), "int"))
    return tuple(columns)


def _figure_cells(totals: Totals, *, wide: bool = True) -> tuple[int, ...]:
    cells = [
        totals.posts,
        totals.reach,
        totals.visits,
        totals.comments,
        totals.reactions,
        totals.shares,
    ]
    if wide:
        cells.append(totals.messages)
    cells.append(totals.followers)
    if wide:
        cells.append(totals.growth)
    return tuple(cells)


_CELL_MEASURES = (
    "posts",
    "reach",
    "visits",
    "comments",
    "reactions",
    "shares",
    "messages",
    "followers",
    "growth",
)


def _platform_cells(
    totals: Totals, missing: set[str], *, wide: bool = True
) -> tuple[int | None, ...]:
    """A platform's figures, with "—" (None) where the platform gives no such figure."""
    names = [name for name in _CELL_MEASURES if wide or name not in ("messages", "growth")]
    return tuple(
        None if name in missing or (name == "growth" and "followers" in missing) else value
        for name, value in zip(names, _figure_cells(totals, wide=wide), strict=True)
    )


def _platform_label(platform: str) -> str:
    try:
        return str(Platform(platform).label)
    except ValueError:
        return platform


def _summary(unit: Unit, period: Period, whole: Totals, lines: int, language: Language) -> str:
    def number(value: int) -> str:
        return cell_text(value, "int", language)

    return _(
        "In %(period)s, %(unit)s and the units below it published %(posts)s posts, which "
        "reached %(reach)s views and drew %(visits)s visits, %(comments)s comments, "
        "%(reactions)s reactions and %(shares)s shares; citizens sent %(messages)s messages. "
        "At the end of the period the channels had %(followers)s followers (%(growth)s over "
        "the period). The tables below give the figures of the %(lines)s units reporting to it, "
        "per platform."
    ) % {
        "period": period.label(),
        "unit": unit.name,
        "posts": number(whole.posts),
        "reach": number(whole.reach),
        "visits": number(whole.visits),
        "comments": number(whole.comments),
        "reactions": number(whole.reactions),
        "shares": number(whole.shares),
        "messages": number(whole.messages),
        "followers": number(whole.followers),
        "growth": ("+" if whole.growth >= 0 else "") + number(whole.growth),
        "lines": lines,
    }


def _change_paragraph(whole: Totals, before: Totals, language: Language) -> str:
    def change(now: int, then: int) -> str:
        if not then:
            return "—"
        return cell_text((now - then) / then, "percent", language)

    return _(
        "Compared with the period before: posts %(posts)s, reach %(reach)s, comments and "
        "reactions %(engagement)s."
    ) % {
        "posts": change(whole.posts, before.posts),
        "reach": change(whole.reach, before.reach),
        "engagement": change(whole.comments + whole.reactions, before.comments + before.reactions),
    }


def _responses_paragraph(answers: Responses, language: Language) -> str:
    if not answers.conversations:
        return _("No citizen began a conversation with the channels in the period.")
    median = (
        cell_text(timedelta(seconds=answers.first_response_median), "duration", language)
        if answers.first_response_median is not None
        else "—"
    )
    return _(
        "Citizens began %(conversations)s conversations (comments and messages); "
        "%(answered)s were answered, the first answer coming after %(median)s of working "
        "time (median)."
    ) % {
        "conversations": cell_text(answers.conversations, "int", language),
        "answered": cell_text(answers.answered, "int", language),
        "median": median,
    }


def _footnotes(
    unit: Unit, period: Period, unavailable: dict[str, dict[str, str]], language: Language
) -> tuple[str, ...]:
    notes = []
    for series in figures.series_changes(unit, period):
        notes.append(
            _("From %(day)s, %(measure)s is read from the platform's “%(metric)s”: %(meaning)s")
            % {
                "day": short_date(series.first_day, language),
                "measure": series.measure,
                "metric": series.metric,
                "meaning": series.definition or "—",
            }
        )
    for platform, missing in sorted(unavailable.items()):
        for measure, reason in sorted(missing.items()):
            notes.append(
                _("%(platform)s: %(measure)s is not available (%(reason)s); shown as “—”.")
                % {
                    "platform": _platform_label(platform),
                    "measure": measure,
                    "reason": _(reason),
                }
            )
    return tuple(notes)


def build(
    unit: Unit, period: Period, *, language: Language = "vi", filing: Filing | None = None
) -> ReportDocument:
    filing = filing or Filing()
    with translation.override(language):
        return _build(unit, period, language, filing)


def _build(unit: Unit, period: Period, language: Language, filing: Filing) -> ReportDocument:
    # The period and the one before, per platform and per unit below, read together.
    seen = figures.overview(unit, period)
    whole, before, lines, platforms = seen.total, seen.previous, seen.lines, seen.platforms
    unavailable = figures.unavailable(unit)
    missing = {platform: set(measures) for platform, measures in unavailable.items()}
    columns = _figure_columns()

    def line_name(line: figures.UnitLine) -> str:
        return (
            line.unit.name
            if line.unit is not None
            else _("%(unit)s (own channels)") % {"unit": unit.name}
        )

    narrow = _figure_columns(wide=False)
    units_table = Table(
        key="units",
        title=_("Figures per unit"),
        columns=(Column(_("Unit"), "text"), *narrow),
        rows=tuple((line_name(line), *_figure_cells(line.totals, wide=False)) for line in lines),
        total=(_("Total"), *_figure_cells(whole, wide=False)),
    )
    platforms_table = Table(
        key="platforms",
        title=_("Figures per platform"),
        columns=(Column(_("Platform"), "text"), *columns),
        rows=tuple(
            (_platform_label(platform), *_platform_cells(totals, missing.get(platform, set())))
            for platform, totals in platforms.items()
        ),
        total=(_("Total"), *_figure_cells(whole)),
    )
    unit_platform_table = Table(
        key="units_platforms",
        title=_("Figures per unit and platform"),
        columns=(Column(_("Unit"), "text"), Column(_("Platform"), "text"), *narrow),
        rows=tuple(
            (
                line_name(line),
                _platform_label(platform),
                *_platform_cells(totals, missing.get(platform, set()), wide=False),
            )
            for line in lines
            for platform, totals in line.platforms.items()
        ),
    )
    top = figures.top_posts(unit, period)
    top_table = Table(
        key="top_posts",
        title=_("Posts that reached most people"),
        columns=(
            Column(_("Post"), "text"),
            Column(_("Channel"), "text"),
            Column(_("Published"), "date"),
            Column(_("Reach"), "int"),
            Column(_("Reactions"), "int"),
            Column(_("Comments"), "int"),
            Column(_("Shares"), "int"),
        ),
        rows=tuple(
            (
                row.delivery.post.title,
                row.delivery.channel.name,
                row.published_on,
                row.reach,
                row.reactions,
                row.comments,
                row.shares,
            )
            for row in top
        ),
    )
    themes, formats = figures.themes_and_formats(unit, period)
    post_columns = (
        Column(_("Posts"), "int"),
        Column(_("Reach"), "int"),
        Column(_("Reactions"), "int"),
        Column(_("Comments"), "int"),
        Column(_("Shares"), "int"),
    )

    def group_rows(
        rows: list[dict[str, Any]], name_of: Callable[[dict[str, Any]], str]
    ) -> tuple[tuple[CellValue, ...], ...]:
        return tuple(
            (
                name_of(row),
                row["posts"],
                row["reach"] or 0,
                row["reactions"] or 0,
                row["comments"] or 0,
                row["shares"] or 0,
            )
            for row in rows
        )

    theme_table = Table(
        key="themes",
        title=_("Figures per theme"),
        columns=(Column(_("Theme"), "text"), *post_columns),
        rows=group_rows(themes, lambda row: str(row["name"] or _("No theme"))),
    )
    format_table = Table(
        key="formats",
        title=_("Figures per format"),
        columns=(Column(_("Format"), "text"), *post_columns),
        rows=group_rows(formats, lambda row: str(FORMATS.get(row["format"], row["format"]))),
    )
    trend = figures.trend(unit, period)
    chart_list = [
        Chart(
            key="reach",
            title=_("Reach and engagement per day"),
            spec=charts.trend_spec(
                [
                    point
                    for row in trend
                    for point in (
                        charts.TrendPoint(day=row["day"], measure=_("Reach"), value=row["reach"]),
                        charts.TrendPoint(
                            day=row["day"],
                            measure=_("Comments and reactions"),
                            value=(row["comments"] or 0) + (row["reactions"] or 0),
                        ),
                    )
                ],
                language=language,
                title=_("Reach and engagement per day"),
            ),
        ),
    ]
    if lines:
        chart_list.append(
            Chart(
                key="units",
                title=_("Reach per unit"),
                spec=charts.bars_spec(
                    [(line_name(line), line.totals.reach) for line in lines],
                    _("Reach per unit"),
                    language=language,
                ),
            )
        )
    answers = responses(unit, period)
    paragraphs = (
        _summary(unit, period, whole, len(lines), language),
        _change_paragraph(whole, before, language),
        _responses_paragraph(answers, language),
    )
    heading = Heading(
        parent_body=unit.parent.name if unit.parent_id and unit.parent else "",
        issuer=unit.name,
        number=filing.number or "…/BC-…",
        place=filing.place or unit.name,
        issued_on=filing.issued_on or timezone.localdate(),
        title=_("REPORT"),
        summary_line=_("Official communication on social networks in %(period)s")
        % {"period": period.label()},
    )
    signer = (
        Signer(filing.signer_position, filing.signer_name)
        if filing.signer_position or filing.signer_name
        else None
    )
    return ReportDocument(
        language=language,
        heading=heading,
        paragraphs=paragraphs,
        tables=(
            units_table,
            platforms_table,
            unit_platform_table,
            top_table,
            theme_table,
            format_table,
        ),
        charts=tuple(chart_list),
        recipients=filing.recipients or (_("As above"), _("Filed")),
        signer=signer,
        footnotes=_footnotes(unit, period, unavailable, language),
    )
