"""Bad input to the alert and template forms: a clear message, never a server error."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from pressroom.content.tests.test_forms_fuzz import FUZZ, TEXT
from pressroom.content.validation import MAX_TEXT
from pressroom.core.errors import ActionError
from pressroom.emergency import actions
from pressroom.emergency.models import EmergencyAlert, EmergencyTemplate, Hazard
from pressroom.emergency.tests.helpers import TEMPLATE_TEXT, VALUES, AlertSetup
from pressroom.testing import TreeMixin, ViewTestCase


class AlertBadInputTests(AlertSetup, ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Actions are called directly too: their messages in English, as the pages are.
        self.enterContext(translation.override("en"))
        self.make_channels()
        self.login(self.owner)

    def test_an_alert_title_with_a_line_break_is_refused(self) -> None:
        response = self.client.post(
            reverse("emergency_compose"),
            {
                "unit": self.district.pk,
                "hazard": Hazard.FLOOD,
                "title": "Cảnh báo\r\nlũ",
                "text": "Mưa lớn.",
                "units": [self.district.pk],
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Write this on one line")
        self.assertFalse(EmergencyAlert.objects.exists())

    def test_a_template_field_cannot_put_a_line_break_into_the_title(self) -> None:
        template = self.make_template(title="Cảnh báo tại {khu_vuc}")
        with self.assertRaisesMessage(ActionError, "one line"):
            self.compose(template=template, values={**VALUES, "khu_vuc": "xã A\nxã B"})

    def test_an_alert_text_is_capped(self) -> None:
        with self.assertRaisesMessage(ActionError, f"at most {MAX_TEXT} characters"):
            self.compose(text="x" * (MAX_TEXT + 1))

    def test_a_template_title_is_one_line_and_its_text_capped(self) -> None:
        response = self.client.post(
            reverse("emergency_template_create"),
            {
                "unit": self.district.pk,
                "hazard": Hazard.FLOOD,
                "title": "Mẫu\nhai dòng",
                "text": TEMPLATE_TEXT,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Write this on one line")
        with self.assertRaisesMessage(ActionError, "one line"):
            actions.save_template(
                by=self.owner, unit=self.district, hazard="flood", title="A\nB", text="Văn bản"
            )
        with self.assertRaisesMessage(ActionError, f"at most {MAX_TEXT} characters"):
            actions.save_template(
                by=self.owner, unit=self.district, hazard="flood", title="A", text="x" * 70_000
            )
        with self.assertRaisesMessage(ActionError, "at most 200 characters"):
            actions.save_template(
                by=self.owner, unit=self.district, hazard="flood", title="t" * 201, text="Văn bản"
            )
        self.assertFalse(EmergencyTemplate.objects.exists())


class EmergencyFormsFuzzTests(AlertSetup, TreeMixin, HypothesisTestCase):
    alert: EmergencyAlert
    template: EmergencyTemplate

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.make_channels(cls)  # type: ignore[arg-type]
        cls.template = cls.make_template(cls)  # type: ignore[arg-type]
        cls.alert = cls.compose(cls)  # type: ignore[arg-type]

    def assert_no_server_error(self, response: Any) -> None:
        self.assertLess(response.status_code, 500)

    @FUZZ
    @given(data=st.data())
    def test_the_alert_composer(self, data: st.DataObject) -> None:
        self.client.force_login(self.owner)
        form = {
            "unit": data.draw(st.one_of(st.just(str(self.district.pk)), TEXT)),
            "template": data.draw(st.one_of(st.just(str(self.template.pk)), st.just(""), TEXT)),
            "hazard": data.draw(st.one_of(st.sampled_from(Hazard.values), TEXT)),
            "title": data.draw(TEXT),
            "text": data.draw(TEXT),
            "units": data.draw(st.one_of(st.just([str(self.district.pk)]), st.lists(TEXT))),
            "step": data.draw(st.sampled_from(["", "template", "compose"])),
            "field_khu_vuc": data.draw(TEXT),
            "field_thoi_gian": data.draw(TEXT),
            "field_muc_do": data.draw(TEXT),
            "field_huong_dan": data.draw(TEXT),
        }
        self.assert_no_server_error(self.client.post(reverse("emergency_compose"), form))
        self.assert_no_server_error(self.client.get(reverse("emergency_compose"), form))

    @FUZZ
    @given(unit=TEXT, hazard=TEXT, title=TEXT, text=TEXT)
    def test_the_template_form(self, unit: str, hazard: str, title: str, text: str) -> None:
        self.client.force_login(self.owner)
        form = {"unit": unit, "hazard": hazard, "title": title, "text": text, "is_active": "on"}
        self.assert_no_server_error(self.client.post(reverse("emergency_template_create"), form))
        form.update(unit=str(self.district.pk), hazard=Hazard.FLOOD)
        self.assert_no_server_error(self.client.post(reverse("emergency_template_create"), form))
        edit = reverse("emergency_template_edit", args=[self.template.pk])
        self.assert_no_server_error(self.client.post(edit, form))

    @FUZZ
    @given(reason=TEXT)
    def test_the_cancel_form(self, reason: str) -> None:
        self.client.force_login(self.approver)
        cancel = reverse("emergency_cancel", args=[self.alert.pk])
        self.assert_no_server_error(self.client.post(cancel, {"reason": reason}))
