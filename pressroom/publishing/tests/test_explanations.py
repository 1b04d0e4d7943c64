"""Every failure the state machine can give is explained in plain, translated words."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.utils import translation

from pressroom.channels.models import Channel
from pressroom.publishing.explanations import explain_error
from pressroom.publishing.models import Delivery


def delivery(platform: str, code: str) -> Delivery:
    return Delivery(channel=Channel(platform=platform), error_code=code)


class ExplanationTests(SimpleTestCase):
    def test_state_machine_codes_have_explanations(self) -> None:
        with translation.override("en"):
            self.assertIn("deadline", explain_error(delivery("telegram", "deadline")))
            self.assertIn("kept failing", explain_error(delivery("facebook", "too_many_attempts")))
            self.assertIn(
                "looks for the post on the", explain_error(delivery("zalo", "lease_expired"))
            )
            self.assertIn("unavailable", explain_error(delivery("zalo", "-100")))

    def test_explanations_are_in_vietnamese_by_default(self) -> None:
        with translation.override("vi"):
            self.assertIn("thời hạn", explain_error(delivery("telegram", "deadline")))
