"""Retention and data-subject requests: what is erased, what stays, who may do it."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from pressroom.audit.models import AuditEvent
from pressroom.channels.models import Channel
from pressroom.inbox.data_requests import deadlines_of
from pressroom.inbox.models import Conversation, DataSubjectRequest, Message, RawEvent
from pressroom.inbox.privacy import erase_old_bodies
from pressroom.inbox.privacy_tasks import apply_retention
from pressroom.inbox.tests.manage_factories import conversation, message, raw_event
from pressroom.testing import ViewTestCase

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime:
    """Hồ Chí Minh City time; 2026-03-06 is a Friday."""
    return datetime.fromisoformat(text).replace(tzinfo=HCM)


class RetentionTests(ViewTestCase):
    channel: Channel

    def setUp(self) -> None:
        super().setUp()
        self.channel = self.make_channel(self.district, "facebook")
        self.old = conversation(
            self.channel, snippet="Cũ", person_name="Nguyễn Văn An", inbound_count=2
        )
        message(self.old, at("2025-01-10 09:00"), attachments=[{"url": "https://x/1.jpg"}])
        message(self.old, at("2025-02-01 09:00"))
        self.mixed = conversation(self.channel, snippet="Mới", person_name="Trần Thị Bình")
        message(self.mixed, at("2025-02-01 09:00"))
        self.recent = message(self.mixed, at("2026-01-05 09:00"))
        self.old_read = raw_event(self.channel, at("2025-02-01 09:00"))
        self.old_unreadable = raw_event(
            None, at("2025-02-01 09:00"), state=RawEvent.State.MALFORMED, people=["1"]
        )
        self.new_read = raw_event(self.channel, at("2026-02-01 09:00"))

    def test_old_texts_go_and_the_counts_stay(self) -> None:
        with time_machine.travel(at("2026-03-10 03:00"), tick=False):
            outcome = erase_old_bodies()
        self.assertEqual(
            (
                outcome.messages,
                outcome.conversations,
                outcome.raw_events_emptied,
                outcome.raw_events_deleted,
            ),
            (3, 1, 1, 1),
        )
        for item in Message.objects.filter(at__lt=at("2025-03-10 03:00")):
            self.assertEqual((item.text, item.author_name, item.attachments), ("", "", []))
            self.assertIsNotNone(item.erased_at)
        self.recent.refresh_from_db()
        self.assertTrue(self.recent.text)
        self.assertIsNone(self.recent.erased_at)
        self.old.refresh_from_db()
        self.assertEqual(
            (self.old.snippet, self.old.person_name, self.old.inbound_count), ("", "", 2)
        )
        self.mixed.refresh_from_db()
        self.assertEqual((self.mixed.snippet, self.mixed.person_name), ("Mới", "Trần Thị Bình"))
        self.assertFalse(RawEvent.objects.filter(pk=self.old_read.pk).exists())
        self.old_unreadable.refresh_from_db()
        self.assertEqual((bytes(self.old_unreadable.body), self.old_unreadable.people), (b"", []))
        self.new_read.refresh_from_db()
        self.assertTrue(bytes(self.new_read.body))
        event = AuditEvent.objects.get(action="inbox.retention")
        self.assertEqual((event.data["messages"], event.data["days"]), (3, 365))

    def test_running_it_again_changes_and_records_nothing(self) -> None:
        with time_machine.travel(at("2026-03-10 03:00"), tick=False):
            erase_old_bodies()
        erased = dict(Message.objects.values_list("pk", "erased_at"))
        with time_machine.travel(at("2026-03-10 04:00"), tick=False):
            again = erase_old_bodies()
        self.assertFalse(again.changed)
        self.assertEqual(dict(Message.objects.values_list("pk", "erased_at")), erased)
        self.assertEqual(AuditEvent.objects.filter(action="inbox.retention").count(), 1)

    def test_a_year_on_the_rest_goes_too(self) -> None:
        with time_machine.travel(at("2026-03-10 03:00"), tick=False):
            erase_old_bodies()
        with time_machine.travel(at("2027-03-10 03:00"), tick=False):
            later = erase_old_bodies()
        self.assertEqual((later.messages, later.conversations, later.raw_events_deleted), (1, 1, 1))
        self.assertFalse(Message.objects.filter(erased_at__isnull=True).exists())
        self.assertFalse(Conversation.objects.exclude(snippet="").exists())

    @override_settings(INBOX_RETENTION_DAYS=30)
    def test_the_period_is_a_setting(self) -> None:
        with time_machine.travel(at("2026-02-10 03:00"), tick=False):
            outcome = erase_old_bodies()
        self.assertEqual(outcome.messages, 4)

    def test_the_command_and_the_task(self) -> None:
        out = StringIO()
        with time_machine.travel(at("2026-03-10 03:00"), tick=False):
            call_command("inbox_retention", stdout=out)
            self.assertIn("Older than 365 days: 3 messages erased", out.getvalue())
            apply_retention.call()
        self.assertEqual(AuditEvent.objects.filter(action="inbox.retention").count(), 1)


class DataRequestData(ViewTestCase):
    """Person 4711 wrote privately to the district's Page and commented under a post, where
    person 999 commented too; the Page answered both."""

    channel: Channel
    other_channel: Channel

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.channel = cls.make_channel(cls.district, "facebook")
        cls.other_channel = cls.make_channel(cls.commune, "facebook")
        private = conversation(
            cls.channel, person_id="4711", person_name="Lê Văn Cường", snippet="Hỏi giấy tờ"
        )
        message(
            private,
            at("2026-03-02 09:00"),
            remote_id="pm1",
            text="Cho hỏi thủ tục",
            author_name="Lê Văn Cường",
        )
        message(
            private,
            at("2026-03-02 10:00"),
            remote_id="pm2",
            direction="out",
            author_id="page",
            text="Mời anh đến bộ phận một cửa",
        )
        thread = conversation(
            cls.channel, kind="comments", key="post:77", person_id="", snippet="Đường hỏng"
        )
        message(
            thread,
            at("2026-03-03 09:00"),
            remote_id="c1",
            author_id="4711",
            author_name="Lê Văn Cường",
            text="Đường hỏng lâu rồi",
        )
        message(
            thread,
            at("2026-03-03 09:05"),
            remote_id="c2",
            author_id="999",
            author_name="Phạm Thị Dung",
            text="Đúng vậy",
        )
        message(
            thread,
            at("2026-03-03 10:00"),
            remote_id="c3",
            direction="out",
            author_id="page",
            parent_remote_id="c1",
            text="Cảm ơn anh, sẽ sửa",
        )
        message(
            thread,
            at("2026-03-03 10:05"),
            remote_id="c4",
            direction="out",
            author_id="page",
            parent_remote_id="c2",
            text="Cảm ơn chị",
        )
        elsewhere = conversation(cls.other_channel, person_id="4711", person_name="Lê Văn Cường")
        message(elsewhere, at("2026-03-04 09:00"), remote_id="pm9", text="Ở xã")

    def make_request(self, kind: str, received: str = "2026-03-06 10:00") -> DataSubjectRequest:
        return DataSubjectRequest.objects.create(
            channel=self.channel,
            kind=kind,
            person_id="4711",
            received_at=at(received),
            created_by=self.owner,
        )


class RecordingTests(DataRequestData):
    url = reverse("inbox_data_requests")

    def form(self, **changes: Any) -> dict[str, Any]:
        data = {
            "channel": str(self.channel.pk),
            "kind": "erase",
            "person_id": "4711",
            "contact": "cuong@example.vn",
            "received_at": "2026-03-06T10:00",
        }
        data.update(changes)
        return data

    def test_the_conversation_page_link_fills_in_the_form(self) -> None:
        self.login(self.owner)
        response = self.client.get(self.url, {"channel": str(self.channel.pk), "person": "4711"})
        self.assertEqual(response.context["form"].initial["person_id"], "4711")
        self.assertEqual(response.context["form"].initial["channel"], self.channel.pk)

    def test_recording_a_request(self) -> None:
        self.login(self.owner)
        with time_machine.travel(at("2026-03-06 11:00"), tick=False):
            response = self.client.post(self.url, self.form(), follow=True)
        item = DataSubjectRequest.objects.get()
        self.assertEqual((item.kind, item.person_id, item.state), ("erase", "4711", "received"))
        self.assertContains(response, "4711")
        event = AuditEvent.objects.get(action="data_request.create")
        # The audit chain is never erased: it does not hold the person's id.
        self.assertNotIn("4711", json.dumps(event.data))

    def test_the_list_names_no_one(self) -> None:
        self.make_request("erase")
        self.login(self.owner)
        response = self.client.get(self.url)
        self.assertContains(response, "Erasure of their messages")
        self.assertNotContains(response, "4711")
        self.assertContains(response, "15 calendar days")

    def test_a_request_needs_an_id_and_cannot_come_from_the_future(self) -> None:
        self.login(self.owner)
        with time_machine.travel(at("2026-03-06 09:00"), tick=False):
            response = self.client.post(
                self.url, self.form(person_id="  ", received_at="2026-03-07T10:00")
            )
        self.assertContains(response, "This field is required.")
        with time_machine.travel(at("2026-03-06 09:00"), tick=False):
            response = self.client.post(self.url, self.form(received_at="2026-03-07T10:00"))
        self.assertContains(response, "A request cannot have been received in the future.")
        response = self.client.post(self.url, self.form(person_id="47 11"))
        self.assertContains(response, "A platform id is one word")
        self.assertFalse(DataSubjectRequest.objects.exists())

    def test_a_channel_of_another_unit_cannot_be_chosen(self) -> None:
        sibling_channel = self.make_channel(self.sibling, "facebook")
        self.login(self.owner)
        response = self.client.post(self.url, self.form(channel=str(sibling_channel.pk)))
        self.assertContains(response, "Select a valid choice.")
        self.assertFalse(DataSubjectRequest.objects.exists())

    def test_editors_and_approvers_may_not_open_it(self) -> None:
        for user in (self.member, self.approver):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)


class DeadlineTests(DataRequestData):
    def test_two_working_days_to_acknowledge_and_fifteen_calendar_days_to_complete(self) -> None:
        item = self.make_request("export")
        acknowledge, complete = deadlines_of(item)
        # Friday 10:00 + 19 working hours: 7 on Friday, 9.5 on Monday, 2.5 on Tuesday.
        self.assertEqual(acknowledge.due, at("2026-03-10 10:00"))
        self.assertEqual(complete.due, at("2026-03-21 10:00"))
        self.assertEqual(acknowledge.state(at("2026-03-06 12:00")), "open")
        self.assertEqual(acknowledge.state(at("2026-03-09 12:00")), "soon")
        self.assertEqual(acknowledge.state(at("2026-03-10 10:01")), "passed")

    def test_the_page_warns_then_says_when_met(self) -> None:
        item = self.make_request("export")
        url = reverse("inbox_data_request", args=[item.pk])
        self.login(self.owner)
        with time_machine.travel(at("2026-03-09 12:00"), tick=False):
            self.assertContains(self.client.get(url), "due within a day")
        with time_machine.travel(at("2026-03-10 11:00"), tick=False):
            self.assertContains(self.client.get(url), "passed")
            self.client.post(reverse("inbox_data_request_acknowledge", args=[item.pk]))
            response = self.client.get(url)
        self.assertContains(response, "met late")
        item.refresh_from_db()
        self.assertEqual(item.state, "acknowledged")
        self.assertTrue(AuditEvent.objects.filter(action="data_request.acknowledge").exists())

    def test_acknowledging_twice_is_refused(self) -> None:
        item = self.make_request("export")
        self.login(self.owner)
        acknowledge = reverse("inbox_data_request_acknowledge", args=[item.pk])
        self.client.post(acknowledge)
        response = self.client.post(acknowledge, follow=True)
        self.assertContains(response, "This request was handled already.")
        self.assertEqual(AuditEvent.objects.filter(action="data_request.acknowledge").count(), 1)


class ExportTests(DataRequestData):
    def test_the_copy_holds_their_messages_and_the_answers_to_them_only(self) -> None:
        item = self.make_request("export")
        self.login(self.owner)
        response = self.client.post(
            reverse("inbox_data_request_complete", args=[item.pk]), {"format": "json"}
        )
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        copy = json.loads(response.content)
        self.assertEqual(copy["person_id"], "4711")
        self.assertEqual(
            [(entry["id"], entry["from"]) for entry in copy["messages"]],
            [("pm1", "person"), ("pm2", "channel"), ("c1", "person"), ("c3", "channel")],
        )
        self.assertEqual(copy["messages"][2]["text"], "Đường hỏng lâu rồi")
        item.refresh_from_db()
        self.assertEqual(item.state, "completed")
        self.assertIn("A copy of 4 messages was made (JSON).", item.outcome)

    def test_the_copy_as_csv_again_later(self) -> None:
        item = self.make_request("export")
        self.login(self.owner)
        complete = reverse("inbox_data_request_complete", args=[item.pk])
        self.client.post(complete, {"format": "json"})
        response = self.client.post(complete, {"format": "csv"})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
        self.assertEqual(
            rows[0], ["at", "from", "text", "attachments", "thread", "id", "in_reply_to", "erased"]
        )
        self.assertEqual(rows[4][1:3], ["channel", "Cảm ơn anh, sẽ sửa"])
        self.assertEqual(len(rows), 5)
        events = AuditEvent.objects.filter(action="data_request.complete").order_by("id")
        self.assertEqual([event.data["again"] for event in events], [False, True])


class ErasureTests(DataRequestData):
    def test_erasure_reaches_their_messages_names_and_webhook_bodies(self) -> None:
        theirs = raw_event(self.channel, at("2026-03-02 09:00"), people=["4711"])
        shared = raw_event(self.channel, at("2026-03-03 09:05"), people=["999", "4711"])
        someone_else = raw_event(self.channel, at("2026-03-03 09:05"), people=["999"])
        unknown_channel = raw_event(None, at("2026-03-01 09:00"), people=["4711"])
        similar_id = raw_event(self.channel, at("2026-03-01 09:00"), people=["47110"])
        other_channel = raw_event(self.other_channel, at("2026-03-04 09:00"), people=["4711"])
        item = self.make_request("erase")
        self.login(self.owner)
        response = self.client.post(
            reverse("inbox_data_request_complete", args=[item.pk]), follow=True
        )
        self.assertContains(
            response,
            "Erased: the texts of 2 messages, the names in 2 conversations, 3 webhook bodies.",
        )
        erased = Message.objects.filter(channel=self.channel, author_id="4711")
        self.assertEqual(set(erased.values_list("text", "author_name")), {("", "")})
        self.assertTrue(all(erased.values_list("erased_at", flat=True)))
        self.assertEqual(Message.objects.get(remote_id="c2").text, "Đúng vậy")
        self.assertEqual(Message.objects.get(remote_id="pm9").text, "Ở xã")
        private = Conversation.objects.get(channel=self.channel, person_id="4711")
        self.assertEqual((private.person_name, private.snippet), ("", ""))
        for event in (theirs, shared, unknown_channel):
            event.refresh_from_db()
            self.assertEqual((bytes(event.body), event.people), (b"", []))
        for event in (someone_else, similar_id, other_channel):
            event.refresh_from_db()
            self.assertTrue(bytes(event.body))
        item.refresh_from_db()
        self.assertEqual(item.state, "completed")
        audit = AuditEvent.objects.get(action="data_request.complete")
        self.assertEqual((audit.data["messages"], audit.data["raw_events"]), (2, 3))
        self.assertNotIn("4711", json.dumps(audit.data))

    def test_refusing_needs_a_reason(self) -> None:
        item = self.make_request("erase")
        self.login(self.owner)
        refuse = reverse("inbox_data_request_refuse", args=[item.pk])
        self.assertContains(self.client.post(refuse, {"reason": " "}), "This field is required.")
        self.client.post(refuse, {"reason": "Không xác minh được người yêu cầu."})
        item.refresh_from_db()
        self.assertEqual(
            (item.state, item.outcome), ("refused", "Không xác minh được người yêu cầu.")
        )
        response = self.client.post(
            reverse("inbox_data_request_complete", args=[item.pk]), follow=True
        )
        self.assertContains(response, "This request was handled already.")
        self.assertEqual(Message.objects.get(remote_id="pm1").text, "Cho hỏi thủ tục")

    def test_another_units_administrator_can_neither_see_nor_erase(self) -> None:
        item = self.make_request("erase")
        self.login(self.outsider)
        self.assertEqual(
            self.client.get(reverse("inbox_data_request", args=[item.pk])).status_code, 404
        )
        for name in (
            "inbox_data_request_complete",
            "inbox_data_request_acknowledge",
            "inbox_data_request_refuse",
        ):
            self.assertEqual(
                self.client.post(reverse(name, args=[item.pk]), {"reason": "x"}).status_code, 404
            )
        self.assertEqual(Message.objects.get(remote_id="pm1").text, "Cho hỏi thủ tục")
        self.assertNotContains(
            self.client.get(reverse("inbox_data_requests")), "Erasure of their messages"
        )
        item.refresh_from_db()
        self.assertEqual(item.state, "received")
