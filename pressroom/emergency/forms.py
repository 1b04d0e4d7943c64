"""Forms of the alert composer, the confirm and cancel buttons, templates and two-factor set-up.

Forms check what a person typed and NFC-normalise it; the actions decide what may be done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pressroom.channels.models import Channel
from pressroom.content.forms import LineField, TextField, UnitChoiceField
from pressroom.content.validation import MAX_TEXT
from pressroom.core.text import nfc
from pressroom.emergency.access import templates_for
from pressroom.emergency.models import EmergencyTemplate, Hazard
from pressroom.emergency.templating import (
    LONG_FIELDS,
    TemplateProblem,
    fields_of,
    label_for,
    parse_labels,
    parts_of,
)
from pressroom.orgs.models import Unit

FIELD_PREFIX = "field_"


class TemplateChoiceField(forms.ModelChoiceField[EmergencyTemplate]):
    """Templates with their hazard and the unit they come from (templates are inherited)."""

    def label_from_instance(self, obj: EmergencyTemplate) -> str:
        return f"{obj.title} · {obj.get_hazard_display()} · {obj.unit.name}"


@dataclass
class PreviewPart:
    """A piece of the preview: text as written, or a field with what was typed for it."""

    text: str
    field: str | None = None
    label: str = ""

    @property
    def is_empty(self) -> bool:
        return self.field is not None and not self.text


@dataclass
class UnitOption:
    unit: Unit
    channels: int
    checked: bool
    # Depth below the highest unit offered, for indenting the tree.
    level: int


class AlertForm(forms.Form):
    """The alert composer: issuing unit, hazard, template and its fields or free text, units."""

    unit = UnitChoiceField(
        queryset=Unit.objects.none(),
        label=_("Issuing unit"),
        help_text=_("The alert goes out in the name of this unit, to units below it."),
    )
    template = TemplateChoiceField(
        queryset=EmergencyTemplate.objects.none(),
        label=_("Pre-approved template"),
        required=False,
    )
    hazard = forms.ChoiceField(
        label=_("Hazard"),
        required=False,
        help_text=_("With a template, the template's hazard is used."),
    )
    title = LineField(label=_("Title"), required=False, max_length=200)
    text = TextField(
        label=_("Text"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Used when no template is chosen."),
    )
    units = forms.MultipleChoiceField(
        label=_("Units that receive the alert"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one unit to receive the alert."),
            "invalid_choice": _("One of the chosen units is not available to you."),
        },
    )

    def __init__(self, *args: Any, compose_units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.compose_units = compose_units.order_by("path")
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = self.compose_units
        unit_field.empty_label = None
        template_field: TemplateChoiceField = self.fields["template"]  # type: ignore[assignment]
        self.templates = templates_for(self.compose_units).order_by("hazard", "unit__path", "title")
        template_field.queryset = self.templates
        template_field.empty_label = _("No template: write the text below")
        # Choosing a template fetches its fields (htmx); without JavaScript a button does.
        # Both send the whole form, so that the new template's fields keep what was typed in
        # fields of the same name (a GET would carry only the choice, and the free text may
        # be too long for an address).
        template_field.widget.attrs.update(
            {
                "hx-post": reverse("emergency_compose"),
                "hx-vals": '{"step": "template"}',
                "hx-trigger": "change",
                "hx-target": "#template-fields",
                "hx-swap": "outerHTML",
            }
        )
        hazard_field: forms.ChoiceField = self.fields["hazard"]  # type: ignore[assignment]
        hazard_field.choices = [("", _("Choose the hazard")), *Hazard.choices]
        self.unit_list = list(
            self.compose_units.annotate(
                channel_count=Count("channels", filter=~Q(channels__status=Channel.Status.DISABLED))
            )
        )
        units_field: forms.MultipleChoiceField = self.fields["units"]  # type: ignore[assignment]
        units_field.choices = [(str(unit.pk), unit.name) for unit in self.unit_list]
        self.chosen_template = chosen = self._chosen_template()
        self.template_fields = fields_of(chosen.title, chosen.text) if chosen is not None else []
        labels = chosen.field_labels if chosen is not None else {}
        for name in self.template_fields:
            # A long field is a paragraph of the text; the others may end up in the title.
            field_class = TextField if name in LONG_FIELDS else LineField
            self.fields[FIELD_PREFIX + name] = field_class(
                label=label_for(name, labels),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3}) if name in LONG_FIELDS else None,
            )

    def _chosen_template(self) -> EmergencyTemplate | None:
        value = self["template"].value()
        if not value:
            return None
        try:
            return self.templates.get(pk=int(value))
        except (TypeError, ValueError, EmergencyTemplate.DoesNotExist):
            return None

    # Cleaning

    def clean_units(self) -> list[Unit]:
        chosen = {int(pk) for pk in self.cleaned_data["units"]}
        return [unit for unit in self.unit_list if unit.pk in chosen]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unit: Unit | None = cleaned.get("unit")
        template: EmergencyTemplate | None = cleaned.get("template")
        if unit is not None:
            outside = [u.name for u in cleaned.get("units", []) if not u.path.startswith(unit.path)]
            if outside:
                self.add_error(
                    "units",
                    _("Not under %(unit)s: %(names)s. Choose only units below the issuing unit.")
                    % {"unit": unit.name, "names": ", ".join(outside)},
                )
            if template is not None and template.unit_id not in unit.ancestor_ids():
                self.add_error(
                    "template",
                    _("This template belongs to another unit; choose one of %(unit)s or above.")
                    % {"unit": unit.name},
                )
        if template is None:
            if not cleaned.get("hazard"):
                self.add_error("hazard", _("Choose the hazard."))
            if not cleaned.get("title"):
                self.add_error("title", _("Write a title, or choose a template."))
            if not cleaned.get("text"):
                self.add_error("text", _("Write the text, or choose a template."))
        else:
            for name in self.template_fields:
                if not cleaned.get(FIELD_PREFIX + name):
                    self.add_error(
                        FIELD_PREFIX + name,
                        _("Fill in the field “%(label)s”.") % {"label": template.label_of(name)},
                    )
        return cleaned

    # What the template and the view use

    def field_group(self) -> list[forms.BoundField]:
        return [self[FIELD_PREFIX + name] for name in self.template_fields]

    def _typed(self, name: str) -> str:
        return nfc(str(self[name].value() or "")).strip()

    def _preview_parts(self, text: str) -> list[PreviewPart]:
        template = self.chosen_template
        assert template is not None
        parts: list[PreviewPart] = []
        for literal, name in parts_of(text):
            if literal:
                parts.append(PreviewPart(text=literal))
            if name is not None:
                parts.append(
                    PreviewPart(
                        text=self._typed(FIELD_PREFIX + name),
                        field=name,
                        label=template.label_of(name),
                    )
                )
        return parts

    def preview(self) -> dict[str, list[PreviewPart]]:
        """The alert as it will be published from what is typed so far: the template's title
        and text with the fields filled in, or the title and text written without one."""
        if self.chosen_template is not None:
            return {
                "title": self._preview_parts(self.chosen_template.title),
                "text": self._preview_parts(self.chosen_template.text),
            }
        return {
            name: [PreviewPart(text=self._typed(name), field=name, label=str(self[name].label))]
            for name in ("title", "text")
        }

    def preview_source(self) -> dict[str, Any] | None:
        """The chosen template's pieces and labels, for the script that updates the preview."""
        template = self.chosen_template
        if template is None:
            return None
        return {
            "title": parts_of(template.title),
            "text": parts_of(template.text),
            "labels": {name: template.label_of(name) for name in self.template_fields},
        }

    def unit_options(self) -> list[UnitOption]:
        chosen = {str(value) for value in (self["units"].value() or [])}
        top = min((unit.depth for unit in self.unit_list), default=0)
        return [
            UnitOption(
                unit=unit,
                channels=getattr(unit, "channel_count", 0),
                checked=str(unit.pk) in chosen,
                level=min(unit.depth - top, 4),
            )
            for unit in self.unit_list
        ]

    def channel_total(self) -> int:
        return sum(option.channels for option in self.unit_options() if option.checked)

    def compose_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `compose_alert` for what was typed (after `is_valid`)."""
        data = self.cleaned_data
        return {
            "unit": data["unit"],
            "hazard": data.get("hazard") or "",
            "units": data["units"],
            "template": data.get("template"),
            "title": data.get("title", ""),
            "text": data.get("text", ""),
            "values": {name: data.get(FIELD_PREFIX + name, "") for name in self.template_fields},
        }


class ConfirmForm(forms.Form):
    """Proof of who is confirming: a TOTP code with two-factor on, else the password."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )
    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, needs_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_code = needs_code
        del self.fields["password" if needs_code else "code"]
        only = self.fields["code" if needs_code else "password"]
        only.required = True
        only.error_messages["required"] = (
            _("Enter the current 6-digit code from your authenticator app.")
            if needs_code
            else _("Enter your password to confirm.")
        )


class CancelForm(forms.Form):
    reason = TextField(
        label=_("Why is the alert cancelled?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the alert is cancelled.")},
    )


class TemplateForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    hazard = forms.ChoiceField(label=_("Hazard"), choices=Hazard.choices)
    title = LineField(label=_("Title"), max_length=200)
    text = TextField(
        label=_("Text"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Write the fields to fill in braces, such as {khu_vuc}, {thoi_gian}, {muc_do} "
            "and {huong_dan}. Use {{ and }} for a brace of its own."
        ),
    )
    labels = TextField(
        label=_("Labels of the fields"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One line a field, such as “khu_vuc: Khu vực”. The composer shows these labels "
            "instead of the field names."
        ),
    )
    is_active = forms.BooleanField(
        label=_("Active: offered when an alert is composed"), required=False, initial=True
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = units
        unit_field.empty_label = _("Choose a unit")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        readable = True
        for name in ("title", "text"):
            if cleaned.get(name):
                try:
                    fields_of(cleaned[name])
                except TemplateProblem as problem:
                    readable = False
                    for message in problem.messages:
                        self.add_error(name, message)
        if readable and cleaned.get("title") and cleaned.get("text") and "labels" in cleaned:
            fields = fields_of(cleaned["title"], cleaned["text"])
            try:
                cleaned["labels"] = parse_labels(cleaned["labels"], fields)
            except TemplateProblem as problem:
                for message in problem.messages:
                    self.add_error("labels", message)
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
        error_messages={"required": _("Enter the 6-digit code your authenticator app shows.")},
    )
