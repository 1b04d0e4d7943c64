from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from pressroom.audit.models import AuditEvent
from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.publishing.models import Delivery
from pressroom.testing import BaseTestCase


class ChannelAdminTests(BaseTestCase):
    def setUp(self) -> None:
        self.superuser = get_user_model().objects.create_superuser("root", password="x" * 12)
        self.client.force_login(self.superuser)
        # The admin in English, so that the tests read like the code.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.channel = self.make_channel(self.district, "telegram")
        self.channel.credentials = {"bot_token": "111:very-secret-token"}
        self.channel.status = Channel.Status.NEEDS_RECONNECT
        self.channel.save()

    def test_credentials_are_never_shown(self) -> None:
        response = self.client.get(f"/admin/pressroom_channels/channel/{self.channel.pk}/change/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "very-secret-token")
        self.assertNotContains(response, self.channel.credentials_encrypted)

    def test_new_credentials_reconnect_the_channel(self) -> None:
        url = f"/admin/pressroom_channels/channel/{self.channel.pk}/change/"
        data = {
            "unit": self.district.pk,
            "platform": "telegram",
            "name": "Kênh Telegram Cao Lộc",
            "external_id": "@cao_loc",
            "api_base": "https://api.telegram.org",
            "status": Channel.Status.NEEDS_RECONNECT,
            "status_reason": "Unauthorized",
            "options": "{}",
            "new_credentials": '{"bot_token": "222:fresh-token"}',
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        self.channel.refresh_from_db()
        self.assertEqual(self.channel.credentials, {"bot_token": "222:fresh-token"})
        self.assertEqual(self.channel.status, Channel.Status.CONNECTED)
        event = AuditEvent.objects.get(action="channel.edit")
        self.assertEqual(event.data, {"credentials_replaced": True})
        self.assertTrue(AuditEvent.objects.filter(action="channel.reconnect").exists())

    def test_invalid_json_is_refused_with_a_message(self) -> None:
        url = f"/admin/pressroom_channels/channel/{self.channel.pk}/change/"
        response = self.client.post(
            url,
            {
                "unit": self.district.pk,
                "platform": "telegram",
                "name": "x",
                "external_id": "@x",
                "status": "connected",
                "options": "{}",
                "new_credentials": "{oops",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "JSON")

    def test_outsider_cannot_reach_admin(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get("/admin/pressroom_channels/channel/")
        self.assertEqual(response.status_code, 302)

    def test_the_status_is_shown_not_edited(self) -> None:
        url = f"/admin/pressroom_channels/channel/{self.channel.pk}/change/"
        data = {
            "unit": self.district.pk,
            "platform": "telegram",
            "name": "Kênh Telegram Cao Lộc",
            "external_id": "@cao_loc",
            "api_base": "https://api.telegram.org",
            "status": Channel.Status.CONNECTED,
            "status_reason": "",
            "options": "{}",
            "new_credentials": "",
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.channel.refresh_from_db()
        # Connected again only with new credentials, never by choosing a status.
        self.assertEqual(self.channel.status, Channel.Status.NEEDS_RECONNECT)
        self.assertEqual(self.channel.name, "Kênh Telegram Cao Lộc")

    def test_pausing_goes_through_the_action(self) -> None:
        connected = self.make_channel(self.district, "facebook")
        post = Post.objects.create(
            unit=self.district, author=self.owner, title="t", body="b", status="scheduled"
        )
        waiting = Delivery.objects.create(
            post=post, channel=connected, status=Delivery.Status.PENDING, due_at=timezone.now()
        )
        response = self.client.post(
            "/admin/pressroom_channels/channel/",
            {"action": "pause", "_selected_action": [connected.pk, self.channel.pk]},
            follow=True,
        )
        self.assertContains(response, "1 channel paused.")
        connected.refresh_from_db()
        self.assertEqual(connected.status, Channel.Status.NEEDS_RECONNECT)
        waiting.refresh_from_db()
        self.assertEqual(waiting.status, Delivery.Status.PAUSED)
        event = AuditEvent.objects.get(action="channel.needs_reconnect")
        self.assertEqual((event.object_id, event.actor_id), (str(connected.pk), self.superuser.pk))
