"""Pages of the inbox's figures: what waits past its target, and the response report."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.inbox.csv_files import csv_response
from pressroom.inbox.manage_forms import PeriodForm
from pressroom.inbox.models import Conversation
from pressroom.inbox.reports import (
    Figures,
    Overdue,
    hours_text,
    overdue_for,
    response_report,
    share_text,
)
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability

OVERDUE_PER_PAGE = 50


def conversation_url(conversation_id: int) -> str:
    """The conversation's page (the inbox's own), where there is one."""
    try:
        return reverse("inbox_conversation", args=[conversation_id])
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class OverdueRow:
    conversation: Conversation
    waited: str
    overdue: str
    url: str


@login_required
@require_GET
def overdue_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    page = Paginator(overdue_for(request.user, now), OVERDUE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    entries: list[Overdue] = list(page.object_list)
    conversations = Conversation.objects.select_related(
        "channel", "channel__unit", "assignee"
    ).in_bulk([entry.conversation_id for entry in entries])
    rows = [
        OverdueRow(
            conversation=conversations[entry.conversation_id],
            waited=hours_text(entry.waited_s),
            overdue=hours_text(entry.overdue_s),
            url=conversation_url(entry.conversation_id),
        )
        for entry in entries
        if entry.conversation_id in conversations
    ]
    return render(request, "inbox/manage/overdue.html", {"page": page, "rows": rows})


COLUMNS = (
    "conversations",
    "received",
    "answered",
    "first_response_median",
    "first_response_average",
    "resolution_median",
    "resolution_average",
    "within_target_share",
)


def _hours(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 3600:.2f}"


def _cells(figures: Figures) -> list[object]:
    share = figures.within_target_share
    return [
        figures.conversations,
        figures.received,
        figures.answered,
        _hours(figures.first_response_median),
        _hours(figures.first_response_average),
        _hours(figures.resolution_median),
        _hours(figures.resolution_average),
        "" if share is None else f"{share * 100:.1f}",
    ]


def _header() -> list[str]:
    return [
        _("Row"),
        _("Unit"),
        _("Channel"),
        _("Platform"),
        _("Conversations"),
        _("Messages received"),
        _("Answered"),
        _("Median first answer (working hours)"),
        _("Average first answer (working hours)"),
        _("Median time to close (working hours)"),
        _("Average time to close (working hours)"),
        _("Answered within target (%)"),
    ]


@login_required
@require_GET
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = units_for(request.user, Capability.VIEW)
    if not units.exists():
        raise PermissionDenied
    asked = "unit" in request.GET
    form = PeriodForm(request.GET if asked else PeriodForm.default_initial(units), units=units)
    if asked and not form.is_valid() and "unit" in form.errors:
        raise Http404  # a unit the user may not see, or none
    if not form.is_valid():
        return render(request, "inbox/manage/report.html", {"form": form, "report": None})
    start, end = form.bounds()
    result = response_report(form.cleaned_data["unit"], start, end)
    if request.GET.get("download") == "csv":
        rows: list[list[object]] = []
        for row in result.units:
            rows.append([_("unit and below"), row.unit.name, "", "", *_cells(row.figures)])
            for channel_row in row.channels:
                channel = channel_row.channel
                rows.append(
                    [
                        _("channel"),
                        row.unit.name,
                        channel.name,
                        channel.get_platform_display(),
                        *_cells(channel_row.figures),
                    ]
                )
        for platform_row in result.platforms:
            rows.append(
                [
                    _("platform"),
                    result.root.name,
                    "",
                    platform_row.label,
                    *_cells(platform_row.figures),
                ]
            )
        days = f"{form.cleaned_data['from']:%Y%m%d}-{form.cleaned_data['to']:%Y%m%d}"
        return csv_response(f"inbox-report-{result.root.slug}-{days}.csv", _header(), rows)
    manage_ids = set(units_for(request.user, Capability.MANAGE).values_list("pk", flat=True))
    table: list[TableRow] = []
    for row in result.units:
        table.append(
            TableRow(
                kind="unit",
                name=row.unit.name,
                depth=row.depth,
                cells=_shown(row.figures),
                policy_url=reverse("inbox_policy", args=[row.unit.pk])
                if row.unit.pk in manage_ids
                else "",
            )
        )
        table.extend(
            TableRow(
                kind="channel",
                name=f"{channel_row.channel.name} ({channel_row.channel.get_platform_display()})",
                depth=row.depth + 1,
                cells=_shown(channel_row.figures),
            )
            for channel_row in row.channels
        )
    platforms = [
        TableRow(
            kind="platform", name=platform_row.label, depth=0, cells=_shown(platform_row.figures)
        )
        for platform_row in result.platforms
    ]
    query = request.GET.copy() if asked else None
    if query is None:
        query = QueryDict(mutable=True)
        query.update({key: str(value) for key, value in form.cleaned_data.items() if key != "unit"})
        query["unit"] = str(form.cleaned_data["unit"].pk)
    query["download"] = "csv"
    return render(
        request,
        "inbox/manage/report.html",
        {
            "form": form,
            "report": result,
            "table": table,
            "platforms": platforms,
            "total": _shown(result.total),
            "csv_query": query.urlencode(),
        },
    )


@dataclass(frozen=True)
class TableRow:
    kind: str
    name: str
    depth: int
    cells: list[str]
    policy_url: str = ""


def _shown(figures: Figures) -> list[str]:
    """The row's cells for people, in the order of COLUMNS."""
    return [
        str(figures.conversations),
        str(figures.received),
        str(figures.answered),
        hours_text(figures.first_response_median),
        hours_text(figures.first_response_average),
        hours_text(figures.resolution_median),
        hours_text(figures.resolution_average),
        share_text(figures.within_target_share),
    ]
