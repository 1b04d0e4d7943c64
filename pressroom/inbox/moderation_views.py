"""The public moderation policy, and the moderation log of a unit's channels for its
administrators (with its export)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.inbox.csv_files import csv_response
from pressroom.inbox.manage_forms import PeriodForm
from pressroom.inbox.models import ModerationAction, ModerationReason
from pressroom.inbox.moderation_log import export_moderation_log, moderation_log, who_did
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability

LOG_PER_PAGE = 50


@require_GET
def moderation_policy(request: HttpRequest) -> HttpResponse:
    """What the administration's channels hide or delete, and why: for anyone, signed in or not."""
    return render(
        request, "inbox/manage/moderation_policy.html", {"reasons": ModerationReason.choices}
    )


@login_required
@require_GET
def moderation_log_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = units_for(request.user, Capability.MANAGE)
    if not units.exists():
        raise PermissionDenied
    asked = "unit" in request.GET
    form = PeriodForm(request.GET if asked else PeriodForm.default_initial(units), units=units)
    if asked and not form.is_valid() and "unit" in form.errors:
        raise Http404  # a unit the user may not see, or none
    if not form.is_valid():
        return render(request, "inbox/manage/moderation_log.html", {"form": form, "page": None})
    root = form.cleaned_data["unit"]
    start, end = form.bounds()
    if request.GET.get("download") == "csv":
        header, cells = export_moderation_log(by=request.user, root=root, start=start, end=end)
        days = f"{form.cleaned_data['from']:%Y%m%d}-{form.cleaned_data['to']:%Y%m%d}"
        return csv_response(f"moderation-log-{root.slug}-{days}.csv", header, cells)
    page = Paginator(moderation_log(root, start, end), LOG_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = QueryDict(mutable=True)
    query.update(
        {
            "unit": str(root.pk),
            "from": form.cleaned_data["from"].isoformat(),
            "to": form.cleaned_data["to"].isoformat(),
        }
    )
    rows: list[tuple[ModerationAction, str]] = [
        (action, who_did(action)) for action in page.object_list
    ]
    return render(
        request,
        "inbox/manage/moderation_log.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )
