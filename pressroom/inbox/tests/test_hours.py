"""Working hours: the policy a unit inherits, and working time over nights and weekends."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from pressroom.inbox.hours import (
    default_policy,
    due_at,
    policies_for,
    policy_for,
    started_by,
    working_seconds,
)
from pressroom.inbox.models import ResponsePolicy
from pressroom.orgs.models import Unit
from pressroom.testing import BaseTestCase

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
HOUR = 3600.0


def at(text: str) -> datetime:
    """A wall-clock time in Hồ Chí Minh City (2026-03-06 is a Friday)."""
    return datetime.fromisoformat(text).replace(tzinfo=HCM)


def office() -> ResponsePolicy:
    return default_policy(Unit(name="x", slug="x", path="/1/"))


class PolicyForTests(BaseTestCase):
    def test_a_unit_without_a_policy_anywhere_gets_the_default(self) -> None:
        policy = policy_for(self.commune)
        self.assertIsNone(policy.pk)
        self.assertEqual(policy.weekdays, [1, 2, 3, 4, 5])
        self.assertEqual((policy.day_starts, policy.day_ends), (time(7, 30), time(17, 0)))
        self.assertEqual((policy.first_response_hours, policy.resolution_hours), (4, 24))

    def test_the_nearest_policy_above_holds(self) -> None:
        ResponsePolicy.objects.create(unit=self.province, first_response_hours=8)
        ResponsePolicy.objects.create(unit=self.district, first_response_hours=2)
        self.assertEqual(policy_for(self.commune).first_response_hours, 2)
        self.assertEqual(policy_for(self.district).first_response_hours, 2)
        self.assertEqual(policy_for(self.sibling).first_response_hours, 8)
        self.assertEqual(policy_for(self.province).first_response_hours, 8)

    def test_a_units_own_policy_beats_its_parents(self) -> None:
        ResponsePolicy.objects.create(unit=self.district, first_response_hours=2)
        ResponsePolicy.objects.create(unit=self.commune, first_response_hours=1)
        self.assertEqual(policy_for(self.commune).first_response_hours, 1)

    def test_many_units_in_one_query(self) -> None:
        ResponsePolicy.objects.create(unit=self.district, first_response_hours=2)
        units = [self.province, self.district, self.commune, self.sibling]
        with self.assertNumQueries(1):
            found = policies_for(units)
        self.assertEqual([found[unit.pk].first_response_hours for unit in units], [4, 2, 2, 4])


class WorkingSecondsTests(BaseTestCase):
    def test_within_one_day(self) -> None:
        seconds = working_seconds(at("2026-03-06 09:00"), at("2026-03-06 11:30"), office())
        self.assertEqual(seconds, 2.5 * HOUR)

    def test_across_a_night(self) -> None:
        # Thursday 16:00 to Friday 08:30: one hour on Thursday, one on Friday.
        seconds = working_seconds(at("2026-03-05 16:00"), at("2026-03-06 08:30"), office())
        self.assertEqual(seconds, 2 * HOUR)

    def test_over_a_weekend(self) -> None:
        # Friday 16:00 to Monday 09:30: Saturday and Sunday count nothing.
        seconds = working_seconds(at("2026-03-06 16:00"), at("2026-03-09 09:30"), office())
        self.assertEqual(seconds, 3 * HOUR)

    def test_before_opening_time(self) -> None:
        seconds = working_seconds(at("2026-03-06 05:00"), at("2026-03-06 08:00"), office())
        self.assertEqual(seconds, 0.5 * HOUR)

    def test_all_of_a_weekend_is_nothing(self) -> None:
        seconds = working_seconds(at("2026-03-07 10:00"), at("2026-03-08 23:00"), office())
        self.assertEqual(seconds, 0)

    def test_end_before_start_is_nothing(self) -> None:
        seconds = working_seconds(at("2026-03-06 11:00"), at("2026-03-06 09:00"), office())
        self.assertEqual(seconds, 0)

    def test_weeks_count_whole(self) -> None:
        # Four weeks of 5 days of 9.5 hours, and the moments given in another zone.
        start = at("2026-03-02 07:30").astimezone(ZoneInfo("UTC"))
        seconds = working_seconds(start, start + timedelta(days=28), office())
        self.assertEqual(seconds, 4 * 5 * 9.5 * HOUR)

    def test_a_policy_with_saturday_mornings(self) -> None:
        policy = ResponsePolicy(
            weekdays=[1, 2, 3, 4, 5, 6], day_starts=time(8, 0), day_ends=time(12, 0)
        )
        seconds = working_seconds(at("2026-03-06 11:00"), at("2026-03-09 09:00"), policy)
        self.assertEqual(seconds, (1 + 4 + 1) * HOUR)

    def test_no_working_days_means_monday_to_friday(self) -> None:
        policy = ResponsePolicy(weekdays=[], day_starts=time(8, 0), day_ends=time(12, 0))
        seconds = working_seconds(at("2026-03-06 11:00"), at("2026-03-09 09:00"), policy)
        self.assertEqual(seconds, 2 * HOUR)


class DueAtTests(BaseTestCase):
    def test_within_the_day(self) -> None:
        self.assertEqual(due_at(at("2026-03-06 09:00"), 4, office()), at("2026-03-06 13:00"))

    def test_over_a_weekend(self) -> None:
        # Friday 15:00 + 4 h: two hours on Friday, two on Monday from 07:30.
        self.assertEqual(due_at(at("2026-03-06 15:00"), 4, office()), at("2026-03-09 09:30"))

    def test_before_opening_time(self) -> None:
        self.assertEqual(due_at(at("2026-03-06 06:00"), 1, office()), at("2026-03-06 08:30"))

    def test_at_night(self) -> None:
        self.assertEqual(due_at(at("2026-03-05 22:00"), 1, office()), at("2026-03-06 08:30"))

    def test_a_whole_day_ends_at_closing_time(self) -> None:
        self.assertEqual(due_at(at("2026-03-06 07:30"), 9.5, office()), at("2026-03-06 17:00"))

    def test_a_whole_week_ends_at_closing_time(self) -> None:
        self.assertEqual(due_at(at("2026-03-02 07:30"), 47.5, office()), at("2026-03-06 17:00"))

    def test_24_working_hours(self) -> None:
        # Monday 10:00: 7 h Monday, 9.5 Tuesday, 7.5 on Wednesday until 15:00.
        self.assertEqual(due_at(at("2026-03-02 10:00"), 24, office()), at("2026-03-04 15:00"))

    def test_none_is_the_start(self) -> None:
        self.assertEqual(due_at(at("2026-03-07 10:00"), 0, office()), at("2026-03-07 10:00"))

    def test_started_by_mirrors_due_at(self) -> None:
        # At Monday 09:30, four working hours ago was Friday 15:00.
        self.assertEqual(started_by(at("2026-03-09 09:30"), 4, office()), at("2026-03-06 15:00"))
        self.assertEqual(started_by(at("2026-03-09 06:00"), 1, office()), at("2026-03-06 16:00"))


moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(HCM)
)


@settings(max_examples=200, deadline=None)
@given(start=moments, hours=st.floats(min_value=0.01, max_value=400))
def test_due_at_is_that_much_working_time_later(start: datetime, hours: float) -> None:
    policy = office()
    due = due_at(start, hours, policy)
    assert abs(working_seconds(start, due, policy) - hours * HOUR) < 1e-3
    # And no earlier moment would do: a minute before, less time has passed.
    assert working_seconds(start, due - timedelta(minutes=1), policy) < hours * HOUR
    back = started_by(due, hours, policy)
    assert abs(working_seconds(back, due, policy) - hours * HOUR) < 1e-3


@settings(max_examples=200, deadline=None)
@given(start=moments, middle=moments, end=moments)
def test_working_time_adds_up(start: datetime, middle: datetime, end: datetime) -> None:
    start, middle, end = sorted([start, middle, end])
    policy = office()
    whole = working_seconds(start, end, policy)
    parts = working_seconds(start, middle, policy) + working_seconds(middle, end, policy)
    assert abs(whole - parts) < 1e-3
    assert 0 <= whole <= (end - start).total_seconds()
