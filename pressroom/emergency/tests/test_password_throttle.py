"""Confirming an alert with a password: repeated wrong ones lock it, as a sign-in locks."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone, translation

from pressroom.audit.models import AuditEvent
from pressroom.core.errors import ActionError
from pressroom.emergency import two_factor
from pressroom.testing import BaseTestCase


class PasswordConfirmationThrottleTests(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def wrong(self, times: int) -> None:
        for _ in range(times):
            with self.assertRaisesMessage(ActionError, "That password is not right."):
                two_factor.reauthenticate(user=self.approver, password="guess")

    def test_the_right_password_is_refused_after_five_wrong_ones(self) -> None:
        self.wrong(5)
        with self.assertRaisesMessage(ActionError, "Too many wrong passwords"):
            two_factor.reauthenticate(user=self.approver, password=self.password)
        self.assertTrue(AuditEvent.objects.filter(action="reauth.locked").exists())

    def test_four_wrong_passwords_leave_the_right_one_working(self) -> None:
        self.wrong(4)
        method = two_factor.reauthenticate(user=self.approver, password=self.password)
        self.assertEqual(method, two_factor.PASSWORD)

    def test_the_lock_ends_after_the_cool_off(self) -> None:
        with time_machine.travel(timezone.now(), tick=False) as clock:
            self.wrong(5)
            clock.shift(timedelta(minutes=16))
            method = two_factor.reauthenticate(user=self.approver, password=self.password)
        self.assertEqual(method, two_factor.PASSWORD)

    def test_one_persons_failures_do_not_lock_another(self) -> None:
        self.wrong(5)
        method = two_factor.reauthenticate(user=self.owner, password=self.password)
        self.assertEqual(method, two_factor.PASSWORD)
