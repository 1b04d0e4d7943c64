"""What a Mastodon account counts, read for Pressroom's reports (see
pressroom.platforms.metrics).

- Followers: `GET /api/v1/accounts/:id` (the channel's account id; verify_credentials when
  the channel has none) → `followers_count` [O]. A level read now, dated `until`: Mastodon
  keeps no history, so earlier days cannot be read and the channel is complete up to `until`.
- Statuses: `GET /api/v1/statuses/:id` for each asked, a few at a time → `replies_count`
  (COMMENTS), `reblogs_count` (SHARES), `favourites_count` (REACTIONS) [O], totals as of
  `until`, as the account's own server counts them (a remote server's boosts and favourites
  reach it by federation, and may not all). A status that answers 404 is gone (deleted, or no
  longer visible): left out. `quotes_count` (4.5) is not read (UNCONFIRMED).
- A rate limit (429) is RETRY_LATER with the wait X-RateLimit-Reset gives (client_base.py).
- Views, visits and clicks: Mastodon counts none; reported unavailable.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext_noop

from pressroom.platforms.mastodon.client_base import error_outcome
from pressroom.platforms.mastodon.client_inbound import InboundClient
from pressroom.platforms.metrics import Measure, MetricsRequest, PostReading, Reading, Value
from pressroom.platforms.transport import Call, Stop, gather_all, json_body, unexpected_outcome

# Statuses read at once: well inside the default 300 requests in 5 minutes, without making a
# hundred statuses a hundred round trips one after another.
AT_ONCE = 4
FOLLOWERS_COUNT = "followers_count"
STATUS_COUNTS = (
    (Measure.COMMENTS, "replies_count", "Replies to the status, as counted by its server"),
    (Measure.SHARES, "reblogs_count", "Boosts of the status, as counted by its server"),
    (Measure.REACTIONS, "favourites_count", "Favourites of the status, as counted by its server"),
)
FOLLOWERS_DEFINITION = "Accounts following this one, as its server counts them"
# English, to be translated where they are shown (the keys are Measure values).
UNAVAILABLE = {
    Measure.REACH.value: gettext_noop("Mastodon does not count how many times a post was seen"),
    Measure.VISITS.value: gettext_noop("Mastodon does not count the visits to a profile"),
    Measure.CLICKS.value: gettext_noop("Mastodon does not count the clicks on a post's links"),
}


def count_of(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def status_values(status: dict[str, Any], request: MetricsRequest) -> tuple[Value, ...]:
    """A status's counts (one it lacks, or one the collection dropped, is left out)."""
    values = []
    for measure, metric, definition in STATUS_COUNTS:
        count = count_of(status.get(metric))
        if count is not None and metric not in request.skip_metrics:
            values.append(Value(measure, request.read_on, count, metric, definition))
    return tuple(values)


class MetricsClient(InboundClient):
    """Reading the account's figures (see the module's notes), mixed into the Client."""

    async def _read_metrics(self, request: MetricsRequest, call: Call) -> Reading:
        values: tuple[Value, ...] = ()
        if FOLLOWERS_COUNT not in request.skip_metrics:
            followers = await self._followers(call)
            if followers is not None:
                values = (
                    Value(
                        Measure.FOLLOWERS,
                        request.read_on,
                        followers,
                        FOLLOWERS_COUNT,
                        FOLLOWERS_DEFINITION,
                    ),
                )
        limit = asyncio.Semaphore(AT_ONCE)

        async def one(status_id: str) -> PostReading | None:
            async with limit:
                status = await self._status(call, status_id)
            if status is None:
                return None
            return PostReading(status_id, status_values(status, request))

        found = await gather_all(one(status_id) for status_id in dict.fromkeys(request.post_ids))
        return Reading(
            values=values,
            posts=tuple(reading for reading in found if reading is not None),
            complete_until=request.until if values else None,
            unavailable=dict(UNAVAILABLE),
        )

    async def _followers(self, call: Call) -> int | None:
        account_id = quote(self.access.external_id, safe="")
        path = f"/api/v1/accounts/{account_id or 'verify_credentials'}"
        response = await call.send("GET", f"{self.api_base}{path}", headers=self._headers)
        return count_of(self._checked(response, creating=False).get(FOLLOWERS_COUNT))

    async def _status(self, call: Call, status_id: str) -> dict[str, Any] | None:
        """The status, or None when it is gone."""
        if not status_id:
            return None
        response = await call.send(
            "GET",
            f"{self.api_base}/api/v1/statuses/{quote(status_id, safe='')}",
            headers=self._headers,
        )
        body = json_body(response)
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise Stop(error_outcome(response, body, creating=False))
        if not isinstance(body, dict):
            raise Stop(unexpected_outcome(response, creating=False, what="the status"))
        return body
