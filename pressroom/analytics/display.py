"""How the screens show figures: the measures' names, cells that say why a figure is missing
instead of showing a zero, changes against the period before, and the footnotes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pressroom.analytics.figures import SeriesChange, Totals
from pressroom.analytics.templatetags.analytics_tags import day, figure
from pressroom.platforms.registry import Platform

LABELS = {
    "posts": gettext_lazy("Posts published"),
    "reach": gettext_lazy("Reach"),
    "visits": gettext_lazy("Visits"),
    "reactions": gettext_lazy("Reactions"),
    "comments": gettext_lazy("Comments"),
    "shares": gettext_lazy("Shares"),
    "clicks": gettext_lazy("Clicks"),
    "messages": gettext_lazy("Messages"),
    "followers": gettext_lazy("Followers"),
    "growth": gettext_lazy("Growth"),
}
# The columns of a table of figures (per platform, per unit, per channel).
COLUMNS = (
    "posts",
    "reach",
    "visits",
    "reactions",
    "comments",
    "shares",
    "messages",
    "followers",
    "growth",
)
POST_COLUMNS = ("reach", "reactions", "comments", "shares")
FORMATS = {
    "text": gettext_lazy("Text"),
    "image": gettext_lazy("Image"),
    "link": gettext_lazy("Link"),
    "video": gettext_lazy("Video"),
    "document": gettext_lazy("Document"),
}

# A growth needs the followers before the period: none were counted.
NO_EARLIER_FOLLOWERS = gettext_lazy("no follower count from before the period")

type Missing = Mapping[str, str]  # measure: the platform's reason (untranslated)


def platform_label(platform: str) -> str:
    try:
        return str(Platform(platform).label)
    except ValueError:
        return platform


def measure_of(column: str) -> str:
    return "followers" if column == "growth" else column


@dataclass(frozen=True)
class Cell:
    """A figure, or None with the reason the platform gives none."""

    value: int | None
    reason: str = ""


def cells(figures: Any, missing: Missing, columns: Sequence[str] = COLUMNS) -> list[Cell]:
    """The figures of `columns` (attributes of `figures`); a measure the platform does not
    give is a missing cell with its reason, never a zero."""
    found = []
    for column in columns:
        reason = missing.get(measure_of(column))
        if reason:
            found.append(Cell(None, _(reason)))
        elif column == "growth" and not figures.followers_before:
            found.append(Cell(None, str(NO_EARLIER_FOLLOWERS)))
        else:
            found.append(Cell(int(getattr(figures, column) or 0)))
    return found


def change(now: int, before: int) -> float | None:
    """The change as a share of what it was; None when there was nothing before."""
    if not before:
        return None
    return (now - before) / before


def missing_on_all(platforms: Iterable[str], unavailable: Mapping[str, Missing]) -> Missing:
    """The measures none of these platforms gives, with the first one's reason."""
    platforms = list(platforms)
    if not platforms:
        return {}
    common = set.intersection(*(set(unavailable.get(p, {})) for p in platforms))
    return {measure: unavailable[platforms[0]][measure] for measure in sorted(common)}


@dataclass(frozen=True)
class Gap:
    everywhere: bool  # no platform of the unit's channels gives it
    note: str


def gaps(present: Iterable[str], unavailable: Mapping[str, Missing]) -> dict[str, Gap]:
    """Per measure, the platforms of the unit's channels that do not give it."""
    platforms = sorted(set(present) | set(unavailable))
    found: dict[str, Gap] = {}
    for measure in {measure for missing in unavailable.values() for measure in missing}:
        lacking = [p for p in platforms if measure in unavailable.get(p, {})]
        reasons = " ".join(f"{_(unavailable[p][measure])}." for p in lacking)
        if len(lacking) == len(platforms):
            found[measure] = Gap(True, reasons)
        else:
            names = ", ".join(platform_label(p) for p in lacking)
            found[measure] = Gap(
                False,
                _("Not counted on %(platforms)s: %(reasons)s")
                % {"platforms": names, "reasons": reasons},
            )
    return found


@dataclass(frozen=True)
class Headline:
    name: str
    label: str
    value: int | None
    change: float | None
    note: str = ""
    growth: int | None = None  # followers: their growth over the period


HEADLINES = ("posts", "reach", "visits", "comments", "reactions", "shares", "followers", "messages")


def headlines(now: Totals, before: Totals, found_gaps: Mapping[str, Gap]) -> list[Headline]:
    result = []
    for name in HEADLINES:
        gap = found_gaps.get(name)
        if gap is not None and gap.everywhere:
            result.append(Headline(name, str(LABELS[name]), None, None, gap.note))
            continue
        value, previous = getattr(now, name), getattr(before, name)
        result.append(
            Headline(
                name,
                str(LABELS[name]),
                value,
                change(value, previous),
                gap.note if gap else "",
                now.growth if name == "followers" and now.followers_before else None,
            )
        )
    return result


def notes(series: Iterable[SeriesChange], unavailable: Mapping[str, Missing]) -> list[str]:
    """The footnotes: where a platform's metric changed meaning, what a platform does not
    give."""
    found = [
        _(
            "From %(day)s, %(platform)s counts “%(metric)s” instead of “%(replaced)s” for "
            "%(measure)s: %(meaning)s"
        )
        % {
            "day": day(change.first_day),
            "platform": platform_label(change.platform),
            "metric": change.metric,
            "replaced": change.replaced,
            "measure": str(LABELS.get(change.measure, change.measure)).lower(),
            "meaning": change.definition or "—",
        }
        for change in series
    ]
    for platform, missing in sorted(unavailable.items()):
        for measure, reason in sorted(missing.items()):
            found.append(
                _("%(platform)s: %(measure)s is not available (%(reason)s); shown as “—”.")
                % {
                    "platform": platform_label(platform),
                    "measure": str(LABELS.get(measure, measure)).lower(),
                    "reason": _(reason),
                }
            )
    return found


@dataclass(frozen=True)
class ChartBlock:
    """A chart (a Vega-Lite spec drawn by analytics.js) and the same numbers as a table, for
    whoever cannot see the chart."""

    key: str
    title: str
    spec: dict[str, Any]
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]


def number_text(value: float | None) -> str:
    return figure(value)
