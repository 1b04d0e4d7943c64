"""Channel forms: new credentials (the fields the platform's descriptor lists), and what a
channel on a platform nobody can ask does after a send whose answer was lost."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pressroom.orgs.models import Unit
from pressroom.platforms.connecting import Connector
from pressroom.platforms.registry import descriptor_for


class UnknownOutcomeForm(forms.Form):
    choice = forms.ChoiceField(
        choices=[
            (
                "wait",
                _("Wait for a person to look on the channel (safer: a post never appears twice)"),
            ),
            (
                "resend",
                _("Send it again (a post is never missing, but may appear twice)"),
            ),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, platform: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choice"].label = _("When %(platform)s does not confirm a send") % {
            "platform": descriptor_for(platform).label
        }


class ConnectTargetForm(forms.Form):
    """For which unit a channel is connected, and where: on the real platform or in the
    training sandbox (when the server has one)."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    where = forms.ChoiceField(
        label=_("Where"),
        choices=[("real", _("On the real platform"))],
        initial="real",
        required=False,
        widget=forms.RadioSelect,
    )

    def clean_where(self) -> str:
        return str(self.cleaned_data.get("where") or "real")

    def __init__(self, *args: Any, units: list[Unit], sandbox: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.filter(pk__in=[unit.pk for unit in units]).order_by(
            "path"
        )
        if sandbox:
            where = self.fields["where"]
            assert isinstance(where, forms.ChoiceField)
            where.choices = [
                ("real", _("On the real platform")),
                ("sandbox", _("In the training sandbox (nothing reaches the public)")),
            ]

    def chosen_unit(self) -> Unit:
        unit: Unit = self.cleaned_data["unit"]
        return unit


class ConnectFieldsForm(forms.Form):
    """What a platform's connector asks before it reaches the platform (its `fields`)."""

    def __init__(self, *args: Any, connector: Connector, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in connector.fields:
            attrs = {"autocomplete": "off", "placeholder": field.placeholder}
            self.fields[field.key] = forms.CharField(
                label=str(field.label),
                help_text=str(field.help_text),
                max_length=500,
                strip=True,
                # Mastodon's server is not asked for the sandbox; the connector checks it.
                required=connector.uses_consent is False,
                widget=forms.PasswordInput(attrs=attrs) if field.secret else forms.TextInput(attrs),
            )
