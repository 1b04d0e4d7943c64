"""The alert composer's labels, blocks and preview at /emergency/new/, and what a form error
keeps of what was typed."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from django.urls import reverse

from pressroom.demo.alerts import demo_templates
from pressroom.emergency.models import EmergencyAlert, EmergencyTemplate
from pressroom.emergency.tests.helpers import VALUES, AlertSetup
from pressroom.orgs.models import Role
from pressroom.testing import ViewTestCase

LABELS = {
    "khu_vuc": "Khu vực",
    "thoi_gian": "Thời gian",
    "muc_do": "Mức độ rủi ro",
    "huong_dan": "Hướng dẫn người dân",
}


class Page(HTMLParser):
    """What a person sees of the composer: labels, the blocks shown, the preview, the inputs."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.labels: list[str] = []
        self.hidden_ids: set[str] = set()
        self.ids: set[str] = set()
        self.inputs: dict[str, list[str]] = {}
        self.checked: dict[str, list[str]] = {}
        self.selected: dict[str, str] = {}
        self.preview_title = ""
        self.preview_text = ""
        self.marks: list[str] = []
        self._label: str | None = None
        self._into: str | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._in_mark = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        element_id = values.get("id") or ""
        if element_id:
            self.ids.add(element_id)
            if "hidden" in values:
                self.hidden_ids.add(element_id)
        if tag == "label":
            self._label = ""
        if element_id in ("alert-preview-title", "alert-preview-text"):
            self._into = element_id
        if tag == "mark" and self._into:
            self._in_mark = True
            self.marks.append("")
        name = values.get("name") or ""
        if tag == "input" and name and values.get("type") not in ("checkbox", "hidden"):
            self.inputs.setdefault(name, []).append(values.get("value") or "")
        if tag == "input" and values.get("type") == "checkbox" and "checked" in values:
            self.checked.setdefault(name, []).append(values.get("value") or "")
        if tag == "textarea":
            self._textarea = name
            self.inputs.setdefault(name, []).append("")
        if tag == "select":
            self._select = name
        if tag == "option" and self._select and "selected" in values:
            self.selected[self._select] = values.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label is not None:
            self.labels.append(" ".join(self._label.split()).removesuffix(":"))
            self._label = None
        if tag in ("strong", "div") and self._into:
            self._into = None
        if tag == "mark":
            self._in_mark = False
        if tag == "textarea" and self._textarea:
            # As in a browser, the line break just after <textarea> is not part of the value.
            value = self.inputs[self._textarea][-1]
            self.inputs[self._textarea][-1] = value.removeprefix("\n")
            self._textarea = None
        if tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._label is not None:
            self._label += data
        if self._textarea:
            self.inputs[self._textarea][-1] += data
        if self._in_mark:
            self.marks[-1] += data
        if self._into == "alert-preview-title":
            self.preview_title += data
        elif self._into == "alert-preview-text":
            self.preview_text += data


class ComposerTestCase(AlertSetup, ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_channels()
        self.login(self.owner)

    def data(self, **overrides: object) -> dict[str, object]:
        values: dict[str, object] = {
            "unit": self.district.pk,
            "template": "",
            "hazard": "flood",
            "title": "Cảnh báo lũ quét",
            "text": "Mưa lớn kéo dài, nguy cơ lũ quét.",
            "units": [self.district.pk, self.commune.pk],
            "step": "compose",
        }
        values.update(overrides)
        return values

    def page(self, response: Any) -> Page:
        self.assertEqual(response.status_code, 200)
        return Page(response.content.decode())

    def post(self, **overrides: object) -> Page:
        response = self.client.post(reverse("emergency_compose"), self.data(**overrides))
        self.assertFalse(EmergencyAlert.objects.exists())
        return self.page(response)

    def labelled_template(self) -> EmergencyTemplate:
        return self.make_template(field_labels=LABELS)


class LabelTests(ComposerTestCase):
    def test_the_fields_show_the_template_authors_labels(self) -> None:
        template = self.labelled_template()
        response = self.client.get(
            reverse("emergency_compose"), {"template": template.pk}, HTTP_HX_REQUEST="true"
        )
        page = self.page(response)
        self.assertEqual(page.labels, list(LABELS.values()))
        self.assertFalse([label for label in page.labels if "_" in label])

    def test_usual_fields_without_labels_get_readable_ones(self) -> None:
        template = self.make_template(text="{thoi_gian}: {muc_do}. {ten_rieng}")
        page = self.page(self.client.get(reverse("emergency_compose"), {"template": template.pk}))
        for label in ("Area", "Time", "Level", "Ten rieng"):
            self.assertIn(label, page.labels)
        self.assertFalse([label for label in page.labels if "_" in label])

    def test_the_demo_templates_carry_vietnamese_labels(self) -> None:
        administrator = self.make_user("province-admin", self.province, Role.ADMIN)
        templates = demo_templates(by=administrator, unit=self.province)
        self.speak("vi")
        for template in templates:
            page = self.page(
                self.client.get(reverse("emergency_compose"), {"template": template.pk})
            )
            self.assertIn("Khu vực", page.labels)
            self.assertIn("Thời gian", page.labels)
            self.assertFalse([label for label in page.labels if "_" in label], template.title)

    def test_a_missing_field_is_named_by_its_label(self) -> None:
        template = self.labelled_template()
        fields = {f"field_{name}": value for name, value in VALUES.items()}
        response = self.client.post(
            reverse("emergency_compose"),
            self.data(template=template.pk, **{**fields, "field_muc_do": ""}),
        )
        self.assertContains(response, "Fill in the field “Mức độ rủi ro”.")


class BlockTests(ComposerTestCase):
    def test_with_a_template_the_no_template_block_is_hidden_after_an_error(self) -> None:
        template = self.labelled_template()
        page = self.post(template=template.pk, field_khu_vuc="xã Hợp Thành")
        self.assertIn("no-template", page.hidden_ids)
        self.assertIn("field_khu_vuc", page.inputs)

    def test_without_a_template_the_no_template_block_shows_after_an_error(self) -> None:
        self.labelled_template()
        page = self.post(title="")
        self.assertIn("no-template", page.ids)
        self.assertNotIn("no-template", page.hidden_ids)
        self.assertNotIn("field_khu_vuc", page.inputs)
        self.assertNotIn("alert-template-source", page.ids)

    def test_the_first_visit_shows_the_no_template_block(self) -> None:
        page = self.page(self.client.get(reverse("emergency_compose")))
        self.assertNotIn("no-template", page.hidden_ids)


class PreviewTests(ComposerTestCase):
    def test_after_an_error_the_preview_fills_the_template_and_marks_what_is_empty(self) -> None:
        template = self.labelled_template()
        response = self.client.post(
            reverse("emergency_compose"),
            self.data(
                template=template.pk,
                field_khu_vuc="xã Hợp Thành",
                field_thoi_gian="18 giờ hôm nay",
                field_muc_do="",
                field_huong_dan="Di chuyển lên nơi cao.",
            ),
        )
        self.assertContains(response, 'aria-live="polite"')
        self.assertContains(response, "Preview of the alert as it will be published")
        page = self.page(response)
        self.assertEqual(page.preview_title, "Cảnh báo lũ quét, sạt lở đất tại xã Hợp Thành")
        self.assertEqual(
            page.preview_text,
            "Từ 18 giờ hôm nay, mưa lớn có thể gây lũ quét, sạt lở đất tại xã Hợp Thành. "
            "Mức độ rủi ro: [Mức độ rủi ro].\nDi chuyển lên nơi cao.",
        )
        self.assertEqual(page.marks, ["[Mức độ rủi ro]"])
        self.assertNotIn("{", page.preview_title + page.preview_text)

    def test_the_script_gets_the_templates_pieces_and_labels(self) -> None:
        template = self.labelled_template()
        response = self.client.get(
            reverse("emergency_compose"), {"template": template.pk}, HTTP_HX_REQUEST="true"
        )
        found = re.search(
            r'<script id="alert-template-source" type="application/json">(.*?)</script>',
            response.content.decode(),
        )
        assert found is not None
        source = json.loads(found.group(1))
        self.assertEqual(source["labels"], LABELS)
        self.assertEqual(source["title"], [["Cảnh báo lũ quét, sạt lở đất tại ", "khu_vuc"]])

    def test_without_a_template_the_preview_shows_what_was_written(self) -> None:
        page = self.post(hazard="", text="")
        self.assertEqual(page.preview_title, "Cảnh báo lũ quét")
        self.assertEqual(page.marks, ["[Text]"])

    def test_the_preview_speaks_vietnamese(self) -> None:
        self.speak("vi")
        page = self.page(self.client.get(reverse("emergency_compose")))
        self.assertEqual(len(page.marks), 2)
        self.assertNotIn("[Title]", page.marks)


class NothingLostTests(ComposerTestCase):
    def test_a_template_alert_keeps_everything_typed_after_an_error(self) -> None:
        template = self.labelled_template()
        fields = {f"field_{name}": value for name, value in VALUES.items()}
        page = self.post(
            template=template.pk,
            unit=self.district.pk,
            units=[self.commune.pk],
            **{**fields, "field_thoi_gian": ""},
        )
        self.assertEqual(page.selected["template"], str(template.pk))
        self.assertEqual(page.selected["unit"], str(self.district.pk))
        self.assertEqual(page.checked["units"], [str(self.commune.pk)])
        for name, value in VALUES.items():
            if name != "thoi_gian":
                self.assertEqual(page.inputs[f"field_{name}"], [value], name)
        # What was written for no template stays too, in case the template is taken off.
        self.assertEqual(page.selected["hazard"], "flood")
        self.assertEqual(page.inputs["title"], ["Cảnh báo lũ quét"])
        self.assertEqual(page.inputs["text"], ["Mưa lớn kéo dài, nguy cơ lũ quét."])

    def test_a_free_text_alert_keeps_everything_typed_after_an_error(self) -> None:
        page = self.post(hazard="", units=[self.district.pk])
        self.assertEqual(page.selected.get("hazard", ""), "")
        self.assertEqual(page.inputs["title"], ["Cảnh báo lũ quét"])
        self.assertEqual(page.inputs["text"], ["Mưa lớn kéo dài, nguy cơ lũ quét."])
        self.assertEqual(page.checked["units"], [str(self.district.pk)])


class TemplateSwitchTests(ComposerTestCase):
    """Choosing another template keeps what was typed in fields of the same name."""

    def switch(self, template: EmergencyTemplate, *, htmx: bool, **typed: object) -> Any:
        return self.client.post(
            reverse("emergency_compose"),
            self.data(template=template.pk, step="template", **typed),
            headers={"HX-Request": "true"} if htmx else None,
        )

    def setUp(self) -> None:
        super().setUp()
        self.flood = self.labelled_template()
        # Shares khu_vuc and huong_dan with the first; has a field of its own.
        self.storm = self.make_template(
            title="Bão số 3 đổ bộ {khu_vuc}",
            text="Bão mạnh cấp {cap_gio}.\n{huong_dan}",
        )
        self.typed = {
            "field_khu_vuc": "xã Hợp Thành",
            "field_thoi_gian": "18 giờ hôm nay",
            "field_huong_dan": "Di chuyển lên nơi cao.",
        }

    def test_the_select_sends_the_whole_form(self) -> None:
        page = self.client.get(reverse("emergency_compose")).content.decode()
        self.assertIn(f'hx-post="{reverse("emergency_compose")}"', page)
        self.assertIn('hx-vals="{&quot;step&quot;: &quot;template&quot;}"', page)
        self.assertNotIn("hx-get", page)

    def test_htmx_keeps_the_fields_of_the_same_name(self) -> None:
        response = self.switch(self.storm, htmx=True, **self.typed)
        page = self.page(response)
        self.assertNotIn("<html", response.content.decode())  # only the template's fields
        self.assertEqual(page.inputs["field_khu_vuc"], ["xã Hợp Thành"])
        self.assertEqual(page.inputs["field_huong_dan"], ["Di chuyển lên nơi cao."])
        self.assertEqual(page.inputs["field_cap_gio"], [""])
        self.assertNotIn("field_thoi_gian", page.inputs)
        self.assertFalse(EmergencyAlert.objects.exists())

    def test_without_javascript_the_button_keeps_them_and_the_free_text(self) -> None:
        page = self.page(self.switch(self.storm, htmx=False, **self.typed))
        self.assertEqual(page.selected["template"], str(self.storm.pk))
        self.assertEqual(page.inputs["field_khu_vuc"], ["xã Hợp Thành"])
        self.assertEqual(page.inputs["field_huong_dan"], ["Di chuyển lên nơi cao."])
        self.assertEqual(page.inputs["title"], ["Cảnh báo lũ quét"])
        self.assertEqual(page.inputs["text"], ["Mưa lớn kéo dài, nguy cơ lũ quét."])
        self.assertEqual(page.checked["units"], [str(self.district.pk), str(self.commune.pk)])
