"""Forms of the inbox's settings, reports and data-subject requests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pressroom.channels.models import Channel
from pressroom.core.dates import EARLIEST_DATE, VIETNAM, latest_date
from pressroom.core.errors import ActionError
from pressroom.inbox import policies
from pressroom.inbox.models import DataSubjectRequest, ResponsePolicy
from pressroom.inbox.saved_replies import TEXT_MAX, TITLE_MAX
from pressroom.orgs.models import Unit

WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]
# The report's and the log's period when none is asked for: the last 30 days.
DEFAULT_PERIOD_DAYS = 30


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return "— " * obj.depth + obj.name


class PolicyForm(forms.Form):
    first_response_hours = forms.FloatField(
        label=_("First answer within (working hours)"), min_value=0.01, max_value=2000
    )
    resolution_hours = forms.FloatField(
        label=_("Closed within (working hours)"), min_value=0.01, max_value=2000
    )
    day_starts = forms.TimeField(
        label=_("Working day starts"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    day_ends = forms.TimeField(
        label=_("Working day ends"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one working day.")},
    )
    replies_need_approval = forms.BooleanField(
        label=_("Replies written by editors wait for an approver"), required=False
    )

    @classmethod
    def initial_of(cls, policy: ResponsePolicy) -> dict[str, Any]:
        return {
            "first_response_hours": policy.first_response_hours,
            "resolution_hours": policy.resolution_hours,
            "day_starts": policy.day_starts,
            "day_ends": policy.day_ends,
            "weekdays": policy.weekdays or [1, 2, 3, 4, 5],
            "replies_need_approval": policy.replies_need_approval,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = ("first_response_hours", "resolution_hours", "day_starts", "day_ends", "weekdays")
        if all(name in data for name in needed):
            try:
                data["weekdays"] = policies.check_targets(**{name: data[name] for name in needed})
            except ActionError as error:
                for message in error.messages:
                    self.add_error(None, message)
        return data


class PeriodForm(forms.Form):
    """A unit (with everything below it) and a period of days, both ends included: the
    fields are named `from` and `to` (as in the pages' addresses)."""

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=None)
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")  # type: ignore[attr-defined]
        self.fields["from"] = self.fields.pop("start")
        self.fields["to"] = self.fields.pop("end")

    @staticmethod
    def default_initial(units: QuerySet[Unit]) -> dict[str, Any]:
        today = timezone.localdate(timezone=VIETNAM)
        top = units.order_by("path").first()
        return {
            "unit": top.pk if top else None,
            "from": today - timedelta(days=DEFAULT_PERIOD_DAYS - 1),
            "to": today,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        for name in ("from", "to"):
            day = data.get(name)
            if day is not None and not EARLIEST_DATE <= day <= latest_date():
                self.add_error(name, _("Choose a date between 2000 and five years from now."))
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("to", _("The period ends before it starts."))
        return data

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as moments: from the first day's midnight to the one after the last."""
        start = datetime.combine(self.cleaned_data["from"], time(), tzinfo=VIETNAM)
        last = self.cleaned_data["to"] + timedelta(days=1)
        return start, datetime.combine(last, time(), tzinfo=VIETNAM)


class SavedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    text = forms.CharField(
        label=_("Text"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )


class DataRequestForm(forms.Form):
    channel = forms.ModelChoiceField(
        label=_("Channel"), queryset=Channel.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("The person asks for"),
        choices=DataSubjectRequest.Kind.choices,
        widget=forms.RadioSelect,
    )
    person_id = forms.CharField(
        label=_("The person's id on the platform"),
        max_length=200,
        help_text=_("Shown on their conversation, which links here with it filled in."),
    )
    contact = forms.CharField(label=_("How to answer them"), max_length=300, required=False)
    received_at = forms.DateTimeField(
        label=_("Received on"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, channels: QuerySet[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels  # type: ignore[attr-defined]


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is refused (the person is told)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
