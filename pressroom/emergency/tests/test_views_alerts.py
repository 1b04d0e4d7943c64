"""Alert pages: /emergency/, /emergency/new/, /emergency/<id>/ with confirm and cancel."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from pressroom.content.models import Post
from pressroom.emergency import actions
from pressroom.emergency.models import EmergencyAlert
from pressroom.emergency.tests.helpers import (
    TITLE,
    VALUES,
    AlertSetup,
    add_totp_device,
    code_for,
    wrong_code_for,
)
from pressroom.orgs.models import Role
from pressroom.publishing.models import Delivery
from pressroom.testing import ViewTestCase


class AlertViewTestCase(AlertSetup, ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_channels()

    def status_of(self, alert: EmergencyAlert) -> str:
        alert.refresh_from_db()
        return alert.status


class AlertListTests(AlertViewTestCase):
    def test_list_shows_visible_alerts_newest_first(self) -> None:
        first = self.compose(title="Cảnh báo thứ nhất")
        second = self.compose(title="Cảnh báo thứ hai")
        actions.cancel_alert(alert=first, by=self.owner, reason="Nhầm")
        self.login(self.approver)
        response = self.client.get(reverse("emergency_list"))
        self.assertContains(response, "Emergency alerts")
        content = response.content.decode()
        self.assertLess(content.index("Cảnh báo thứ hai"), content.index("Cảnh báo thứ nhất"))
        self.assertContains(response, "Waiting for confirmation")
        self.assertContains(response, "Cancelled")
        self.assertContains(response, reverse("emergency_detail", args=[second.pk]))
        self.assertContains(response, reverse("emergency_compose"))

    def test_outsider_does_not_see_our_alerts(self) -> None:
        self.compose()
        self.login(self.outsider)
        response = self.client.get(reverse("emergency_list"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, TITLE)

    def test_header_links_to_the_alerts_in_vietnamese(self) -> None:
        self.login(self.member)
        self.speak("vi")
        response = self.client.get(reverse("dashboard"))
        self.assertContains(response, "Cảnh báo khẩn cấp")
        self.assertContains(response, f'href="{reverse("emergency_list")}"')

    def test_sign_in_required(self) -> None:
        response = self.client.get(reverse("emergency_list"))
        self.assertEqual(response.status_code, 302)


class ComposeViewTests(AlertViewTestCase):
    def data(self, **overrides: object) -> dict[str, object]:
        values: dict[str, object] = {
            "unit": self.district.pk,
            "template": "",
            "hazard": "flood",
            "title": TITLE,
            "text": "Mưa lớn kéo dài, nguy cơ lũ quét.",
            "units": [self.district.pk, self.commune.pk],
            "step": "compose",
        }
        values.update(overrides)
        return values

    def test_the_whole_subtree_is_chosen_by_default(self) -> None:
        template = self.make_template(unit=self.province)
        self.login(self.owner)
        response = self.client.get(reverse("emergency_compose"))
        self.assertContains(response, f'name="units" value="{self.district.pk}"', html=False)
        options = response.context["form"].unit_options()
        self.assertEqual(
            [(o.unit, o.channels, o.checked, o.level) for o in options],
            [
                (self.district, 2, True, 0),
                (self.commune, 2, True, 1),
            ],
        )
        self.assertContains(response, "4 channels will receive it.")
        self.assertContains(response, template.title)

    def test_choosing_a_template_shows_its_fields(self) -> None:
        template = self.make_template()
        self.login(self.owner)
        response = self.client.get(
            reverse("emergency_compose"), {"template": template.pk}, HTTP_HX_REQUEST="true"
        )
        self.assertContains(response, 'id="template-fields"')
        self.assertNotContains(response, "<html")
        for name in ("field_khu_vuc", "field_thoi_gian", "field_muc_do", "field_huong_dan"):
            self.assertContains(response, f'name="{name}"')
        self.assertContains(response, "Area")

    def test_without_javascript_a_button_shows_the_fields(self) -> None:
        template = self.make_template()
        self.login(self.owner)
        response = self.client.post(
            reverse("emergency_compose"), self.data(template=template.pk, step="template")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="field_khu_vuc"')
        self.assertNotContains(response, "Fill in the field")
        self.assertFalse(EmergencyAlert.objects.exists())

    def test_editor_composes_from_a_template(self) -> None:
        template = self.make_template(unit=self.province)
        self.login(self.member)
        fields = {f"field_{name}": value for name, value in VALUES.items()}
        response = self.client.post(
            reverse("emergency_compose"),
            self.data(
                unit=self.commune.pk,
                units=[self.commune.pk],
                template=template.pk,
                hazard="",
                title="",
                text="",
                **fields,
            ),
        )
        alert = EmergencyAlert.objects.get()
        self.assertRedirects(response, reverse("emergency_detail", args=[alert.pk]))
        self.assertEqual(alert.post.title, "Cảnh báo lũ quét, sạt lở đất tại xã Hợp Thành")
        self.assertEqual(alert.composed_by, self.member)
        self.assertEqual(set(alert.post.channels.all()), {self.commune_zalo, self.commune_mastodon})
        self.assertIn("nothing is sent before that", " ".join(self.messages_of(response)))

    def test_a_missing_field_is_marked(self) -> None:
        template = self.make_template()
        self.login(self.owner)
        fields = {f"field_{name}": value for name, value in VALUES.items()}
        fields["field_muc_do"] = ""
        response = self.client.post(
            reverse("emergency_compose"), self.data(template=template.pk, **fields)
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Fill in the field “Level”.")
        self.assertEqual(response.context["form"]["field_khu_vuc"].value(), "xã Hợp Thành")
        self.assertFalse(EmergencyAlert.objects.exists())

    def test_free_text_alert(self) -> None:
        self.login(self.owner)
        response = self.client.post(reverse("emergency_compose"), self.data())
        alert = EmergencyAlert.objects.get()
        self.assertRedirects(response, reverse("emergency_detail", args=[alert.pk]))
        self.assertEqual(alert.post.channels.count(), 4)

    def test_free_text_needs_hazard_title_and_text(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            reverse("emergency_compose"), self.data(hazard="", title="", text="")
        )
        self.assertContains(response, "Choose the hazard.")
        self.assertContains(response, "Write a title, or choose a template.")
        self.assertContains(response, "Write the text, or choose a template.")

    def test_units_outside_the_issuing_unit_are_refused(self) -> None:
        self.login(self.owner)
        response = self.client.post(reverse("emergency_compose"), self.data(unit=self.commune.pk))
        self.assertContains(response, "Not under Xã Hợp Thành: Huyện Cao Lộc.")
        self.assertFalse(EmergencyAlert.objects.exists())

    def test_outsider_cannot_send_to_our_units(self) -> None:
        self.login(self.outsider)
        response = self.client.post(
            reverse("emergency_compose"),
            self.data(unit=self.district.pk, units=[self.district.pk]),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Select a valid choice.")
        self.assertContains(response, "One of the chosen units is not available to you.")
        self.assertFalse(EmergencyAlert.objects.exists())

    def test_a_viewer_cannot_compose(self) -> None:
        viewer = self.make_user("viewer", self.district, Role.VIEWER)
        self.login(viewer)
        response = self.client.get(reverse("emergency_compose"))
        self.assertRedirects(response, reverse("emergency_list"))
        self.assertIn("You may not compose alerts in any unit.", self.messages_of(response))


class AlertDetailTests(AlertViewTestCase):
    def test_approver_sees_who_composed_it_and_the_password_field(self) -> None:
        alert = self.compose()
        self.login(self.approver)
        response = self.client.get(reverse("emergency_detail", args=[alert.pk]))
        self.assertContains(response, "Composed by")
        self.assertContains(response, "owner")
        self.assertContains(response, reverse("emergency_confirm", args=[alert.pk]))
        self.assertContains(response, 'name="password"')
        self.assertNotContains(response, 'name="code"')
        self.assertContains(response, "Confirm: send to 4 channels")

    def test_with_two_factor_the_code_is_asked_for(self) -> None:
        add_totp_device(self.approver)
        alert = self.compose()
        self.login(self.approver)
        response = self.client.get(reverse("emergency_detail", args=[alert.pk]))
        self.assertContains(response, 'name="code"')
        self.assertNotContains(response, 'name="password"')

    def test_composer_is_told_a_second_person_must_confirm(self) -> None:
        alert = self.compose()
        self.login(self.owner)
        response = self.client.get(reverse("emergency_detail", args=[alert.pk]))
        self.assertContains(response, "you cannot confirm it yourself")
        self.assertNotContains(response, reverse("emergency_confirm", args=[alert.pk]))
        self.assertContains(response, reverse("emergency_cancel", args=[alert.pk]))

    def test_outsider_gets_404(self) -> None:
        alert = self.compose()
        self.login(self.outsider)
        response = self.client.get(reverse("emergency_detail", args=[alert.pk]))
        self.assertEqual(response.status_code, 404)

    def test_the_post_page_sends_to_the_alert_and_offers_no_workflow(self) -> None:
        alert = self.compose()
        self.login(self.approver)
        response = self.client.get(reverse("post_detail", args=[alert.post_id]))
        self.assertContains(response, reverse("emergency_detail", args=[alert.pk]))
        self.assertNotContains(response, reverse("post_approve", args=[alert.post_id]))
        self.client.post(reverse("post_approve", args=[alert.post_id]))
        self.assertEqual(Post.objects.get(pk=alert.post_id).status, Post.Status.IN_REVIEW)

    def test_once_sent_an_approver_can_answer_for_a_delivery_on_the_post_page(self) -> None:
        alert = self.compose()
        actions.confirm_alert(alert=alert, by=self.approver, password=self.password)
        delivery = Delivery.objects.get(post=alert.post, channel=self.district_telegram)
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.WAITING_FOR_PERSON)
        self.login(self.approver)
        response = self.client.post(
            reverse("delivery_look", args=[alert.post_id, delivery.pk]), {"found": "yes"}
        )
        self.assertRedirects(response, reverse("post_detail", args=[alert.post_id]))
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.Status.PUBLISHED)


class ConfirmViewTests(AlertViewTestCase):
    def test_approver_confirms_with_the_password(self) -> None:
        alert = self.compose()
        self.login(self.approver)
        response = self.client.post(
            reverse("emergency_confirm", args=[alert.pk]), {"password": self.password}
        )
        self.assertRedirects(response, reverse("emergency_board", args=[alert.pk]))
        self.assertEqual(self.status_of(alert), EmergencyAlert.Status.SENT)
        self.assertEqual(Delivery.objects.filter(post=alert.post, priority=10).count(), 4)

    def test_a_wrong_password_confirms_nothing(self) -> None:
        alert = self.compose()
        self.login(self.approver)
        response = self.client.post(
            reverse("emergency_confirm", args=[alert.pk]), {"password": "not mine"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "That password is not right.")
        self.assertEqual(self.status_of(alert), EmergencyAlert.Status.WAITING)
        self.assertFalse(Delivery.objects.exists())

    @override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
    def test_with_two_factor_a_current_code_confirms(self) -> None:
        device = add_totp_device(self.approver)
        alert = self.compose()
        self.login(self.approver)
        url = reverse("emergency_confirm", args=[alert.pk])
        response = self.client.post(url, {"password": self.password})
        self.assertContains(response, "Enter the current 6-digit code")
        response = self.client.post(url, {"code": wrong_code_for(device)})
        self.assertContains(response, "That code is not right or has expired.")
        self.assertEqual(self.status_of(alert), EmergencyAlert.Status.WAITING)
        response = self.client.post(url, {"code": code_for(device)})
        self.assertRedirects(response, reverse("emergency_board", args=[alert.pk]))
        self.assertEqual(self.status_of(alert), EmergencyAlert.Status.SENT)

    def test_composer_cannot_confirm(self) -> None:
        alert = self.compose(by=self.approver)
        self.login(self.approver)
        response = self.client.post(
            reverse("emergency_confirm", args=[alert.pk]), {"password": self.password}
        )
        self.assertContains(response, "You composed this alert, so you cannot confirm it.")
        self.assertEqual(self.status_of(alert), EmergencyAlert.Status.WAITING)

    def test_editor_cannot_confirm(self) -> None:
        alert = self.compose(unit=self.commune)
        self.login(self.member)
        page = self.client.get(reverse("emergency_detail", args=[alert.pk]))
        self.assertNotContains(page, reverse("emergency_confirm", args=[alert.pk]))
        response = self.client.post(
            reverse("emergency_confirm", args=[alert.pk]), {"password": self.password}
        )
        self.assertRedirects(response, reverse("emergency_detail", args=[alert.pk]))
        self.assertIn(
            "Only an approver of Xã Hợp Thành can confirm this alert.", self.messages_of(response)
        )
        self.assertEqual(self.status_of(alert), EmergencyAlert.Status.WAITING)

    def test_outsider_gets_404(self) -> None:
        alert = self.compose()
        self.login(self.outsider)
        response = self.client.post(
            reverse("emergency_confirm", args=[alert.pk]), {"password": self.password}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.status_of(alert), EmergencyAlert.Status.WAITING)

    def test_only_post(self) -> None:
        alert = self.compose()
        self.login(self.approver)
        for name in ("emergency_confirm", "emergency_cancel"):
            self.assertEqual(self.client.get(reverse(name, args=[alert.pk])).status_code, 405)


class CancelViewTests(AlertViewTestCase):
    def test_composer_cancels_with_a_reason(self) -> None:
        alert = self.compose()
        self.login(self.owner)
        response = self.client.post(
            reverse("emergency_cancel", args=[alert.pk]), {"reason": "Nhầm khu vực"}
        )
        self.assertRedirects(response, reverse("emergency_detail", args=[alert.pk]))
        self.assertEqual(self.status_of(alert), EmergencyAlert.Status.CANCELLED)
        page = self.client.get(reverse("emergency_detail", args=[alert.pk]))
        self.assertContains(page, "Nhầm khu vực")
        self.assertNotContains(page, reverse("emergency_confirm", args=[alert.pk]))

    def test_a_reason_is_required(self) -> None:
        alert = self.compose()
        self.login(self.approver)
        response = self.client.post(reverse("emergency_cancel", args=[alert.pk]), {"reason": " "})
        self.assertContains(response, "Say why the alert is cancelled.")
        self.assertEqual(self.status_of(alert), EmergencyAlert.Status.WAITING)

    def test_editor_cannot_cancel_someone_elses_alert(self) -> None:
        alert = self.compose(unit=self.commune)
        self.login(self.member)
        response = self.client.post(
            reverse("emergency_cancel", args=[alert.pk]), {"reason": "Không đồng ý"}
        )
        self.assertContains(response, "Only its composer or an approver of Xã Hợp Thành")
        self.assertEqual(self.status_of(alert), EmergencyAlert.Status.WAITING)

    def test_outsider_gets_404(self) -> None:
        alert = self.compose()
        self.login(self.outsider)
        response = self.client.post(
            reverse("emergency_cancel", args=[alert.pk]), {"reason": "Không phải của tôi"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.status_of(alert), EmergencyAlert.Status.WAITING)
