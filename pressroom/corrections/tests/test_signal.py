"""New messages from the inbox are flagged against the claims of their channel's unit and of
every unit above it; a claim registered now is matched against the last days' messages."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from pressroom.corrections.matching import match_recent
from pressroom.corrections.models import Claim, ClaimMatch
from pressroom.corrections.tests.base import CorrectionsTestCase
from pressroom.inbox.models import Message
from pressroom.inbox.signals import messages_received

REPEAT = "can cuoc cong dan het han phai nop phat 500 nghin dong, that khong?"
UNRELATED = "Đường Nguyễn Du bị ngập nước, đề nghị xử lý"


class SignalTests(CorrectionsTestCase):
    def announce(self, *messages: Message) -> None:
        messages_received.send(sender=Message, message_ids=[m.pk for m in messages])

    def test_a_repeating_message_is_flagged_and_an_unrelated_one_is_not(self) -> None:
        claim = self.make_claim(self.district, self.owner)
        repeat = self.make_message(self.district_channel, REPEAT)
        unrelated = self.make_message(self.district_channel, UNRELATED)
        self.announce(repeat, unrelated)
        match = ClaimMatch.objects.get()
        self.assertEqual((match.message, match.claim), (repeat, claim))
        self.assertGreaterEqual(match.score, 80)

    def test_a_claim_is_inherited_down_the_tree_not_across(self) -> None:
        province_claim = self.make_claim(self.province, self.owner)
        sibling_claim = self.make_claim(
            self.sibling, self.outsider, "Tiêm vắc xin gây vô sinh ở trẻ em"
        )
        in_commune = self.make_message(self.commune_channel, REPEAT)
        vaccine_in_district = self.make_message(
            self.district_channel, "tiem vac xin gay vo sinh o tre em"
        )
        self.announce(in_commune, vaccine_in_district)
        self.assertEqual(
            list(ClaimMatch.objects.values_list("message", "claim")),
            [(in_commune.pk, province_claim.pk)],
        )
        self.assertFalse(ClaimMatch.objects.filter(claim=sibling_claim).exists())

    def test_a_claim_of_a_unit_below_does_not_reach_the_channels_above(self) -> None:
        self.make_claim(self.commune, self.member)
        self.announce(self.make_message(self.district_channel, REPEAT))
        self.assertFalse(ClaimMatch.objects.exists())

    def test_closed_claims_and_the_channels_own_messages_are_not_matched(self) -> None:
        self.make_claim(self.district, self.owner, status=Claim.Status.CLOSED)
        self.announce(self.make_message(self.district_channel, REPEAT))
        self.assertFalse(ClaimMatch.objects.exists())
        self.make_claim(self.district, self.owner, "Nhà máy nước bị nhiễm độc, không được dùng")
        self.announce(
            self.make_message(
                self.district_channel,
                "Nhà máy nước bị nhiễm độc, không được dùng",
                direction=Message.Direction.OUT,
            )
        )
        self.assertFalse(ClaimMatch.objects.exists())

    def test_a_corrected_claim_is_still_matched_and_a_pair_is_stored_once(self) -> None:
        self.make_claim(self.district, self.owner, status=Claim.Status.CORRECTED)
        message = self.make_message(self.district_channel, REPEAT)
        self.announce(message)
        self.announce(message)
        self.assertEqual(ClaimMatch.objects.count(), 1)

    def test_a_dismissed_match_is_not_flagged_again(self) -> None:
        self.make_claim(self.district, self.owner)
        message = self.make_message(self.district_channel, REPEAT)
        self.announce(message)
        ClaimMatch.objects.update(dismissed=True)
        self.announce(message)
        self.assertEqual(list(ClaimMatch.objects.values_list("dismissed", flat=True)), [True])


class MatchRecentTests(CorrectionsTestCase):
    def test_the_last_days_of_the_units_below_are_matched(self) -> None:
        now = timezone.now()
        recent = self.make_message(self.commune_channel, REPEAT, at=now - timedelta(days=2))
        self.make_message(self.commune_channel, REPEAT, at=now - timedelta(days=30))
        self.make_message(self.sibling_channel, REPEAT, at=now - timedelta(days=1))
        self.make_message(self.district_channel, UNRELATED, at=now - timedelta(days=1))
        claim = self.make_claim(self.district, self.owner)
        with self.settings(CORRECTIONS_MATCH_DAYS=14):
            self.assertEqual(match_recent(claim=claim), 1)
        self.assertEqual(list(ClaimMatch.objects.values_list("message", flat=True)), [recent.pk])

    def test_days_can_be_given(self) -> None:
        self.make_message(self.district_channel, REPEAT, at=timezone.now() - timedelta(days=30))
        claim = self.make_claim(self.district, self.owner)
        self.assertEqual(match_recent(claim=claim, days=7), 0)
        self.assertEqual(match_recent(claim=claim, days=31), 1)
