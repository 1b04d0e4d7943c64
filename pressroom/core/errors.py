"""The error an action raises when a user's request cannot be done; the message is for them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest


class ActionError(Exception):
    """Raised by actions with a translated, user-facing message (or several)."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = [str(message) for message in messages]

    def __str__(self) -> str:
        return " ".join(self.messages)


def add_to_form(form: forms.BaseForm, error: ActionError, field: str | None = None) -> None:
    """Show what the action refused on the form (at the top, or next to `field`)."""
    for message in error.messages:
        form.add_error(field, message)


def add_to_messages(request: HttpRequest, error: ActionError) -> None:
    """Show what the action refused as messages on the next page."""
    for message in error.messages:
        messages.error(request, message)
