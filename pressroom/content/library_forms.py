"""Forms of the media library: the filters, an upload, an item's description."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pressroom.content import media_files
from pressroom.content.forms import MAX_SEARCH, TextField, UnitChoiceField
from pressroom.content.library import MAX_DESCRIPTION
from pressroom.content.models import Asset
from pressroom.core.text import fold
from pressroom.orgs.models import Unit

# Files in one upload (the browser's chooser takes several at once).
MAX_FILES = 20


class LibraryFilterForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), required=False, label=_("Unit"))
    kind = forms.ChoiceField(required=False, label=_("Kind"))
    q = TextField(
        required=False,
        label=_("Search"),
        help_text=_("Name and description, with or without accents"),
        max_length=MAX_SEARCH,
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = units
        unit_field.empty_label = _("All units")
        kind_field: forms.ChoiceField = self.fields["kind"]  # type: ignore[assignment]
        kind_field.choices = [("", _("All kinds")), *Asset.Kind.choices]


def filter_assets(assets: QuerySet[Asset], cleaned: dict[str, Any]) -> QuerySet[Asset]:
    if cleaned.get("unit") is not None:
        assets = assets.filter(unit=cleaned["unit"])
    if cleaned.get("kind"):
        assets = assets.filter(kind=cleaned["kind"])
    for word in fold(cleaned.get("q") or "").split():
        assets = assets.filter(search_text__contains=word)
    return assets


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        files = [file for file in files if file]
        if not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Upload at most %(max)d files at once."), params={"max": MAX_FILES}
            )
        return files


class UploadForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Into the library of"))
    file = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "Images (JPEG, PNG, GIF, WebP) up to 8 MB, PDF documents up to 20 MB, MP4 videos "
            "up to 200 MB. Several at once."
        ),
        widget=MultipleFileInput(attrs={"accept": media_files.ACCEPT, "multiple": True}),
        error_messages={"required": _("Choose the files to upload.")},
    )
    description = TextField(
        label=_("Description (alt text)"),
        required=False,
        max_length=MAX_DESCRIPTION,
        help_text=_("Say what the image shows; it is offered with the image in every post."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = units
        # The person's own unit first (the highest where they may add).
        self.initial.setdefault("unit", units.order_by("path").first())


class DescribeForm(forms.Form):
    description = TextField(
        label=_("Description (alt text)"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
