"""What the platforms count, in one shape for every platform.

Each platform names its figures in its own words (Facebook's `page_media_view`, Zalo's
`num_follower`, Mastodon's `followers_count`) and changes them over time (impressions became
views in November 2025). A `Value` carries both: the `Measure` it counts for Pressroom's
reports and the platform's own metric name and definition, so that a report can say where a
series changed meaning.

The platform clients read them (`HttpPlatformClient.read_metrics`), as pure I/O; the app
(pressroom.analytics) stores and rolls them up and knows nothing of any platform's names.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date


class Measure(enum.StrEnum):
    # People following the channel at the end of the day (a level, not a sum).
    FOLLOWERS = "followers"
    # How many times the channel's content was seen that day (views, "reach").
    REACH = "reach"
    # Visits to the channel's own page or profile that day.
    VISITS = "visits"
    REACTIONS = "reactions"
    COMMENTS = "comments"
    SHARES = "shares"
    CLICKS = "clicks"


# Measures that are a level at a moment (the latest value counts), not a count over time.
LEVELS = frozenset({Measure.FOLLOWERS})


@dataclass(frozen=True)
class Value:
    """One figure: for the channel on one day, or for one post as of one day."""

    measure: Measure
    day: date
    value: int
    # The platform's own name for the figure and what the platform says it means.
    metric: str
    definition: str = ""


@dataclass(frozen=True)
class PostReading:
    """A post's figures as of `day` (totals since it was published, as the platform gives)."""

    remote_id: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Reading:
    """What one collection brought for one channel."""

    # The channel's daily figures (one Value per measure and day).
    values: tuple[Value, ...] = ()
    # The posts asked about that the platform answered for.
    posts: tuple[PostReading, ...] = ()
    # The days the channel's figures are complete up to (inclusive): the next collection
    # starts after it. None when nothing daily was read.
    complete_until: date | None = None
    # Platform metrics asked for and refused as unknown (retired by the platform): dropped
    # from the request, the rest read.
    dropped: tuple[str, ...] = ()
    # Measures this platform does not give at all, with the reason shown on screen instead
    # of a zero (Telegram: bots cannot read views).
    unavailable: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricsRequest:
    """What to read: the channel's days `since`..`until` (inclusive) and these posts."""

    since: date
    until: date
    post_ids: tuple[str, ...] = ()
    # Platform metrics known to be refused for this channel (from earlier collections): not
    # asked again.
    skip_metrics: tuple[str, ...] = ()
    # The day it is where the figures are counted: what a platform gives only as it stands
    # now (followers, a post's totals) is that day's, whatever days were asked for.
    today: date | None = None

    @property
    def read_on(self) -> date:
        """The day a figure read as it stands now belongs to."""
        return self.today or self.until
