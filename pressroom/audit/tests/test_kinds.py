"""Audit event kinds are a closed list: an unknown kind is refused, every kind has a label."""

from __future__ import annotations

from django.test import TestCase
from django.utils import translation

from pressroom.audit.actions import record_event, record_events, verify_chain
from pressroom.audit.kinds import Kind
from pressroom.audit.models import AuditEvent


class KindTests(TestCase):
    def test_an_unknown_kind_is_refused_and_nothing_is_written(self) -> None:
        for action in ("post.publish", "", "POST.EDIT", "post.edit "):
            with self.subTest(action=action), self.assertRaises(ValueError):
                record_event(actor="system", action=action)
        with self.assertRaises(ValueError):
            record_events(
                actor="system", events=[{"action": Kind.POST_EDIT}, {"action": "delivery.lost"}]
            )
        self.assertFalse(AuditEvent.objects.exists())

    def test_a_kind_may_be_given_as_its_string(self) -> None:
        record_event(actor="system", action="credentials.rotate")
        record_event(actor="system", action=Kind.UNIT_MOVE)
        self.assertEqual(
            list(AuditEvent.objects.values_list("action", flat=True)),
            ["credentials.rotate", "unit.move"],
        )
        self.assertTrue(verify_chain().ok)

    def test_every_kind_has_a_label_for_people(self) -> None:
        with translation.override("en"):
            labels = {kind: str(kind.label) for kind in Kind}
        for kind, label in labels.items():
            with self.subTest(kind=kind.value):
                self.assertTrue(label[:1].isupper(), label)
                self.assertNotIn(".", label)
                self.assertNotIn("_", label)
        self.assertEqual(len(set(labels.values())), len(labels), "two kinds share a label")

    def test_the_log_shows_the_label(self) -> None:
        event = record_event(actor="system", action=Kind.USER_DEACTIVATE)
        with translation.override("en"):
            self.assertEqual(event.get_action_display(), "Account deactivated")
