"""The unit admin changes the tree only through the move and merge actions."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model

from pressroom.audit.models import AuditEvent
from pressroom.orgs.models import Unit
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
        return self.client.post(CHANGELIST, payload, follow=True, HTTP_ACCEPT_LANGUAGE="en")

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
