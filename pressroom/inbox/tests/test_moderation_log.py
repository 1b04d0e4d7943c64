"""The published moderation policy, and the moderation log with its audited export."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.html import escape

from pressroom.audit.models import AuditEvent
from pressroom.inbox.models import ModerationAction, ModerationReason
from pressroom.inbox.tests.manage_factories import conversation, message
from pressroom.testing import ViewTestCase

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HCM)


class ModerationPolicyPageTests(ViewTestCase):
    def test_anyone_may_read_it_without_signing_in(self) -> None:
        response = self.client.get(reverse("moderation_policy"))
        self.assertEqual(response.status_code, 200)
        for _value, label in ModerationReason.choices:
            self.assertContains(response, escape(str(label)))
        self.assertContains(response, "for the opinion it expresses")
        self.assertContains(response, "not by keyword, not by author")

    def test_its_address(self) -> None:
        self.assertEqual(reverse("moderation_policy"), "/moderation-policy/")


class ModerationLogTests(ViewTestCase):
    url = reverse("inbox_moderation_log")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.owner.first_name, cls.owner.last_name = "Minh", "Trần Văn"
        cls.owner.save()
        district_fb = cls.make_channel(cls.district, "facebook")
        commune_fb = cls.make_channel(cls.commune, "facebook")
        sibling_fb = cls.make_channel(cls.sibling, "facebook")

        def comment(channel: Any) -> Any:
            thread = conversation(channel, kind="comments", key="post:1", person_id="")
            return message(
                thread, at("2026-03-02 09:00"), author_id="4711", author_name="Lê Thị Hoa"
            )

        ModerationAction.objects.create(
            message=comment(district_fb),
            channel=district_fb,
            action=ModerationAction.Action.HIDE,
            reason=ModerationReason.PERSONAL_DATA,
            explanation="Số căn cước của người khác",
            actor=cls.owner,
            at=at("2026-03-03 10:00"),
        )
        ModerationAction.objects.create(
            message=comment(commune_fb),
            channel=commune_fb,
            action=ModerationAction.Action.DELETE,
            outside=True,
            at=at("2026-03-04 11:00"),
        )
        ModerationAction.objects.create(
            message=comment(sibling_fb),
            channel=sibling_fb,
            action=ModerationAction.Action.HIDE,
            reason=ModerationReason.SPAM,
            actor=cls.outsider,
            at=at("2026-03-04 11:00"),
        )

    def period(self, **extra: Any) -> dict[str, Any]:
        return {"unit": self.district.pk, "from": "2026-03-01", "to": "2026-03-31", **extra}

    def test_every_action_of_the_unit_and_below_with_who_did_it(self) -> None:
        self.login(self.owner)
        response = self.client.get(self.url, self.period())
        rows = response.context["rows"]
        self.assertEqual([who for _action, who in rows], ["outside Pressroom", "Trần Văn Minh"])
        self.assertContains(response, "Someone&#x27;s personal data exposed")
        self.assertContains(response, "Số căn cước của người khác")
        self.assertContains(response, "Deleted")
        self.assertNotContains(response, "Spam or advertising")

    def test_the_authors_of_the_comments_are_never_shown(self) -> None:
        self.login(self.owner)
        response = self.client.get(self.url, self.period())
        self.assertNotContains(response, "Lê Thị Hoa")
        self.assertNotContains(response, "4711")

    def test_a_period_without_moderation(self) -> None:
        self.login(self.owner)
        response = self.client.get(
            self.url, self.period(**{"from": "2026-04-01", "to": "2026-04-30"})
        )
        self.assertContains(response, "No moderation in this period.")

    def test_the_export_is_a_csv_and_is_audited(self) -> None:
        self.login(self.owner)
        response = self.client.get(self.url, self.period(download="csv"))
        self.assertIn(
            "moderation-log-cao-loc-20260301-20260331.csv", response["Content-Disposition"]
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
        self.assertEqual(rows[0][:5], ["When", "Unit", "Channel", "Platform", "Action"])
        self.assertEqual(
            rows[2],
            [
                "2026-03-03T10:00:00+07:00",
                "Huyện Cao Lộc",
                "Huyện Cao Lộc facebook",
                "Facebook Page",
                "Hidden",
                "Someone's personal data exposed",
                "Số căn cước của người khác",
                "Trần Văn Minh",
                "Done",
                "",
            ],
        )
        self.assertEqual(rows[1][7], "outside Pressroom")
        self.assertEqual(len(rows), 3)
        event = AuditEvent.objects.get(action="moderation_log.export")
        self.assertEqual(
            (event.unit_id, event.data["rows"], event.actor), (self.district.pk, 2, self.owner)
        )

    def test_viewing_is_not_audited(self) -> None:
        self.login(self.owner)
        self.client.get(self.url, self.period())
        self.assertFalse(AuditEvent.objects.filter(action="moderation_log.export").exists())

    def test_editors_may_not_read_it(self) -> None:
        self.login(self.member)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_another_units_administrator_gets_nothing(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url, self.period()).status_code, 404)
        self.assertEqual(self.client.get(self.url, self.period(download="csv")).status_code, 404)
        self.assertFalse(AuditEvent.objects.filter(action="moderation_log.export").exists())
        own = self.client.get(self.url, self.period(unit=self.sibling.pk))
        self.assertEqual([who for _action, who in own.context["rows"]], ["outsider"])
