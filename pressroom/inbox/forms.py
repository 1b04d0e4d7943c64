"""The inbox's forms: the list's filters and what the conversation page asks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pressroom.channels.choices import narrow_channel_field
from pressroom.channels.models import Channel
from pressroom.inbox import actions
from pressroom.inbox.models import Conversation, ModerationReason, Reply
from pressroom.orgs.choices import narrow_unit_field
from pressroom.orgs.models import Unit
from pressroom.platforms.registry import DESCRIPTORS


class FilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label=gettext_lazy("Unit")
    )
    channel = forms.ModelChoiceField(
        queryset=Channel.objects.none(), required=False, label=gettext_lazy("Channel")
    )
    platform = forms.ChoiceField(required=False, label=gettext_lazy("Platform"))
    status = forms.ChoiceField(required=False, label=gettext_lazy("Status"))
    tag = forms.ChoiceField(required=False, label=gettext_lazy("Tag"))
    waiting = forms.ChoiceField(required=False, label=gettext_lazy("Waiting"))
    q = forms.CharField(required=False, max_length=200, label=gettext_lazy("Search"))

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channels = Channel.objects.filter(unit__in=units)
        self.fields["unit"].queryset = units.order_by("path")  # type: ignore[attr-defined]
        self.fields["channel"].queryset = channels  # type: ignore[attr-defined]
        # Thousands of units and channels are not listed: see `orgs.choices`.
        unit = narrow_unit_field(self, "unit", units, empty_label=_("All units"))
        narrow_channel_field(self, "channel", channels, units, unit, empty_label=_("All channels"))
        self.fields["platform"].choices = [("", _("All platforms"))] + [  # type: ignore[attr-defined]
            (name, d.label) for name, d in DESCRIPTORS.items()
        ]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("Open (not closed)")),
            ("all", _("All")),
            *Conversation.Status.choices,
        ]
        self.fields["tag"].choices = [("", _("Any tag"))] + [  # type: ignore[attr-defined]
            choice for choice in Conversation.Tag.choices if choice[0]
        ]
        self.fields["waiting"].choices = [  # type: ignore[attr-defined]
            ("", _("Any time")),
            ("1h", _("Waiting over 1 hour")),
            ("4h", _("Waiting over 4 hours")),
            ("24h", _("Waiting over 24 hours")),
            ("3d", _("Waiting over 3 days")),
        ]


class ReplyForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label=gettext_lazy("Reply"), max_length=8000
    )
    way = forms.ChoiceField(label=gettext_lazy("How"), choices=Reply.Way.choices)
    in_reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    saved_reply = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=gettext_lazy("Assigned to"),
        empty_label=gettext_lazy("Nobody"),
    )

    def __init__(self, *args: Any, conversation: Conversation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = actions.colleagues(conversation)  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Conversation.Status.choices, label=gettext_lazy("Status"))
    tag = forms.ChoiceField(
        choices=Conversation.Tag.choices, required=False, label=gettext_lazy("Tag")
    )


class NoteForm(forms.Form):
    prefix = "note"

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Internal note"),
        max_length=4000,
    )


class ModerateForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("hide", "hide"), ("unhide", "unhide"), ("delete", "delete")]
    )
    reason = forms.ChoiceField(
        choices=[("", gettext_lazy("Choose the reason")), *ModerationReason.choices],
        required=False,
        label=gettext_lazy("Reason (from the moderation policy)"),
    )
    explanation = forms.CharField(required=False, max_length=300, label=gettext_lazy("Explanation"))
