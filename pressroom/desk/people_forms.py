"""Forms of the people pages: the list's filter, adding a person, their name and e-mail
address, a role on a unit. The actions in `orgs.people` decide what may be saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pressroom.content.forms import LineField, TextField, UnitChoiceField
from pressroom.orgs.choices import narrow_unit_field
from pressroom.orgs.models import Role, Unit


class PersonFilterForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), required=False, label=_("Unit"))
    q = TextField(required=False, label=_("Name, username or e-mail contains"), max_length=200)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = units
        # Thousands of units are not listed: see `orgs.choices`.
        narrow_unit_field(self, "unit", units, empty_label=_("All my units"))


class NameFields(forms.Form):
    """A person's names and address, as the app writes them: family name first."""

    last_name = LineField(
        label=_("Family name"),
        max_length=150,
        required=False,
        help_text=_("With the middle name, as on the person's papers: Nguyễn Văn."),
    )
    first_name = LineField(
        label=_("Given name"), max_length=150, required=False, help_text=_("For example: An.")
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_(
            "Their work address: the link to choose a password is sent there, and so are "
            "the notices about their posts."
        ),
        error_messages={"required": _("Give the person's e-mail address.")},
    )


class PersonEditForm(NameFields):
    pass


class RoleForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        help_text=_("A role on a unit holds for every unit below it."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = units
        unit_field.error_messages["required"] = _("Choose a unit.")
        self.fields["role"].error_messages["required"] = _("Choose a role.")
        narrow_unit_field(self, "unit", units, empty_label=_("Choose a unit"))


class PersonCreateForm(RoleForm, NameFields):
    username = LineField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_(
            "What the person types to sign in: letters, digits and @ . + - _ only, for "
            "example an.nguyen. It cannot be changed later."
        ),
        error_messages={"required": _("Choose a username.")},
    )
    field_order = ("username", "last_name", "first_name", "email", "unit", "role")
