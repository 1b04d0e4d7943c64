"""Pages of data-subject requests: record one, see the deadlines, acknowledge, complete
(the person's copy as JSON or CSV, or their erasure) or refuse.

The list shows no one's id: only a request's own page shows the one person it is about.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pressroom.channels.models import Channel
from pressroom.core.errors import ActionError, add_to_form, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.inbox import data_requests
from pressroom.inbox.csv_files import csv_response
from pressroom.inbox.data_requests import Deadline, deadlines_of
from pressroom.inbox.hours import policies_for
from pressroom.inbox.manage_forms import DataRequestForm, RefuseForm
from pressroom.inbox.models import DataSubjectRequest
from pressroom.inbox.privacy import COPY_COLUMNS, copy_rows
from pressroom.orgs.access import capabilities_in, units_for
from pressroom.orgs.models import Capability

REQUESTS_PER_PAGE = 50


def _managed_channels(request: AuthenticatedHttpRequest) -> QuerySet[Channel]:
    return Channel.objects.filter(unit__in=units_for(request.user, Capability.MANAGE)).order_by(
        "unit__path", "platform", "name"
    )


@dataclass(frozen=True)
class RequestRow:
    item: DataSubjectRequest
    acknowledge: Deadline
    complete: Deadline
    acknowledge_state: str
    complete_state: str


def _rows(items: list[DataSubjectRequest]) -> list[RequestRow]:
    now = timezone.now()
    policies = policies_for(item.channel.unit for item in items)
    rows = []
    for item in items:
        acknowledge, complete = deadlines_of(item, policies[item.channel.unit_id])
        rows.append(
            RequestRow(item, acknowledge, complete, acknowledge.state(now), complete.state(now))
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def data_request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    channels = _managed_channels(request)
    if not units_for(request.user, Capability.MANAGE).exists():
        raise PermissionDenied
    if request.method == "POST":
        form = DataRequestForm(request.POST, channels=channels)
        if form.is_valid():
            try:
                item = data_requests.record_request(by=request.user, **form.cleaned_data)
            except ActionError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request, _("The request is recorded. Acknowledge it to the person.")
                )
                return redirect("inbox_data_request", request_id=item.pk)
    else:
        initial = {
            "received_at": timezone.localtime().replace(second=0, microsecond=0),
            "kind": DataSubjectRequest.Kind.EXPORT,
        }
        asked_channel = request.GET.get("channel", "")
        if asked_channel.isdigit() and channels.filter(pk=int(asked_channel)).exists():
            initial["channel"] = int(asked_channel)
        if request.GET.get("person"):
            initial["person_id"] = request.GET["person"][:200]
        form = DataRequestForm(initial=initial, channels=channels)
    requests = DataSubjectRequest.objects.filter(channel__in=channels).select_related(
        "channel", "channel__unit"
    )
    page = Paginator(requests, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "inbox/manage/data_requests.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(list(page.object_list)),
            "has_channels": channels.exists(),
            "complete_days": data_requests.COMPLETE_CALENDAR_DAYS,
            "acknowledge_days": data_requests.ACKNOWLEDGE_WORKING_DAYS,
        },
    )


def _get_request_for(request: AuthenticatedHttpRequest, request_id: int) -> DataSubjectRequest:
    """The request, for an administrator of its channel's unit; 404 for anyone else."""
    item = get_object_or_404(
        DataSubjectRequest.objects.select_related("channel", "channel__unit", "created_by"),
        pk=request_id,
    )
    if Capability.MANAGE not in capabilities_in(request.user, item.channel.unit):
        raise Http404
    return item


@login_required
@require_http_methods(["GET"])
def data_request_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    item = _get_request_for(request, request_id)
    return _render_detail(request, item, RefuseForm())


def _render_detail(
    request: AuthenticatedHttpRequest, item: DataSubjectRequest, refuse_form: RefuseForm
) -> HttpResponse:
    (row,) = _rows([item])
    return render(
        request,
        "inbox/manage/data_request.html",
        {
            "row": row,
            "item": item,
            "is_open": item.state in data_requests.OPEN_STATES,
            "refuse_form": refuse_form,
            "complete_days": data_requests.COMPLETE_CALENDAR_DAYS,
            "acknowledge_days": data_requests.ACKNOWLEDGE_WORKING_DAYS,
        },
    )


@login_required
@require_POST
def data_request_acknowledge(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    item = _get_request_for(request, request_id)
    try:
        data_requests.acknowledge_request(by=request.user, request=item)
    except ActionError as error:
        add_to_messages(request, error)
    else:
        messages.success(request, _("The request is marked as acknowledged."))
    return redirect("inbox_data_request", request_id=item.pk)


@login_required
@require_POST
def data_request_complete(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    item = _get_request_for(request, request_id)
    if item.kind == DataSubjectRequest.Kind.ERASE:
        try:
            data_requests.complete_erasure(by=request.user, request=item)
        except ActionError as error:
            add_to_messages(request, error)
        else:
            messages.success(request, item.outcome)
        return redirect("inbox_data_request", request_id=item.pk)
    file_format = "csv" if request.POST.get("format") == "csv" else "json"
    try:
        copy = data_requests.complete_export(by=request.user, request=item, file_format=file_format)
    except ActionError as error:
        add_to_messages(request, error)
        return redirect("inbox_data_request", request_id=item.pk)
    name = f"data-request-{item.pk}"
    if file_format == "csv":
        return csv_response(f"{name}.csv", list(COPY_COLUMNS), copy_rows(copy))
    body = json.dumps(copy, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@login_required
@require_POST
def data_request_refuse(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    item = _get_request_for(request, request_id)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            data_requests.refuse_request(
                by=request.user, request=item, reason=form.cleaned_data["reason"]
            )
        except ActionError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The request is refused; tell the person why."))
            return redirect("inbox_data_request", request_id=item.pk)
    return _render_detail(request, item, form)
