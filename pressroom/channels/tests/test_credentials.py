from __future__ import annotations

from io import StringIO

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import override_settings

from pressroom.channels.models import Channel
from pressroom.testing import BaseTestCase


class CredentialTests(BaseTestCase):
    def test_credentials_are_encrypted_at_rest(self) -> None:
        channel = self.make_channel(self.district, "telegram")
        channel.credentials = {"bot_token": "123:secret-value"}
        channel.save()
        stored = Channel.objects.values_list("credentials_encrypted", flat=True).get(pk=channel.pk)
        self.assertNotIn("secret-value", stored)
        self.assertEqual(
            Channel.objects.get(pk=channel.pk).credentials["bot_token"], "123:secret-value"
        )

    def test_rotation_moves_credentials_to_the_new_key(self) -> None:
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        with override_settings(PRESSROOM_CREDENTIAL_KEYS=[old]):
            channel = self.make_channel(self.district, "facebook")
            channel.credentials = {"page_token": "page-secret"}
            channel.save()
        with override_settings(PRESSROOM_CREDENTIAL_KEYS=[new, old]):
            out = StringIO()
            call_command("rotate_keys", stdout=out)
            self.assertIn("1", out.getvalue())
        with override_settings(PRESSROOM_CREDENTIAL_KEYS=[new]):
            self.assertEqual(
                Channel.objects.get(pk=channel.pk).credentials["page_token"], "page-secret"
            )
