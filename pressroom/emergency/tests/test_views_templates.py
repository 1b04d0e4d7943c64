"""Alert templates: /emergency/templates/, /new/, /<id>/edit/."""

from __future__ import annotations

from django.urls import reverse

from pressroom.emergency.models import EmergencyTemplate
from pressroom.emergency.tests.helpers import TEMPLATE_TEXT, TEMPLATE_TITLE, AlertSetup
from pressroom.testing import ViewTestCase


class TemplateViewTests(AlertSetup, ViewTestCase):
    def data(self, **overrides: object) -> dict[str, object]:
        values: dict[str, object] = {
            "unit": self.district.pk,
            "hazard": "storm",
            "title": "Cảnh báo bão: {khu_vuc}",
            "text": "Bão ảnh hưởng {khu_vuc} từ {thoi_gian}. {huong_dan}",
            "is_active": "on",
        }
        values.update(overrides)
        return values

    def test_member_sees_own_and_inherited_templates(self) -> None:
        province = self.make_template(unit=self.province, title="Cảnh báo rét đậm, rét hại")
        district = self.make_template()
        self.login(self.member)
        response = self.client.get(reverse("emergency_template_list"))
        self.assertContains(response, "Cảnh báo rét đậm, rét hại")
        self.assertContains(response, "Cảnh báo lũ quét, sạt lở đất tại {khu_vuc}")
        self.assertContains(response, "from above")
        self.assertNotContains(response, reverse("emergency_template_edit", args=[district.pk]))
        self.assertNotContains(response, reverse("emergency_template_edit", args=[province.pk]))
        self.assertNotContains(response, reverse("emergency_template_create"))

    def test_outsider_does_not_see_our_templates(self) -> None:
        self.make_template()
        self.login(self.outsider)
        response = self.client.get(reverse("emergency_template_list"))
        self.assertNotContains(response, TEMPLATE_TITLE)

    def test_administrator_creates_a_template(self) -> None:
        self.login(self.owner)
        response = self.client.post(reverse("emergency_template_create"), self.data())
        self.assertRedirects(response, reverse("emergency_template_list"))
        template = EmergencyTemplate.objects.get()
        self.assertEqual((template.unit, template.hazard), (self.district, "storm"))

    def test_a_broken_field_is_marked(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            reverse("emergency_template_create"), self.data(text="Bão {khu_vuc.__class__}")
        )
        self.assertContains(response, "is not a field name")
        self.assertFalse(EmergencyTemplate.objects.exists())

    def test_editor_cannot_create(self) -> None:
        self.login(self.member)
        response = self.client.get(reverse("emergency_template_create"))
        self.assertRedirects(response, reverse("emergency_template_list"))
        self.assertIn(
            "Only a unit administrator can create alert templates.", self.messages_of(response)
        )

    def test_administrator_edits_a_template(self) -> None:
        template = self.make_template()
        self.login(self.owner)
        url = reverse("emergency_template_edit", args=[template.pk])
        self.assertContains(self.client.get(url), TEMPLATE_TEXT.split("\n")[0][:30])
        response = self.client.post(url, self.data(unit=self.province.pk, is_active=""))
        self.assertRedirects(response, reverse("emergency_template_list"))
        template.refresh_from_db()
        self.assertEqual((template.unit, template.is_active), (self.district, False))

    def test_administrator_gives_the_fields_labels(self) -> None:
        self.login(self.owner)
        labels = "khu_vuc: Khu vực\n\n{thoi_gian}: Thời gian"
        response = self.client.post(reverse("emergency_template_create"), self.data(labels=labels))
        self.assertRedirects(response, reverse("emergency_template_list"))
        template = EmergencyTemplate.objects.get()
        self.assertEqual(template.field_labels, {"khu_vuc": "Khu vực", "thoi_gian": "Thời gian"})
        url = reverse("emergency_template_edit", args=[template.pk])
        self.assertContains(self.client.get(url), "khu_vuc: Khu vực\nthoi_gian: Thời gian")
        response = self.client.post(url, self.data(labels="huong_dan: Hướng dẫn người dân"))
        self.assertRedirects(response, reverse("emergency_template_list"))
        template.refresh_from_db()
        self.assertEqual(template.field_labels, {"huong_dan": "Hướng dẫn người dân"})

    def test_a_label_for_no_field_or_without_a_colon_is_marked(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            reverse("emergency_template_create"),
            self.data(labels="muc_do: Mức độ\nkhu_vuc Khu vực"),
        )
        self.assertContains(response, "“muc_do” is not a field of this template")
        self.assertContains(response, "“khu_vuc Khu vực”: write a field and its label as")
        self.assertFalse(EmergencyTemplate.objects.exists())

    def test_editor_cannot_edit(self) -> None:
        template = self.make_template()
        self.login(self.member)
        response = self.client.post(
            reverse("emergency_template_edit", args=[template.pk]), self.data()
        )
        self.assertRedirects(response, reverse("emergency_template_list"))
        template.refresh_from_db()
        self.assertEqual(template.hazard, "landslide")

    def test_outsider_gets_404(self) -> None:
        template = self.make_template()
        self.login(self.outsider)
        url = reverse("emergency_template_edit", args=[template.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, self.data()).status_code, 404)
