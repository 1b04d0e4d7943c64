from __future__ import annotations

from pressroom.audit.actions import verify_chain
from pressroom.audit.models import AuditEvent
from pressroom.testing import BaseTestCase


class SignInAuditTests(BaseTestCase):
    def test_sign_in_and_failed_sign_in_are_recorded_without_the_password(self) -> None:
        self.client.post("/sign-in/", {"username": "owner", "password": "wrong password"})
        self.client.post("/sign-in/", {"username": "owner", "password": self.password})
        self.client.post("/sign-out/")
        actions = list(AuditEvent.objects.values_list("action", flat=True))
        self.assertEqual(actions, ["user.sign_in_failed", "user.sign_in", "user.sign_out"])
        failed = AuditEvent.objects.get(action="user.sign_in_failed")
        self.assertEqual(failed.data, {"username": "owner"})
        self.assertNotIn("wrong password", str(list(AuditEvent.objects.values())))
        self.assertTrue(verify_chain().ok)
