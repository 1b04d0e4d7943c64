"""The people behind a sandbox Page's insights: how many follow it, see its content and visit
it each day, and how its posts fare, all drawn from hashes (of the Page's id and the day, of
the post's id), never from chance, so the same question always gets the same figures.

The shape of it: a Page was created years ago (its `created_time`, else a date drawn from its
id) and has gained followers slowly since, a few a day, losing a few on some days. Its daily
reach is what its followers see of it anyway (more on weekdays: a public administration's Page)
plus what its posts are seen that day. A post is seen most in its first day and hardly after
three; photos more than links, links more than text; a post sent in the evening (Vietnam's
time, where the readers are) more than one sent at night. Reactions, shares and clicks follow
its views, by format. Comments are not drawn: they are the ones kept (threads.py).

Days are Graph's: Pacific time (see insights.py).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from pressroom.sandbox.store import Account, Item

GRAPH_ZONE = ZoneInfo("America/Los_Angeles")
READERS_ZONE = timezone(timedelta(hours=7))
HOUR_S = 3600.0
EARLIEST_CREATION = date(2016, 1, 1)
# Monday to Sunday: an administration's Page is read on working days.
WEEKDAYS = (1.12, 1.15, 1.1, 1.05, 1.0, 0.72, 0.62)
# How much a post is seen by the hour it went out, readers' time (0 h to 23 h).
HOURS = (
    0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 0.65, 0.85, 1.0, 1.05, 1.05, 1.15,
    1.2, 1.0, 0.9, 0.9, 0.95, 1.0, 1.1, 1.25, 1.35, 1.3, 0.95, 0.55,
)  # fmt: skip
# By format: views per follower, then reactions, shares and clicks per view.
VIEWS = {"photo": 0.55, "link": 0.35, "text": 0.25}
REACTIONS = {"photo": 0.06, "link": 0.03, "text": 0.02}
SHARES = {"photo": 0.008, "link": 0.01, "text": 0.003}
CLICKS = {"photo": 0.07, "link": 0.09, "text": 0.015}
REACTION_KINDS = (("like", 0.72), ("love", 0.17), ("care", 0.04), ("wow", 0.04), ("haha", 0.03))
# Most of a post's views come in its first day: views(age) = final * (1 - exp(-age / tau)).
VIEWS_TAU_H = 16.0
# Beyond this age a post adds nothing to its Page's daily reach.
POST_DAYS = 5


def unit(*parts: object) -> float:
    """A number in [0, 1) drawn from the parts: the same parts, the same number."""
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def day_start(day: date) -> float:
    """When a Graph day starts (Pacific midnight), in epoch seconds."""
    return datetime.combine(day, time(), GRAPH_ZONE).timestamp()


def graph_day(moment: float) -> date:
    return datetime.fromtimestamp(moment, GRAPH_ZONE).date()


def format_of(post: Item) -> str:
    if post.media:
        return "photo"
    return "link" if post.link else "text"


@dataclass(frozen=True)
class PostFigures:
    views: int
    viewers: int
    reactions: dict[str, int]
    shares: int
    clicks: int

    @property
    def reactions_total(self) -> int:
        return sum(self.reactions.values())

    @property
    def engagements(self) -> int:
        return self.reactions_total + self.shares + self.clicks


class Audience:
    """One Page's followers and readers, and its posts' (those given)."""

    def __init__(self, page: Account, posts: Iterable[Item] = ()) -> None:
        self.page_id = page.account_id
        self.created = creation_of(page)
        self.growth = 0.8 + 5.0 * unit(self.page_id, "growth")
        self.first = 40 + int(200 * unit(self.page_id, "first"))
        self.churn = max(2, round(self.growth * 1.5))
        self.by_day: dict[date, list[Item]] = {}
        for post in posts:
            self.by_day.setdefault(graph_day(post.created_at), []).append(post)

    def followers(self, day: date) -> int:
        """Following at the end of `day`: slow growth, a wobble of unfollows."""
        days = (day - self.created).days
        if days < 0:
            return 0
        wobble = int(self.churn * unit(self.page_id, day, "churn"))
        return max(0, self.first + math.floor(self.growth * days) - wobble)

    def follows(self, day: date) -> tuple[int, int]:
        """New followers and unfollows that day; their difference is the day's change."""
        if (day - self.created).days < 0:
            return 0, 0
        change = self.followers(day) - self.followers(day - timedelta(days=1))
        both = int(2 * unit(self.page_id, day, "both"))
        unfollows = max(0, -change) + both
        return change + unfollows, unfollows

    def noise(self, day: date, name: str, spread: float = 0.4) -> float:
        return 1 - spread / 2 + spread * unit(self.page_id, day, name)

    def organic(self, day: date) -> float:
        """What followers see of the Page that day besides its new posts."""
        return self.followers(day) * 0.12 * WEEKDAYS[day.weekday()] * self.noise(day, "reach")

    def recent_posts(self, day: date) -> list[Item]:
        return [
            post
            for back in range(POST_DAYS + 1)
            for post in self.by_day.get(day - timedelta(days=back), [])
        ]

    def posts_seen(self, day: date) -> tuple[float, float]:
        """Views and engagements the Page's posts got during `day`."""
        start, end = day_start(day), day_start(day + timedelta(days=1))
        views = engagements = 0.0
        for post in self.recent_posts(day):
            at_end = self.post(post, end)
            at_start = self.post(post, max(start, post.created_at))
            views += at_end.views - at_start.views
            engagements += at_end.engagements - at_start.engagements
        return views, engagements

    def daily(self, day: date) -> dict[str, int]:
        """The Page's figures for one day, by the emulated metric they answer."""
        if (day - self.created).days < 0:
            return dict.fromkeys(DAILY_FIGURES, 0)
        organic = self.organic(day)
        views, engagements = self.posts_seen(day)
        followers = self.followers(day)
        weekday = WEEKDAYS[day.weekday()]
        adds, removes = self.follows(day)
        return {
            "followers": followers,
            "follows": adds,
            "unfollows": removes,
            "views": round(organic + views),
            "viewers": round(0.55 * organic + 0.68 * views),
            "visits": round(
                followers * 0.012 * weekday * self.noise(day, "visits", 0.6) + 0.03 * views
            ),
            "engagements": round(engagements + 0.01 * organic),
            "actions": round(followers * 0.001 * weekday * self.noise(day, "actions", 0.8)),
            "video_views": round(organic * 0.02 * self.noise(day, "video")),
        }

    def post(self, post: Item, moment: float) -> PostFigures:
        """A post's totals at `moment`, by its whole hours of age."""
        kind = format_of(post)
        hours = max(0, math.floor((moment - post.created_at) / HOUR_S))
        readers_hour = datetime.fromtimestamp(post.created_at, READERS_ZONE).hour
        final = (
            self.followers(graph_day(post.created_at)) * VIEWS[kind] * HOURS[readers_hour] + 20
        ) * (0.85 + 0.3 * unit(post.remote_id, "views"))
        views = final * (1 - math.exp(-hours / VIEWS_TAU_H))

        def share(rates: dict[str, float], name: str) -> int:
            return round(views * rates[kind] * (0.7 + 0.6 * unit(post.remote_id, name)))

        reacted = share(REACTIONS, "reactions")
        reactions = {name: round(reacted * part) for name, part in REACTION_KINDS}
        return PostFigures(
            views=round(views),
            viewers=round(views * 0.68),
            reactions={name: count for name, count in reactions.items() if count},
            shares=share(SHARES, "shares"),
            clicks=share(CLICKS, "clicks"),
        )


DAILY_FIGURES = (
    "followers",
    "follows",
    "unfollows",
    "views",
    "viewers",
    "visits",
    "engagements",
    "actions",
    "video_views",
)


def creation_of(page: Account) -> date:
    """The Page's `created_time` (a date or epoch seconds), else a day in 2016-2019 drawn from
    its id: years of history, as an administration's Page has."""
    given = page.extra.get("created_time")
    if isinstance(given, int | float) and not isinstance(given, bool):
        return graph_day(float(given))
    if isinstance(given, str) and given:
        try:
            return date.fromisoformat(given[:10])
        except ValueError:
            pass
    return EARLIEST_CREATION + timedelta(days=int(1460 * unit(page.account_id, "created")))
