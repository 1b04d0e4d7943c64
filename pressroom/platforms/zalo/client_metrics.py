"""What a Zalo OA counts, read for Pressroom's reports (see pressroom.platforms.metrics).

- Followers: `GET v2.0/oa/getoa` → `data.num_follower` [t Z10]; when getoa gives none (or the
  channel's collection dropped it), `GET v3.0/oa/user/getlist` → `data.total` [t]. A level
  read now, dated `until`: Zalo gives no history, so earlier days cannot be read and the
  channel counts as complete up to `until`.
- Articles: `GET v2.0/article/getslice?offset&limit&type=normal` (at most 10 a page, newest
  first) → `medias[]{id, total_view, total_share}`, `total`. Paged until every asked article
  is found, the list ends, or MAX_SLICE_PAGES pages were read: an article further back than
  that (or removed) is not answered for. `total_view` is its REACH and `total_share` its
  SHARES, totals since it was published, as of `until`.
- Comments and reactions under an OA's articles: no API for them is known (UNCONFIRMED), nor
  for visits to the OA's page or clicks: those measures are reported unavailable.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext_noop

from pressroom.platforms.metrics import Measure, MetricsRequest, PostReading, Reading, Value
from pressroom.platforms.transport import Call
from pressroom.platforms.zalo.client_inbound import InboundClient
from pressroom.platforms.zalo.inbound import as_id

SLICE = 10
# 300 articles back: months of an OA's posts. Older ones are not read (their figures hardly
# move any more, and a collection must stay within its time limit).
MAX_SLICE_PAGES = 30

NUM_FOLLOWER = "num_follower"
LISTED_TOTAL = "user/getlist total"
TOTAL_VIEW = "total_view"
TOTAL_SHARE = "total_share"
DEFINITIONS = {
    NUM_FOLLOWER: "Followers of the Official Account, as its profile (getoa) gives them",
    LISTED_TOTAL: "Followers of the Official Account, as the list of followers counts them",
    TOTAL_VIEW: "Views of the article since it was published, as Zalo's article list gives them",
    TOTAL_SHARE: "Shares of the article since it was published, as Zalo's article list gives them",
}
# English, to be translated where they are shown (the keys are Measure values).
UNAVAILABLE = {
    Measure.COMMENTS.value: gettext_noop(
        "Zalo offers no way to read the comments under an Official Account's articles"
    ),
    Measure.REACTIONS.value: gettext_noop(
        "Zalo offers no way to read the reactions to an Official Account's articles"
    ),
    Measure.VISITS.value: gettext_noop(
        "Zalo offers no way to read the visits to an Official Account's page"
    ),
    Measure.CLICKS.value: gettext_noop("Zalo offers no way to read the clicks on an article"),
}


def count_of(value: Any) -> int | None:
    """A count as Zalo writes it: a number, or a string of digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def followers_on(request: MetricsRequest, metric: str, count: int) -> Value:
    return Value(Measure.FOLLOWERS, request.read_on, count, metric, DEFINITIONS[metric])


def article_values(
    media: dict[str, Any], request: MetricsRequest, skipped: set[str]
) -> tuple[Value, ...]:
    """An article's views and shares as getslice lists them (a figure it lacks is left out)."""
    values = []
    for measure, metric in ((Measure.REACH, TOTAL_VIEW), (Measure.SHARES, TOTAL_SHARE)):
        count = count_of(media.get(metric))
        if metric not in skipped and count is not None:
            values.append(Value(measure, request.read_on, count, metric, DEFINITIONS[metric]))
    return tuple(values)


class MetricsClient(InboundClient):
    """Reading the OA's figures (see the module's notes); the Client renews its token."""

    async def _read_metrics(self, request: MetricsRequest, call: Call) -> Reading:
        skipped = set(request.skip_metrics)
        followers = await self._followers(call, skipped)
        values = () if followers is None else (followers_on(request, *followers),)
        posts = await self._articles(call, request, skipped) if request.post_ids else ()
        return Reading(
            values=values,
            posts=posts,
            complete_until=request.until if values else None,
            unavailable=dict(UNAVAILABLE),
        )

    async def _followers(self, call: Call, skipped: set[str]) -> tuple[str, int] | None:
        """The followers and the metric they were read from."""
        if NUM_FOLLOWER not in skipped:
            response = await call.send(
                "GET", f"{self.api_base}/v2.0/oa/getoa", headers=self._headers
            )
            count = count_of(self._checked(response, creating=False).get(NUM_FOLLOWER))
            if count is not None:
                return NUM_FOLLOWER, count
        if LISTED_TOTAL in skipped:
            return None
        query = {"offset": 0, "count": 1, "is_follower": "true"}
        response = await call.send(
            "GET",
            f"{self.api_base}/v3.0/oa/user/getlist",
            params={"data": json.dumps(query, separators=(",", ":"))},
            headers=self._headers,
        )
        count = count_of(self._checked(response, creating=False).get("total"))
        return None if count is None else (LISTED_TOTAL, count)

    async def _articles(
        self, call: Call, request: MetricsRequest, skipped: set[str]
    ) -> tuple[PostReading, ...]:
        wanted = set(request.post_ids)
        found: dict[str, dict[str, Any]] = {}
        for page in range(MAX_SLICE_PAGES):
            response = await call.send(
                "GET",
                f"{self.api_base}/v2.0/article/getslice",
                params={"offset": str(page * SLICE), "limit": str(SLICE), "type": "normal"},
                headers=self._headers,
            )
            data = self._checked(response, creating=False)
            medias = data.get("medias")
            listed = (
                [media for media in medias if isinstance(media, dict)]
                if isinstance(medias, list)
                else []
            )
            for media in listed:
                article_id = as_id(media.get("id"))
                if article_id in wanted:
                    found[article_id] = media
            total = count_of(data.get("total"))
            if (
                wanted <= found.keys()
                or len(listed) < SLICE
                or (total is not None and (page + 1) * SLICE >= total)
            ):
                break
        return tuple(
            PostReading(article_id, article_values(found[article_id], request, skipped))
            for article_id in dict.fromkeys(request.post_ids)
            if article_id in found
        )
