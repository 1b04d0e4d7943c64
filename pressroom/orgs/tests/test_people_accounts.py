"""Adding people and correcting their names and addresses: audited, by an administrator of
their units; the set-password mail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.utils import translation

from pressroom.audit.models import AuditEvent
from pressroom.core.errors import ActionError
from pressroom.orgs.models import Membership, Role
from pressroom.orgs.people import AccountFieldError, create_person, deactivate_user, edit_person
from pressroom.orgs.set_password import send_set_password_link
from pressroom.testing import BaseTestCase

User = get_user_model()


class BrokenMailBackend:
    """A mail server that is down."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise OSError("connection refused")


class CreatePersonTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))

    def create(self, **fields: Any) -> Any:
        values: dict[str, Any] = {
            "username": "an.nguyen",
            "first_name": "An",
            "last_name": "Nguyễn Văn",
            "email": "an.nguyen@example.gov.vn",
            "unit": self.commune,
            "role": Role.EDITOR,
            "by": self.owner,
        }
        values.update(fields)
        return create_person(**values)

    def test_the_account_has_no_password_a_role_and_an_audited_creation(self) -> None:
        person = self.create(last_name="Nguye\u0302\u0303n Văn")  # decomposed, as pasted
        person.refresh_from_db()
        self.assertEqual(person.last_name, "Nguyễn Văn")
        self.assertFalse(person.has_usable_password())
        self.assertTrue(person.is_active)
        self.assertEqual(Membership.objects.get(user=person).role, Role.EDITOR)
        created = AuditEvent.objects.get(action="user.create")
        self.assertEqual(created.actor, self.owner)
        self.assertEqual((created.object_type, created.object_id), ("auth.user", str(person.pk)))
        self.assertEqual(created.unit_id, self.commune.pk)
        self.assertEqual(
            created.data,
            {
                "username": "an.nguyen",
                "first_name": "An",
                "last_name": "Nguyễn Văn",
                "email": "an.nguyen@example.gov.vn",
                "unit": self.commune.pk,
                "role": "editor",
            },
        )
        self.assertNotIn("password", str(created.data))
        self.assertEqual(
            AuditEvent.objects.get(action="membership.set").data["role"],
            {"before": None, "after": "editor"},
        )

    def test_usernames_and_active_addresses_are_unique_whatever_the_case(self) -> None:
        for fields, field, words in [
            ({"username": "OWNER"}, "username", "The username OWNER is taken."),
            ({"email": "Owner@Example.gov.vn"}, "email", "already has the e-mail address"),
            ({"email": ""}, "email", "Give the person's e-mail address."),
            ({"email": "not an address"}, "email", "Enter a valid e-mail address."),
        ]:
            with self.subTest(fields=fields), self.assertRaises(AccountFieldError) as raised:
                self.create(**fields)
            self.assertEqual(raised.exception.field, field)
            self.assertIn(words, str(raised.exception))
        self.assertFalse(User.objects.filter(username="an.nguyen").exists())
        self.assertFalse(AuditEvent.objects.exists())
        # A deactivated account's address may be given to someone new.
        deactivate_user(user=self.member, by=self.owner)
        self.create(email="MEMBER@example.gov.vn")

    def test_only_in_a_unit_the_administrator_manages(self) -> None:
        commune_admin = self.make_user("xa", self.commune, Role.ADMIN)
        refused = [
            (commune_admin, self.district),
            (self.owner, self.sibling),
            (self.approver, self.commune),
        ]
        for by, unit in refused:
            with self.subTest(by=by.username), self.assertRaises(ActionError) as raised:
                self.create(by=by, unit=unit)
            self.assertIn("not allowed", str(raised.exception))
        self.assertFalse(User.objects.filter(username="an.nguyen").exists())

    def test_a_refused_role_leaves_no_account(self) -> None:
        with self.assertRaises(ActionError):
            self.create(role="owner")
        self.assertFalse(User.objects.filter(username="an.nguyen").exists())
        self.assertFalse(AuditEvent.objects.exists())


class EditPersonTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))

    def test_what_changed_is_audited(self) -> None:
        edit_person(
            user=self.member,
            first_name="Bình",
            last_name="Trần Thị",
            email="member@example.gov.vn",
            by=self.owner,
        )
        self.member.refresh_from_db()
        self.assertEqual((self.member.last_name, self.member.first_name), ("Trần Thị", "Bình"))
        event = AuditEvent.objects.get(action="user.edit")
        self.assertEqual(event.actor, self.owner)
        self.assertEqual(
            event.data,
            {
                "username": "member",
                "first_name": {"before": "", "after": "Bình"},
                "last_name": {"before": "", "after": "Trần Thị"},
            },
        )
        edit_person(
            user=self.member,
            first_name="Bình",
            last_name="Trần Thị",
            email="member@example.gov.vn",
            by=self.owner,
        )
        self.assertEqual(AuditEvent.objects.filter(action="user.edit").count(), 1)

    def test_only_an_administrator_of_all_their_units_and_a_free_address(self) -> None:
        commune_admin = self.make_user("xa", self.commune, Role.ADMIN)
        for person, by in [(self.owner, commune_admin), (self.member, self.outsider)]:
            with self.subTest(by=by.username), self.assertRaises(ActionError) as raised:
                edit_person(user=person, first_name="X", last_name="", email=person.email, by=by)
            self.assertIn("not allowed to change the account", str(raised.exception))
        with self.assertRaises(AccountFieldError) as taken:
            edit_person(
                user=self.member,
                first_name="",
                last_name="",
                email="APPROVER@example.gov.vn",
                by=self.owner,
            )
        self.assertEqual(taken.exception.field, "email")
        self.assertFalse(AuditEvent.objects.exists())


class SetPasswordMailTests(BaseTestCase):
    def test_the_mail_is_in_vietnamese_with_a_link_and_no_password(self) -> None:
        with translation.override("en"):
            self.assertTrue(send_set_password_link(user=self.member, by=self.owner))
        (message,) = mail.outbox
        self.assertEqual(message.to, ["member@example.gov.vn"])
        with translation.override("vi"):
            # The page's language does not matter: the person has chosen none yet.
            self.assertEqual(message.subject, translation.gettext("Your Pressroom account"))
        self.assertIn("http://localhost:8000/sign-in/set-password/", message.body)
        self.assertIn("member", message.body)
        self.assertNotIn(self.password, message.body)

    def test_refused_for_a_deactivated_person_or_by_someone_else(self) -> None:
        self.enterContext(translation.override("en"))
        with self.assertRaises(ActionError):
            send_set_password_link(user=self.member, by=self.outsider)
        deactivate_user(user=self.member, by=self.owner)
        self.member.refresh_from_db()
        with self.assertRaises(ActionError) as raised:
            send_set_password_link(user=self.member, by=self.owner)
        self.assertIn("deactivated", str(raised.exception))
        self.assertEqual(mail.outbox, [])

    @override_settings(
        MAILERS={"default": {"BACKEND": f"{__name__}.BrokenMailBackend"}},
    )
    def test_a_mail_server_that_is_down_is_logged_and_reported(self) -> None:
        with self.assertLogs("pressroom.orgs.set_password", "WARNING"):
            self.assertFalse(send_set_password_link(user=self.member, by=self.owner))
