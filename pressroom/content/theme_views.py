"""Pages of the editorial themes: the list (with those inherited from above), create, edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pressroom.content import actions
from pressroom.content.access import get_theme_for, visible_themes
from pressroom.content.catalogue import catalogue_rows
from pressroom.content.forms import ThemeForm
from pressroom.core.errors import ActionError, add_to_form
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability, Unit


@login_required
@require_GET
def theme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    themes = visible_themes(request.user).order_by("unit__path", "-is_active", "-starts_on")
    rows, can_create = catalogue_rows(themes, request.user)
    return render(
        request,
        "content/theme_list.html",
        {"rows": rows, "can_create": can_create},
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = units_for(request.user, Capability.MANAGE)
    if not units.exists():
        messages.error(request, _("Only a unit administrator can create themes."))
        return redirect("theme_list")
    form = ThemeForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid():
            try:
                theme = actions.save_theme(
                    by=request.user, unit=form.cleaned_data["unit"], **form.save_arguments()
                )
            except ActionError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Theme “%(name)s” is created.") % {"name": theme})
                return redirect("theme_list")
        messages.error(request, _("The theme was not saved. Correct what is marked below."))
    return render(request, "content/theme_form.html", {"form": form, "theme": None})


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request: AuthenticatedHttpRequest, theme_id: int) -> HttpResponse:
    theme, capabilities = get_theme_for(request, theme_id)
    if Capability.MANAGE not in capabilities:
        messages.error(
            request,
            _("Only an administrator of %(unit)s can change this theme.") % {"unit": theme.unit},
        )
        return redirect("theme_list")
    units = Unit.objects.filter(pk=theme.unit_id)
    initial = {
        "unit": theme.unit,
        "name": theme.name,
        "description": theme.description,
        "starts_on": theme.starts_on,
        "ends_on": theme.ends_on,
        "is_active": theme.is_active,
    }
    form = ThemeForm(request.POST or None, units=units, initial=initial)
    form.fields["unit"].disabled = True
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.save_theme(
                    by=request.user, unit=theme.unit, theme=theme, **form.save_arguments()
                )
            except ActionError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Theme “%(name)s” is saved.") % {"name": theme})
                return redirect("theme_list")
        messages.error(request, _("The theme was not saved. Correct what is marked below."))
    return render(request, "content/theme_form.html", {"form": form, "theme": theme})
