"""The emulated audiences: the same figures for the same account or post, followers that grow,
views that only go up with a post's age and level off."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pressroom.sandbox import audience

DAY = audience.DAY_S
KEYS = st.text(min_size=1, max_size=20)
AGES = st.floats(min_value=0, max_value=400 * DAY, allow_nan=False)


def test_followers_start_at_the_base_and_grow_by_the_day() -> None:
    made = 1_700_000_000.0
    same_day = audience.followers("zalo:1", base=500, created_at=made, now=made + DAY - 1)
    assert same_day == 500
    month = audience.followers("zalo:1", base=500, created_at=made, now=made + 30 * DAY)
    assert 500 + 30 <= month <= 500 + 30 * 25
    assert month == audience.followers("zalo:1", base=500, created_at=made, now=made + 30 * DAY)
    other = audience.followers("zalo:2", base=500, created_at=made, now=made + 30 * DAY)
    assert other != month
    assert audience.followers("zalo:1", base=0, created_at=made, now=made, net=-5) == 0


@given(key=KEYS, days=st.integers(0, 400))
def test_a_year_of_followers_is_mostly_growth(key: str, days: int) -> None:
    assert audience.followers_gained(key, days) >= days // 2 - 10


@given(key=KEYS, first=AGES, second=AGES)
def test_views_and_shares_only_go_up_with_age(key: str, first: float, second: float) -> None:
    younger, older = sorted((first, second))
    seen_then = audience.views(key, age_s=younger)
    seen_now = audience.views(key, age_s=older)
    assert 0 <= seen_then <= seen_now <= 5000
    assert audience.shares(key, seen=seen_then) <= audience.shares(key, seen=seen_now)
    assert audience.shares(key, seen=seen_now) <= seen_now // 25 + 1


def test_a_post_is_seen_most_in_its_first_day() -> None:
    first_day = audience.views("telegram:42", age_s=DAY)
    final = audience.views("telegram:42", age_s=60 * DAY)
    assert audience.views("telegram:42", age_s=0) == 0
    assert first_day >= final * 0.6
    assert final - audience.views("telegram:42", age_s=59 * DAY) <= 1
