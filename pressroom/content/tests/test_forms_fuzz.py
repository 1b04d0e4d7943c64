"""Whatever text is sent to the forms of posts and themes, the answer is never a server error.

The test client raises what a view raises, so an exception fails the test as a 500 would.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from pressroom.channels.models import Channel
from pressroom.content import actions
from pressroom.content.models import Post, Theme
from pressroom.testing import TreeMixin

# Texts that broke or could break something: dates out of range, line breaks, NUL, very long.
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-02-30T10:00",
    "\x00",
    "a\x00b",
    "Tin\r\nBcc: x@example.com",
    "\u2028",
    "<script>alert(1)</script>",
    "{{ secret }}",
    "{khu_vuc}",
    "%(name)s %s %d",
    "javascript:alert(1)",
    "x" * 70_000,
    "🚨" * 5000,
]
TEXT = st.one_of(st.text(max_size=300), st.sampled_from(NASTY))
FUZZ = settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


class ContentFormsFuzzTests(TreeMixin, HypothesisTestCase):
    facebook: Channel
    theme: Theme
    draft: Post
    approved: Post
    in_review: Post

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.facebook = cls.make_channel(cls.district, "facebook")
        cls.theme = Theme.objects.create(unit=cls.district, name="Chuyển đổi số")
        fields: dict[str, Any] = {
            "by": cls.owner,
            "unit": cls.district,
            "title": "Thông báo",
            "body": "Lịch tiếp công dân.",
            "channels": [cls.facebook],
        }
        cls.draft = actions.save_post(**fields)
        cls.in_review = actions.submit_post(post=actions.save_post(**fields), by=cls.owner)
        cls.approved = actions.approve_post(
            post=actions.submit_post(post=actions.save_post(**fields), by=cls.owner),
            by=cls.approver,
        )

    def assert_no_server_error(self, response: Any) -> None:
        self.assertLess(response.status_code, 500)

    @FUZZ
    @given(data=st.data())
    def test_the_composer(self, data: st.DataObject) -> None:
        self.client.force_login(self.owner)

        def draw() -> str:
            return data.draw(TEXT)

        form = {
            "unit": data.draw(st.one_of(st.just(str(self.district.pk)), TEXT)),
            "title": draw(),
            "body": draw(),
            "link": draw(),
            "theme": data.draw(st.one_of(st.just(str(self.theme.pk)), TEXT)),
            "channels": data.draw(st.one_of(st.just([str(self.facebook.pk)]), st.lists(TEXT))),
            "variant_facebook_title": draw(),
            "variant_facebook_text": draw(),
            "new_image_1_description": draw(),
            "then": data.draw(st.sampled_from(["save", "submit", ""])),
        }
        self.assert_no_server_error(self.client.post(reverse("post_create"), form))
        self.assert_no_server_error(
            self.client.post(reverse("post_edit", args=[self.draft.pk]), form)
        )

    @FUZZ
    @given(name=TEXT, description=TEXT, starts_on=TEXT, ends_on=TEXT, unit=TEXT)
    def test_the_theme_form(
        self, name: str, description: str, starts_on: str, ends_on: str, unit: str
    ) -> None:
        self.client.force_login(self.owner)
        form = {
            "unit": unit,
            "name": name,
            "description": description,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "is_active": "on",
        }
        self.assert_no_server_error(self.client.post(reverse("theme_create"), form))
        form["unit"] = str(self.district.pk)
        self.assert_no_server_error(self.client.post(reverse("theme_create"), form))
        self.assert_no_server_error(
            self.client.post(reverse("theme_edit", args=[self.theme.pk]), form)
        )

    @FUZZ
    @given(when=TEXT, at=TEXT, reason=TEXT)
    @example(when="at", at="9999-12-31T23:59", reason="\x00")
    def test_the_workflow_forms(self, when: str, at: str, reason: str) -> None:
        self.client.force_login(self.approver)
        schedule = reverse("post_schedule", args=[self.approved.pk])
        self.assert_no_server_error(self.client.post(schedule, {"when": when, "at": at}))
        self.assert_no_server_error(
            self.client.post(reverse("post_reject", args=[self.in_review.pk]), {"reason": reason})
        )

    @FUZZ
    @given(
        query=st.dictionaries(
            st.sampled_from(["unit", "status", "theme", "q", "channel", "view", "date", "page"]),
            TEXT,
        )
    )
    @example(query={"date": "0001-01-01", "view": "week"})
    @example(query={"date": "9999-12-31", "view": "month"})
    def test_the_list_and_calendar_filters(self, query: dict[str, str]) -> None:
        self.client.force_login(self.owner)
        self.assert_no_server_error(self.client.get(reverse("post_list"), query))
        self.assert_no_server_error(self.client.get(reverse("calendar"), query))
