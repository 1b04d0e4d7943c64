from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command

from pressroom.audit.actions import record_event, verify_chain
from pressroom.audit.models import AuditEvent
from pressroom.testing import BaseTestCase


class AuditChainTests(BaseTestCase):
    def setUp(self) -> None:
        for n in range(3):
            record_event(
                actor=self.owner,
                action="test.event",
                unit_id=self.district.pk,
                data={"n": n, "chữ": "Lạng Sơn"},
            )

    def test_intact_chain_verifies(self) -> None:
        report = verify_chain()
        self.assertTrue(report.ok)
        self.assertEqual(report.checked, 3)
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        self.assertIn("3 events", out.getvalue())

    def test_changed_event_is_found(self) -> None:
        second = AuditEvent.objects.order_by("id")[1]
        AuditEvent.objects.filter(pk=second.pk).update(data={"n": 99})
        report = verify_chain()
        self.assertEqual(report.first_bad_id, second.pk)
        with self.assertRaises(CommandError):
            call_command("audit", "verify", stdout=StringIO())

    def test_removed_event_is_found(self) -> None:
        events = list(AuditEvent.objects.order_by("id"))
        events[1].delete()
        self.assertEqual(verify_chain().first_bad_id, events[2].pk)

    def test_actor_name_is_kept(self) -> None:
        self.assertEqual(AuditEvent.objects.values_list("actor_label", flat=True)[0], "owner")
