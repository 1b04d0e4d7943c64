"""The connect pages: choose a platform, give consent on it (or type a bot token), choose the
accounts; reconnect and disconnect a channel. The work is in `pressroom.channels.connecting`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pressroom.channels.access import get_channel_for
from pressroom.channels.connecting import (
    connect_chosen,
    connect_with_form,
    disconnect_channel,
    found_accounts,
    receive_consent,
    sandbox_available,
    start_connect,
)
from pressroom.channels.forms import ConnectFieldsForm, ConnectTargetForm
from pressroom.channels.models import Channel, ConnectAttempt
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability, Unit
from pressroom.platforms.connecting import ConnectRefused
from pressroom.platforms.registry import DESCRIPTORS, connector_for, descriptor_for


def _managed_units(request: AuthenticatedHttpRequest) -> list[Unit]:
    return list(units_for(request.user, Capability.MANAGE).order_by("path"))


def _platform_or_404(platform: str) -> str:
    if platform not in DESCRIPTORS:
        raise Http404
    return platform


def _callback_uri(request: AuthenticatedHttpRequest, platform: str) -> str:
    return request.build_absolute_uri(reverse("connect_callback", args=[platform]))


@login_required
@require_GET
def connect_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The platforms a unit's channels can be on, each with its way of connecting."""
    units = _managed_units(request)
    if not units:
        messages.error(request, _("Only an administrator of a unit can connect its channels."))
        return redirect("channel_list")
    # The address may name the unit and where (links from elsewhere); a server with a training
    # sandbox offers it first.
    chosen = ConnectTargetForm(request.GET, units=units, sandbox=sandbox_available())
    unit = chosen.chosen_unit() if chosen.is_valid() else units[0]
    where = chosen.cleaned_data["where"] if chosen.is_valid() and request.GET.get("where") else ""
    form = ConnectTargetForm(
        initial={"unit": unit.pk, "where": where or ("sandbox" if sandbox_available() else "real")},
        units=units,
        sandbox=sandbox_available(),
    )
    platforms = [
        {
            "descriptor": descriptor,
            "connector": connector_for(name),
            "fields": ConnectFieldsForm(connector=connector_for(name)),
        }
        for name, descriptor in DESCRIPTORS.items()
    ]
    return render(
        request,
        "channels/connect.html",
        {
            "form": form,
            "unit": unit,
            "platforms": platforms,
            "sandbox": sandbox_available(),
        },
    )


@login_required
@require_POST
def connect_begin(request: AuthenticatedHttpRequest, platform: str) -> HttpResponse:
    """Send the person to the platform's consent page (or to the form, for Telegram)."""
    connector = connector_for(_platform_or_404(platform))
    reconnecting = None
    if request.POST.get("channel"):
        reconnecting, _capabilities = get_channel_for(request, int(request.POST["channel"]))
        if reconnecting.platform != platform:
            raise Http404
        unit, sandbox = reconnecting.unit, reconnecting.is_sandbox
    else:
        form = ConnectTargetForm(
            request.POST, units=_managed_units(request), sandbox=sandbox_available()
        )
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for e in form.errors.values()))
            return redirect("connect_page")
        unit, sandbox = form.chosen_unit(), form.cleaned_data["where"] == "sandbox"
    if not connector.uses_consent:
        query = f"?unit={unit.pk}&where={'sandbox' if sandbox else 'real'}"
        if reconnecting:
            query += f"&channel={reconnecting.pk}"
        return redirect(reverse("connect_form", args=[platform]) + query)
    fields = ConnectFieldsForm(request.POST, connector=connector)
    if not fields.is_valid():
        messages.error(request, " ".join(str(e) for e in fields.errors.values()))
        return redirect(reverse("connect_page") + f"?unit={unit.pk}")
    try:
        url = start_connect(
            user=request.user,
            unit=unit,
            platform=platform,
            sandbox=sandbox,
            redirect_uri=_callback_uri(request, platform),
            fields=fields.cleaned_data,
            channel=reconnecting,
        )
    except ConnectRefused as refusal:
        messages.error(request, refusal.message)
        if reconnecting:
            return redirect("channel_detail", channel_id=reconnecting.pk)
        return redirect(reverse("connect_page") + f"?unit={unit.pk}")
    # A page that moves on by itself, not a redirect: the form's page allows forms to post
    # to Pressroom only (CSP form-action), which a browser applies to redirects too.
    return render(
        request, "channels/connect_go.html", {"url": url, "platform": descriptor_for(platform)}
    )


@login_required
@require_GET
def connect_callback(request: AuthenticatedHttpRequest, platform: str) -> HttpResponse:
    """Where the platform sends the person back, with a code (or a refusal) and the state."""
    _platform_or_404(platform)
    try:
        attempt = receive_consent(
            user=request.user,
            platform=platform,
            query=request.GET.dict(),
            redirect_uri=_callback_uri(request, platform),
        )
    except ConnectRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("connect_page")
    return redirect("connect_choose", attempt_id=attempt.pk)


@login_required
@require_http_methods(["GET", "POST"])
def connect_choose(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    """The accounts the platform gave access to: the administrator picks those for the unit."""
    attempt = get_object_or_404(
        ConnectAttempt.objects.select_related("unit", "channel"), pk=attempt_id, user=request.user
    )
    if not attempt.is_open:
        messages.error(request, _("This connection has expired or was already used. Start again."))
        return redirect("connect_page")
    accounts = found_accounts(attempt)
    if request.method == "POST":
        try:
            channels = connect_chosen(
                user=request.user, attempt=attempt, chosen=request.POST.getlist("account")
            )
        except ConnectRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d channel connected to %(unit)s.",
                    "%(count)d channels connected to %(unit)s.",
                    len(channels),
                )
                % {"count": len(channels), "unit": attempt.unit.name},
            )
            if len(channels) == 1:
                return redirect("channel_detail", channel_id=channels[0].pk)
            return redirect("channel_list")
    return render(
        request,
        "channels/connect_choose.html",
        {
            "attempt": attempt,
            "accounts": accounts,
            "platform": descriptor_for(attempt.platform),
            "chosen": set(request.POST.getlist("account")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def connect_form(request: AuthenticatedHttpRequest, platform: str) -> HttpResponse:
    """A platform connected by typing what it gave (Telegram's bot token and channel)."""
    connector = connector_for(_platform_or_404(platform))
    if connector.uses_consent:
        raise Http404
    units = _managed_units(request)
    # The page's address names the unit and where; the form repeats them.
    source = {**request.GET.dict(), **request.POST.dict()}
    reconnecting: Channel | None = None
    if source.get("channel"):
        reconnecting, _capabilities = get_channel_for(request, int(source["channel"]))
    target = ConnectTargetForm(
        {
            "unit": reconnecting.unit_id if reconnecting else source.get("unit"),
            "where": ("sandbox" if reconnecting.is_sandbox else "real")
            if reconnecting
            else source.get("where") or "real",
        },
        units=units,
        sandbox=sandbox_available(),
    )
    if not units or not target.is_valid():
        messages.error(request, _("Only an administrator of the unit can connect its channels."))
        return redirect("channel_list")
    unit, sandbox = target.chosen_unit(), target.cleaned_data["where"] == "sandbox"
    form = ConnectFieldsForm(
        request.POST if request.method == "POST" else None, connector=connector
    )
    if request.method == "POST" and form.is_valid():
        try:
            channel = connect_with_form(
                user=request.user,
                unit=unit,
                platform=platform,
                sandbox=sandbox,
                fields=form.cleaned_data,
                channel=reconnecting,
            )
        except ConnectRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("%(channel)s is connected to %(unit)s.")
                % {"channel": channel.name, "unit": unit.name},
            )
            return redirect("channel_detail", channel_id=channel.pk)
    return render(
        request,
        "channels/connect_form.html",
        {
            "form": form,
            "unit": unit,
            "where": "sandbox" if sandbox else "real",
            "reconnecting": reconnecting,
            "platform": descriptor_for(platform),
            "steps": connector.steps,
            "sandbox_helper": (
                f"{settings.SANDBOX_URL.rstrip('/')}{connector.sandbox_helper}"
                if sandbox and connector.sandbox_helper
                else ""
            ),
        },
    )


@login_required
@require_POST
def channel_disconnect(request: AuthenticatedHttpRequest, channel_id: int) -> HttpResponse:
    channel, capabilities = get_channel_for(request, channel_id)
    if Capability.MANAGE not in capabilities:
        messages.error(request, _("Only an administrator of the unit can disconnect a channel."))
        return redirect("channel_detail", channel_id=channel.pk)
    if channel.status == Channel.Status.DISABLED:
        messages.info(request, _("This channel is already disconnected."))
        return redirect("channel_detail", channel_id=channel.pk)
    revoked = disconnect_channel(user=request.user, channel=channel)
    messages.success(
        request,
        _(
            "The channel is disconnected and its credentials are erased; the platform took "
            "back the access."
        )
        if revoked
        else _(
            "The channel is disconnected and its credentials are erased. %(platform)s offers no "
            "way to take the access back from here: remove Pressroom in the platform's settings "
            "if you no longer want it to have access."
        )
        % {"platform": descriptor_for(channel.platform).label},
    )
    return redirect("channel_detail", channel_id=channel.pk)
