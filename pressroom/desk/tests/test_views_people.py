"""The people pages: the list, adding someone (and their set-password link), their page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from pressroom.audit.models import AuditEvent
from pressroom.orgs.models import Membership, Role
from pressroom.testing import ViewTestCase

User = get_user_model()


class BrokenMailBackend:
    """A mail server that is down."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise OSError("connection refused")


NEW_PERSON = {
    "username": "an.nguyen",
    "last_name": "Nguyễn Văn",
    "first_name": "An",
    "email": "an.nguyen@example.gov.vn",
    "role": Role.EDITOR,
}


class PeopleListTests(ViewTestCase):
    def test_the_people_of_my_units_and_below(self) -> None:
        User.objects.filter(pk=self.member.pk).update(last_name="Nguyễn Thị", first_name="Hoa")
        self.login(self.owner)
        page = self.client.get(reverse("people_list"))
        self.assertContains(page, "Nguyễn Thị Hoa")
        self.assertContains(page, "member@example.gov.vn")
        self.assertContains(page, "Xã Hợp Thành · Editor")
        self.assertContains(page, "Huyện Cao Lộc · Administrator")
        self.assertContains(page, "approver")
        self.assertNotContains(page, "outsider")
        self.assertContains(page, f'href="{reverse("people_list")}"')  # the header's link

    def test_filter_by_unit_and_search_without_diacritics(self) -> None:
        User.objects.filter(pk=self.member.pk).update(last_name="Nguyễn Thị", first_name="Hoa")
        self.login(self.owner)
        by_unit = self.client.get(reverse("people_list"), {"unit": self.commune.pk})
        self.assertContains(by_unit, "Nguyễn Thị Hoa")
        self.assertNotContains(by_unit, "approver@example.gov.vn")
        for words in ["nguyen", "NGUYỄN thị", "member@example"]:
            with self.subTest(words=words):
                found = self.client.get(reverse("people_list"), {"q": words})
                self.assertContains(found, "Nguyễn Thị Hoa")
                self.assertNotContains(found, "approver@example.gov.vn")
        nothing = self.client.get(reverse("people_list"), {"q": "trần"})
        self.assertContains(nothing, "No person matches.")

    def test_refused_to_someone_who_manages_no_unit(self) -> None:
        self.login(self.member)
        self.assertEqual(self.client.get(reverse("people_list")).status_code, 403)
        self.assertEqual(self.client.get(reverse("person_create")).status_code, 403)
        self.assertNotContains(self.client.get(reverse("dashboard")), reverse("people_list"))


class PersonCreateTests(ViewTestCase):
    new_password = "mùa lúa chín vàng 2026"

    def test_add_a_person_who_chooses_a_password_and_signs_in(self) -> None:
        self.login(self.owner)
        form = self.client.get(reverse("person_create"))
        self.assertContains(form, "Family name")
        self.assertContains(form, self.commune.name)
        self.assertNotContains(form, self.sibling.name)
        response = self.client.post(
            reverse("person_create"), {**NEW_PERSON, "unit": self.commune.pk}, follow=True
        )
        person = User.objects.get(username="an.nguyen")
        self.assertRedirects(response, reverse("person_detail", args=[person.pk]))
        self.assertContains(response, "The account of Nguyễn Văn An is created.")
        self.assertContains(response, "was sent to an.nguyen@example.gov.vn")
        self.assertFalse(person.has_usable_password())
        self.assertEqual(Membership.objects.get(user=person).unit, self.commune)
        created = AuditEvent.objects.get(action="user.create")
        self.assertEqual(created.actor, self.owner)
        self.assertNotIn("password", str(created.data))

        (message,) = mail.outbox
        self.assertEqual(message.to, ["an.nguyen@example.gov.vn"])
        link = next(line for line in message.body.splitlines() if "/set-password/" in line)
        self.client.logout()
        # Signing out forgets the language: the new person reads the page in Vietnamese.
        choose = self.client.get(urlsplit(link.strip()).path, follow=True)
        self.assertContains(choose, "Đặt mật khẩu")
        self.speak("en")
        choose = self.client.get(urlsplit(link.strip()).path, follow=True)
        self.assertContains(choose, "Choose your password")
        self.assertContains(choose, "an.nguyen")
        done = self.client.post(
            choose.redirect_chain[-1][0],
            {"new_password1": self.new_password, "new_password2": self.new_password},
            follow=True,
        )
        self.assertContains(done, "Your password is saved")
        signed_in = self.client.post(
            reverse("login"), {"username": "an.nguyen", "password": self.new_password}
        )
        self.assertRedirects(signed_in, reverse("dashboard"))
        # The link works once.
        again = self.client.get(urlsplit(link.strip()).path, follow=True)
        self.assertContains(again, "This link no longer works")

    def test_a_taken_username_or_address_keeps_what_was_typed(self) -> None:
        self.login(self.owner)
        for fields, words in [
            ({"username": "Member"}, "The username Member is taken."),
            ({"email": "APPROVER@example.gov.vn"}, "already has the e-mail address"),
        ]:
            with self.subTest(fields=fields):
                data = {**NEW_PERSON, "unit": self.commune.pk, **fields}
                page = self.client.post(reverse("person_create"), data)
                self.assertEqual(page.status_code, 200)
                self.assertContains(page, words)
                self.assertContains(page, f'value="{data["username"]}"')
                self.assertContains(page, 'value="Nguyễn Văn"')
                self.assertContains(page, f'value="{data["email"]}"')
                self.assertContains(page, f'<option value="{self.commune.pk}" selected>')
                self.assertContains(page, '<option value="editor" selected>')
        self.assertFalse(User.objects.filter(username__in=["an.nguyen", "Member"]).exists())
        self.assertEqual(mail.outbox, [])

    def test_a_commune_administrator_cannot_add_someone_to_the_district(self) -> None:
        commune_admin = self.make_user("xa", self.commune, Role.ADMIN)
        self.login(commune_admin)
        page = self.client.post(reverse("person_create"), {**NEW_PERSON, "unit": self.district.pk})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Select a valid choice")
        self.assertFalse(User.objects.filter(username="an.nguyen").exists())

    @override_settings(MAILERS={"default": {"BACKEND": f"{__name__}.BrokenMailBackend"}})
    def test_a_mail_server_that_is_down_keeps_the_account(self) -> None:
        self.login(self.owner)
        with self.assertLogs("pressroom.orgs.set_password", "WARNING"):
            response = self.client.post(
                reverse("person_create"), {**NEW_PERSON, "unit": self.commune.pk}, follow=True
            )
        person = User.objects.get(username="an.nguyen")
        self.assertContains(response, "could not be sent to an.nguyen@example.gov.vn")
        self.assertContains(response, "Send the set-password link again")
        self.assertTrue(Membership.objects.filter(user=person, unit=self.commune).exists())

    def test_the_link_sent_again(self) -> None:
        self.login(self.owner)
        response = self.client.post(reverse("person_send_link", args=[self.member.pk]), follow=True)
        self.assertContains(response, "was sent to member@example.gov.vn")
        self.assertEqual(len(mail.outbox), 1)
        self.login(self.outsider)
        refused = self.client.post(reverse("person_send_link", args=[self.member.pk]))
        self.assertEqual(refused.status_code, 404)
        self.assertEqual(len(mail.outbox), 1)


class PersonDetailTests(ViewTestCase):
    def test_outside_my_units_is_not_found(self) -> None:
        commune_admin = self.make_user("xa", self.commune, Role.ADMIN)
        for by, person in [(commune_admin, self.owner), (self.outsider, self.member)]:
            self.login(by)
            with self.subTest(by=by.username):
                url = reverse("person_detail", args=[person.pk])
                self.assertEqual(self.client.get(url).status_code, 404)
                data = {"last_name": "X", "first_name": "Y", "email": "x@example.gov.vn"}
                self.assertEqual(self.client.post(url, data).status_code, 404)
                deactivate = reverse("person_deactivate", args=[person.pk])
                self.assertEqual(self.client.post(deactivate).status_code, 404)
        self.owner.refresh_from_db()
        self.assertTrue(self.owner.is_active)
        self.assertFalse(AuditEvent.objects.exclude(action="user.sign_in").exists())

    def test_correct_the_name_and_address(self) -> None:
        self.login(self.owner)
        url = reverse("person_detail", args=[self.member.pk])
        self.assertContains(self.client.get(url), 'value="member@example.gov.vn"')
        data = {"last_name": "Lê", "first_name": "Minh", "email": "minh.le@example.gov.vn"}
        page = self.client.post(url, data, follow=True)
        self.assertContains(page, "The name and e-mail address are saved.")
        self.assertContains(page, "Lê Minh")
        event = AuditEvent.objects.get(action="user.edit")
        self.assertEqual(
            event.data["email"],
            {"before": "member@example.gov.vn", "after": "minh.le@example.gov.vn"},
        )
        taken = self.client.post(url, {**data, "email": "owner@example.gov.vn"})
        self.assertContains(taken, "already has the e-mail address")
        self.assertContains(taken, 'value="owner@example.gov.vn"')

    def test_someone_with_a_role_elsewhere_keeps_their_account_but_roles_change(self) -> None:
        Membership.objects.create(user=self.member, unit=self.sibling, role=Role.VIEWER)
        self.login(self.owner)
        page = self.client.get(reverse("person_detail", args=[self.member.pk]))
        self.assertContains(page, "a role in a unit you do not administer")
        self.assertContains(page, "1 unit you do not administer")
        self.assertNotContains(page, self.sibling.name)
        self.assertNotContains(page, "Deactivate the account")
        response = self.client.post(
            reverse("person_deactivate", args=[self.member.pk]), follow=True
        )
        self.assertContains(response, "You are not allowed to change the account of member.")
        self.member.refresh_from_db()
        self.assertTrue(self.member.is_active)

    def test_a_staff_account_says_only_a_superuser_changes_it(self) -> None:
        User.objects.filter(pk=self.member.pk).update(is_staff=True)
        self.login(self.owner)
        page = self.client.get(reverse("person_detail", args=[self.member.pk]))
        self.assertContains(page, "This account can open the site's administration")
        self.assertNotContains(page, "a role in a unit you do not administer")
        self.assertNotContains(page, "a superuser's account")
        self.assertNotContains(page, "Deactivate the account")
        self.assertContains(page, "You can still change their roles in your units.")

    def test_a_superuser_account_says_only_a_superuser_changes_it(self) -> None:
        User.objects.filter(pk=self.member.pk).update(is_staff=True, is_superuser=True)
        self.login(self.owner)
        page = self.client.get(reverse("person_detail", args=[self.member.pk]))
        self.assertContains(page, "This is a superuser's account")
        self.assertNotContains(page, "a role in a unit you do not administer")
        self.assertNotContains(page, "open the site's administration")
        response = self.client.post(
            reverse("person_deactivate", args=[self.member.pk]), follow=True
        )
        self.assertContains(response, "You are not allowed to change the account of member.")
        # A superuser may change either.
        chief = User.objects.create_superuser("chief", "chief@example.gov.vn", self.password)
        self.login(chief)
        page = self.client.get(reverse("person_detail", args=[self.member.pk]))
        self.assertNotContains(page, "This is a superuser's account")
        self.assertContains(page, "Deactivate the account")

    def test_give_change_and_remove_a_role(self) -> None:
        self.login(self.owner)
        role_url = reverse("person_set_role", args=[self.member.pk])
        page = self.client.post(
            role_url, {"unit": self.district.pk, "role": Role.VIEWER}, follow=True
        )
        self.assertContains(page, "now has the role Viewer in Huyện Cao Lộc.")
        self.client.post(role_url, {"unit": self.commune.pk, "role": Role.APPROVER})
        self.assertEqual(
            Membership.objects.get(user=self.member, unit=self.commune).role, Role.APPROVER
        )
        refused = self.client.post(role_url, {"unit": self.sibling.pk, "role": Role.ADMIN})
        self.assertContains(refused, "Select a valid choice")
        commune_role = Membership.objects.get(user=self.member, unit=self.commune)
        page = self.client.post(
            reverse("person_remove_role", args=[self.member.pk, commune_role.pk]), follow=True
        )
        self.assertContains(page, "no longer has a role in Xã Hợp Thành.")
        self.assertEqual(
            [
                (e.action, e.data["role"])
                for e in AuditEvent.objects.exclude(action="user.sign_in").order_by("id")
            ],
            [
                ("membership.set", {"before": None, "after": "viewer"}),
                ("membership.set", {"before": "editor", "after": "approver"}),
                ("membership.remove", {"before": "approver", "after": None}),
            ],
        )

    def test_deactivate_and_reactivate(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("person_detail", args=[self.member.pk]))
        self.assertContains(page, "Deactivate the account")
        page = self.client.post(reverse("person_deactivate", args=[self.member.pk]), follow=True)
        self.assertContains(page, "member can no longer sign in.")
        self.assertContains(page, "Reactivate")
        self.member.refresh_from_db()
        self.assertFalse(self.member.is_active)
        self.assertContains(self.client.get(reverse("people_list")), "Deactivated")
        self.client.post(reverse("person_reactivate", args=[self.member.pk]))
        self.member.refresh_from_db()
        self.assertTrue(self.member.is_active)
        self.assertEqual(
            list(
                AuditEvent.objects.exclude(action="user.sign_in")
                .order_by("id")
                .values_list("action", flat=True)
            ),
            ["user.deactivate", "user.reactivate"],
        )
        # No one deactivates themselves from their own page.
        own = self.client.get(reverse("person_detail", args=[self.owner.pk]))
        self.assertNotContains(own, "Deactivate the account")
