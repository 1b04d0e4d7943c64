"""The audit log's page and export: who reads which events, the filters, the table, the file."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from unittest import mock

import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.audit.models import AuditEvent
from pressroom.desk import audit_log, audit_views
from pressroom.desk.audit_forms import GROUP_OF_PREFIX, action_choices
from pressroom.orgs.models import Role, Unit
from pressroom.testing import ViewTestCase

User = get_user_model()
NOON = "2026-11-20 05:00:00Z"  # 12:00 in Vietnam


class AuditLogTestCase(ViewTestCase):
    url = reverse("audit_log")
    export_url = reverse("audit_export")
    viewer: Any
    stranger: Any
    root: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.viewer = cls.make_user("viewer", cls.district, Role.VIEWER)
        cls.stranger = User.objects.create_user("stranger", password=cls.password)
        cls.root = User.objects.create_superuser("root", "root@example.gov.vn", cls.password)
        cls.owner.last_name, cls.owner.first_name = "Trần", "Văn Minh"
        cls.owner.save()

    def event(
        self,
        action: str = Kind.THEME_EDIT,
        *,
        by: Any = None,
        unit: Unit | None = None,
        at: str = NOON,
        **options: Any,
    ) -> AuditEvent:
        with time_machine.travel(at, tick=False):
            return record_event(
                actor=by or self.owner,
                action=action,
                unit_id=unit.pk if unit is not None else None,
                **options,
            )

    def listed(self, response: Any) -> list[int]:
        """The ids of the events in the page's table, in order."""
        return [row.event.pk for row in response.context["rows"]]


class AccessTests(AuditLogTestCase):
    def test_signed_out_goes_to_sign_in(self) -> None:
        response = self.client.get(self.url)
        self.assertRedirects(
            response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False
        )

    def test_people_without_approve_are_refused(self) -> None:
        for user in (self.stranger, self.member, self.viewer):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(self.url)
                self.assertContains(response, "Not allowed", status_code=403)
                self.assertEqual(self.client.get(self.export_url).status_code, 403)
        self.assertFalse(AuditEvent.objects.filter(action=Kind.AUDIT_EXPORT).exists())

    def test_an_approver_reads_their_subtree_only(self) -> None:
        district = self.event(unit=self.district)
        commune = self.event(unit=self.commune)
        self.event(unit=self.sibling, by=self.outsider)
        self.event(unit=self.province)
        self.event(Kind.USER_SIGN_IN)  # no unit
        self.login(self.approver)
        response = self.client.get(self.url)
        self.assertEqual(self.listed(response), [commune.pk, district.pk])

    def test_a_sibling_units_administrator_reads_none_of_the_district(self) -> None:
        self.event(unit=self.district)
        sibling = self.event(unit=self.sibling, by=self.outsider)
        self.login(self.outsider)
        self.assertEqual(self.listed(self.client.get(self.url)), [sibling.pk])

    def test_merged_units_stay_readable_as_history(self) -> None:
        merged = Unit.objects.create(
            name="Xã cũ", slug="xa-cu", kind="commune", parent=self.district
        )
        old = self.event(unit=merged)
        Unit.objects.filter(pk=merged.pk).update(is_active=False, merged_into=self.commune)
        self.login(self.approver)
        self.assertEqual(self.listed(self.client.get(self.url)), [old.pk])

    def test_a_superuser_reads_everything_events_without_a_unit_too(self) -> None:
        sign_in = self.event(Kind.USER_SIGN_IN, at="2026-11-20 06:00:00Z")
        sibling = self.event(unit=self.sibling, by=self.outsider)
        self.login(self.root)  # itself a sign-in, now
        own_sign_in = AuditEvent.objects.latest("id")
        self.assertEqual(
            self.listed(self.client.get(self.url)), [own_sign_in.pk, sign_in.pk, sibling.pk]
        )

    def test_the_menu_link_is_for_those_who_may_read_the_log(self) -> None:
        link = f'href="{self.url}"'
        for user in (self.approver, self.owner, self.root):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertContains(self.client.get(reverse("dashboard")), link)
        for user in (self.member, self.viewer, self.stranger):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertNotContains(self.client.get(reverse("dashboard")), link)


class FilterTests(AuditLogTestCase):
    def test_unit_means_the_unit_and_below(self) -> None:
        self.event(unit=self.province)
        district = self.event(unit=self.district)
        commune = self.event(unit=self.commune)
        self.login(self.root)
        response = self.client.get(self.url, {"unit": self.district.pk})
        self.assertEqual(self.listed(response), [commune.pk, district.pk])
        response = self.client.get(self.url, {"unit": self.commune.pk})
        self.assertEqual(self.listed(response), [commune.pk])

    def test_a_unit_outside_ones_tree_is_an_error_on_the_page(self) -> None:
        self.event(unit=self.district)
        self.login(self.approver)
        response = self.client.get(self.url, {"unit": self.sibling.pk})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Select a valid choice")
        self.assertContains(response, "Correct the filters above to see the events.")
        self.assertNotIn("rows", response.context)

    def test_person_by_full_name_user_name_or_the_name_of_a_removed_account(self) -> None:
        by_owner = self.event(unit=self.district)
        by_approver = self.event(unit=self.district, by=self.approver)
        gone = User.objects.create_user("nguyenvana", password=self.password)
        by_gone = self.event(unit=self.district, by=gone)
        gone.delete()
        self.login(self.approver)
        for text, expected in (
            ("Trần Văn Minh", [by_owner.pk]),
            ("văn minh", [by_owner.pk]),
            ("owner", [by_owner.pk]),
            ("approv", [by_approver.pk]),
            ("nguyenvana", [by_gone.pk]),
        ):
            with self.subTest(text=text):
                response = self.client.get(self.url, {"person": text})
                self.assertEqual(self.listed(response), expected)

    def test_action(self) -> None:
        approved = self.event(Kind.POST_APPROVE, unit=self.district)
        self.event(Kind.POST_REJECT, unit=self.district)
        self.login(self.approver)
        response = self.client.get(self.url, {"action": Kind.POST_APPROVE})
        self.assertEqual(self.listed(response), [approved.pk])
        response = self.client.get(self.url, {"action": "post.nonsense"})
        self.assertContains(response, "Select a valid choice")

    def test_days_are_vietnam_days_both_ends_included(self) -> None:
        # 19 Nov 23:30 in Vietnam; 20 Nov 00:30; 20 Nov 23:30; 21 Nov 00:30.
        self.event(unit=self.district, at="2026-11-19 16:30:00Z")
        first = self.event(unit=self.district, at="2026-11-19 17:30:00Z")
        last = self.event(unit=self.district, at="2026-11-20 16:30:00Z")
        self.event(unit=self.district, at="2026-11-20 17:30:00Z")
        self.login(self.approver)
        response = self.client.get(self.url, {"from": "2026-11-20", "to": "2026-11-20"})
        self.assertEqual(self.listed(response), [last.pk, first.pk])
        response = self.client.get(self.url, {"from": "2026-11-21"})
        self.assertEqual(len(self.listed(response)), 1)
        response = self.client.get(self.url, {"to": "2026-11-19"})
        self.assertEqual(len(self.listed(response)), 1)

    def test_wrong_dates_say_what_is_wrong(self) -> None:
        self.login(self.approver)
        response = self.client.get(self.url, {"from": "2026-13-45"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter the date as year-month-day, e.g. 2026-12-01.")
        response = self.client.get(self.url, {"from": "2026-11-21", "to": "2026-11-20"})
        self.assertContains(response, "The period ends before it starts.")
        response = self.client.get(self.url, {"from": "1990-01-01"})
        self.assertContains(response, "Choose a date between")

    def test_every_kind_is_offered_once_in_a_named_group(self) -> None:
        choices = action_choices()
        offered = [value for _group, kinds in choices[1:] for value, _label in kinds]
        self.assertEqual(sorted(offered), sorted(Kind.values))
        prefixes = {kind.split(".", 1)[0] for kind in Kind.values}
        self.assertEqual(prefixes - set(GROUP_OF_PREFIX), set())


class TableTests(AuditLogTestCase):
    def test_fifty_a_page_filters_kept_in_the_page_links(self) -> None:
        for minute in range(51):
            self.event(Kind.POST_EDIT, unit=self.district, at=f"2026-11-20 05:{minute:02}:00Z")
        self.event(Kind.THEME_EDIT, unit=self.district)
        self.login(self.approver)
        response = self.client.get(self.url, {"action": Kind.POST_EDIT})
        self.assertEqual(len(self.listed(response)), 50)
        self.assertContains(response, "Page 1 of 2")
        self.assertContains(response, "?action=post.edit&amp;page=2")
        response = self.client.get(self.url, {"action": Kind.POST_EDIT, "page": "2"})
        self.assertEqual(len(self.listed(response)), 1)
        self.assertContains(response, "?action=post.edit&amp;page=1")

    def test_who_the_full_name_a_removed_account_or_the_system(self) -> None:
        self.event(unit=self.district)
        gone = User.objects.create_user("nguyenvana", password=self.password)
        self.event(unit=self.district, by=gone)
        gone.delete()
        self.event(unit=self.district, by="dispatcher")
        self.login(self.approver)
        response = self.client.get(self.url)
        self.assertContains(response, "<td>Trần Văn Minh</td>", html=True)
        self.assertContains(
            response,
            '<td>nguyenvana <small class="hint">(account removed)</small></td>',
            html=True,
        )
        self.assertContains(
            response, '<td><em>System</em> <small class="hint">(dispatcher)</small></td>', html=True
        )

    def test_time_action_unit_object_and_details(self) -> None:
        post = self.make_post(by=self.owner, unit=self.district, title="Lịch tiếp dân")
        channel = self.make_channel(self.commune, "facebook")
        self.event(
            Kind.POST_APPROVE,
            unit=self.district,
            obj=post,
            data={"title": "Lịch tiếp dân", "access_token": "do-not-show", "channels": [1, 2]},
        )
        self.event(Kind.CHANNEL_EDIT, unit=self.commune, obj=channel)
        self.event(Kind.UNIT_MOVE, unit=self.district, obj=self.commune)
        self.login(self.approver)
        response = self.client.get(self.url)
        self.assertContains(response, '<time datetime="2026-11-20T12:00:00+07:00">')
        self.assertContains(response, "Post approved")
        self.assertContains(
            response, f'<a href="{reverse("post_detail", args=[post.pk])}">Lịch tiếp dân</a>'
        )
        self.assertContains(
            response, f'<a href="{reverse("channel_detail", args=[channel.pk])}">{channel.name}'
        )
        self.assertContains(response, f"unit #{self.commune.pk}")
        self.assertContains(response, "<td>Xã Hợp Thành</td>", html=True)
        self.assertContains(response, "title: Lịch tiếp dân")
        self.assertContains(response, "channels: [1, 2]")
        self.assertNotContains(response, "access_token")
        self.assertNotContains(response, "do-not-show")

    def test_an_object_the_reader_may_not_open_is_named_not_linked(self) -> None:
        post = self.make_post(by=self.outsider, unit=self.sibling)
        # An event filed under the district about a post it cannot open (say, moved away).
        self.event(Kind.POST_EDIT, unit=self.district, obj=post)
        self.login(self.approver)
        response = self.client.get(self.url)
        self.assertContains(response, f"post #{post.pk}")
        self.assertNotContains(response, reverse("post_detail", args=[post.pk]))

    def test_empty_state(self) -> None:
        self.login(self.approver)
        response = self.client.get(self.url)
        self.assertContains(response, "No event matches these filters.")
        self.assertNotContains(response, "Export as CSV")

    def test_queries_do_not_grow_with_the_page(self) -> None:
        post = self.make_post(by=self.owner, unit=self.district)
        channel = self.make_channel(self.district, "facebook")
        gone = User.objects.create_user("nguyenvana", password=self.password)

        def add(count: int) -> None:
            for number in range(count):
                self.event(
                    Kind.POST_EDIT,
                    by=[self.owner, self.approver, gone][number % 3],
                    unit=[self.district, self.commune][number % 2],
                    obj=[post, channel][number % 2],
                    data={"title": f"Bài {number}"},
                )

        self.login(self.approver)
        add(4)  # and the post's own creation: 5
        with CaptureQueriesContext(connection) as five:
            self.assertEqual(len(self.listed(self.client.get(self.url))), 5)
        add(35)
        with self.assertNumQueries(len(five)):
            self.assertEqual(len(self.listed(self.client.get(self.url))), 40)

    def test_in_vietnamese(self) -> None:
        self.event(Kind.POST_APPROVE, unit=self.district)
        self.speak("vi")
        self.login(self.approver)
        response = self.client.get(self.url)
        self.assertContains(response, "Duyệt bài")  # "Post approved"
        self.assertContains(response, "Tất cả đơn vị")  # "All units"
        self.assertContains(response, "Xuất tệp CSV")  # "Export as CSV"


class ExportTests(AuditLogTestCase):
    def rows(self, response: Any) -> list[list[str]]:
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        return list(csv.reader(io.StringIO(text[1:])))

    def test_the_filtered_rows_in_a_file_recorded_as_an_export(self) -> None:
        post = self.make_post(by=self.owner, unit=self.district)
        approved = self.event(
            Kind.POST_APPROVE,
            unit=self.commune,
            obj=post,
            data={"title": "Thông báo mưa lũ", "secret": "x"},
        )
        self.event(Kind.POST_APPROVE, unit=self.sibling, by=self.outsider)
        self.login(self.approver)
        response = self.client.get(
            self.export_url, {"action": Kind.POST_APPROVE, "from": "2026-11-20"}
        )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn('attachment; filename="audit-log-', response["Content-Disposition"])
        rows = self.rows(response)
        self.assertEqual(
            rows[0],
            [
                "When",
                "Person",
                "User name",
                "Action code",
                "Action",
                "Object type",
                "Object ID",
                "Unit",
                "Data",
            ],
        )
        self.assertEqual(
            rows[1:],
            [
                [
                    "2026-11-20T12:00:00+07:00",
                    "Trần Văn Minh",
                    "owner",
                    "post.approve",
                    "Post approved",
                    "content.post",
                    str(post.pk),
                    "Xã Hợp Thành",
                    '{"title": "Thông báo mưa lũ"}',
                ]
            ],
        )
        export = AuditEvent.objects.get(action=Kind.AUDIT_EXPORT)
        self.assertEqual(export.actor, self.approver)
        self.assertEqual(export.unit_id, self.district.pk)
        self.assertEqual(
            export.data,
            {
                "filters": {"action": "post.approve", "from": "2026-11-20"},
                "rows": 1,
                "cut": False,
            },
        )
        self.assertNotEqual(export.pk, approved.pk)

    def test_a_removed_account_and_the_system_in_the_file(self) -> None:
        gone = User.objects.create_user("nguyenvana", password=self.password)
        self.event(unit=self.district, by=gone, at="2026-11-20 05:00:00Z")
        gone.delete()
        self.event(unit=self.district, by="dispatcher", at="2026-11-20 06:00:00Z")
        self.login(self.approver)
        rows = self.rows(self.client.get(self.export_url))
        self.assertEqual(
            [row[1:3] for row in rows[1:]],
            [["System (dispatcher)", "dispatcher"], ["nguyenvana", "nguyenvana"]],
        )

    def test_the_file_is_cut_at_the_limit_and_says_so(self) -> None:
        for minute in range(3):
            self.event(unit=self.district, at=f"2026-11-20 05:0{minute}:00Z")
        self.login(self.approver)
        with (
            mock.patch.object(audit_log, "EXPORT_LIMIT", 2),
            mock.patch.object(audit_views, "EXPORT_LIMIT", 2),
        ):
            page = self.client.get(self.url)
            rows = self.rows(self.client.get(self.export_url, {"unit": self.district.pk}))
        self.assertContains(page, "3 events match: the export holds only the newest 2.")
        self.assertEqual(len(rows), 4)
        self.assertEqual(
            rows[3][0],
            "The file was cut at 2 rows: more events match. Narrow the filters to export the rest.",
        )
        export = AuditEvent.objects.get(action=Kind.AUDIT_EXPORT)
        self.assertEqual(
            export.data, {"filters": {"unit": self.district.pk}, "rows": 2, "cut": True}
        )

    def test_a_superusers_export_of_everything_has_no_unit(self) -> None:
        self.event(Kind.USER_SIGN_IN)
        self.login(self.root)  # itself a sign-in, now
        rows = self.rows(self.client.get(self.export_url))
        self.assertEqual([row[3] for row in rows[1:]], ["user.sign_in", "user.sign_in"])
        export = AuditEvent.objects.get(action=Kind.AUDIT_EXPORT)
        self.assertIsNone(export.unit_id)
        self.assertEqual(json.loads(rows[1][8]), {})

    def test_wrong_filters_lead_back_to_the_page(self) -> None:
        self.login(self.approver)
        response = self.client.get(self.export_url, {"from": "nonsense"})
        self.assertRedirects(response, f"{self.url}?from=nonsense", fetch_redirect_response=False)
        self.assertFalse(AuditEvent.objects.filter(action=Kind.AUDIT_EXPORT).exists())
