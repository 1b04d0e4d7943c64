"""Pages of emergency alerts (list, composer, confirm/cancel, live board), their templates,
and the two-factor set-up that confirming asks for."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pressroom.content.actions import problems_of
from pressroom.content.catalogue import catalogue_rows
from pressroom.core.errors import ActionError, add_to_form, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.emergency import actions, two_factor
from pressroom.emergency.access import get_alert_for, get_template_for, visible_alerts
from pressroom.emergency.access import visible_templates as visible_template_list
from pressroom.emergency.board import board_of
from pressroom.emergency.forms import AlertForm, CancelForm, CodeForm, ConfirmForm, TemplateForm
from pressroom.emergency.models import EmergencyAlert
from pressroom.emergency.templating import labels_as_lines
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability, Unit

ALERTS_PER_PAGE = 25


# Alerts list


@login_required
@require_GET
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    alerts = (
        visible_alerts(request.user)
        .select_related("unit", "post", "composed_by", "confirmed_by", "cancelled_by")
        .order_by("-composed_at", "-id")
    )
    page = Paginator(alerts, ALERTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "emergency/alert_list.html",
        {
            "page": page,
            "can_compose": units_for(request.user, Capability.COMPOSE).exists(),
            "two_factor_on": two_factor.has_two_factor(request.user),
        },
    )


# Composer


def _top_unit(units: list[Unit]) -> Unit:
    """The highest unit the user composes for: the default issuing unit."""
    return min(units, key=lambda unit: (unit.depth, unit.path))


def _initial_from(data: QueryDict, compose_units: list[Unit]) -> dict[str, Any]:
    """What to show first: what was typed so far, else the whole subtree of the top unit."""
    initial: dict[str, Any] = {key: data.get(key) for key in data if key != "units"}
    if "units" in data:
        initial["units"] = data.getlist("units")
    if not initial.get("unit"):
        initial["unit"] = _top_unit(compose_units).pk
    if "units" not in initial:
        issuing = next((u for u in compose_units if str(u.pk) == str(initial["unit"])), None)
        issuing = issuing or _top_unit(compose_units)
        initial["units"] = [
            str(unit.pk) for unit in compose_units if unit.path.startswith(issuing.path)
        ]
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def alert_compose(request: AuthenticatedHttpRequest) -> HttpResponse:
    compose_units = units_for(request.user, Capability.COMPOSE)
    unit_list = list(compose_units.order_by("path"))
    if not unit_list:
        messages.error(request, _("You may not compose alerts in any unit."))
        return redirect("emergency_list")
    if request.method == "POST" and request.POST.get("step") != "template":
        form = AlertForm(request.POST, compose_units=compose_units)
        if form.is_valid():
            try:
                alert = actions.compose_alert(by=request.user, **form.compose_arguments())
            except ActionError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The alert is saved. A second person with approval rights must confirm "
                        "it; nothing is sent before that."
                    ),
                )
                return redirect("emergency_detail", alert_id=alert.pk)
        messages.error(request, _("The alert was not saved. Correct what is marked below."))
    else:
        # A first visit, a template chosen (htmx sends the form and takes the template's
        # fields), or the no-JavaScript "show the template's fields" button: show the form as
        # typed, without errors.
        data = request.POST if request.method == "POST" else request.GET
        form = AlertForm(initial=_initial_from(data, unit_list), compose_units=compose_units)
        if request.htmx:
            return render(request, "emergency/alert_form.html#template_fields", {"form": form})
    return render(request, "emergency/alert_form.html", {"form": form})


# The alert page: confirm or cancel


def _render_alert(
    request: HttpRequest,
    alert: EmergencyAlert,
    capabilities: set[str],
    *,
    confirm_form: ConfirmForm | None = None,
    cancel_form: CancelForm | None = None,
) -> HttpResponse:
    own = alert.composed_by_id == request.user.pk
    needs_code = two_factor.has_two_factor(request.user)
    channels = list(alert.post.channels.select_related("unit").order_by("unit__path", "platform"))
    context = {
        "alert": alert,
        "own": own,
        "can_confirm": alert.is_waiting and not own and Capability.APPROVE in capabilities,
        "can_cancel": alert.is_waiting and (own or Capability.APPROVE in capabilities),
        "needs_code": needs_code,
        "confirm_form": confirm_form or ConfirmForm(needs_code=needs_code),
        "cancel_form": cancel_form or CancelForm(),
        "channels": channels,
        "units": list(alert.units.order_by("path")),
        "problems": problems_of(alert.post) if alert.is_waiting else [],
    }
    return render(request, "emergency/alert_detail.html", context)


@login_required
@require_GET
def alert_detail(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    alert, capabilities = get_alert_for(request, alert_id)
    return _render_alert(request, alert, capabilities)


@login_required
@require_POST
def alert_confirm(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    alert, capabilities = get_alert_for(request, alert_id)
    if Capability.APPROVE not in capabilities:
        messages.error(
            request,
            _("Only an approver of %(unit)s can confirm this alert.") % {"unit": alert.unit},
        )
        return redirect("emergency_detail", alert_id=alert.pk)
    form = ConfirmForm(request.POST, needs_code=two_factor.has_two_factor(request.user))
    if form.is_valid():
        try:
            actions.confirm_alert(
                alert=alert,
                by=request.user,
                code=form.cleaned_data.get("code", ""),
                password=form.cleaned_data.get("password", ""),
            )
        except ActionError as error:
            messages.error(request, _("The alert was not confirmed; nothing was sent."))
            # Shown at the top of the page: the form is not shown to everyone who may post it.
            add_to_messages(request, error)
        else:
            messages.success(request, _("Confirmed. The alert is going out on every channel now."))
            return redirect("emergency_board", alert_id=alert.pk)
    else:
        messages.error(request, _("The alert was not confirmed; nothing was sent."))
    alert.refresh_from_db()
    return _render_alert(request, alert, capabilities, confirm_form=form)


@login_required
@require_POST
def alert_cancel(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    alert, capabilities = get_alert_for(request, alert_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            actions.cancel_alert(alert=alert, by=request.user, reason=form.cleaned_data["reason"])
        except ActionError as error:
            messages.error(request, _("The alert was not cancelled."))
            add_to_messages(request, error)
        else:
            messages.success(request, _("The alert is cancelled; nothing was sent."))
            return redirect("emergency_detail", alert_id=alert.pk)
    else:
        messages.error(request, _("The alert was not cancelled."))
    alert.refresh_from_db()
    return _render_alert(request, alert, capabilities, cancel_form=form)


# The live board


@login_required
@require_GET
def alert_board(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    """Every channel of the alert as it happens; htmx polls the board part every second."""
    alert, _capabilities = get_alert_for(request, alert_id)
    context = {"alert": alert, "board": board_of(alert)}
    if request.htmx:
        return render(request, "emergency/alert_board.html#board", context)
    return render(request, "emergency/alert_board.html", context)


# Templates


@login_required
@require_GET
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    templates = visible_template_list(request.user).order_by(
        "unit__path", "-is_active", "hazard", "title"
    )
    rows, can_create = catalogue_rows(templates, request.user)
    return render(
        request,
        "emergency/template_list.html",
        {"rows": rows, "can_create": can_create},
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = units_for(request.user, Capability.MANAGE)
    if not units.exists():
        messages.error(request, _("Only a unit administrator can create alert templates."))
        return redirect("emergency_template_list")
    form = TemplateForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                template = actions.save_template(
                    by=request.user,
                    unit=data["unit"],
                    hazard=data["hazard"],
                    title=data["title"],
                    text=data["text"],
                    labels=data["labels"],
                    is_active=data["is_active"],
                )
            except ActionError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request, _("Template “%(title)s” is created.") % {"title": template}
                )
                return redirect("emergency_template_list")
        messages.error(request, _("The template was not saved. Correct what is marked below."))
    return render(request, "emergency/template_form.html", {"form": form, "template": None})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: AuthenticatedHttpRequest, template_id: int) -> HttpResponse:
    template, capabilities = get_template_for(request, template_id)
    if Capability.MANAGE not in capabilities:
        messages.error(
            request,
            _("Only an administrator of %(unit)s can change this template.")
            % {"unit": template.unit},
        )
        return redirect("emergency_template_list")
    initial = {
        "unit": template.unit,
        "hazard": template.hazard,
        "title": template.title,
        "text": template.text,
        "labels": labels_as_lines(template.field_labels),
        "is_active": template.is_active,
    }
    form = TemplateForm(
        request.POST or None, units=Unit.objects.filter(pk=template.unit_id), initial=initial
    )
    form.fields["unit"].disabled = True
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.save_template(
                    by=request.user,
                    unit=template.unit,
                    template=template,
                    hazard=data["hazard"],
                    title=data["title"],
                    text=data["text"],
                    labels=data["labels"],
                    is_active=data["is_active"],
                )
            except ActionError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Template “%(title)s” is saved.") % {"title": template})
                return redirect("emergency_template_list")
        messages.error(request, _("The template was not saved. Correct what is marked below."))
    return render(request, "emergency/template_form.html", {"form": form, "template": template})


# Two-factor set-up


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turn two-factor on (secret, then one code to prove it works) or off (a current code)."""
    user = request.user
    form = CodeForm()
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "start":
                two_factor.start_two_factor(user=user)
                return redirect("two_factor")
            form = CodeForm(request.POST)
            if form.is_valid():
                code = form.cleaned_data["code"]
                if step == "activate":
                    two_factor.activate_two_factor(user=user, code=code)
                    messages.success(
                        request,
                        _("Two-factor sign-in is on. Confirming an alert now asks for a code."),
                    )
                    return redirect("two_factor")
                if step == "off":
                    two_factor.turn_off_two_factor(user=user, code=code)
                    messages.success(request, _("Two-factor sign-in is off."))
                    return redirect("two_factor")
        except ActionError as error:
            add_to_form(form, error)
    is_on = two_factor.has_two_factor(user)
    device = None if is_on else two_factor.pending_device(user)
    context: dict[str, Any] = {"form": form, "is_on": is_on, "device": device}
    if device is not None:
        context.update(
            secret=two_factor.secret_of(device),
            uri=two_factor.provisioning_uri(device),
            qr=two_factor.qr_data_uri(device),
        )
    return render(request, "emergency/two_factor.html", context)
