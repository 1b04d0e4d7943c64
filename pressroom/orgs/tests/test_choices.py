"""A unit filter on a large tree lists the units around the chosen one, and still accepts any
unit the person may see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from pressroom.orgs.access import units_for
from pressroom.orgs.choices import narrow_unit_field
from pressroom.orgs.models import Capability, Unit
from pressroom.testing import BaseTestCase


class UnitFilter(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.chosen = narrow_unit_field(self, "unit", units, empty_label="All units")


def listed(form: forms.Form) -> list[int]:
    return [value for value, _label in form.fields["unit"].widget.choices if value != ""]


class UnitChoicesTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # An agency below the commune, and a ward below the sibling.
        self.agency = Unit.objects.create(name="Trạm y tế", slug="tram", parent=self.commune)
        self.ward = Unit.objects.create(name="Phường 1", slug="p1", parent=self.sibling)
        root = get_user_model().objects.create_superuser("root", "root@example.gov.vn", "x")
        self.everything = units_for(root, Capability.VIEW)

    def test_nothing_chosen_lists_the_tops_and_the_units_right_below_them(self) -> None:
        form = UnitFilter(None, units=self.everything)
        self.assertEqual(listed(form), [self.province.pk, self.district.pk, self.sibling.pk])
        self.assertIsNone(form.chosen)

    def test_a_chosen_unit_lists_those_above_it_and_right_below_it(self) -> None:
        form = UnitFilter({"unit": str(self.commune.pk)}, units=self.everything)
        self.assertEqual(form.chosen, self.commune)
        self.assertEqual(
            listed(form),
            [
                self.province.pk,
                self.district.pk,
                self.commune.pk,
                self.agency.pk,
                self.sibling.pk,
            ],
        )
        self.assertNotIn(self.ward.pk, listed(form))
        # Indented by depth below the person's top unit.
        labels = dict(form.fields["unit"].widget.choices)
        self.assertEqual(labels[self.agency.pk], "\u00a0" * 6 + "Trạm y tế")
        self.assertEqual(labels[self.province.pk], self.province.name)

    def test_any_visible_unit_is_accepted_and_others_are_refused(self) -> None:
        form = UnitFilter({"unit": str(self.ward.pk)}, units=self.everything)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["unit"], self.ward)
        owners = units_for(self.owner, Capability.VIEW)
        refused = UnitFilter({"unit": str(self.ward.pk)}, units=owners)
        self.assertFalse(refused.is_valid())
        self.assertIsNone(refused.chosen)
        # The owner's part of the tree starts at the district.
        self.assertEqual(
            listed(UnitFilter(None, units=owners)), [self.district.pk, self.commune.pk]
        )
        self.assertEqual(
            listed(UnitFilter({"unit": "x"}, units=owners)), listed(UnitFilter(None, units=owners))
        )
