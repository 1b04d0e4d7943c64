"""The unit admin changes the tree only through the move and merge actions."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model

from pressroom.audit.models import AuditEvent
from pressroom.orgs.models import Membership, Unit
from pressroom.testing import BaseTestCase

CHANGELIST = "/admin/orgs/unit/"


class UnitAdminTests(BaseTestCase):
    ward: Unit

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ward = Unit.objects.create(name="Thôn Nà Lầy", slug="na-lay", parent=cls.commune)

    def setUp(self) -> None:
        self.root = get_user_model().objects.create_superuser("root", password="x" * 12)
        self.client.force_login(self.root)
        self.client.cookies["django_language"] = "en"

    def action(self, action: str, units: list[Unit], **data: Any) -> Any:
        payload = {"action": action, ACTION_CHECKBOX_NAME: [u.pk for u in units], **data}
        return self.client.post(CHANGELIST, payload, follow=True)

    def test_the_parent_cannot_be_changed_on_the_change_page(self) -> None:
        url = f"{CHANGELIST}{self.commune.pk}/change/"
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="parent"')
        data = {
            "parent": self.sibling.pk,
            "name": "Xã Hợp Thành mới",
            "slug": "hop-thanh",
            "kind": "commune",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.commune.refresh_from_db()
        self.assertEqual(self.commune.name, "Xã Hợp Thành mới")
        self.assertEqual(self.commune.parent, self.district)

    def test_a_new_unit_is_placed_under_its_parent(self) -> None:
        data = {
            "parent": self.ward.pk,
            "name": "Xóm Bắc",
            "slug": "xom-bac",
            "kind": "other",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
        self.assertEqual(self.client.post(f"{CHANGELIST}add/", data).status_code, 302)
        unit = Unit.objects.get(slug="xom-bac")
        self.assertEqual(unit.path, f"{self.ward.path}{unit.pk}/")

    def test_the_move_action_asks_where_then_moves_the_subtree(self) -> None:
        page = self.action("move_units", [self.commune])
        self.assertContains(page, "New parent unit")
        self.assertContains(page, self.commune.name)
        self.action("move_units", [self.commune], new_parent=self.sibling.pk, apply="1")
        self.ward.refresh_from_db()
        self.assertEqual(
            self.ward.path,
            f"/{self.province.pk}/{self.sibling.pk}/{self.commune.pk}/{self.ward.pk}/",
        )
        event = AuditEvent.objects.get(action="unit.move")
        self.assertEqual(event.actor, self.root)
        self.assertEqual(event.data["after"]["parent"], self.sibling.pk)

    def test_the_move_action_shows_a_refusal(self) -> None:
        page = self.action("move_units", [self.district], new_parent=self.ward.pk, apply="1")
        self.assertContains(page, "cannot be moved under itself or a unit below it")
        self.district.refresh_from_db()
        self.assertEqual(self.district.parent, self.province)

    def test_no_parent_needs_the_top_level_box(self) -> None:
        page = self.action("move_units", [self.commune], apply="1")
        self.assertContains(page, "Choose the new parent unit")
        self.assertEqual(Unit.objects.get(pk=self.commune.pk).parent, self.district)
        self.action("move_units", [self.commune], top_level="on", apply="1")
        self.assertEqual(Unit.objects.get(pk=self.commune.pk).path, f"/{self.commune.pk}/")

    def test_the_merge_action(self) -> None:
        page = self.action("merge_into", [self.ward])
        self.assertContains(page, "Merge into")
        page = self.action("merge_into", [self.ward], into=self.sibling.pk, apply="1")
        self.assertContains(page, "were merged into")
        self.ward.refresh_from_db()
        self.assertFalse(self.ward.is_active)
        self.assertEqual(self.ward.merged_into, self.sibling)
        self.assertEqual(AuditEvent.objects.get(action="unit.merge").actor, self.root)

    def test_a_merged_unit_takes_no_members_and_is_not_deleted(self) -> None:
        self.action("merge_into", [self.ward], into=self.sibling.pk, apply="1")
        data = {"user": self.outsider.pk, "unit": self.ward.pk, "role": "viewer"}
        page = self.client.post("/admin/orgs/membership/add/", data)
        self.assertContains(page, "was merged into another unit")
        self.assertFalse(self.ward.memberships.exists())
        page = self.client.get(f"{CHANGELIST}{self.ward.pk}/delete/")
        self.assertEqual(page.status_code, 403)
        self.assertTrue(Unit.objects.filter(pk=self.ward.pk).exists())

    def role_events(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action__startswith="membership.").order_by("id"))

    def test_roles_change_through_the_audited_actions(self) -> None:
        data = {"user": self.outsider.pk, "unit": self.commune.pk, "role": "viewer"}
        self.assertEqual(self.client.post("/admin/orgs/membership/add/", data).status_code, 302)
        membership = Membership.objects.get(user=self.outsider, unit=self.commune)
        url = f"/admin/orgs/membership/{membership.pk}/change/"
        self.client.post(url, {"role": "editor"})
        self.client.post(f"/admin/orgs/membership/{membership.pk}/delete/", {"post": "yes"})
        self.assertFalse(Membership.objects.filter(pk=membership.pk).exists())
        self.assertEqual(
            [(e.action, e.data["role"]) for e in self.role_events()],
            [
                ("membership.set", {"before": None, "after": "viewer"}),
                ("membership.set", {"before": "viewer", "after": "editor"}),
                ("membership.remove", {"before": "editor", "after": None}),
            ],
        )

    def test_roles_on_the_unit_page_change_through_the_audited_actions(self) -> None:
        existing = Membership.objects.get(user=self.member)
        data = {
            "name": self.commune.name,
            "slug": self.commune.slug,
            "kind": self.commune.kind,
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": existing.pk,
            "memberships-0-unit": self.commune.pk,
            "memberships-0-user": self.member.pk,
            "memberships-0-role": "approver",
            "memberships-1-unit": self.commune.pk,
            "memberships-1-user": self.outsider.pk,
            "memberships-1-role": "viewer",
        }
        response = self.client.post(f"{CHANGELIST}{self.commune.pk}/change/", data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            dict(self.commune.memberships.values_list("user__username", "role")),
            {"member": "approver", "outsider": "viewer"},
        )
        events = self.role_events()
        self.assertEqual(
            [(e.data["username"], e.data["role"]) for e in events],
            [
                ("member", {"before": "editor", "after": "approver"}),
                ("outsider", {"before": None, "after": "viewer"}),
            ],
        )
        self.assertEqual({e.actor for e in events}, {self.root})
        data.update(
            {
                "memberships-TOTAL_FORMS": "2",
                "memberships-INITIAL_FORMS": "2",
                "memberships-1-id": Membership.objects.get(
                    user=self.outsider, unit=self.commune
                ).pk,
                "memberships-1-DELETE": "on",
            }
        )
        self.client.post(f"{CHANGELIST}{self.commune.pk}/change/", data)
        self.assertFalse(self.commune.memberships.filter(user=self.outsider).exists())
        self.assertEqual(self.role_events()[-1].action, "membership.remove")
