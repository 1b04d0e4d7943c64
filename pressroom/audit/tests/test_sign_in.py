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
        failed, signed_in, signed_out = AuditEvent.objects.order_by("id")
        self.assertEqual(failed.data, {"username": "owner"})
        self.assertEqual(
            (failed.actor, failed.actor_ref, failed.actor_label), (None, "", "anonymous")
        )
        for event in (signed_in, signed_out):
            self.assertEqual(event.actor, self.owner)
            self.assertEqual((event.actor_ref, event.actor_label), (str(self.owner.pk), "owner"))
            self.assertEqual(
                (event.object_type, event.object_id), ("auth.user", str(self.owner.pk))
            )
        self.assertNotIn("wrong password", str(list(AuditEvent.objects.values())))
        self.assertTrue(verify_chain().ok)
