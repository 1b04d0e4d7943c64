"""Roll-ups: a unit's figures are its own channels' plus its children's, for any tree, also
after units are moved and merged; and they equal a rebuild from the channel rows."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from pressroom.analytics import rollup, store
from pressroom.analytics.figures import Period, by_child, totals
from pressroom.analytics.models import (
    FIGURES,
    SUMMED,
    ChannelDay,
    ChannelWeek,
    UnitDay,
    UnitMonth,
)
from pressroom.channels.models import Channel
from pressroom.orgs.actions import merge_units, move_unit
from pressroom.orgs.models import Unit

START = date(2026, 10, 1)
PLATFORMS = ("facebook", "zalo", "telegram", "mastodon")


def stored_rollups() -> dict[tuple[int, date, str], tuple[int, ...]]:
    return {
        (row.unit_id, row.day, row.platform): tuple(getattr(row, name) for name in FIGURES)
        for row in UnitDay.objects.all()
        if any(getattr(row, name) for name in FIGURES)
    }


def expected_rollups() -> dict[tuple[int, date, str], tuple[int, ...]]:
    """From the channel rows and the tree as it stands, computed here on its own."""
    paths = dict(Unit.objects.values_list("id", "path"))
    found: dict[tuple[int, date, str], list[int]] = defaultdict(lambda: [0] * len(FIGURES))
    for row in ChannelDay.objects.select_related("channel__unit"):
        assert row.unit_id == row.channel.unit_id
        for ancestor in rollup.path_ids(paths[row.unit_id]):
            sums = found[(ancestor, row.day, row.platform)]
            for index, name in enumerate(FIGURES):
                sums[index] += getattr(row, name)
    return {key: tuple(values) for key, values in found.items() if any(values)}


def stored_months() -> dict[tuple[int, date, str], tuple[int, ...]]:
    return {
        (row.unit_id, row.month, row.platform): tuple(getattr(row, name) for name in SUMMED)
        for row in UnitMonth.objects.all()
        if any(getattr(row, name) for name in SUMMED)
    }


def expected_months() -> dict[tuple[int, date, str], tuple[int, ...]]:
    """The units' days summed per calendar month."""
    found: dict[tuple[int, date, str], list[int]] = defaultdict(lambda: [0] * len(SUMMED))
    for (unit_id, day, platform), values in stored_rollups().items():
        sums = found[(unit_id, day.replace(day=1), platform)]
        for index, name in enumerate(SUMMED):
            sums[index] += values[FIGURES.index(name)]
    return {key: tuple(values) for key, values in found.items() if any(values)}


def stored_weeks() -> dict[tuple[int, date], int]:
    return {
        (channel_id, week): posts
        for channel_id, week, posts in ChannelWeek.objects.values_list(
            "channel_id", "week", "posts"
        )
        if posts
    }


def expected_weeks() -> dict[tuple[int, date], int]:
    """Each channel's posts per week starting on Monday, from its days."""
    found: dict[tuple[int, date], int] = defaultdict(int)
    for channel_id, day, posts in ChannelDay.objects.values_list("channel_id", "day", "posts"):
        found[(channel_id, day - timedelta(days=day.weekday()))] += posts
    return {key: posts for key, posts in found.items() if posts}


tree_shape = st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8)
figures = st.fixed_dictionaries(
    {
        "reach": st.integers(0, 10_000),
        "reactions": st.integers(0, 500),
        "followers": st.integers(0, 100_000),
        "posts": st.integers(0, 5),
    }
)
readings = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 45), figures), min_size=1, max_size=25
)
changes = st.lists(
    st.tuples(st.sampled_from(["move", "merge"]), st.integers(0, 40), st.integers(0, 40)),
    max_size=4,
)


class RollupTests(HypothesisTestCase):
    def build(self, shape: list[int]) -> tuple[list[Unit], list[Channel]]:
        root = Unit.objects.create(name="Cả nước", slug="root", kind="other")
        units = [root]
        for index, parent in enumerate(shape):
            units.append(
                Unit.objects.create(
                    name=f"Đơn vị {index}", slug=f"u{index}", parent=units[parent % len(units)]
                )
            )
        channels = []
        for index, unit in enumerate(units):
            for platform in PLATFORMS[: 1 + index % 3]:
                channels.append(
                    Channel.objects.create(
                        unit=unit,
                        platform=platform,
                        name=f"{unit.name} {platform}",
                        external_id=f"{unit.slug}-{platform}",
                    )
                )
        return units, channels

    def check(self) -> None:
        self.assertEqual(stored_rollups(), expected_rollups())
        self.assertEqual(stored_weeks(), expected_weeks())
        self.assertEqual(stored_months(), expected_months())
        days = stored_rollups()
        # Days cut out of a month (read from the days), and whole months (from the months).
        for period in (
            Period(START, START + timedelta(days=9)),
            Period(date(2026, 10, 25), date(2026, 11, 5)),
            Period.month(2026, 11),
            Period.quarter(2026, 4),
        ):
            for unit in Unit.objects.filter(is_active=True):
                lines = by_child(unit, period)
                whole = totals(unit, period)
                for name in ("reach", "reactions", "posts", "followers"):
                    self.assertEqual(
                        getattr(whole, name),
                        sum(getattr(line.totals, name) for line in lines),
                        f"{unit}: {name}",
                    )
                for name in ("reach", "posts"):
                    self.assertEqual(
                        getattr(whole, name),
                        sum(
                            values[FIGURES.index(name)]
                            for (unit_id, day, _), values in days.items()
                            if unit_id == unit.pk and period.start <= day <= period.end
                        ),
                        f"{unit} {period}: {name}",
                    )

    @settings(max_examples=25, deadline=None)
    @given(shape=tree_shape, readings=readings, changes=changes)
    def test_a_unit_is_its_own_channels_plus_its_children(
        self, shape: list[int], readings: list[Any], changes: list[tuple[str, int, int]]
    ) -> None:
        admin = get_user_model().objects.create_superuser("root", "root@example.gov.vn", "x")
        _units, channels = self.build(shape)
        for channel_index, day, values in readings:
            channel = channels[channel_index % len(channels)]
            store.set_days(channel, {START + timedelta(days=day): values})
        self.check()
        for kind, first, second in changes:
            active = list(Unit.objects.filter(is_active=True).exclude(parent=None))
            if not active:
                break
            unit = active[first % len(active)]
            others = [
                u for u in Unit.objects.filter(is_active=True) if not u.path.startswith(unit.path)
            ]
            if not others:
                continue
            target = others[second % len(others)]
            if kind == "move":
                move_unit(unit=unit, new_parent=target, by=admin)
            else:
                merge_units(sources=[unit], into=target, by=admin)
            self.check()
        # Figures arriving after the changes land where the channels now are.
        for channel_index, day, values in readings[:5]:
            channel = Channel.objects.get(pk=channels[channel_index % len(channels)].pk)
            store.set_days(channel, {START + timedelta(days=day): dict(values, reach=1)})
        self.check()
        maintained, weeks, months = stored_rollups(), stored_weeks(), stored_months()
        rollup.rebuild()
        self.assertEqual(stored_rollups(), maintained)
        self.assertEqual(stored_weeks(), weeks)
        self.assertEqual(stored_months(), months)

    def test_followers_are_carried_over_days_without_a_reading(self) -> None:
        units, channels = self.build([0])
        channel = channels[0]
        store.set_days(channel, {START: {"followers": 100}})
        store.set_days(channel, {START + timedelta(days=5): {"followers": 130}})
        days = dict(ChannelDay.objects.filter(channel=channel).values_list("day", "followers"))
        self.assertEqual(
            [days[START + timedelta(days=n)] for n in range(6)], [100, 100, 100, 100, 100, 130]
        )
        period = Period(START + timedelta(days=1), START + timedelta(days=5))
        figures = totals(units[0], period)
        self.assertEqual(
            (figures.followers, figures.followers_before, figures.growth), (130, 100, 30)
        )


class RebuildCommandTests(HypothesisTestCase):
    def test_the_command_rebuilds_what_was_lost(self) -> None:
        root = Unit.objects.create(name="Tỉnh", slug="t", kind="province")
        commune = Unit.objects.create(name="Xã", slug="x", kind="commune", parent=root)
        channel = Channel.objects.create(
            unit=commune, platform="zalo", name="Zalo", external_id="1"
        )
        store.set_days(channel, {START: {"reach": 40, "followers": 7}})
        expected = stored_rollups()
        UnitDay.objects.all().delete()
        out = io.StringIO()
        call_command("rebuild_rollups", stdout=out)
        self.assertEqual(stored_rollups(), expected)
        self.assertIn("2 roll-up rows written", out.getvalue())


class FollowersOnDaysWithoutAReadingTests(HypothesisTestCase):
    """A day first stored for something else (the inbox's counts, posts) keeps the channel's
    followers, so that a unit's followers never dip while a reading is awaited."""

    def test_counts_before_and_after_a_reading_keep_the_followers(self) -> None:
        root = Unit.objects.create(name="Tỉnh", slug="t", kind="province")
        channel = Channel.objects.create(unit=root, platform="zalo", name="Z", external_id="1")
        store.set_days(channel, {START: {"followers": 100}})
        store.add_counts(channel, {START + timedelta(days=2): {"comments": 3}})
        days = dict(ChannelDay.objects.filter(channel=channel).values_list("day", "followers"))
        self.assertEqual(days[START + timedelta(days=2)], 100)
        # A day stored before any reading of it takes the next reading's followers onward.
        store.add_counts(channel, {START + timedelta(days=5): {"messages": 1}})
        store.set_days(channel, {START + timedelta(days=4): {"followers": 120}})
        days = dict(ChannelDay.objects.filter(channel=channel).values_list("day", "followers"))
        self.assertEqual(days[START + timedelta(days=5)], 120)
        period = Period(START, START + timedelta(days=5))
        self.assertEqual(totals(root, period).followers, 120)
        self.assertEqual(stored_rollups(), expected_rollups())
