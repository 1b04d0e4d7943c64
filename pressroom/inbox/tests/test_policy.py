"""The response targets page: administrators set them, the units below follow them."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.urls import reverse

from pressroom.audit.models import AuditEvent
from pressroom.inbox.hours import policy_for
from pressroom.inbox.models import ResponsePolicy
from pressroom.testing import ViewTestCase


def valid(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_response_hours": "2",
        "resolution_hours": "16",
        "day_starts": "08:00",
        "day_ends": "16:30",
        "weekdays": ["1", "2", "3", "4", "5", "6"],
    }
    data.update(changes)
    return data


class PolicyPageTests(ViewTestCase):
    def url(self, unit: Any) -> str:
        return reverse("inbox_policy", args=[unit.pk])

    def test_an_administrator_sees_the_defaults(self) -> None:
        self.login(self.owner)
        response = self.client.get(self.url(self.district))
        self.assertContains(response, "No unit above sets targets: the defaults hold.")
        self.assertContains(response, "First answer within 4 working hours")

    def test_saving_gives_the_unit_targets_its_units_below_follow(self) -> None:
        self.login(self.owner)
        response = self.client.post(self.url(self.district), valid(), follow=True)
        self.assertContains(response, "The response targets of Huyện Cao Lộc are saved.")
        policy = ResponsePolicy.objects.get(unit=self.district)
        self.assertEqual((policy.first_response_hours, policy.resolution_hours), (2.0, 16.0))
        self.assertEqual((policy.day_starts, policy.day_ends), (time(8, 0), time(16, 30)))
        self.assertEqual(policy.weekdays, [1, 2, 3, 4, 5, 6])
        self.assertEqual(policy_for(self.commune).pk, policy.pk)
        event = AuditEvent.objects.get(action="inbox.policy_set")
        self.assertEqual(event.unit_id, self.district.pk)
        self.assertEqual(event.data["weekdays"], [1, 2, 3, 4, 5, 6])
        commune = self.client.get(self.url(self.commune))
        self.assertContains(commune, "This unit follows the targets of Huyện Cao Lộc:")

    def test_a_day_that_ends_before_it_starts_is_refused(self) -> None:
        self.login(self.owner)
        response = self.client.post(self.url(self.district), valid(day_ends="07:00"))
        self.assertContains(response, "The working day must end after it starts.")
        self.assertFalse(ResponsePolicy.objects.exists())

    def test_closing_before_answering_is_refused(self) -> None:
        self.login(self.owner)
        response = self.client.post(self.url(self.district), valid(resolution_hours="1"))
        self.assertContains(response, "cannot be closed sooner than it is first answered")
        self.assertFalse(ResponsePolicy.objects.exists())

    def test_no_working_day_and_no_target_are_refused(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            self.url(self.district), valid(weekdays=[], first_response_hours="0")
        )
        self.assertContains(response, "Choose at least one working day.")
        self.assertContains(response, "Ensure this value is greater than or equal to 0.01.")
        self.assertFalse(ResponsePolicy.objects.exists())

    def test_following_the_unit_above_again(self) -> None:
        ResponsePolicy.objects.create(unit=self.province, first_response_hours=8)
        ResponsePolicy.objects.create(unit=self.district, first_response_hours=2)
        self.login(self.owner)
        response = self.client.post(self.url(self.district), {"inherit": "1"}, follow=True)
        self.assertContains(response, "Huyện Cao Lộc follows the targets above it again.")
        self.assertEqual(policy_for(self.district).first_response_hours, 8)
        self.assertTrue(AuditEvent.objects.filter(action="inbox.policy_set").exists())

    def test_an_editor_below_may_not_change_targets(self) -> None:
        self.login(self.member)
        self.assertEqual(self.client.get(self.url(self.commune)).status_code, 403)
        self.assertEqual(self.client.post(self.url(self.commune), valid()).status_code, 403)
        self.assertFalse(ResponsePolicy.objects.exists())

    def test_an_approver_may_not_either(self) -> None:
        self.login(self.approver)
        self.assertEqual(self.client.get(self.url(self.district)).status_code, 403)

    def test_another_units_administrator_is_not_told_the_unit_exists(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url(self.district)).status_code, 404)
        self.assertEqual(self.client.post(self.url(self.district), valid()).status_code, 404)
        self.assertFalse(ResponsePolicy.objects.exists())

    def test_signed_out_visitors_go_to_sign_in(self) -> None:
        response = self.client.get(self.url(self.district))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])
