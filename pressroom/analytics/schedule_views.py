"""A unit's scheduled reports: listed for those who view the unit, set by its administrators."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from pressroom.analytics import schedules
from pressroom.analytics.models import ReportSchedule
from pressroom.core.errors import ActionError
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.orgs.access import get_unit_for
from pressroom.orgs.models import Capability


class ScheduleForm(forms.Form):
    every = forms.ChoiceField(label=gettext_lazy("How often"), choices=ReportSchedule.Every.choices)
    recipients = forms.CharField(
        label=gettext_lazy("Recipients (one e-mail address per line)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)


@login_required
@require_http_methods(["GET", "POST"])
def schedules_page(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    unit, capabilities = get_unit_for(request, unit_id)
    can_manage = Capability.MANAGE in capabilities
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = ScheduleForm(request.POST or None, initial={"language": "vi"})
    if request.method == "POST" and form.is_valid():
        try:
            schedules.set_schedule(by=request.user, unit=unit, **form.cleaned_data)
        except ActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The report will be sent after each period."))
            return redirect("analytics_schedules", unit_id=unit.pk)
    return render(
        request,
        "analytics/schedules.html",
        {
            "unit": unit,
            "schedules": ReportSchedule.objects.filter(unit=unit).order_by("pk"),
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
@require_POST
def schedule_remove(request: AuthenticatedHttpRequest, schedule_id: int) -> HttpResponse:
    schedule = get_object_or_404(ReportSchedule.objects.select_related("unit"), pk=schedule_id)
    get_unit_for(request, schedule.unit_id)
    unit_id = schedule.unit_id
    try:
        schedules.remove_schedule(by=request.user, schedule=schedule)
    except ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The scheduled report is removed."))
    return redirect("analytics_schedules", unit_id=unit_id)
