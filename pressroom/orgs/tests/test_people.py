"""People are deactivated, not deleted: audited, by someone who administers all their units."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.utils import translation

from pressroom.audit.models import AuditEvent
from pressroom.core.errors import ActionError
from pressroom.orgs.actions import merge_units
from pressroom.orgs.models import Membership, Role
from pressroom.orgs.people import deactivate_user, reactivate_user, remove_role, set_role
from pressroom.testing import BaseTestCase, ViewTestCase

User = get_user_model()


class DeactivateUserTests(BaseTestCase):
    root: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.root = User.objects.create_superuser("root", "root@example.gov.vn", cls.password)

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))

    def test_a_unit_administrator_deactivates_someone_of_the_unit(self) -> None:
        deactivate_user(user=self.member, by=self.owner)
        self.member.refresh_from_db()
        self.assertFalse(self.member.is_active)
        event = AuditEvent.objects.get(action="user.deactivate")
        self.assertEqual((event.object_type, event.object_id), ("auth.user", str(self.member.pk)))
        self.assertEqual(event.actor, self.owner)
        self.assertEqual(
            event.data,
            {"username": "member", "is_active": {"before": True, "after": False}},
        )
        reactivate_user(user=self.member, by=self.owner)
        self.member.refresh_from_db()
        self.assertTrue(self.member.is_active)
        event = AuditEvent.objects.get(action="user.reactivate")
        self.assertEqual(event.data["is_active"], {"before": False, "after": True})

    def test_the_administrator_must_manage_every_unit_of_the_person(self) -> None:
        Membership.objects.create(user=self.member, unit=self.sibling, role=Role.VIEWER)
        refused = [
            (self.member, self.owner),  # manages the district, not the sibling
            (self.member, self.outsider),  # manages the sibling, not the commune
            (self.owner, self.approver),  # approves, does not manage
            (self.root, self.owner),  # a superuser is for superusers
            (self.make_nobody(), self.owner),  # no unit at all: for superusers
        ]
        for person, by in refused:
            with self.subTest(person=person.username, by=by.username):
                with self.assertRaises(ActionError) as raised:
                    deactivate_user(user=person, by=by)
                self.assertIn("not allowed to change the account", str(raised.exception))
                person.refresh_from_db()
                self.assertTrue(person.is_active)
        self.assertFalse(AuditEvent.objects.filter(action="user.deactivate").exists())
        deactivate_user(user=self.member, by=self.root)
        self.member.refresh_from_db()
        self.assertFalse(self.member.is_active)

    def test_no_one_deactivates_themselves_and_twice_is_refused(self) -> None:
        with self.assertRaises(ActionError) as raised:
            deactivate_user(user=self.root, by=self.root)
        self.assertIn("your own account", str(raised.exception))
        deactivate_user(user=self.member, by=self.owner)
        with self.assertRaises(ActionError) as raised:
            deactivate_user(user=self.member, by=self.owner)
        self.assertIn("already deactivated", str(raised.exception))
        with self.assertRaises(ActionError) as raised:
            reactivate_user(user=self.owner, by=self.root)
        self.assertIn("already active", str(raised.exception))

    def make_nobody(self) -> Any:
        return User.objects.create_user("nobody", password=self.password)


class RoleTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))

    def test_a_unit_administrator_gives_changes_and_takes_roles_below(self) -> None:
        set_role(user=self.outsider, unit=self.commune, role=Role.VIEWER, by=self.owner)
        membership = set_role(
            user=self.outsider, unit=self.commune, role=Role.APPROVER, by=self.owner
        )
        self.assertEqual(membership.role, Role.APPROVER)
        remove_role(membership=membership, by=self.owner)
        self.assertFalse(Membership.objects.filter(user=self.outsider, unit=self.commune).exists())
        events = list(AuditEvent.objects.order_by("id"))
        self.assertEqual(
            [(e.action, e.data["role"]) for e in events],
            [
                ("membership.set", {"before": None, "after": "viewer"}),
                ("membership.set", {"before": "viewer", "after": "approver"}),
                ("membership.remove", {"before": "approver", "after": None}),
            ],
        )
        for event in events:
            self.assertEqual(event.actor, self.owner)
            self.assertEqual(event.object_type, "orgs.membership")
            self.assertEqual(event.unit_id, self.commune.pk)
            self.assertEqual(event.data["username"], "outsider")

    def test_only_someone_who_manages_the_unit(self) -> None:
        for by, unit in [(self.owner, self.sibling), (self.approver, self.commune)]:
            with self.subTest(by=by.username), self.assertRaises(ActionError) as raised:
                set_role(user=self.outsider, unit=unit, role=Role.ADMIN, by=by)
            self.assertIn("not allowed", str(raised.exception))
        outsider_role = Membership.objects.get(user=self.outsider)
        with self.assertRaises(ActionError):
            remove_role(membership=outsider_role, by=self.owner)
        self.assertTrue(Membership.objects.filter(pk=outsider_role.pk).exists())
        self.assertFalse(AuditEvent.objects.exists())

    def test_no_role_in_a_merged_unit_and_no_made_up_role(self) -> None:
        root = User.objects.create_superuser("root", "root@example.gov.vn", None)
        merge_units(sources=[self.commune], into=self.sibling, by=root)
        with self.assertRaises(ActionError) as raised:
            set_role(user=self.outsider, unit=self.commune, role=Role.VIEWER, by=root)
        self.assertIn("was merged", str(raised.exception))
        with self.assertRaises(ActionError):
            set_role(user=self.outsider, unit=self.district, role="owner", by=root)


class DeactivatedPersonTests(ViewTestCase):
    def test_a_deactivated_person_cannot_sign_in(self) -> None:
        deactivate_user(user=self.member, by=self.owner)
        response = self.client.post("/sign-in/", {"username": "member", "password": self.password})
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(response.status_code, 200)

    def test_an_open_session_ends(self) -> None:
        self.login(self.member)
        self.assertEqual(self.client.get("/").status_code, 200)
        deactivate_user(user=self.member, by=self.owner)
        response = self.client.get("/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/sign-in/", response["Location"])


class PersonAdminTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = User.objects.create_superuser("root", password="x" * 12)
        self.login(self.root)

    def test_people_cannot_be_deleted_in_the_admin(self) -> None:
        response = self.client.get(f"/admin/auth/user/{self.member.pk}/delete/")
        self.assertEqual(response.status_code, 403)
        page = self.client.get("/admin/auth/user/")
        self.assertNotContains(page, "delete_selected")
        self.assertContains(page, "Deactivate the selected people")

    def test_the_change_page_does_not_toggle_sign_in(self) -> None:
        page = self.client.get(f"/admin/auth/user/{self.member.pk}/change/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="is_active"')

    def test_the_deactivate_action_goes_through_the_audited_action(self) -> None:
        data = {"action": "deactivate", ACTION_CHECKBOX_NAME: [self.member.pk, self.root.pk]}
        page = self.client.post("/admin/auth/user/", data, follow=True)
        self.assertContains(page, "Member can no longer sign in.")
        self.assertContains(page, "You cannot deactivate or reactivate your own account.")
        self.member.refresh_from_db()
        self.assertFalse(self.member.is_active)
        self.assertEqual(AuditEvent.objects.get(action="user.deactivate").actor, self.root)
        data["action"] = "reactivate"
        data[ACTION_CHECKBOX_NAME] = [self.member.pk]
        page = self.client.post("/admin/auth/user/", data, follow=True)
        self.assertContains(page, "Member can sign in again.")
        self.member.refresh_from_db()
        self.assertTrue(self.member.is_active)
