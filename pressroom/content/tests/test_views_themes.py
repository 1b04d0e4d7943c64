"""Themes: /themes/, /themes/new/, /themes/<id>/edit/."""

from __future__ import annotations

import unicodedata

from django.urls import reverse

from pressroom.audit.models import AuditEvent
from pressroom.content.models import Theme
from pressroom.testing import ViewTestCase


class ThemeListTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.province_theme = Theme.objects.create(unit=self.province, name="Chuyển đổi số")
        self.district_theme = Theme.objects.create(unit=self.district, name="An toàn giao thông")

    def test_member_sees_own_and_inherited_themes(self) -> None:
        self.login(self.member)
        response = self.client.get(reverse("theme_list"))
        self.assertContains(response, "Chuyển đổi số")
        self.assertContains(response, "An toàn giao thông")
        self.assertContains(response, "from above")
        self.assertNotContains(response, reverse("theme_edit", args=[self.district_theme.pk]))
        self.assertNotContains(response, reverse("theme_create"))

    def test_owner_may_edit_the_district_theme(self) -> None:
        self.login(self.owner)
        response = self.client.get(reverse("theme_list"))
        self.assertContains(response, reverse("theme_edit", args=[self.district_theme.pk]))
        self.assertNotContains(response, reverse("theme_edit", args=[self.province_theme.pk]))
        self.assertContains(response, reverse("theme_create"))

    def test_outsider_sees_the_province_theme_but_not_ours(self) -> None:
        self.login(self.outsider)
        response = self.client.get(reverse("theme_list"))
        self.assertContains(response, "Chuyển đổi số")
        self.assertNotContains(response, "An toàn giao thông")


class ThemeFormTests(ViewTestCase):
    def data(self, **overrides: object) -> dict[str, object]:
        values: dict[str, object] = {
            "unit": self.district.pk,
            "name": "Phòng chống thiên tai",
            "description": "Mùa mưa bão 2026",
            "starts_on": "2026-06-01",
            "ends_on": "2026-09-30",
            "is_active": "on",
        }
        values.update(overrides)
        return values

    def test_administrator_creates_a_theme(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            reverse("theme_create"),
            self.data(name=unicodedata.normalize("NFD", "Phòng chống thiên tai")),
        )
        self.assertRedirects(response, reverse("theme_list"))
        theme = Theme.objects.get()
        self.assertEqual((theme.name, theme.unit), ("Phòng chống thiên tai", self.district))
        self.assertTrue(AuditEvent.objects.filter(action="theme.create").exists())

    def test_a_theme_cannot_end_before_it_starts(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            reverse("theme_create"), self.data(starts_on="2026-09-30", ends_on="2026-06-01")
        )
        self.assertContains(response, "The theme cannot end before it starts.")
        self.assertContains(response, 'value="Phòng chống thiên tai"')
        self.assertFalse(Theme.objects.exists())

    def test_editor_cannot_create_themes(self) -> None:
        self.login(self.member)
        response = self.client.post(reverse("theme_create"), self.data(unit=self.commune.pk))
        self.assertRedirects(response, reverse("theme_list"))
        self.assertFalse(Theme.objects.exists())

    def test_outsider_cannot_create_a_theme_in_our_district(self) -> None:
        self.login(self.outsider)
        response = self.client.post(reverse("theme_create"), self.data())
        self.assertContains(response, "Select a valid choice.")
        self.assertFalse(Theme.objects.exists())

    def test_administrator_edits_and_deactivates_a_theme(self) -> None:
        theme = Theme.objects.create(unit=self.district, name="Cũ")
        self.login(self.owner)
        response = self.client.post(reverse("theme_edit", args=[theme.pk]), self.data(is_active=""))
        self.assertRedirects(response, reverse("theme_list"))
        theme.refresh_from_db()
        self.assertEqual((theme.name, theme.is_active), ("Phòng chống thiên tai", False))

    def test_approver_cannot_edit(self) -> None:
        theme = Theme.objects.create(unit=self.district, name="Cũ")
        self.login(self.approver)
        response = self.client.post(reverse("theme_edit", args=[theme.pk]), self.data())
        self.assertRedirects(response, reverse("theme_list"))
        theme.refresh_from_db()
        self.assertEqual(theme.name, "Cũ")

    def test_outsider_gets_404(self) -> None:
        theme = Theme.objects.create(unit=self.district, name="Cũ")
        self.login(self.outsider)
        url = reverse("theme_edit", args=[theme.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, self.data()).status_code, 404)
