"""Channel forms: new credentials (the fields the platform's descriptor lists), and what a
channel on a platform nobody can ask does after a send whose answer was lost."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pressroom.platforms.registry import descriptor_for


class ReconnectForm(forms.Form):
    def __init__(self, *args: Any, platform: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # In the order people find them on the platform, as its descriptor lists them.
        for credential in descriptor_for(platform).credentials:
            self.fields[credential.key] = forms.CharField(
                # Built for each request: the labels are translated into its language.
                label=str(credential.label),
                help_text=str(credential.help_text),
                max_length=2000,
                strip=True,
                # A secret is never shown back: a password field renders empty.
                widget=(
                    forms.PasswordInput(attrs={"autocomplete": "off"})
                    if credential.secret
                    else forms.TextInput(attrs={"autocomplete": "off"})
                ),
            )

    def credentials(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.fields}


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
