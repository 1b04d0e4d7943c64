"""Insights of a Page and of its posts, for the Graph API's endpoints in the sandbox:
`GET /{page-id}/insights` and `GET /{post-id}/insights` with `metric` (comma separated, or the
JSON array the facebook-business SDK sends), `period`, `since` and `until` (or `date_preset`:
`today`, `yesterday`, `last_{n}d`).

As Graph answers [O F7, S6]: a Page token of a person with the ANALYZE task and both
`pages_read_engagement` and `read_insights`; one metric Graph does not serve fails the whole
request with `(#100) The value must be a valid insights metric`; no metric at all is code 3001,
subcode 1504028. Daily values are Graph's days, Pacific time: each `end_time` is the midnight
that ends the day measured (07:00 or 08:00 UTC), the first is `since` plus one day, the last
at most `until`. A date (`2026-01-01`) is that day's Pacific midnight; epoch seconds are taken
as they are. More than 93 days (8,035,200 s) between `since` and `until` is refused. Only days
that are over and at most two years old are given (Meta keeps two years). A post's figures are
lifetime totals as of the request; so are the counts a post's own fields give (`reactions`,
`comments`, `shares`). What the figures are: audience.py; which metrics: insights_metrics.py.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.facebook.sandbox.audience import (
    GRAPH_ZONE,
    Audience,
    day_start,
    graph_day,
)
from pressroom.platforms.facebook.sandbox.graph import (
    PLATFORM,
    GraphError,
    graph_time,
    may_read,
    no_such_object,
    page_scopes,
    page_tasks,
    read_refusal,
)
from pressroom.platforms.facebook.sandbox.insights_metrics import (
    PAGE,
    PERIODS,
    POST,
    SERVED,
    SUMMED_DAYS,
    ServedMetric,
)
from pressroom.platforms.facebook.sandbox.pages import PageApi
from pressroom.platforms.facebook.sandbox.scheduled import publish_due
from pressroom.platforms.facebook.sandbox.threads import post_comments, replies
from pressroom.sandbox.common import Incoming, read_incoming
from pressroom.sandbox.endpoints import endpoint
from pressroom.sandbox.store import Account, Item, SandboxStore

INVALID_METRIC = "(#100) The value must be a valid insights metric"
NO_METRIC = (
    "No metric was specified to be fetched. Please specify one or more metrics to be fetched "
    "and try again."
)
# The wording and code 1 as a third party's capture of Graph's answer has them [t]; its
# HTTP status and type: UNCONFIRMED.
MAX_SPAN_S = 93 * 86400
TOO_LONG = "There cannot be more than 93 days (8035200 s) between since and until"
# UNCONFIRMED wording: Graph's answer to a Page token without read_insights or ANALYZE.
INSIGHTS_REFUSAL = (
    "(#10) This endpoint requires the 'read_insights' permission and a Page token of a person "
    "who can perform the ANALYZE task on the Page"
)
RETENTION_DAYS = 2 * 365
MAX_PRESET_DAYS = 90
# Without since and until: the last two days (UNCONFIRMED: how many Graph gives).
DEFAULT_DAYS = 2
# Descriptions start with their period, as older captures show them ("Daily: …"); whether the
# 2025 metrics' still do: UNCONFIRMED.
DESCRIBED_PERIOD = {"day": "Daily", "week": "Weekly", "days_28": "28 Days", "lifetime": "Lifetime"}


def may_analyze(page: Account) -> bool:
    return "read_insights" in page_scopes(page) and "ANALYZE" in page_tasks(page)


class InsightsApi(PageApi):
    """The insights edge of the Page and of its posts."""

    @endpoint
    async def read_insights(self, request: Request) -> Response:
        object_id = request.path_params["object_id"]
        incoming = await read_incoming(request)
        page = self.caller(request, incoming, refusal=read_refusal())
        post: Item | None = None
        if object_id not in {page.account_id, "me"}:
            publish_due(self.store, page)
            post = self.store.item(PLATFORM, object_id, page.account_id)
            if post is None or post.kind != "post":
                raise no_such_object(object_id)
        if not may_read(page):
            raise read_refusal()
        if not may_analyze(page):
            raise GraphError(10, INSIGHTS_REFUSAL, status=403)

        async def handler() -> Response:
            now = time.time()
            metrics = requested_metrics(incoming, page, POST if post else PAGE)
            period = period_of(incoming)
            if post is not None:
                return JSONResponse({"data": post_entries(page, post, metrics, period, now)})
            since, until = window_of(incoming, now)
            publish_due(self.store, page)
            posts = self.store.items(platform=PLATFORM, account_id=page.account_id, kind="post")
            audience = Audience(page, posts)
            days = Days(audience)
            data = [
                entry(page.account_id, metric, chosen, values)
                for metric in metrics
                for chosen in periods_for(metric, period)
                if (values := days.values(metric, chosen, since, until, now)) is not None
            ]
            span = until - since
            paging = {
                "previous": self_link(request, since - span, since),
                "next": self_link(request, until, until + span),
            }
            return JSONResponse({"data": data, "paging": paging})

        return await self.gate.run(page, operation="insights", creates=False, handler=handler)


def metric_names(incoming: Incoming) -> list[str]:
    """`metric` as `a,b` or as a JSON array (the SDK's list parameters)."""
    raw = incoming.get("metric")
    if isinstance(raw, str) and raw.strip().startswith("["):
        try:
            raw = json.loads(raw)
        except ValueError as error:
            raise GraphError(100, INVALID_METRIC) from error
    items = raw if isinstance(raw, list) else str(raw or "").split(",")
    names = [str(item).strip() for item in items]
    return list(dict.fromkeys(name for name in names if name))


def requested_metrics(incoming: Incoming, page: Account, level: str) -> list[ServedMetric]:
    names = metric_names(incoming)
    if not names:
        raise GraphError(3001, NO_METRIC, error_type="OAuthException", subcode=1504028)
    refused = page.extra.get("refused_metrics") or []
    chosen = []
    for name in names:
        metric = SERVED.get(name)
        if metric is None or metric.level != level or name in refused:
            raise GraphError(100, INVALID_METRIC)
        chosen.append(metric)
    return chosen


def period_of(incoming: Incoming) -> str | None:
    period = incoming.text("period").strip()
    if not period:
        return None
    if period not in PERIODS:
        raise GraphError(
            100, f"(#100) period must be one of the following values: {', '.join(PERIODS)}"
        )
    return period


def periods_for(metric: ServedMetric, period: str | None) -> tuple[str, ...]:
    """The periods answered: the one asked when the metric has it, every one when none was."""
    if period is None:
        return metric.periods
    return (period,) if period in metric.periods else ()


def moment_of(incoming: Incoming, name: str) -> float | None:
    """A `since` or `until`: epoch seconds, a date (its Pacific midnight) or a date and time."""
    value = incoming.text(name).strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        if len(value) == 10:
            return day_start(date.fromisoformat(value))
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise GraphError(100, f"(#100) The parameter {name} must be a valid time") from error
    return (moment if moment.tzinfo else moment.replace(tzinfo=GRAPH_ZONE)).timestamp()


def window_of(incoming: Incoming, now: float) -> tuple[float, float]:
    preset = incoming.text("date_preset").strip()
    if preset:
        return preset_window(preset, now)
    since, until = moment_of(incoming, "since"), moment_of(incoming, "until")
    if until is None:
        until = now if since is not None else day_start(graph_day(now))
    if since is None:
        since = until - DEFAULT_DAYS * 86400
    if until - since > MAX_SPAN_S:
        raise GraphError(1, TOO_LONG)
    return since, until


def preset_window(preset: str, now: float) -> tuple[float, float]:
    """`today`, `yesterday`, `last_{n}d` (n ≤ 90): Graph's days back from today's start."""
    today = day_start(graph_day(now))
    spans = {"today": (0, -1), "yesterday": (1, 0)}
    matched = re.fullmatch(r"last_(\d+)d", preset)
    if matched and 0 < int(matched.group(1)) <= MAX_PRESET_DAYS:
        spans[preset] = (int(matched.group(1)), 0)
    if preset not in spans:
        # UNCONFIRMED wording; the other presets (this_month, …) are not emulated.
        raise GraphError(100, f"(#100) date_preset {preset} is not supported here")
    back, ahead = spans[preset]
    return today - back * 86400, today - ahead * 86400


def end_times(since: float, until: float) -> list[float]:
    """The Pacific midnights after `since`, up to `until`: the ends of the days measured."""
    ends = []
    day = graph_day(since) + timedelta(days=1)
    while (end := day_start(day)) <= until:
        ends.append(end)
        day += timedelta(days=1)
    return ends


class Days:
    """A Page's daily figures, each day drawn once per request."""

    def __init__(self, audience: Audience) -> None:
        self.audience = audience
        self.drawn: dict[date, dict[str, int]] = {}

    def figure(self, day: date, figure: str) -> int:
        if day not in self.drawn:
            self.drawn[day] = self.audience.daily(day)
        return self.drawn[day][figure]

    def values(
        self, metric: ServedMetric, period: str, since: float, until: float, now: float
    ) -> list[dict[str, Any]] | None:
        if period not in SUMMED_DAYS:
            return None
        oldest = now - RETENTION_DAYS * 86400
        values = []
        for end in end_times(since, until):
            if end > now or end <= oldest:
                continue
            last = graph_day(end - 1)
            if metric.is_level:
                value = self.figure(last, metric.figure)
            else:
                days = [last - timedelta(days=back) for back in range(SUMMED_DAYS[period])]
                value = sum(self.figure(day, metric.figure) for day in days)
            values.append({"value": value, "end_time": graph_time(end)})
        return values


def post_entries(
    page: Account, post: Item, metrics: list[ServedMetric], period: str | None, now: float
) -> list[dict[str, Any]]:
    figures = Audience(page).post(post, now)
    data = []
    for metric in metrics:
        for chosen in periods_for(metric, period):
            value: Any = getattr(figures, metric.figure, 0)
            # A lifetime value carries no end_time (UNCONFIRMED; the client takes either).
            data.append(entry(post.remote_id, metric, chosen, [{"value": value}]))
    return data


def entry(
    object_id: str, metric: ServedMetric, period: str, values: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "name": metric.name,
        "period": period,
        "values": values,
        "title": metric.title,
        "description": f"{DESCRIBED_PERIOD.get(period, period)}: {metric.description}",
        "id": f"{object_id}/insights/{metric.name}/{period}",
    }


def self_link(request: Request, since: float, until: float) -> str:
    """This request again for another window, as Graph's `paging` links are."""
    params = [
        (key, value)
        for key, value in request.query_params.multi_items()
        if key not in {"since", "until"}
    ]
    params += [("since", str(int(since))), ("until", str(int(until)))]
    return f"{request.url.scheme}://{request.url.netloc}{request.url.path}?{urlencode(params)}"


def counted_fields(store: SandboxStore, post: Item, asked: set[str]) -> dict[str, Any]:
    """A post's `reactions`, `comments` and `shares` fields, those asked for: reactions and
    shares drawn with its insights, comments the ones kept (top-level, as `summary` counts
    them by default). Graph leaves `shares` out of a post nobody shared."""
    fields: dict[str, Any] = {}
    if asked & {"reactions", "shares"}:
        page = store.account(PLATFORM, post.account_id)
        figures = Audience(page).post(post, time.time()) if page else None
        fields["reactions"] = {
            "data": [],
            "summary": {
                "total_count": figures.reactions_total if figures else 0,
                "viewer_reaction": "NONE",
            },
        }
        if figures and figures.shares:
            fields["shares"] = {"count": figures.shares}
    if "comments" in asked:
        kept = post_comments(store, post.account_id, post.remote_id)
        fields["comments"] = {
            "data": [],
            "summary": {
                "order": "ranked",
                "total_count": len(replies(kept, post.remote_id, flat=False)),
                "can_comment": True,
            },
        }
    return fields
