"""Channel forms: new credentials (the fields each platform uses), and what a Telegram
channel does after a send whose answer was lost."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# The credential fields of each platform, in the order people find them on the platform.
CREDENTIAL_FIELDS: dict[str, list[tuple[str, Any]]] = {
    "facebook": [("page_token", _("Page access token"))],
    "zalo": [("access_token", _("Access token")), ("refresh_token", _("Refresh token"))],
    "telegram": [("bot_token", _("Bot token"))],
    "mastodon": [("access_token", _("Access token"))],
}


class ReconnectForm(forms.Form):
    def __init__(self, *args: Any, platform: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in CREDENTIAL_FIELDS[platform]:
            self.fields[name] = forms.CharField(
                label=label,
                max_length=2000,
                strip=True,
                # Never shown back: a password field renders empty.
                widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
            )

    def credentials(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.fields}


class UnknownOutcomeForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("When Telegram does not confirm a send"),
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
