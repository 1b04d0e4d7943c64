from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command

from pressroom.audit.actions import record_event, verify_chain
from pressroom.audit.models import GENESIS_HASH, AuditEvent
from pressroom.testing import BaseTestCase


class AuditChainTests(BaseTestCase):
    def setUp(self) -> None:
        for n in range(3):
            record_event(
                actor=self.owner,
                action="post.edit",
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

    def events(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.order_by("id"))

    def test_a_changed_field_is_found_whichever_it_is(self) -> None:
        changes = {
            "actor_ref": "999",
            "actor_label": "someone else",
            "action": "post.approve",
            "object_id": "42",
            "unit_id": self.sibling.pk,
            "created_at": self.events()[1].created_at.replace(year=2020),
            "hash": "f" * 64,
        }
        for field, value in changes.items():
            with self.subTest(field=field):
                second = self.events()[1]
                original = getattr(second, field)
                AuditEvent.objects.filter(pk=second.pk).update(**{field: value})
                self.assertEqual(verify_chain().first_bad_id, second.pk)
                AuditEvent.objects.filter(pk=second.pk).update(**{field: original})
                self.assertTrue(verify_chain().ok)

    def test_an_inserted_event_is_found(self) -> None:
        first, second, third = self.events()
        # Make room after the first event, then forge one there with a correct hash of its own.
        for event in (third, second):
            AuditEvent.objects.filter(pk=event.pk).update(id=event.pk + 1000)
        forged = AuditEvent(
            id=second.pk,
            created_at=second.created_at,
            actor_ref="",
            actor_label="intruder",
            action="post.edit",
            object_type="",
            object_id="",
            data={"n": 1},
            prev_hash=first.hash,
        )
        forged.hash = forged.compute_hash()
        forged.save(force_insert=True)
        report = verify_chain()
        self.assertEqual(report.first_bad_id, second.pk + 1000)
        self.assertEqual(report.problem, "previous hash does not match")
        self.assertEqual(report.checked, 2)

    def test_an_event_inserted_before_the_first_is_found(self) -> None:
        first = self.events()[0]
        forged = AuditEvent(
            id=first.pk - 1,
            created_at=first.created_at,
            actor_label="intruder",
            action="post.edit",
            object_type="",
            object_id="",
            prev_hash=GENESIS_HASH,
        )
        forged.hash = forged.compute_hash()
        forged.save(force_insert=True)
        self.assertEqual(verify_chain().first_bad_id, first.pk)

    def test_reordered_events_are_found(self) -> None:
        _, second, third = self.events()
        fields = ["created_at", "actor_label", "action", "data", "prev_hash"]
        AuditEvent.objects.filter(pk=third.pk).update(hash="x" * 64)
        AuditEvent.objects.filter(pk=second.pk).update(
            hash=third.hash, **{f: getattr(third, f) for f in fields}
        )
        AuditEvent.objects.filter(pk=third.pk).update(
            hash=second.hash, **{f: getattr(second, f) for f in fields}
        )
        report = verify_chain()
        self.assertEqual(report.first_bad_id, second.pk)
        self.assertEqual(report.problem, "previous hash does not match")
