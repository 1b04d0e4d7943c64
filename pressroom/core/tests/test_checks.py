"""A production start refuses the development secret key."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import SimpleTestCase, override_settings

from pressroom.core.checks import check_credential_keys, check_secret_key

DEVELOPMENT = {"DEBUG": False, "SECRET_KEY_CONFIGURED": False}


class SecretKeyTests(SimpleTestCase):
    databases = {"default"}  # the model checks ask the database what it supports

    @override_settings(**DEVELOPMENT)
    def test_long_running_commands_refuse_to_start_without_a_secret_key(self) -> None:
        for command in ("serve", "worker", "dispatcher"):
            with (
                self.subTest(command=command),
                self.assertRaisesMessage(CommandError, "SECRET_KEY is not set"),
            ):
                call_command(command)

    @override_settings(**DEVELOPMENT)
    def test_deploy_check_is_an_error(self) -> None:
        (error,) = check_secret_key()
        self.assertEqual(error.id, "pressroom.E001")
        with self.assertRaises(SystemCheckError):
            call_command("check", deploy=True, fail_level="ERROR")

    @override_settings(DEBUG=False, SECRET_KEY_CONFIGURED=True)
    def test_the_development_key_set_on_purpose_is_refused_too(self) -> None:
        with self.assertRaisesMessage(CommandError, "SECRET_KEY is not set"):
            call_command("serve")

    @override_settings(DEBUG=False, SECRET_KEY_CONFIGURED=True, SECRET_KEY="k" * 60)
    def test_a_configured_key_passes(self) -> None:
        self.assertEqual(check_secret_key(), [])

    @override_settings(DEBUG=True, SECRET_KEY_CONFIGURED=False)
    def test_debug_may_use_the_development_key(self) -> None:
        self.assertEqual(check_secret_key(), [])

    @override_settings(PRESSROOM_CREDENTIAL_KEYS=[])
    def test_credential_keys_derived_from_the_secret_key_are_a_warning(self) -> None:
        (warning,) = check_credential_keys()
        self.assertEqual(warning.id, "pressroom.W002")
