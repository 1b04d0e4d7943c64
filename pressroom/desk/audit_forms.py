"""The audit log's filters: a unit (with the units below it), a person, an action, days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pressroom.audit.kinds import Kind
from pressroom.audit.models import AuditEvent
from pressroom.content.forms import LineField, check_date_range
from pressroom.core.dates import VIETNAM
from pressroom.orgs.choices import narrow_unit_field
from pressroom.orgs.models import Unit

_PEOPLE = _("People and signing in")
_TREE = _("Units and roles")
_CHANNELS = _("Channels")
_POSTS = _("Posts and themes")
_PUBLISHING = _("Publishing")
_EMERGENCY = _("Emergency alerts")
_INBOX = _("Inbox")
_CORRECTIONS = _("Corrections")
_REPORTS = _("Reports")
_AUDIT = _("Audit log")
# The select's groups, by the part of a kind's code before the dot; a kind whose prefix is not
# here still appears, under "Other".
GROUP_OF_PREFIX: dict[str, Promise] = {
    "user": _PEOPLE,
    "reauth": _PEOPLE,
    "two_factor": _PEOPLE,
    "membership": _TREE,
    "unit": _TREE,
    "channel": _CHANNELS,
    "channel_set": _CHANNELS,
    "credentials": _CHANNELS,
    "post": _POSTS,
    "theme": _POSTS,
    "media": _POSTS,
    "pack": _POSTS,
    "delivery": _PUBLISHING,
    "emergency": _EMERGENCY,
    "emergency_template": _EMERGENCY,
    "inbox": _INBOX,
    "data_request": _INBOX,
    "moderation_log": _INBOX,
    "claim": _CORRECTIONS,
    "correction": _CORRECTIONS,
    "report": _REPORTS,
    "audit": _AUDIT,
}


def action_choices() -> list[tuple[Any, Any]]:
    """Every kind with its label, grouped as in the kinds' list (groups in its order), in the
    language of the request (call it when building the form)."""
    groups: dict[str, list[tuple[str, Any]]] = {}
    for kind in Kind:
        group = str(GROUP_OF_PREFIX.get(kind.value.split(".", 1)[0], _("Other")))
        groups.setdefault(group, []).append((kind.value, kind.label))
    return [("", _("All actions")), *groups.items()]


class AuditFilterForm(forms.Form):
    """The fields are named `from` and `to` in the page's address (Python keeps `start`, `end`
    for the declaration only)."""

    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Unit"),
        help_text=_("This unit and the units below it."),
    )
    # A search rather than a select of everyone who appears in the log: a national tree has
    # thousands of people (one select would list them all, and finding them costs a scan of
    # the events on every page), and the search also finds the events of a removed account
    # by the user name they were recorded with. (On SQLite, letters with diacritics match in
    # the case they are typed in only; PostgreSQL ignores their case too.)
    person = LineField(
        label=_("Person"),
        required=False,
        max_length=150,
        help_text=_("Part of the name or the user name."),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[check_date_range],
        error_messages={"invalid": _("Enter the date as year-month-day, e.g. 2026-12-01.")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[check_date_range],
        error_messages={"invalid": _("Enter the date as year-month-day, e.g. 2026-12-01.")},
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")  # type: ignore[attr-defined]
        # Thousands of units are not listed: see `orgs.choices`.
        narrow_unit_field(self, "unit", units, empty_label=_("All units"))
        self.fields["action"].choices = action_choices()  # type: ignore[attr-defined]
        self.fields["from"] = self.fields.pop("start")
        self.fields["to"] = self.fields.pop("end")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("to", _("The period ends before it starts."))
        return data

    def used(self) -> dict[str, Any]:
        """The filters given, as plain values (for the export's audit event)."""
        data = self.cleaned_data
        used: dict[str, Any] = {}
        if data.get("unit"):
            used["unit"] = data["unit"].pk
        for name in ("person", "action"):
            if data.get(name):
                used[name] = data[name]
        for name in ("from", "to"):
            if data.get(name):
                used[name] = data[name].isoformat()
        return used


def vietnam_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VIETNAM)


def filter_events(events: QuerySet[AuditEvent], filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The events that match what an AuditFilterForm cleaned (days in Vietnam time, both
    ends included)."""
    if filters.get("unit"):
        below = Unit.objects.filter(path__startswith=filters["unit"].path).values("pk")
        events = events.filter(unit_id__in=below)
    if filters.get("person"):
        text = filters["person"]
        events = events.annotate(
            actor_full_name=Concat("actor__last_name", Value(" "), "actor__first_name")
        ).filter(
            Q(actor_full_name__icontains=text)
            | Q(actor__username__icontains=text)
            # The user name of the time: the only name left of a removed account.
            | Q(actor_label__icontains=text)
        )
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("from"):
        events = events.filter(created_at__gte=vietnam_midnight(filters["from"]))
    if filters.get("to"):
        events = events.filter(created_at__lt=vietnam_midnight(filters["to"] + timedelta(days=1)))
    return events
