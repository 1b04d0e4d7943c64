"""Pages of the content packs: those sent to the person's units and by them, sending one, a
pack's page (its content, adoption per unit, a reminder to those that have not)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pressroom.content import packs
from pressroom.content.pack_forms import PackForm
from pressroom.core.errors import ActionError, add_to_form, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.orgs.access import capabilities_in, units_for
from pressroom.orgs.models import Capability

PER_PAGE = 25


@login_required
@require_GET
def pack_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    visible = packs.visible_packs(request.user).prefetch_related("units")
    page = Paginator(visible.order_by("-starts_on", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    own = set(units_for(request.user, Capability.VIEW).values_list("pk", flat=True))
    rows = []
    for pack in page.object_list:
        adoption = packs.adoption_of(pack)
        mine = [row for row in adoption if row.unit.pk in own]
        rows.append(
            {
                "pack": pack,
                "sent_by_us": pack.unit_id in own,
                "counts": packs.counts_of(adoption),
                "total": len(adoption),
                "mine": mine,
            }
        )
    return render(
        request,
        "content/pack_list.html",
        {
            "page": page,
            "rows": rows,
            "can_send": units_for(request.user, Capability.APPROVE).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pack_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = units_for(request.user, Capability.APPROVE)
    if not units.exists():
        messages.error(request, _("Only an approver can send content packs."))
        return redirect("pack_list")
    form = PackForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid():
            try:
                pack = packs.send_pack(by=request.user, **form.send_arguments())
            except ActionError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("The pack “%(title)s” is sent to %(count)d units.")
                    % {"title": pack.title, "count": pack.units.count()},
                )
                return redirect("pack_detail", pack_id=pack.pk)
        messages.error(request, _("The pack was not sent. Correct what is marked below."))
    return render(request, "content/pack_form.html", {"form": form})


@login_required
@require_GET
def pack_detail(request: AuthenticatedHttpRequest, pack_id: int) -> HttpResponse:
    pack = get_object_or_404(packs.visible_packs(request.user), pk=pack_id)
    adoption = packs.adoption_of(pack)
    compose = set(units_for(request.user, Capability.COMPOSE).values_list("pk", flat=True))
    view = set(units_for(request.user, Capability.VIEW).values_list("pk", flat=True))
    sender = Capability.VIEW in capabilities_in(request.user, pack.unit)
    if not sender:
        # A receiving unit sees its own row only, not how the others are doing.
        adoption = [row for row in adoption if row.unit.pk in view]
    return render(
        request,
        "content/pack_detail.html",
        {
            "pack": pack,
            "adoption": adoption,
            "counts": packs.counts_of(adoption),
            "sender": sender,
            "can_remind": Capability.APPROVE in capabilities_in(request.user, pack.unit),
            "adopt_units": [row for row in adoption if row.unit.pk in compose],
            "visible_posts": view,
            "assets": pack.assets.select_related("unit"),
            "variants": sorted(pack.variants.items()),
        },
    )


@login_required
@require_POST
def pack_remind(request: AuthenticatedHttpRequest, pack_id: int) -> HttpResponse:
    pack = get_object_or_404(packs.visible_packs(request.user), pk=pack_id)
    try:
        reminded = packs.remind_units(pack=pack, by=request.user)
    except ActionError as error:
        add_to_messages(request, error)
    else:
        messages.success(
            request,
            _("%(count)d units that have not used the pack yet are reminded.")
            % {"count": len(reminded)},
        )
    return redirect("pack_detail", pack_id=pack.pk)
