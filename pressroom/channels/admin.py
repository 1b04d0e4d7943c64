"""Admin for channels: credentials can be replaced but are never shown.

A channel's status is shown, not edited: new credentials reconnect it, and the "pause"
action stops it; both go through the publishing actions (audited, deliveries follow).
"""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.channels.models import Channel
from pressroom.platforms.registry import DESCRIPTORS
from pressroom.publishing.channel_state import pause_channel, reconnect_channel


def credential_shapes() -> str:
    """The keys each platform's credentials hold, as its descriptor lists them:
    `Facebook {"page_token": …}, Zalo {"access_token": …, "refresh_token": …}, …`."""
    return ", ".join(
        descriptor.label
        + " {"
        + ", ".join(f'"{credential.key}": …' for credential in descriptor.credentials)
        + "}"
        for descriptor in DESCRIPTORS.values()
    )


def _staff(request: HttpRequest) -> User:
    """The admin is only reached signed in, as staff."""
    return cast("User", request.user)


class ChannelAdminForm(forms.ModelForm[Channel]):
    new_credentials = forms.CharField(
        label=_("New credentials (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text=format_lazy(
            "{} {}.", _("Leave empty to keep the stored ones."), credential_shapes()
        ),
    )

    class Meta:
        model = Channel
        fields = (
            "unit",
            "platform",
            "name",
            "external_id",
            "api_base",
            "is_sandbox",
            "options",
        )

    def clean_new_credentials(self) -> dict[str, Any] | None:
        raw = self.cleaned_data["new_credentials"].strip()
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("This is not valid JSON.")) from error
        if not isinstance(value, dict) or not value:
            raise forms.ValidationError(_("Give an object with at least one key."))
        return value


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin[Channel]):
    form = ChannelAdminForm
    list_display = ("name", "unit", "platform", "status", "is_sandbox")
    list_filter = ("platform", "status", "is_sandbox")
    search_fields = ("name", "external_id", "unit__name")
    autocomplete_fields = ("unit",)
    readonly_fields = ("status", "status_reason")
    actions = ("pause",)

    @admin.action(description=_("Pause: the channel needs new credentials"))
    def pause(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        reason = gettext("Paused by an administrator: new credentials are needed.")
        channels = list(queryset.filter(status=Channel.Status.CONNECTED))
        for channel in channels:
            pause_channel(channel=channel, reason=reason, by=_staff(request))
        self.message_user(
            request,
            ngettext("%(count)d channel paused.", "%(count)d channels paused.", len(channels))
            % {"count": len(channels)},
            messages.SUCCESS,
        )

    def save_model(self, request: HttpRequest, obj: Channel, form: Any, change: bool) -> None:
        credentials = form.cleaned_data.get("new_credentials")
        if credentials and not change:
            obj.credentials = credentials
        super().save_model(request, obj, form, change)
        if credentials and change:
            # New credentials reconnect the channel and send what was paused.
            reconnect_channel(channel=obj, credentials=credentials, by=_staff(request))
        record_event(
            actor=request.user,
            action=Kind.CHANNEL_EDIT if change else Kind.CHANNEL_CREATE,
            obj=obj,
            unit_id=obj.unit_id,
            data={"credentials_replaced": bool(credentials)},
        )
