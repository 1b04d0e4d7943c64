"""How the emulated audiences grow: an account's followers day by day, a post's views with its
age. Each figure comes from a hash of the account's or the post's id, so the same account reads
the same on the same day, whoever asks and however often; what the simulated public does (a
follow, an unfollow) is added by each platform's emulation on top.

Shapes, roughly as public accounts of local administrations see them: a few to a dozen new
followers a day, now and then one or two leaving; a post seen most in its first day, then
less and less, up to a ceiling of its own (a hundred to five thousand views), shared once in
25 to 100 views.
"""

from __future__ import annotations

import functools
import hashlib
import math

DAY_S = 86400
# Growth is counted over at most this many days (an account ten years old grows no further).
MAX_DAYS = 3660
# A post's views come at this pace: two thirds of its ceiling within its first day.
VIEWS_HALF_LIFE_H = 16.0


def _fraction(*parts: str) -> float:
    """A number in [0, 1), the same for the same parts."""
    digest = hashlib.sha256(":".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def whole_days(since: float, now: float) -> int:
    """Whole days from `since` to `now` (0 on the first day, and for a moment before it)."""
    return max(0, min(MAX_DAYS, int((now - since) // DAY_S)))


@functools.lru_cache(maxsize=4096)
def followers_gained(key: str, days: int) -> int:
    """The net followers an account (`key`, its platform and id) gained over its first `days`
    whole days."""
    pace = 2 + int(_fraction(key, "pace") * 10)
    gained = 0
    for day in range(min(days, MAX_DAYS)):
        new = int(_fraction(key, "new", str(day)) * (2 * pace + 1))
        lost = int(_fraction(key, "lost", str(day)) * (pace // 3 + 2))
        gained += new - lost
    return gained


def followers(key: str, *, base: int, created_at: float, now: float, net: int = 0) -> int:
    """An account's followers now: `base` when it was made, its growth since, and `net` (the
    simulated public's follows less its unfollows). Never below zero."""
    return max(0, base + followers_gained(key, whole_days(created_at, now)) + net)


def views(key: str, *, age_s: float) -> int:
    """How many times a post (`key`, its platform and id) `age_s` seconds old was seen."""
    ceiling = 100 + int(_fraction(key, "ceiling") ** 2 * 4900)
    hours = max(0.0, age_s) / 3600
    return int(ceiling * (1 - math.exp(-hours * math.log(2) / VIEWS_HALF_LIFE_H)))


def shares(key: str, *, seen: int) -> int:
    """How many times a post seen `seen` times was shared: one in 25 to one in 100 views."""
    return int(seen * (0.01 + 0.03 * _fraction(key, "shares")))
