"""A Page's figures from the Graph API: its daily insights, and each post's lifetime insights
and counts (reactions, comments, shares) as of the reading.

Page insights go in windows of at most 90 days (Graph's limit), every metric of a period in
one request. One refused metric fails a whole request with `(#100) The value must be a valid
insights metric`, which does not say which: each metric is then asked alone, the refused ones
are dropped (reported in `Reading.dropped`, never asked again in this reading) and what the
others answered is kept, so a retired metric costs one request per metric once.

Days: `since` and `until` go as dates, which Graph reads as days of its own clock (Pacific
time, where a day ends at 07:00 or 08:00 UTC), and the first value's `end_time` is `since` plus
one day. A value measures the day that ends at its `end_time`; that day is named by its middle
(`end_time` minus 12 hours) read in UTC, which names the right day for a day ending at midnight
anywhere from UTC-11 to UTC+11: Graph's Pacific days and a Page's own (Vietnam's, 17:00 UTC)
alike, whatever offset the value is written in.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pressroom.platforms.base import Outcome
from pressroom.platforms.facebook.graph import GraphClient, error_outcome
from pressroom.platforms.facebook.metrics import (
    POST_FIELDS,
    InsightsMetric,
    Level,
    configured_metrics,
    definition_of,
)
from pressroom.platforms.metrics import MetricsRequest, PostReading, Reading, Value
from pressroom.platforms.transport import Call, Response, Stop, gather_all, json_body

# Graph gives at most this many days between `since` and `until`.
MAX_WINDOW_DAYS = 90
# Posts read side by side (two requests each).
POSTS_AT_ONCE = 8
DAY_MIDDLE = timedelta(hours=12)
INVALID_METRIC = "valid insights metric"
# Instagram's form of the same refusal names the metric's place in the list [t].
NAMED_METRIC = re.compile(r"metric\[(\d+)\] must be one of")
# A post that is gone, or was never the Page's: Graph's "does not exist" (code 100, subcode 33).
NO_SUCH_OBJECT_SUBCODE = 33


class InsightsClient(GraphClient):
    """The reading of a Page's figures (the Client class adds publishing and the inbox)."""

    async def _read_metrics(self, request: MetricsRequest, call: Call) -> Reading | Outcome:
        metrics = [m for m in configured_metrics() if m.name not in request.skip_metrics]
        reader = InsightsReader(self, call, metrics)
        values: list[Value] = []
        complete_until = None
        page_metrics = [metric for metric in metrics if metric.level is Level.PAGE]
        if page_metrics and request.since <= request.until:
            values, complete_until = await reader.page(request.since, request.until)
        post_metrics = [metric for metric in metrics if metric.level is Level.POST]
        posts = await reader.posts(request.post_ids, post_metrics, request.read_on)
        return Reading(
            values=tuple(values),
            posts=tuple(posts),
            complete_until=complete_until,
            dropped=tuple(reader.refused),
        )


class InsightsReader:
    """One reading's requests, and the metrics refused so far in it."""

    def __init__(
        self, client: InsightsClient, call: Call, metrics: Iterable[InsightsMetric]
    ) -> None:
        self.client = client
        self.call = call
        self.metrics = tuple(metrics)
        self.refused: list[str] = []

    async def page(self, since: date, until: date) -> tuple[list[Value], date | None]:
        """The Page's daily values from `since` to `until` (inclusive), and the last day every
        metric that answered has a value for."""
        values: list[Value] = []
        page_id = self.client.access.external_id
        for start, end in windows(since, until):
            params = {"since": start.isoformat(), "until": (end + timedelta(days=1)).isoformat()}
            for period, metrics in by_period(self.page_metrics()):
                try:
                    entries = await self.insights(page_id, metrics, period, params)
                except Gone as gone:
                    raise Stop(gone.outcome) from gone
                values += [
                    value for value in self.values(entries, period) if start <= value.day <= end
                ]
        last_days: dict[str, date] = {}
        for value in values:
            if value.day > last_days.get(value.metric, date.min):
                last_days[value.metric] = value.day
        return values, min(last_days.values(), default=None)

    def page_metrics(self) -> list[InsightsMetric]:
        return [m for m in self.metrics if m.level is Level.PAGE and m.name not in self.refused]

    async def posts(
        self, post_ids: tuple[str, ...], metrics: list[InsightsMetric], day: date
    ) -> list[PostReading]:
        """The posts' figures: the first alone (it finds the refused metrics once), then the
        others a few at a time, so a collection's posts fit in its time limit."""
        if not post_ids:
            return []
        first = await self.post(post_ids[0], metrics, day)
        limit = asyncio.Semaphore(POSTS_AT_ONCE)

        async def one(post_id: str) -> PostReading | None:
            async with limit:
                return await self.post(post_id, metrics, day)

        others = await gather_all(one(post_id) for post_id in post_ids[1:])
        return [post for post in (first, *others) if post is not None]

    async def post(
        self, post_id: str, metrics: list[InsightsMetric], day: date
    ) -> PostReading | None:
        """The post's lifetime figures, dated `day`; None when the post is not there."""
        values: list[Value] = []
        try:
            for period, chosen in by_period(metrics):
                entries = await self.insights(post_id, chosen, period, {})
                for entry in entries:
                    value = latest_number(entry)
                    metric = self.metric_named(str(entry.get("name") or ""))
                    if value is not None and metric is not None:
                        values.append(self.value(metric, entry, day, value))
            values += await self.post_counts(post_id, day)
        except Gone:
            return None
        return PostReading(remote_id=post_id, values=tuple(values))

    async def post_counts(self, post_id: str, day: date) -> list[Value]:
        fields = ",".join(field.request for field in POST_FIELDS)
        body = await self.get(f"{self.client.api_base}/{post_id}", {"fields": fields})
        values = []
        for field in POST_FIELDS:
            count = count_of(body, field.key)
            if count is not None:
                values.append(
                    Value(field.measure, day, count, metric=field.key, definition=field.definition)
                )
        return values

    async def insights(
        self, node: str, metrics: list[InsightsMetric], period: str, params: dict[str, str]
    ) -> list[dict[str, Any]]:
        """The insights entries of these metrics, dropping the ones Graph refuses."""
        asked = [metric for metric in metrics if metric.name not in self.refused]
        if not asked:
            return []
        response = await self.call.send(
            "GET",
            f"{self.client.api_base}/{node}/insights",
            params={"metric": ",".join(m.name for m in asked), "period": period, **params},
            headers=self.client._headers,
        )
        body = json_body(response)
        refusal = refused_metric(response, body)
        if refusal is None:
            return listing(self.checked(response, body))
        named = NAMED_METRIC.search(refusal)
        if named and int(named.group(1)) < len(asked):
            self.refuse(asked[int(named.group(1))].name)
            return await self.insights(node, asked, period, params)
        if len(asked) == 1:
            self.refuse(asked[0].name)
            return []
        found: list[dict[str, Any]] = []
        for metric in asked:
            found += await self.insights(node, [metric], period, params)
        return found

    def refuse(self, name: str) -> None:
        if name not in self.refused:
            self.refused.append(name)

    async def get(self, url: str, params: dict[str, str]) -> dict[str, Any]:
        response = await self.call.send("GET", url, params=params, headers=self.client._headers)
        return self.checked(response, json_body(response))

    def checked(self, response: Response, body: Any) -> dict[str, Any]:
        if not response.is_success and gone(body):
            raise Gone(error_outcome(response, body, creating=False))
        return self.client._checked(response, creating=False)

    def values(self, entries: list[dict[str, Any]], period: str) -> list[Value]:
        found = []
        for entry in entries:
            metric = self.metric_named(str(entry.get("name") or ""))
            if metric is None or entry.get("period", period) != period:
                continue
            for item in entry.get("values") or []:
                if not isinstance(item, dict):
                    continue
                number = as_count(item.get("value"))
                day = measured_day(item.get("end_time"))
                if number is not None and day is not None:
                    found.append(self.value(metric, entry, day, number))
        return found

    def metric_named(self, name: str) -> InsightsMetric | None:
        return next((metric for metric in self.metrics if metric.name == name), None)

    def value(self, metric: InsightsMetric, entry: dict[str, Any], day: date, number: int) -> Value:
        described = entry.get("description")
        definition = described.strip() if isinstance(described, str) else ""
        return Value(
            metric.measure,
            day,
            number,
            metric=metric.name,
            definition=definition or definition_of(metric.name, self.metrics),
        )


class Gone(Exception):
    """The object asked about is not there (a deleted post, or not the Page's)."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.reason)
        self.outcome = outcome


def windows(since: date, until: date) -> list[tuple[date, date]]:
    """`since`..`until` (inclusive) cut into runs of at most MAX_WINDOW_DAYS days."""
    runs = []
    start = since
    while start <= until:
        end = min(until, start + timedelta(days=MAX_WINDOW_DAYS - 1))
        runs.append((start, end))
        start = end + timedelta(days=1)
    return runs


def by_period(metrics: list[InsightsMetric]) -> list[tuple[str, list[InsightsMetric]]]:
    """The metrics grouped by period, in the order they come (one request per period)."""
    groups: dict[str, list[InsightsMetric]] = {}
    for metric in metrics:
        groups.setdefault(metric.period, []).append(metric)
    return list(groups.items())


def measured_day(end_time: Any) -> date | None:
    """The day a daily value measures: the one ending at its `end_time` (see the module)."""
    if not isinstance(end_time, str):
        return None
    try:
        moment = datetime.strptime(end_time, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        try:
            moment = datetime.fromisoformat(end_time)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - DAY_MIDDLE).astimezone(UTC).date()


def as_count(value: Any) -> int | None:
    """A value that is one number (breakdown metrics give a mapping: not a count)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(value)


def latest_number(entry: dict[str, Any]) -> int | None:
    """A lifetime entry's value: its last one (with an `end_time` or without)."""
    items = [item for item in entry.get("values") or [] if isinstance(item, dict)]
    return as_count(items[-1].get("value")) if items else None


def count_of(body: dict[str, Any], key: str) -> int | None:
    """`reactions`/`comments` carry `summary.total_count`; `shares` carries `count` and is
    left out of the answer when nobody shared the post [t], which is a count of 0."""
    field = body.get(key)
    if key == "shares":
        return as_count(field.get("count")) if isinstance(field, dict) else 0
    summary = field.get("summary") if isinstance(field, dict) else None
    return as_count(summary.get("total_count")) if isinstance(summary, dict) else None


def listing(body: dict[str, Any]) -> list[dict[str, Any]]:
    data = body.get("data")
    return [entry for entry in data if isinstance(entry, dict)] if isinstance(data, list) else []


def error_of(body: Any) -> dict[str, Any]:
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def refused_metric(response: Response, body: Any) -> str | None:
    """Graph's message when it refused a metric of the request (code 100), else None."""
    error = error_of(body)
    message = str(error.get("message") or "")
    if response.is_success or str(error.get("code")) != "100":
        return None
    if INVALID_METRIC in message.lower() or NAMED_METRIC.search(message):
        return message
    return None


def gone(body: Any) -> bool:
    error = error_of(body)
    return str(error.get("code")) == "100" and str(error.get("error_subcode")) == str(
        NO_SUCH_OBJECT_SUBCODE
    )
