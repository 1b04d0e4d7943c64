"""Pages of a unit's inbox settings: response targets and working hours, saved replies."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pressroom.core.errors import ActionError, add_to_form, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.inbox import policies
from pressroom.inbox.hours import policy_for
from pressroom.inbox.manage_forms import WEEKDAYS, PolicyForm, SavedReplyForm
from pressroom.inbox.models import ResponsePolicy, SavedReply
from pressroom.inbox.saved_replies import delete_saved_reply, save_saved_reply, saved_replies_for
from pressroom.orgs.access import capabilities_in, get_unit_for, units_for
from pressroom.orgs.models import Capability, Unit

# Response targets


@login_required
@require_http_methods(["GET", "POST"])
def unit_policy(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    unit, capabilities = get_unit_for(request, unit_id)
    if Capability.MANAGE not in capabilities:
        raise PermissionDenied
    current = policy_for(unit)
    if request.method == "POST" and "inherit" in request.POST:
        try:
            policies.inherit_response_policy(by=request.user, unit=unit)
        except ActionError as error:
            add_to_messages(request, error)
        else:
            messages.success(
                request, _("%(unit)s follows the targets above it again.") % {"unit": unit}
            )
        return redirect("inbox_policy", unit_id=unit.pk)
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                policies.set_response_policy(by=request.user, unit=unit, **form.cleaned_data)
            except ActionError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request, _("The response targets of %(unit)s are saved.") % {"unit": unit}
                )
                return redirect("inbox_policy", unit_id=unit.pk)
    else:
        form = PolicyForm(initial=PolicyForm.initial_of(current))
    own = current.pk is not None and current.unit_id == unit.pk
    below = (
        ResponsePolicy.objects.filter(unit__path__startswith=unit.path)
        .exclude(unit=unit)
        .select_related("unit")
        .order_by("unit__path")
    )
    days = dict(WEEKDAYS)
    return render(
        request,
        "inbox/manage/policy.html",
        {
            "unit": unit,
            "form": form,
            "own": own,
            "inherited_from": current.unit if current.pk and not own else None,
            "current": current,
            "current_days": [days[day] for day in sorted(current.weekdays or [1, 2, 3, 4, 5])],
            "below": below,
        },
    )


# Saved replies


@dataclass(frozen=True)
class SavedReplyRow:
    item: SavedReply
    inherited: bool
    can_edit: bool


def _saved_reply_unit(request: AuthenticatedHttpRequest) -> Unit:
    """The unit asked for (?unit=), else the highest one the user writes replies for."""
    compose_units = units_for(request.user, Capability.COMPOSE).order_by("path")
    asked = request.GET.get("unit") or request.POST.get("unit")
    if asked:
        if not asked.isdigit():
            raise Http404
        return get_object_or_404(compose_units, pk=int(asked))
    unit = compose_units.first()
    if unit is None:
        raise PermissionDenied
    return unit


def _list_url(unit: Unit) -> str:
    return f"{reverse('inbox_saved_replies')}?unit={unit.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def saved_reply_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    unit = _saved_reply_unit(request)
    can_add = Capability.MANAGE in capabilities_in(request.user, unit)
    form = SavedReplyForm()
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        form = SavedReplyForm(request.POST)
        if form.is_valid():
            try:
                save_saved_reply(by=request.user, unit=unit, **form.cleaned_data)
            except ActionError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("The saved reply is added."))
                return redirect(_list_url(unit))
    manage_ids = set(units_for(request.user, Capability.MANAGE).values_list("pk", flat=True))
    rows = [
        SavedReplyRow(
            item=item, inherited=item.unit_id != unit.pk, can_edit=item.unit_id in manage_ids
        )
        for item in saved_replies_for(unit)
    ]
    return render(
        request,
        "inbox/manage/saved_replies.html",
        {
            "unit": unit,
            "units": [
                (choice.pk, "— " * choice.depth + choice.name)
                for choice in units_for(request.user, Capability.COMPOSE).order_by("path")
            ],
            "rows": rows,
            "form": form,
            "can_add": can_add,
        },
    )


def _get_saved_reply_to_change(
    request: AuthenticatedHttpRequest, saved_reply_id: int
) -> SavedReply:
    """The saved reply, for an administrator of its unit; 404 for anyone it is not offered to."""
    item = get_object_or_404(SavedReply.objects.select_related("unit"), pk=saved_reply_id)
    offered = units_for(request.user, Capability.COMPOSE).filter(Q(path__startswith=item.unit.path))
    if not offered.exists():
        raise Http404
    if Capability.MANAGE not in capabilities_in(request.user, item.unit):
        raise PermissionDenied
    return item


@login_required
@require_http_methods(["GET", "POST"])
def saved_reply_edit(request: AuthenticatedHttpRequest, saved_reply_id: int) -> HttpResponse:
    item = _get_saved_reply_to_change(request, saved_reply_id)
    if request.method == "POST":
        form = SavedReplyForm(request.POST)
        if form.is_valid():
            try:
                save_saved_reply(
                    by=request.user, unit=item.unit, saved_reply=item, **form.cleaned_data
                )
            except ActionError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("The saved reply is changed."))
                return redirect(_list_url(item.unit))
    else:
        form = SavedReplyForm(initial={"title": item.title, "text": item.text})
    return render(request, "inbox/manage/saved_reply_form.html", {"item": item, "form": form})


@login_required
@require_POST
def saved_reply_delete(request: AuthenticatedHttpRequest, saved_reply_id: int) -> HttpResponse:
    item = _get_saved_reply_to_change(request, saved_reply_id)
    unit = item.unit
    try:
        delete_saved_reply(by=request.user, saved_reply=item)
    except ActionError as error:
        add_to_messages(request, error)
    else:
        messages.success(request, _("The saved reply is deleted."))
    return redirect(_list_url(unit))
