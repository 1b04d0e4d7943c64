"""A unit's posts-a-week policy: inherited downward, shown on the channel page, audited."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse
from django.utils import translation

from pressroom.audit.models import AuditEvent
from pressroom.channels.cadence_target import set_target, set_unit_policy, target_of
from pressroom.channels.models import Channel
from pressroom.content.cadence_gaps import gaps_of
from pressroom.content.models import Post
from pressroom.core.errors import ActionError
from pressroom.orgs.models import Role, Unit
from pressroom.testing import ViewTestCase

MONDAY = date(2026, 12, 7)


def fresh(channel: Channel) -> Channel:
    return Channel.objects.select_related("unit").get(pk=channel.pk)


class InheritanceTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.chief = self.make_user("chief", self.province, Role.ADMIN)
        self.zalo = self.make_channel(self.commune, "zalo")

    def source(self, channel: Channel) -> tuple[int, int, bool, Unit | None]:
        target = target_of(fresh(channel))
        return target.low, target.high, target.own, target.policy_of

    def test_own_then_unit_then_nearest_above_then_default(self) -> None:
        self.assertEqual(self.source(self.zalo), (5, 7, False, None))
        set_unit_policy(unit=self.province, low=2, high=4, by=self.chief)
        self.assertEqual(self.source(self.zalo), (2, 4, False, self.province))
        set_unit_policy(unit=self.district, low=3, high=6, by=self.owner)
        self.assertEqual(self.source(self.zalo), (3, 6, False, self.district))
        set_unit_policy(unit=self.commune, low=1, high=2, by=self.owner)
        self.assertEqual(self.source(self.zalo), (1, 2, False, self.commune))
        set_target(channel=self.zalo, low=9, high=12, by=self.owner)
        self.assertEqual(self.source(self.zalo), (9, 12, True, None))
        # Removing each in turn goes back up the tree.
        set_target(channel=self.zalo, low=None, high=None, by=self.owner)
        set_unit_policy(unit=self.commune, low=None, high=None, by=self.owner)
        self.assertEqual(self.source(self.zalo), (3, 6, False, self.district))
        set_unit_policy(unit=self.district, low=None, high=None, by=self.owner)
        self.assertEqual(self.source(self.zalo), (2, 4, False, self.province))

    def test_a_sibling_policy_does_not_apply(self) -> None:
        set_unit_policy(unit=self.sibling, low=1, high=1, by=self.outsider)
        self.assertEqual(self.source(self.zalo), (5, 7, False, None))

    def test_the_policy_is_audited(self) -> None:
        set_unit_policy(unit=self.district, low=3, high=6, by=self.owner)
        event = AuditEvent.objects.get(action="unit.cadence_set")
        self.assertEqual(event.unit_id, self.district.pk)
        self.assertEqual(event.data["cadence"], {"before": [None, None], "after": [3, 6]})

    @time_machine.travel(datetime(2026, 12, 7, 1, 0, tzinfo=UTC), tick=False)
    def test_the_gaps_follow_the_policies_in_four_queries_whatever_the_tree(self) -> None:
        facebook = self.make_channel(self.district, "facebook")
        post = self.make_post(channels=[facebook, self.zalo])
        Post.objects.filter(pk=post.pk).update(
            status=Post.Status.SCHEDULED, scheduled_at=datetime(2026, 12, 8, 2, tzinfo=UTC)
        )
        set_unit_policy(unit=self.province, low=0, high=3, by=self.chief)
        set_unit_policy(unit=self.commune, low=2, high=4, by=self.owner)
        with self.assertNumQueries(4):
            gaps = gaps_of(Channel.objects.all(), first=MONDAY)
        self.assertEqual([gap.channel.pk for gap in gaps.few], [self.zalo.pk])
        self.assertEqual(gaps.few[0].target.policy_of, self.commune)
        # More units, channels and policies: the same four queries.
        for number in range(5):
            unit = Unit.objects.create(
                name=f"Xã {number}", slug=f"xa-{number}", kind="commune", parent=self.commune
            )
            set_unit_policy(unit=unit, low=1, high=2, by=self.owner)
            self.make_channel(unit, "facebook")
        with self.assertNumQueries(4):
            gaps = gaps_of(Channel.objects.all(), first=MONDAY)
        self.assertEqual(len(gaps.few), 6)


class ValidationTests(ViewTestCase):
    def test_the_numbers_are_checked(self) -> None:
        cases = {
            (5, 2): "The fewest posts a week cannot be more than the most.",
            (0, 51): "The number of posts a week must be a whole number from 0 to 50.",
            (-1, 3): "The number of posts a week must be a whole number from 0 to 50.",
            (3, None): "Give both the fewest and the most posts a week, or neither.",
        }
        for (low, high), message in cases.items():
            with (
                self.subTest(low=low, high=high),
                translation.override("en"),
                self.assertRaises(ActionError) as raised,
            ):
                set_unit_policy(unit=self.district, low=low, high=high, by=self.owner)
            self.assertIn(message, raised.exception.messages)
        set_unit_policy(unit=self.district, low=0, high=50, by=self.owner)
        set_unit_policy(unit=self.district, low=4, high=4, by=self.owner)

    def test_the_page_says_what_was_wrong(self) -> None:
        self.login(self.owner)
        url = reverse("unit_cadence", args=[self.district.pk])
        response = self.client.post(url, {"low": "9", "high": "x"}, follow=True)
        self.assertContains(response, "The policy was not saved")
        self.assertContains(response, "must be a whole number from 0 to 50")
        self.assertContains(response, "cannot be more than the most")
        self.assertIsNone(Unit.objects.get(pk=self.district.pk).cadence_low)


class AccessTests(ViewTestCase):
    def test_administrators_of_the_unit_or_above_only(self) -> None:
        url = reverse("unit_cadence", args=[self.commune.pk])
        self.login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {"low": "1", "high": "2"}).status_code, 404)
        for refused in (self.approver, self.member):
            self.login(refused)
            self.assertEqual(self.client.get(url).status_code, 403)
            self.assertEqual(self.client.post(url, {"low": "1", "high": "2"}).status_code, 403)
        with self.assertRaises(ActionError):
            set_unit_policy(unit=self.commune, low=1, high=2, by=self.approver)
        # The district's administrator may not set the province's policy.
        with self.assertRaises(ActionError):
            set_unit_policy(unit=self.province, low=1, high=2, by=self.owner)
        self.assertIsNone(Unit.objects.get(pk=self.commune.pk).cadence_low)
        self.login(self.owner)  # administrator of the district above
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.post(url, {"low": "1", "high": "2"})
        commune = Unit.objects.get(pk=self.commune.pk)
        self.assertEqual((commune.cadence_low, commune.cadence_high), (1, 2))


class PageTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.chief = self.make_user("chief", self.province, Role.ADMIN)
        self.zalo = self.make_channel(self.commune, "zalo")
        self.detail = reverse("channel_detail", args=[self.zalo.pk])

    def test_the_channel_page_says_where_the_target_comes_from(self) -> None:
        self.login(self.owner)
        self.assertContains(self.client.get(self.detail), "(the default)")
        set_unit_policy(unit=self.province, low=2, high=4, by=self.chief)
        page = self.client.get(self.detail)
        self.assertContains(page, "Target: 2 to 4 posts a week.")
        self.assertContains(page, "(from Tỉnh Lạng Sơn's policy)")
        self.assertNotContains(page, "Remove this channel's own target")
        self.client.post(reverse("channel_cadence", args=[self.zalo.pk]), {"low": "3", "high": "5"})
        page = self.client.get(self.detail)
        self.assertContains(page, "(this channel's own)")
        self.assertContains(page, "Remove this channel's own target")
        response = self.client.post(
            reverse("channel_cadence", args=[self.zalo.pk]),
            {"low": "3", "high": "5", "clear": "1"},
            follow=True,
        )
        self.assertContains(response, "The channel&#x27;s own target is removed")
        self.assertContains(response, "(from Tỉnh Lạng Sơn's policy)")

    def test_the_unit_page_shows_the_policy_and_goes_back_to_the_one_above(self) -> None:
        set_unit_policy(unit=self.province, low=2, high=4, by=self.chief)
        self.login(self.owner)
        url = reverse("unit_cadence", args=[self.district.pk])
        page = self.client.get(url)
        self.assertContains(page, "2 to 4 posts a week, from Tỉnh Lạng Sơn's policy.")
        # The district's administrator cannot open the province's page: no link to it.
        self.assertNotContains(page, reverse("unit_cadence", args=[self.province.pk]))
        response = self.client.post(url, {"low": "3", "high": "6"}, follow=True)
        self.assertContains(response, "The posts-a-week policy of Huyện Cao Lộc is saved.")
        self.assertContains(response, "This unit's own policy: 3 to 6 posts a week.")
        self.login(self.chief)
        page = self.client.get(reverse("unit_cadence", args=[self.province.pk]))
        self.assertContains(page, "Units below with a policy of their own")
        self.assertContains(page, "Huyện Cao Lộc</a>: 3 to 6 a week")
        self.login(self.owner)
        response = self.client.post(url, {"clear": "1"}, follow=True)
        self.assertContains(
            response, "Huyện Cao Lộc follows the policy of the units above it again."
        )
        self.assertIsNone(Unit.objects.get(pk=self.district.pk).cadence_low)

    def test_the_channel_list_links_to_the_policy_of_the_units_one_manages(self) -> None:
        self.make_channel(self.sibling, "facebook")
        self.login(self.owner)
        page = self.client.get(reverse("channel_list"))
        self.assertContains(page, reverse("unit_cadence", args=[self.commune.pk]))
        self.login(self.approver)
        page = self.client.get(reverse("channel_list"))
        self.assertNotContains(page, "Posts a week for this unit")
