"""Wrong passwords, again and again: the sign-in locks, says so, and the log shows it."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from pressroom.audit.models import AuditEvent
from pressroom.testing import ViewTestCase

LIMIT = 5


class SignInThrottleTests(ViewTestCase):
    def fail_sign_in(self, url: str, times: int) -> None:
        for _ in range(times):
            self.client.post(url, {"username": "owner", "password": "not the password"})

    def test_the_right_password_is_refused_after_too_many_wrong_ones(self) -> None:
        self.fail_sign_in("/sign-in/", 30)
        response = self.client.post("/sign-in/", {"username": "owner", "password": self.password})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many wrong passwords", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        locked = AuditEvent.objects.filter(action="user.locked_out")
        self.assertTrue(locked.exists())
        self.assertEqual(locked.first().data, {"username": "owner"})  # type: ignore[union-attr]

    def test_below_the_limit_the_right_password_works(self) -> None:
        self.fail_sign_in("/sign-in/", LIMIT - 1)
        response = self.client.post("/sign-in/", {"username": "owner", "password": self.password})
        self.assertEqual(response.status_code, 302)
        self.assertIn("_auth_user_id", self.client.session)

    def test_the_lock_ends_after_the_cool_off(self) -> None:
        with time_machine.travel(timezone.now(), tick=False) as clock:
            self.fail_sign_in("/sign-in/", LIMIT)
            refused = self.client.post(
                "/sign-in/", {"username": "owner", "password": self.password}
            )
            self.assertEqual(refused.status_code, 429)
            clock.shift(timedelta(minutes=16))
            response = self.client.post(
                "/sign-in/", {"username": "owner", "password": self.password}
            )
        self.assertEqual(response.status_code, 302)

    def test_another_account_is_not_locked(self) -> None:
        self.fail_sign_in("/sign-in/", LIMIT + 2)
        response = self.client.post(
            "/sign-in/", {"username": "approver", "password": self.password}
        )
        self.assertEqual(response.status_code, 302)

    def test_the_admin_sign_in_is_throttled_too(self) -> None:
        self.owner.is_staff = True
        self.owner.save()
        self.fail_sign_in("/admin/login/", 30)
        response = self.client.post(
            "/admin/login/", {"username": "owner", "password": self.password}
        )
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)
