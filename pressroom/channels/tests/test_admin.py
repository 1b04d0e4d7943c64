from __future__ import annotations

from django.contrib.auth import get_user_model

from pressroom.audit.models import AuditEvent
from pressroom.channels.models import Channel
from pressroom.core.testing import BaseTestCase


class ChannelAdminTests(BaseTestCase):
    def setUp(self) -> None:
        self.superuser = get_user_model().objects.create_superuser("root", password="x" * 12)
        self.client.force_login(self.superuser)
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
