"""What Pressroom reads from a Page's insights, as data: each Graph metric, the Measure it
counts, its period, what Facebook says it means and what it replaced.

Meta renames and retires insights metrics often (impressions became views on 2025-11-15; the
unique-reach family goes in 2026) and one refused metric fails a whole request, so the list is
a setting, not code: FACEBOOK_INSIGHTS_METRICS (None: the list below) is a list of entries such
as `{"name": "page_media_view", "level": "page", "measure": "reach", "period": "day",
"definition": "…", "replaced": "page_impressions", "replaced_on": "2025-11-15"}`. A Measure
has at most one metric per level. Reactions, comments and shares of a post are not insights:
they come from the post's own fields (POST_FIELDS).

Left out on purpose: `page_post_engagements` and `page_total_actions` count several things at
once (reactions, comments, shares and clicks; contact and call-to-action clicks) and would
give a page-level Measure a meaning its posts' figures do not share.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from pressroom.platforms.metrics import Measure

SETTING = "FACEBOOK_INSIGHTS_METRICS"


class Level(enum.StrEnum):
    PAGE = "page"
    POST = "post"


@dataclass(frozen=True)
class InsightsMetric:
    name: str
    level: Level
    measure: Measure
    # Graph's period: `day` for a Page's daily figures, `lifetime` for a post's totals.
    period: str
    definition: str
    # The metric this one took over from, and when, so a report can say where a series
    # changed meaning.
    replaced: str = ""
    replaced_on: str = ""


@dataclass(frozen=True)
class PostField:
    """A post's count read from its own fields: `GET /{post-id}?fields=…`."""

    # The name in `fields`, as Graph takes it, and the top-level key of the answer.
    request: str
    key: str
    measure: Measure
    definition: str


METRICS: tuple[InsightsMetric, ...] = (
    InsightsMetric(
        "page_follows",
        Level.PAGE,
        Measure.FOLLOWERS,
        "day",
        "The number of people following the Page.",
        replaced="page_fans",
        replaced_on="2025-11-15",
    ),
    InsightsMetric(
        "page_media_view",
        Level.PAGE,
        Measure.REACH,
        "day",
        "The number of times the Page's content (posts, stories, ads and other content on "
        "the Page) was played or displayed.",
        replaced="page_impressions",
        replaced_on="2025-11-15",
    ),
    InsightsMetric(
        "page_views_total",
        Level.PAGE,
        Measure.VISITS,
        "day",
        "The number of times the Page's profile was viewed, by people logged in or not.",
    ),
    InsightsMetric(
        "post_media_view",
        Level.POST,
        Measure.REACH,
        "lifetime",
        "The number of times the post was played or displayed.",
        replaced="post_impressions",
        replaced_on="2025-11-15",
    ),
    InsightsMetric(
        "post_clicks",
        Level.POST,
        Measure.CLICKS,
        "lifetime",
        "The number of clicks anywhere in the post.",
    ),
)

POST_FIELDS: tuple[PostField, ...] = (
    PostField(
        "reactions.limit(0).summary(true)",
        "reactions",
        Measure.REACTIONS,
        "The number of reactions to the post (like, love, care, haha, wow, sad, angry).",
    ),
    PostField(
        "comments.limit(0).summary(true)",
        "comments",
        Measure.COMMENTS,
        "The number of comments on the post.",
    ),
    PostField("shares", "shares", Measure.SHARES, "The number of times the post was shared."),
)


def configured_metrics() -> tuple[InsightsMetric, ...]:
    """The list in force: the setting when it is set, read now (not at import)."""
    from django.conf import settings

    entries = getattr(settings, SETTING, None)
    if entries is None:
        return METRICS
    return metrics_from(entries)


def metrics_from(entries: Iterable[Any]) -> tuple[InsightsMetric, ...]:
    """The entries of the setting as metrics; ImproperlyConfigured says what is wrong."""
    if isinstance(entries, str | bytes | Mapping):
        raise ImproperlyConfigured(f"{SETTING} must be a list of metrics")
    metrics = tuple(
        entry if isinstance(entry, InsightsMetric) else _entry(entry) for entry in entries
    )
    seen: dict[tuple[Level, Measure], str] = {}
    for metric in metrics:
        earlier = seen.setdefault((metric.level, metric.measure), metric.name)
        if earlier != metric.name:
            raise ImproperlyConfigured(
                f"{SETTING}: {earlier} and {metric.name} both count {metric.measure} for a "
                f"{metric.level}; keep one"
            )
    return metrics


def _entry(entry: Any) -> InsightsMetric:
    if not isinstance(entry, Mapping):
        raise ImproperlyConfigured(f"{SETTING}: each metric is a mapping, not {entry!r}")
    unknown = sorted(
        set(entry) - {"name", "level", "measure", "period", "definition", "replaced", "replaced_on"}
    )
    if unknown:
        raise ImproperlyConfigured(f"{SETTING}: unknown keys {', '.join(unknown)}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ImproperlyConfigured(f"{SETTING}: a metric needs a name")
    try:
        level = Level(entry.get("level", ""))
        measure = Measure(entry.get("measure", ""))
    except ValueError as error:
        raise ImproperlyConfigured(f"{SETTING}: {name}: {error}") from error
    period = entry.get("period") or ("day" if level is Level.PAGE else "lifetime")
    texts = [entry.get(key, "") for key in ("definition", "replaced", "replaced_on")]
    if not isinstance(period, str) or not all(isinstance(text, str) for text in texts):
        raise ImproperlyConfigured(f"{SETTING}: {name}: period and texts must be strings")
    return InsightsMetric(name.strip(), level, measure, period, *texts)


def definition_of(name: str, metrics: Iterable[InsightsMetric]) -> str:
    return next((metric.definition for metric in metrics if metric.name == name), "")
