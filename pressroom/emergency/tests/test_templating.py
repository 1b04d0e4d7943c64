"""Filling a template's fields: only plain names, a missing value named."""

from __future__ import annotations

import unicodedata

from django.test import SimpleTestCase
from django.utils import translation

from pressroom.emergency.templating import TemplateProblem, fields_of, fill


class TemplatingTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_fields_in_order_of_first_use(self) -> None:
        self.assertEqual(
            fields_of("Bão tại {khu_vuc}", "{thoi_gian}: {khu_vuc}, {muc_do}"),
            ["khu_vuc", "thoi_gian", "muc_do"],
        )

    def test_fill_keeps_literal_braces_and_normalises(self) -> None:
        decomposed = unicodedata.normalize("NFD", "xã Hợp Thành")
        self.assertNotEqual(decomposed, "xã Hợp Thành")
        self.assertEqual(fill("{{Khẩn}} {khu_vuc}", {"khu_vuc": decomposed}), "{Khẩn} xã Hợp Thành")

    def test_every_missing_field_is_named_once(self) -> None:
        with self.assertRaises(TemplateProblem) as caught:
            fill("{khu_vuc} {muc_do} {khu_vuc} {ten_khac}", {"muc_do": "cấp 2"})
        self.assertEqual(
            caught.exception.messages,
            ["Fill in the field “Area”.", "Fill in the field “Ten khac”."],
        )
