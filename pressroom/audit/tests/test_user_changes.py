"""The chain verifies whatever happens to the people in it: renamed, deactivated, even deleted."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from pressroom.audit.actions import record_event, verify_chain
from pressroom.audit.models import AuditEvent
from pressroom.orgs.people import deactivate_user, reactivate_user

User = get_user_model()
PEOPLE = 3


def delete_with_sql(user: Any) -> None:
    """Remove the account row behind the application's back, as a database console would."""
    table = connection.ops.quote_name(User._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [user.pk])


def assert_chain_verifies(case: TestCase, events: int) -> None:
    report = verify_chain()
    case.assertTrue(report.ok, report)
    case.assertEqual(report.checked, events)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    case.assertIn(f"{events} events", out.getvalue())


class UserChangesTests(TestCase):
    def setUp(self) -> None:
        self.root = User.objects.create_superuser("root", "root@example.gov.vn", None)
        self.person = User.objects.create_user("nguyen.van.a")
        record_event(actor=self.person, action="post.edit", data={"n": 1})
        record_event(actor=self.person, action="post.edit", data={"n": 2})

    def test_a_deleted_account_keeps_its_events_verifiable(self) -> None:
        person_id = self.person.pk
        self.person.delete()
        event = AuditEvent.objects.order_by("id").first()
        assert event is not None
        self.assertIsNone(event.actor_id)
        self.assertEqual((event.actor_ref, event.actor_label), (str(person_id), "nguyen.van.a"))
        assert_chain_verifies(self, 2)

    def test_an_account_removed_with_sql_keeps_its_events_verifiable(self) -> None:
        person_id = self.person.pk
        delete_with_sql(self.person)
        self.assertFalse(User.objects.filter(pk=person_id).exists())
        self.assertFalse(AuditEvent.objects.filter(actor_id=person_id).exists())
        assert_chain_verifies(self, 2)

    def test_renamed_and_deactivated_people_keep_the_chain(self) -> None:
        self.person.username = "nguyen.van.b"
        self.person.save()
        deactivate_user(user=self.person, by=self.root)
        reactivate_user(user=self.person, by=self.root)
        self.assertEqual(
            list(AuditEvent.objects.values_list("actor_label", flat=True)),
            ["nguyen.van.a", "nguyen.van.a", "root", "root"],
        )
        assert_chain_verifies(self, 4)


OPERATIONS = ("event", "rename", "deactivate", "reactivate", "delete", "delete_sql")


class AnySequenceOfUserChanges(TestCase):
    @settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(
            st.tuples(st.sampled_from(OPERATIONS), st.integers(0, PEOPLE - 1)),
            min_size=1,
            max_size=12,
        )
    )
    def test_the_chain_verifies_after_any_sequence(self, steps: list[tuple[str, int]]) -> None:
        root = User.objects.create_superuser("root", "root@example.gov.vn", None)
        people: list[Any] = [User.objects.create_user(f"person-{n}") for n in range(PEOPLE)]
        for person in people:
            record_event(actor=person, action="post.edit")
        for operation, index in steps:
            person = people[index]
            if person is None:
                continue
            if operation == "event":
                record_event(actor=person, action="post.edit", data={"step": operation})
            elif operation == "rename":
                person.username = f"{person.username}-renamed"
                person.save(update_fields=["username"])
            elif operation == "deactivate" and person.is_active:
                person = people[index] = deactivate_user(user=person, by=root)
            elif operation == "reactivate" and not person.is_active:
                person = people[index] = reactivate_user(user=person, by=root)
            elif operation == "delete":
                person.delete()
                people[index] = None
            elif operation == "delete_sql":
                delete_with_sql(person)
                people[index] = None
        assert_chain_verifies(self, AuditEvent.objects.count())
