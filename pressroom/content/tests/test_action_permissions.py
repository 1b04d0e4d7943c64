"""Actions check who may do what themselves, whatever page or script calls them."""

from __future__ import annotations

from django.utils import translation

from pressroom.content import actions
from pressroom.content.models import Post, Theme
from pressroom.core.errors import ActionError
from pressroom.emergency import actions as emergency
from pressroom.emergency.models import EmergencyAlert, Hazard
from pressroom.testing import BaseTestCase


class SavePostPermissionTests(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def draft(self, **overrides: object) -> Post:
        fields: dict[str, object] = {
            "by": self.owner,
            "unit": self.district,
            "title": "Thông báo lịch tiếp công dân",
            "body": "Lịch tiếp công dân tháng 12 của UBND huyện.",
            "channels": [],
        }
        fields.update(overrides)
        return actions.save_post(**fields)  # type: ignore[arg-type]

    def test_an_editor_below_cannot_pull_a_post_of_the_unit_above_into_their_own(self) -> None:
        post = self.draft()
        with self.assertRaisesMessage(ActionError, "not allowed"):
            actions.save_post(
                by=self.member,
                post=post,
                unit=self.commune,
                title="Rewritten",
                body="Rewritten",
                channels=[],
            )
        post.refresh_from_db()
        self.assertEqual((post.unit, post.title), (self.district, "Thông báo lịch tiếp công dân"))

    def test_a_theme_of_a_sibling_unit_is_refused(self) -> None:
        theme = Theme.objects.create(unit=self.sibling, name="Lộc Bình theme")
        with self.assertRaisesMessage(ActionError, "another unit"):
            self.draft(theme=theme)
        self.assertFalse(Post.objects.exists())

    def test_a_theme_of_a_unit_below_is_refused(self) -> None:
        theme = Theme.objects.create(unit=self.commune, name="Commune theme")
        with self.assertRaisesMessage(ActionError, "another unit"):
            self.draft(theme=theme)

    def test_a_theme_of_a_unit_above_is_offered(self) -> None:
        theme = Theme.objects.create(unit=self.province, name="Province theme")
        post = self.draft(by=self.member, unit=self.commune, theme=theme)
        self.assertEqual(post.theme, theme)

    def test_an_inactive_theme_is_refused_for_a_new_post(self) -> None:
        theme = Theme.objects.create(unit=self.district, name="Old theme", is_active=False)
        with self.assertRaisesMessage(ActionError, "no longer active"):
            self.draft(theme=theme)


class SaveThemePermissionTests(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_an_administrator_cannot_change_another_units_theme_through_their_own(self) -> None:
        theme = Theme.objects.create(unit=self.province, name="Province theme")
        with self.assertRaisesMessage(ActionError, "stays with its unit"):
            actions.save_theme(by=self.owner, unit=self.district, theme=theme, name="Renamed")
        theme.refresh_from_db()
        self.assertEqual((theme.unit, theme.name), (self.province, "Province theme"))
        with self.assertRaisesMessage(ActionError, "not allowed"):
            actions.save_theme(by=self.owner, unit=self.province, theme=theme, name="Renamed")


class EmergencyPostTests(BaseTestCase):
    """An alert's post is confirmed only through the alert, after re-authenticating."""

    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        self.make_channel(self.district, "facebook")
        self.alert = emergency.compose_alert(
            by=self.owner,
            unit=self.district,
            units=[self.district],
            hazard=Hazard.FLOOD,
            title="Cảnh báo lũ",
            text="Mưa lớn, nguy cơ lũ quét.",
        )

    def test_approve_post_refuses_an_emergency_post(self) -> None:
        with self.assertRaisesMessage(ActionError, "alert's page"):
            actions.approve_post(post=self.alert.post, by=self.approver)
        self.alert.refresh_from_db()
        self.alert.post.refresh_from_db()
        self.assertEqual(self.alert.status, EmergencyAlert.Status.WAITING)
        self.assertEqual(self.alert.post.status, Post.Status.IN_REVIEW)
        self.assertFalse(self.alert.post.deliveries.exists())

    def test_reject_post_refuses_an_emergency_post(self) -> None:
        with self.assertRaisesMessage(ActionError, "cancel it"):
            actions.reject_post(post=self.alert.post, by=self.approver, reason="Sai địa bàn")
        self.alert.post.refresh_from_db()
        self.assertEqual(self.alert.post.status, Post.Status.IN_REVIEW)

    def test_an_ordinary_post_is_not_approved_as_an_emergency(self) -> None:
        post = actions.save_post(
            by=self.owner, unit=self.district, title="Tin", body="Tin thường", channels=[]
        )
        with self.assertRaisesMessage(ActionError, "emergency alert"):
            actions.approve_emergency_post(post=post, by=self.approver)

    def test_the_confirmation_still_sends_the_alert(self) -> None:
        emergency.confirm_alert(alert=self.alert, by=self.approver, password=self.password)
        self.alert.post.refresh_from_db()
        self.assertEqual(self.alert.post.status, Post.Status.SCHEDULED)
        self.assertEqual(self.alert.post.approved_by, self.approver)
