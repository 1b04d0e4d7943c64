"""The audit log's page and its export, for leadership and administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from pressroom.audit.models import AuditEvent
from pressroom.core.dates import VIETNAM
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.desk.audit_forms import AuditFilterForm, filter_events
from pressroom.desk.audit_log import (
    EXPORT_LIMIT,
    export_audit_log,
    newest_first,
    rows_of,
    visible_events,
)
from pressroom.inbox.csv_files import csv_response
from pressroom.orgs.access import tops, units_for
from pressroom.orgs.models import Capability, Unit

EVENTS_PER_PAGE = 50


def _read(
    request: AuthenticatedHttpRequest,
) -> tuple[AuditFilterForm, QuerySet[Unit], QuerySet[AuditEvent] | None]:
    """The filter form, the units the reader approves in, and the events it selects (None
    when the filters are wrong); 403 for anyone who may read no event."""
    units = units_for(request.user, Capability.APPROVE)
    events = visible_events(request.user, units)
    if events is None:
        raise PermissionDenied
    form = AuditFilterForm(request.GET, units=units)
    if not form.is_valid():
        return form, units, None
    return form, units, filter_events(events, form.cleaned_data)


@login_required
@require_GET
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, _units, events = _read(request)
    if events is None:
        return render(request, "desk/audit_log.html", {"form": form, "page": None})
    page = Paginator(newest_first(events), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": rows_of(list(page.object_list), user=request.user),
            "export_limit": EXPORT_LIMIT,
            "over_limit": page.paginator.count > EXPORT_LIMIT,
        },
    )


@login_required
@require_GET
def audit_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, units, events = _read(request)
    if events is None:
        # The page says what is wrong with the filters.
        return redirect(f"{reverse('audit_log')}?{request.GET.urlencode()}")
    chosen = form.cleaned_data.get("unit")
    if chosen is not None:
        unit_id: int | None = chosen.pk
    elif request.user.is_superuser:
        unit_id = None  # everything, the events without a unit too
    else:
        # The export is then seen by those who read the same part of the tree.
        starts = list(tops(units).values_list("pk", flat=True)[:2])
        unit_id = starts[0] if len(starts) == 1 else None
    header, cells, _cut = export_audit_log(
        by=request.user, events=events, unit_id=unit_id, filters=form.used()
    )
    today = timezone.localdate(timezone=VIETNAM)
    return csv_response(f"audit-log-{today:%Y%m%d}.csv", header, cells)
