"""Forms of the correction desk: a claim, its correction, the list's filters.

Forms check what a person typed and NFC-normalise it; the actions decide what may be saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pressroom.channels.models import Channel
from pressroom.content.forms import LineField, TextField, UnitChoiceField
from pressroom.content.validation import MAX_TEXT
from pressroom.corrections.actions import MAX_STATEMENT, MAX_SUGGESTED_REPLY
from pressroom.corrections.evidence import MAX_DOCUMENT_BYTES, NewDocument, inspect_document
from pressroom.corrections.models import Claim, EvidenceDocument
from pressroom.orgs.models import Unit

NEW_DOCUMENT_SLOTS = 3


class ClaimForm(forms.Form):
    """A claim: where it is registered, how it is worded, where it was seen, the evidence."""

    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    statement = TextField(
        label=_("The false statement, as it circulates"),
        max_length=MAX_STATEMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Messages that repeat it, with or without diacritics, are flagged."),
    )
    variants = TextField(
        label=_("Other wordings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, at least three words each: they are matched too."),
    )
    seen_where = TextField(
        label=_("Where it was seen"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = TextField(
        label=_("Evidence: the facts, with links"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Claim.Status.choices)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        claim: Claim | None = None,
        **kwargs: Any,
    ) -> None:
        self.claim = claim
        if claim is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "unit": claim.unit_id,
                "statement": claim.statement,
                "variants": claim.variants,
                "seen_where": claim.seen_where,
                "evidence": claim.evidence,
                "status": claim.status,
            }
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = units
        unit_field.empty_label = _("Choose a unit")
        if claim is None:
            # A new claim is open; it is corrected when its correction is prepared.
            del self.fields["status"]
        else:
            unit_field.disabled = True
        self.existing_documents: list[EvidenceDocument] = (
            list(claim.documents.all()) if claim is not None else []
        )
        for document in self.existing_documents:
            self.fields[f"document_{document.pk}_remove"] = forms.BooleanField(
                label=_("Remove %(name)s") % {"name": document.name}, required=False
            )
        for number in self._slots():
            self.fields[f"new_document_{number}"] = forms.FileField(
                label=_("Document %(number)d (PDF or image)") % {"number": number},
                required=False,
                widget=forms.FileInput(
                    attrs={"accept": "application/pdf,image/jpeg,image/png,image/gif,image/webp"}
                ),
            )

    @staticmethod
    def _slots() -> range:
        return range(1, NEW_DOCUMENT_SLOTS + 1)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        documents: list[NewDocument] = []
        for number in self._slots():
            upload: UploadedFile[bytes] | None = cleaned.get(f"new_document_{number}")
            if upload is None:
                continue
            name = upload.name or f"document-{number}"
            if (upload.size or 0) > MAX_DOCUMENT_BYTES:
                self.add_error(
                    f"new_document_{number}",
                    _("%(name)s is %(size).1f MB; documents may be at most %(max)d MB.")
                    % {
                        "name": name,
                        "size": (upload.size or 0) / 1_048_576,
                        "max": MAX_DOCUMENT_BYTES // 1_048_576,
                    },
                )
                continue
            content = upload.read()
            try:
                inspect_document(content, name)
            except ValueError as error:
                self.add_error(f"new_document_{number}", str(error))
                continue
            documents.append(NewDocument(filename=name, content=content))
        cleaned["new_documents"] = documents
        if self.errors and any(self.files.get(f"new_document_{n}") for n in self._slots()):
            self.add_error(
                None,
                _("Files are not kept when the form has errors: choose the documents again."),
            )
        return cleaned

    def remove_rows(self) -> list[tuple[EvidenceDocument, forms.BoundField]]:
        return [
            (document, self[f"document_{document.pk}_remove"])
            for document in self.existing_documents
        ]

    def new_document_fields(self) -> list[forms.BoundField]:
        return [self[f"new_document_{number}"] for number in self._slots()]

    def save_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `register_claim` / `edit_claim` (after `is_valid`)."""
        data = self.cleaned_data
        arguments: dict[str, Any] = {
            "statement": data["statement"],
            "variants": data["variants"],
            "seen_where": data["seen_where"],
            "evidence": data["evidence"],
            "documents": data["new_documents"],
        }
        if self.claim is None:
            arguments["unit"] = data["unit"]
        else:
            arguments["status"] = data["status"]
            arguments["remove_documents"] = [
                document.pk
                for document in self.existing_documents
                if data.get(f"document_{document.pk}_remove")
            ]
        return arguments


class CorrectionForm(forms.Form):
    """The official correction: a draft post of a unit on its channels, and the short reply."""

    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Published by"))
    title = LineField(label=_("Title"), max_length=200)
    body = TextField(
        label=_("The facts"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The post's text: it is reviewed and approved like any post."),
    )
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    channels = forms.ModelMultipleChoiceField(
        queryset=Channel.objects.none(),
        label=_("Channels"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one channel."),
            "invalid_choice": _("One of the chosen channels is not available to you."),
        },
    )
    suggested_reply = TextField(
        label=_("Suggested reply"),
        max_length=MAX_SUGGESTED_REPLY,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The short answer offered to people who repeat the claim; the link to the "
            "published correction is added to it."
        ),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = units
        unit_field.empty_label = _("Choose a unit")
        channels_field: forms.ModelMultipleChoiceField[Channel] = self.fields["channels"]  # type: ignore[assignment]
        channels_field.queryset = (
            Channel.objects.filter(unit__in=units)
            .exclude(status=Channel.Status.DISABLED)
            .select_related("unit")
            .order_by("unit__path", "platform", "name")
        )

    def save_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "unit": data["unit"],
            "title": data["title"],
            "body": data["body"],
            "link": data["link"],
            "channels": list(data["channels"]),
            "suggested_reply": data["suggested_reply"],
        }


class ClaimFilterForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), required=False, label=_("Unit"))
    status = forms.ChoiceField(required=False, label=_("Status"))
    q = TextField(required=False, label=_("Statement contains"), max_length=200)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = units
        unit_field.empty_label = _("All units")
        status_field: forms.ChoiceField = self.fields["status"]  # type: ignore[assignment]
        status_field.choices = [("", _("All statuses")), *Claim.Status.choices]


def filter_claims(claims: QuerySet[Claim], filters: dict[str, Any]) -> QuerySet[Claim]:
    """The claims that concern the chosen unit (its own, those below it and those it inherits
    from above), in the chosen status, whose statement or wordings contain the words."""
    unit: Unit | None = filters.get("unit")
    if unit is not None:
        claims = claims.filter(
            Q(unit__path__startswith=unit.path) | Q(unit_id__in=unit.ancestor_ids())
        )
    if filters.get("status"):
        claims = claims.filter(status=filters["status"])
    if filters.get("q"):
        claims = claims.filter(
            Q(statement__icontains=filters["q"]) | Q(variants__icontains=filters["q"])
        )
    return claims
