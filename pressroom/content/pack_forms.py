"""The form a unit sends a content pack with."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from pressroom.content import library
from pressroom.content.catalogue import offered_to
from pressroom.content.forms import (
    LineField,
    TextField,
    ThemeChoiceField,
    UnitChoiceField,
    check_date_range,
)
from pressroom.content.models import Asset, Theme
from pressroom.content.validation import MAX_TEXT
from pressroom.orgs.models import Unit
from pressroom.platforms.registry import Platform, descriptor_for

# The library's newest files offered for a pack.
ASSET_OFFER = 24


class UnitsField(forms.ModelMultipleChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u00a0\u00a0" * max(obj.depth - 1, 0) + obj.name


class AssetsField(forms.ModelMultipleChoiceField[Asset]):
    def label_from_instance(self, obj: Asset) -> str:
        return f"{obj.name} · {obj.get_kind_display()} · {obj.unit.name}"


class PackForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Sent by"))
    title = LineField(label=_("Title"), max_length=200)
    body = TextField(label=_("Text"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 8}))
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    theme = ThemeChoiceField(queryset=Theme.objects.none(), label=_("Theme"), required=False)
    starts_on = forms.DateField(
        label=_("From"),
        validators=[check_date_range],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Say from which day the units may use the pack.")},
    )
    ends_on = forms.DateField(
        label=_("Until"),
        validators=[check_date_range],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Say until which day the units should use the pack.")},
    )
    assets = AssetsField(
        queryset=Asset.objects.none(),
        required=False,
        label=_("Media from the library"),
        widget=forms.CheckboxSelectMultiple,
    )
    all_below = forms.BooleanField(required=False, label=_("Every unit below the sending unit"))
    units = UnitsField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Or these units"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = units
        unit_field.empty_label = _("Choose a unit")
        # The person's own unit first (the highest where they approve).
        self.initial.setdefault("unit", units.order_by("path").first())
        theme_field: ThemeChoiceField = self.fields["theme"]  # type: ignore[assignment]
        theme_field.queryset = offered_to(Theme.objects.all(), units).order_by("unit__path")
        theme_field.empty_label = _("No theme")
        assets_field: AssetsField = self.fields["assets"]  # type: ignore[assignment]
        offered = library.offered_assets(units).order_by("-uploaded_at", "-id")
        raw = self.data.getlist("assets") if isinstance(self.data, MultiValueDict) else []
        chosen = [value for value in raw if value.isdigit()]
        newest = list(offered.values_list("pk", flat=True)[:ASSET_OFFER])
        assets_field.queryset = offered.filter(pk__in=[*newest, *chosen])
        # The units where the person approves are whole subtrees: those below the sending
        # unit are among them (the form checks which).
        units_field: UnitsField = self.fields["units"]  # type: ignore[assignment]
        units_field.queryset = units.filter(is_active=True).order_by("path")
        self.platforms = list(Platform.values)
        for platform in self.platforms:
            self.fields[f"variant_{platform}_text"] = TextField(
                label=_("Text on %(platform)s") % {"platform": descriptor_for(platform).label},
                required=False,
                max_length=MAX_TEXT,
                help_text=_("Empty: the main text."),
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unit: Unit | None = cleaned.get("unit")
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The pack's last day comes before its first day."))
        if unit is None:
            return cleaned
        chosen = list(cleaned.get("units") or [])
        if cleaned.get("all_below"):
            chosen = list(unit.subtree().exclude(pk=unit.pk).filter(is_active=True))
        outside = [u for u in chosen if not u.path.startswith(unit.path) or u.pk == unit.pk]
        if outside:
            self.add_error(
                "units",
                _("%(units)s are not below %(unit)s.")
                % {"units": ", ".join(u.name for u in outside), "unit": unit},
            )
        elif not chosen:
            self.add_error("units", _("Choose the units the pack goes to."))
        cleaned["target_units"] = chosen
        return cleaned

    def variant_fields(self) -> list[forms.BoundField]:
        return [self[f"variant_{platform}_text"] for platform in self.platforms]

    def send_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "unit": data["unit"],
            "title": data["title"],
            "body": data["body"],
            "link": data["link"],
            "theme": data["theme"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "assets": list(data["assets"]),
            "units": data["target_units"],
            "variants": {
                platform: {"text": data[f"variant_{platform}_text"]}
                for platform in self.platforms
                if data[f"variant_{platform}_text"]
            },
        }
