"""Alert actions: compose, the two-person rule with re-authentication, cancel, templates."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone, translation

from pressroom.audit.models import AuditEvent
from pressroom.channels.models import Channel
from pressroom.content import actions as content
from pressroom.content.models import Post
from pressroom.core.errors import ActionError
from pressroom.emergency import actions
from pressroom.emergency.models import EmergencyAlert, EmergencyTemplate, Hazard
from pressroom.emergency.tests.helpers import (
    TEXT,
    TITLE,
    VALUES,
    AlertSetup,
    add_totp_device,
    code_for,
    wrong_code_for,
)
from pressroom.orgs.models import Role
from pressroom.publishing import scheduling
from pressroom.publishing.claims import claim_due
from pressroom.publishing.models import Delivery
from pressroom.testing import BaseTestCase


def actions_of(alert: EmergencyAlert) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="emergency.emergencyalert", object_id=str(alert.pk)
        ).values_list("action", flat=True)
    )


class ComposeTests(AlertSetup, BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        self.make_channels()

    def test_alert_targets_every_channel_of_the_subtree_by_default(self) -> None:
        alert = self.compose()
        post = alert.post
        self.assertEqual(set(post.channels.all()), set(self.subtree_channels))
        self.assertNotIn(self.sibling_facebook, post.channels.all())
        self.assertEqual(set(alert.units.all()), {self.district, self.commune})
        self.assertTrue(post.is_emergency)
        self.assertEqual(post.status, Post.Status.IN_REVIEW)
        self.assertEqual(alert.status, EmergencyAlert.Status.WAITING)
        self.assertEqual((post.title, post.body), (TITLE, TEXT))
        # Nothing goes out before a second person confirms.
        self.assertFalse(Delivery.objects.filter(post=post).exists())
        self.assertEqual(actions_of(alert), ["emergency.compose"])

    def test_chosen_units_only(self) -> None:
        alert = self.compose(units=[self.commune])
        self.assertEqual(set(alert.post.channels.all()), {self.commune_zalo, self.commune_mastodon})

    def test_switched_off_channels_are_left_out(self) -> None:
        Channel.objects.filter(pk=self.district_telegram.pk).update(status=Channel.Status.DISABLED)
        alert = self.compose()
        self.assertNotIn(self.district_telegram, alert.post.channels.all())
        self.assertEqual(alert.post.channels.count(), 3)

    def test_units_outside_the_issuing_unit_are_refused(self) -> None:
        with self.assertRaisesMessage(ActionError, "is not under Huyện Cao Lộc"):
            self.compose(units=[self.commune, self.sibling])
        self.assertFalse(EmergencyAlert.objects.exists())

    def test_editor_composes_only_for_own_units(self) -> None:
        with self.assertRaisesMessage(ActionError, "not allowed"):
            self.compose(by=self.member)
        alert = self.compose(by=self.member, unit=self.commune)
        self.assertEqual(alert.composed_by, self.member)

    def test_problems_of_the_post_are_found_when_composing(self) -> None:
        with self.assertRaisesMessage(ActionError, "at most 500 characters"):
            self.compose(text="Mưa lớn. " * 80)
        self.assertFalse(EmergencyAlert.objects.exists())
        self.assertFalse(Post.objects.exists())

    def test_title_and_text_are_needed_without_a_template(self) -> None:
        with self.assertRaisesMessage(ActionError, "The alert needs a title."):
            self.compose(title="  ")
        with self.assertRaisesMessage(ActionError, "Choose the kind of hazard."):
            self.compose(hazard="meteor")

    def test_no_channel_no_alert(self) -> None:
        self.sibling_facebook.delete()
        with self.assertRaisesMessage(ActionError, "have no channel"):
            self.compose(by=self.outsider, unit=self.sibling)
        self.assertFalse(EmergencyAlert.objects.exists())


class TemplateComposeTests(AlertSetup, BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        self.make_channels()

    def test_template_fields_are_filled(self) -> None:
        template = self.make_template()
        alert = self.compose(template=template, values=VALUES, hazard="", title="", text="")
        self.assertEqual(alert.post.title, "Cảnh báo lũ quét, sạt lở đất tại xã Hợp Thành")
        self.assertEqual(
            alert.post.body,
            "Từ 18 giờ hôm nay, mưa lớn có thể gây lũ quét, sạt lở đất tại xã Hợp Thành. "
            "Mức độ rủi ro: cấp 3.\nDi chuyển người già, trẻ nhỏ ra khỏi khu vực ven suối.",
        )
        # The template's hazard is the alert's.
        self.assertEqual((alert.hazard, alert.template), (Hazard.LANDSLIDE, template))

    def test_a_missing_field_is_named(self) -> None:
        template = self.make_template()
        values = {**VALUES, "muc_do": " "}
        with self.assertRaisesMessage(ActionError, "Fill in the field “Level”."):
            self.compose(template=template, values=values)
        template.field_labels = {"muc_do": "Mức độ rủi ro"}
        template.save()
        with self.assertRaisesMessage(ActionError, "Fill in the field “Mức độ rủi ro”."):
            self.compose(template=template, values=values)
        self.assertFalse(EmergencyAlert.objects.exists())

    def test_only_declared_fields_are_replaced(self) -> None:
        template = self.make_template(text="Khu vực {khu_vuc}: {{không phải trường}}")
        alert = self.compose(template=template, values={**VALUES, "other": "{khu_vuc}"})
        self.assertEqual(alert.post.body, "Khu vực xã Hợp Thành: {không phải trường}")

    def test_a_value_is_not_read_as_a_field(self) -> None:
        template = self.make_template(text="Khu vực {khu_vuc}.")
        alert = self.compose(template=template, values={**VALUES, "khu_vuc": "{muc_do}"})
        self.assertEqual(alert.post.body, "Khu vực {muc_do}.")

    def test_templates_are_inherited_downward_only(self) -> None:
        from_province = self.make_template(unit=self.province)
        alert = self.compose(template=from_province, values=VALUES)
        self.assertEqual(alert.template, from_province)
        from_sibling = self.make_template(unit=self.sibling)
        with self.assertRaisesMessage(ActionError, "not offered to Huyện Cao Lộc"):
            self.compose(template=from_sibling, values=VALUES)
        inactive = self.make_template(is_active=False)
        with self.assertRaisesMessage(ActionError, "not offered"):
            self.compose(template=inactive, values=VALUES)


class ConfirmTests(AlertSetup, BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        self.make_channels()

    def test_second_person_confirms_and_everything_goes_out_first(self) -> None:
        ordinary = content.save_post(
            by=self.owner,
            unit=self.district,
            title="Lịch tiếp công dân",
            body="Lịch tiếp công dân tháng 12.",
            channels=self.subtree_channels,
        )
        content.submit_post(post=ordinary, by=self.owner)
        content.approve_post(post=ordinary, by=self.approver)
        scheduling.schedule_post(post=ordinary, by=self.approver, at=None)
        Delivery.objects.filter(post=ordinary).update(due_at=timezone.now() - timedelta(hours=1))
        alert = self.compose()

        actions.confirm_alert(alert=alert, by=self.approver, password=self.password)

        alert.refresh_from_db()
        self.assertEqual(alert.status, EmergencyAlert.Status.SENT)
        self.assertEqual(alert.confirmed_by, self.approver)
        self.assertIsNotNone(alert.confirmed_at)
        post = Post.objects.get(pk=alert.post_id)
        self.assertEqual(post.status, Post.Status.SCHEDULED)
        self.assertEqual(post.approved_by, self.approver)
        deliveries = Delivery.objects.filter(post=post)
        self.assertEqual(
            {delivery.channel_id for delivery in deliveries},
            {channel.pk for channel in self.subtree_channels},
        )
        self.assertEqual({delivery.priority for delivery in deliveries}, {10})
        self.assertEqual({d.status for d in deliveries}, {Delivery.Status.PENDING})
        # The alert is claimed before the ordinary post that was due an hour earlier.
        claimed = claim_due(worker="test", limit=len(self.subtree_channels))
        self.assertEqual(set(claimed), {delivery.pk for delivery in deliveries})
        self.assertEqual(actions_of(alert), ["emergency.compose", "emergency.confirm"])
        event = AuditEvent.objects.get(action="emergency.confirm")
        self.assertEqual(event.actor, self.approver)
        self.assertEqual(event.data["reauthenticated"], "password")
        post_events = AuditEvent.objects.filter(
            object_type="content.post", object_id=str(post.pk)
        ).values_list("action", flat=True)
        self.assertEqual(
            list(post_events), ["post.create", "post.submit", "post.approve", "post.schedule"]
        )

    def test_composer_cannot_confirm_own_alert(self) -> None:
        alert = self.compose(by=self.approver)
        with self.assertRaisesMessage(ActionError, "You composed this alert, so you cannot"):
            actions.confirm_alert(alert=alert, by=self.approver, password=self.password)
        alert.refresh_from_db()
        self.assertEqual(alert.status, EmergencyAlert.Status.WAITING)
        self.assertFalse(Delivery.objects.exists())

    def test_editor_cannot_confirm(self) -> None:
        alert = self.compose(unit=self.commune)
        with self.assertRaisesMessage(ActionError, "Only an approver of Xã Hợp Thành"):
            actions.confirm_alert(alert=alert, by=self.member, password=self.password)
        self.assertFalse(Delivery.objects.exists())

    def test_approver_of_a_unit_below_cannot_confirm_for_the_unit_above(self) -> None:
        commune_approver = self.make_user("commune-approver", self.commune, Role.APPROVER)
        alert = self.compose()
        with self.assertRaisesMessage(ActionError, "Only an approver of Huyện Cao Lộc"):
            actions.confirm_alert(alert=alert, by=commune_approver, password=self.password)

    def test_password_is_required_without_two_factor(self) -> None:
        alert = self.compose()
        with self.assertRaisesMessage(ActionError, "Enter your password to confirm."):
            actions.confirm_alert(alert=alert, by=self.approver)
        with self.assertRaisesMessage(ActionError, "That password is not right."):
            actions.confirm_alert(alert=alert, by=self.approver, password="wrong")
        alert.refresh_from_db()
        self.assertEqual(alert.status, EmergencyAlert.Status.WAITING)
        self.assertFalse(Delivery.objects.exists())
        failed = AuditEvent.objects.get(action="reauth.failed")
        self.assertEqual((failed.actor, failed.data), (self.approver, {"method": "password"}))

    @override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
    def test_a_totp_code_is_required_when_two_factor_is_on(self) -> None:
        device = add_totp_device(self.approver)
        alert = self.compose()
        # The password alone is not enough any more.
        with self.assertRaisesMessage(ActionError, "Enter the current 6-digit code"):
            actions.confirm_alert(alert=alert, by=self.approver, password=self.password)
        with self.assertRaisesMessage(ActionError, "That code is not right or has expired."):
            actions.confirm_alert(alert=alert, by=self.approver, code=wrong_code_for(device))
        alert.refresh_from_db()
        self.assertEqual(alert.status, EmergencyAlert.Status.WAITING)
        self.assertFalse(Delivery.objects.exists())
        self.assertEqual(AuditEvent.objects.filter(action="reauth.failed").count(), 1)

        actions.confirm_alert(alert=alert, by=self.approver, code=code_for(device))
        alert.refresh_from_db()
        self.assertEqual(alert.status, EmergencyAlert.Status.SENT)
        event = AuditEvent.objects.get(action="emergency.confirm")
        self.assertEqual(event.data["reauthenticated"], "totp")

    def test_a_used_code_cannot_be_used_again(self) -> None:
        device = add_totp_device(self.approver)
        code = code_for(device)
        first = self.compose()
        actions.confirm_alert(alert=first, by=self.approver, code=code)
        second = self.compose(title="Cảnh báo lần hai")
        with self.assertRaisesMessage(ActionError, "That code is not right"):
            actions.confirm_alert(alert=second, by=self.approver, code=code)

    def test_wrong_codes_slow_down_further_tries(self) -> None:
        device = add_totp_device(self.approver)
        alert = self.compose()
        with self.assertRaisesMessage(ActionError, "not right"):
            actions.confirm_alert(alert=alert, by=self.approver, code=wrong_code_for(device))
        with self.assertRaisesMessage(ActionError, "Too many wrong codes."):
            actions.confirm_alert(alert=alert, by=self.approver, code=code_for(device))
        alert.refresh_from_db()
        self.assertEqual(alert.status, EmergencyAlert.Status.WAITING)

    def test_an_alert_is_confirmed_once(self) -> None:
        alert = self.compose()
        actions.confirm_alert(alert=alert, by=self.approver, password=self.password)
        alert.refresh_from_db()
        with self.assertRaisesMessage(ActionError, "only an alert waiting for confirmation"):
            actions.confirm_alert(alert=alert, by=self.approver, password=self.password)
        self.assertEqual(Delivery.objects.count(), len(self.subtree_channels))

    def test_channels_needing_reconnecting_wait_paused(self) -> None:
        Channel.objects.filter(pk=self.commune_zalo.pk).update(
            status=Channel.Status.NEEDS_RECONNECT
        )
        alert = self.compose()
        actions.confirm_alert(alert=alert, by=self.approver, password=self.password)
        self.assertEqual(
            Delivery.objects.get(post=alert.post, channel=self.commune_zalo).status,
            Delivery.Status.PAUSED,
        )


class CancelTests(AlertSetup, BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        self.make_channels()

    def test_cancelling_needs_a_reason(self) -> None:
        alert = self.compose()
        with self.assertRaisesMessage(ActionError, "Say why the alert is cancelled."):
            actions.cancel_alert(alert=alert, by=self.owner, reason="   ")
        actions.cancel_alert(alert=alert, by=self.owner, reason="Nhầm khu vực")
        alert.refresh_from_db()
        self.assertEqual(
            (alert.status, alert.cancelled_by, alert.cancel_reason),
            (EmergencyAlert.Status.CANCELLED, self.owner, "Nhầm khu vực"),
        )
        post = Post.objects.get(pk=alert.post_id)
        self.assertEqual(post.status, Post.Status.CANCELLED)
        self.assertEqual(actions_of(alert), ["emergency.compose", "emergency.cancel"])

    def test_a_cancelled_alert_is_finished_for_good(self) -> None:
        alert = self.compose()
        actions.cancel_alert(alert=alert, by=self.approver, reason="Đã có thông báo khác")
        post = Post.objects.get(pk=alert.post_id)
        with self.assertRaisesMessage(ActionError, "cannot be changed"):
            content.save_post(
                by=self.owner, post=post, unit=self.district, title="Khác", body="Khác", channels=[]
            )
        with self.assertRaisesMessage(ActionError, "Only a draft"):
            content.submit_post(post=post, by=self.owner)
        with self.assertRaises(ActionError):
            content.reject_post(post=post, by=self.approver, reason="Khác")
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.CANCELLED)

    def test_a_cancelled_alert_cannot_be_confirmed(self) -> None:
        alert = self.compose()
        actions.cancel_alert(alert=alert, by=self.approver, reason="Đã có thông báo khác")
        alert.refresh_from_db()
        with self.assertRaisesMessage(ActionError, "only an alert waiting"):
            actions.confirm_alert(alert=alert, by=self.approver, password=self.password)
        self.assertFalse(Delivery.objects.exists())

    def test_a_sent_alert_cannot_be_cancelled(self) -> None:
        alert = self.compose()
        actions.confirm_alert(alert=alert, by=self.approver, password=self.password)
        with self.assertRaisesMessage(ActionError, "Only an alert waiting for confirmation"):
            actions.cancel_alert(alert=alert, by=self.owner, reason="Muộn rồi")

    def test_an_editor_cannot_cancel_someone_elses_alert(self) -> None:
        alert = self.compose(unit=self.commune)
        with self.assertRaisesMessage(ActionError, "Only its composer or an approver"):
            actions.cancel_alert(alert=alert, by=self.member, reason="Không đồng ý")
        actions.cancel_alert(
            alert=self.compose(by=self.member, unit=self.commune, title="Khác"),
            by=self.member,
            reason="Tôi viết nhầm",
        )


class TemplateTests(AlertSetup, BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def save(self, **overrides: object) -> EmergencyTemplate:
        values: dict[str, object] = {
            "by": self.owner,
            "unit": self.district,
            "hazard": Hazard.STORM,
            "title": "Cảnh báo bão: {khu_vuc}",
            "text": "Bão ảnh hưởng {khu_vuc} từ {thoi_gian}.",
        }
        values.update(overrides)
        return actions.save_template(**values)  # type: ignore[arg-type]

    def test_administrator_saves_a_template(self) -> None:
        template = self.save()
        event = AuditEvent.objects.get(action="emergency_template.create")
        self.assertEqual(event.data["fields"], ["khu_vuc", "thoi_gian"])
        self.save(template=template, is_active=False)
        template.refresh_from_db()
        self.assertFalse(template.is_active)

    def test_only_administrators_manage_templates(self) -> None:
        with self.assertRaisesMessage(ActionError, "not allowed"):
            self.save(by=self.approver)

    def test_unsafe_or_broken_fields_are_refused(self) -> None:
        for text in (
            "{khu_vuc.__class__}",
            "{khu_vuc[0]}",
            "{khu_vuc!r}",
            "{khu_vuc:>999999999}",
            "{Khu Vực}",
            "{0}",
        ):
            with self.subTest(text=text), self.assertRaisesMessage(ActionError, "not a field name"):
                self.save(text=text)
        with self.assertRaisesMessage(ActionError, "A brace is not closed"):
            self.save(text="Bão {khu_vuc")

    def test_labels_are_kept_in_the_order_of_the_fields_and_audited(self) -> None:
        template = self.save(labels={"thoi_gian": " Thời gian ", "khu_vuc": "Khu vực"})
        self.assertEqual(template.field_labels, {"khu_vuc": "Khu vực", "thoi_gian": "Thời gian"})
        self.assertEqual(list(template.field_labels), ["khu_vuc", "thoi_gian"])
        event = AuditEvent.objects.get(action="emergency_template.create")
        self.assertEqual(event.data["labels"], template.field_labels)

    def test_a_label_for_no_field_or_too_long_is_refused(self) -> None:
        with self.assertRaisesMessage(ActionError, "“muc_do” is not a field of this template"):
            self.save(labels={"muc_do": "Mức độ"})
        with self.assertRaisesMessage(ActionError, "The label of “khu_vuc” may have at most"):
            self.save(labels={"khu_vuc": "x" * 81})
        self.assertFalse(EmergencyTemplate.objects.exists())
