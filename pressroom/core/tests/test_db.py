"""Many rows in one prepared statement store what the ORM would have stored."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import TestCase

from pressroom.audit.actions import record_events, verify_chain
from pressroom.audit.models import AuditEvent
from pressroom.core.db import insert_from_select, insert_many, update_many


class InsertAndUpdateManyTests(TestCase):
    def test_values_read_back_as_the_orm_writes_them(self) -> None:
        moment = datetime(2026, 11, 29, 8, 30, 15, 123456, tzinfo=UTC)
        made = [
            AuditEvent(
                created_at=moment,
                actor=None,
                actor_label="dispatcher",
                action=f"delivery.published.{index}",
                object_type="publishing.delivery",
                object_id=str(index),
                unit_id=None if index else 7,
                data={"kênh": "Zalo", "n": index, "list": [1, None]},
                prev_hash="0" * 64,
                hash=f"{index:064d}",
            )
            for index in range(3)
        ]
        insert_many(AuditEvent, made)
        stored = list(AuditEvent.objects.order_by("id"))
        self.assertEqual([event.action for event in stored], [event.action for event in made])
        self.assertEqual({event.created_at for event in stored}, {moment})
        self.assertEqual(stored[1].data, {"kênh": "Zalo", "n": 1, "list": [1, None]})
        self.assertEqual([event.unit_id for event in stored], [7, None, None])

        tricky = 'dấu "ngoặc" {a,b}, \\ NULL'
        for event in stored:
            event.actor_label = f"đổi {event.pk} {tricky}"
            event.unit_id = None
        update_many(AuditEvent, stored, ["actor_label", "unit_id"])
        self.assertEqual(
            list(AuditEvent.objects.order_by("id").values_list("actor_label", "unit_id")),
            [(f"đổi {event.pk} {tricky}", None) for event in stored],
        )

    def test_a_chain_appended_in_one_statement_verifies(self) -> None:
        record_events(
            actor="dispatcher",
            events=[
                {"action": "delivery.published", "unit_id": 1, "data": {"n": index}}
                for index in range(500)
            ],
        )
        # Ids follow the list (the chain is verified in id order).
        self.assertEqual(
            list(AuditEvent.objects.order_by("id").values_list("data__n", flat=True)),
            list(range(500)),
        )
        self.assertTrue(verify_chain().ok)

    def test_rows_made_by_the_database_from_a_template(self) -> None:
        moment = datetime(2026, 11, 29, 8, 30, tzinfo=UTC)
        template = AuditEvent(
            created_at=moment,
            actor_label="hệ thống",
            action="copy",
            object_type="test",
            data={"từ": "mẫu"},
            prev_hash="0" * 64,
            hash="",
        )
        AuditEvent.objects.create(
            created_at=moment, action="source", object_type="test", object_id="7", prev_hash="0"
        )
        made = insert_from_select(
            AuditEvent,
            template,
            computed={
                "object_id": ("CAST(n.id AS VARCHAR(100))", []),
                "hash": ("%s", ["x"]),
            },
            source='FROM "audit_auditevent" AS n WHERE n.object_id = %s',
            params=["7"],
        )
        self.assertEqual(made, 1)
        copy = AuditEvent.objects.get(action="copy", hash="x")
        self.assertEqual(copy.created_at, moment)
        self.assertEqual(copy.actor_label, "hệ thống")
        self.assertEqual(copy.data, {"từ": "mẫu"})
        self.assertEqual(copy.object_id, str(AuditEvent.objects.get(action="source").pk))


class BulkWritesOfCoreRowsTests(TestCase):
    """The same helpers on a model of the ground floor, with the edge cases of a batch."""

    def setUp(self) -> None:
        from django.contrib.auth import get_user_model

        self.user = get_user_model().objects.create_user(username="nguoi-nhan")

    def test_nothing_to_write_sends_no_statement(self) -> None:
        from pressroom.core.models import Notification

        with self.assertNumQueries(0):
            insert_many(Notification, [])
            update_many(Notification, [], ["text"])

    def test_a_large_batch_keeps_its_order_and_sets_auto_now_as_django_does(self) -> None:
        import time_machine

        from pressroom.core.models import Notification

        moment = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
        with time_machine.travel(moment, tick=False):
            insert_many(
                Notification,
                [
                    Notification(user=self.user, kind="k", text=f"thông báo {index}")
                    for index in range(2000)
                ],
            )
        stored = list(Notification.objects.order_by("id"))
        self.assertEqual([n.text for n in stored], [f"thông báo {i}" for i in range(2000)])
        self.assertEqual({n.created_at for n in stored}, {moment})
        self.assertEqual({n.read_at for n in stored}, {None})

        for notice in stored[::2]:
            notice.read_at = moment
        update_many(Notification, stored[::2], ["read_at"])
        self.assertEqual(Notification.objects.filter(read_at=moment).count(), 1000)
        self.assertEqual(Notification.objects.filter(read_at=None).count(), 1000)
