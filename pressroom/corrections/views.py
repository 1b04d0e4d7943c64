"""Pages of the correction desk: the claims, a claim's page, registering and changing a claim,
preparing its correction, its evidence documents.

Answering a flagged message and dismissing a match are in match_views.py.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pressroom.core.errors import ActionError, add_to_form
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.corrections import actions
from pressroom.corrections.access import get_claim_for, visible_claims
from pressroom.corrections.evidence import PDF
from pressroom.corrections.forms import ClaimFilterForm, ClaimForm, CorrectionForm, filter_claims
from pressroom.corrections.matching import match_recent
from pressroom.corrections.models import Claim, CorrectionUse
from pressroom.corrections.reach import (
    NOT_ANSWERED,
    published_deliveries,
    reach_of,
    threads_answered,
)
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability, Unit

CLAIMS_PER_PAGE = 25
MATCHES_SHOWN = 100


@login_required
@require_GET
def claim_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ClaimFilterForm(request.GET or None, units=units_for(request.user, Capability.VIEW))
    claims = visible_claims(request.user)
    if form.is_valid():
        claims = filter_claims(claims, form.cleaned_data)
    claims = claims.annotate(
        flagged=Count("matches", filter=Q(matches__dismissed=False), distinct=True),
        correction_count=Count("corrections", distinct=True),
    )
    page = Paginator(claims.order_by("-created_at", "-id"), CLAIMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    own = set(units_for(request.user, Capability.VIEW).values_list("pk", flat=True))
    return render(
        request,
        "corrections/claim_list.html",
        {
            "form": form,
            "page": page,
            "own_units": own,
            "can_register": units_for(request.user, Capability.COMPOSE).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = units_for(request.user, Capability.COMPOSE)
    if not units.exists():
        messages.error(request, _("You may not register claims in any unit."))
        return redirect("claim_list")
    initial = {"unit": units.first()} if units.count() == 1 else {}
    form = ClaimForm(request.POST or None, request.FILES or None, units=units, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                claim = actions.register_claim(by=request.user, **form.save_arguments())
            except ActionError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("The claim is registered; messages that repeat it are flagged in the inbox."),
                )
                return redirect("claim_detail", claim_id=claim.pk)
        messages.error(request, _("The claim was not saved. Correct what is marked below."))
    return render(request, "corrections/claim_form.html", {"form": form, "claim": None})


@login_required
@require_http_methods(["GET", "POST"])
def claim_edit(request: AuthenticatedHttpRequest, claim_id: int) -> HttpResponse:
    claim, capabilities = get_claim_for(request, claim_id)
    if Capability.COMPOSE not in capabilities:
        messages.error(
            request, _("Only an editor of %(unit)s can change this claim.") % {"unit": claim.unit}
        )
        return redirect("claim_detail", claim_id=claim.pk)
    form = ClaimForm(
        request.POST or None,
        request.FILES or None,
        units=Unit.objects.filter(pk=claim.unit_id),
        claim=claim,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.edit_claim(by=request.user, claim=claim, **form.save_arguments())
            except ActionError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("The claim is saved."))
                return redirect("claim_detail", claim_id=claim.pk)
        messages.error(request, _("The claim was not saved. Correct what is marked below."))
    return render(request, "corrections/claim_form.html", {"form": form, "claim": claim})


def _correction_units(request: AuthenticatedHttpRequest, claim: Claim) -> QuerySet[Unit]:
    """Where the user may publish this claim's correction: the claim's unit or one below."""
    return units_for(request.user, Capability.COMPOSE).filter(path__startswith=claim.unit.path)


@login_required
@require_GET
def claim_detail(request: AuthenticatedHttpRequest, claim_id: int) -> HttpResponse:
    claim, capabilities = get_claim_for(request, claim_id)
    corrections = list(claim.corrections.select_related("post", "post__unit", "created_by"))
    rows = [
        {
            "correction": correction,
            "deliveries": published_deliveries(correction),
            "reach": reach_of(correction),
        }
        for correction in corrections
    ]
    matches = (
        claim.matches.filter(dismissed=False)
        .select_related("message__conversation__channel")
        .order_by("-created_at", "-id")
    )
    visible_units = units_for(request.user, Capability.VIEW)
    # Only the messages of channels the user sees: a province's claim is matched in every
    # district, each district sees its own.
    shown = matches.filter(message__channel__unit__in=visible_units)
    answered = set(
        CorrectionUse.objects.filter(correction__claim=claim)
        .exclude(reply__state__in=NOT_ANSWERED)
        .values_list("reply__in_reply_to_id", flat=True)
    )
    return render(
        request,
        "corrections/claim_detail.html",
        {
            "claim": claim,
            "can_edit": Capability.COMPOSE in capabilities,
            "can_correct": _correction_units(request, claim).exists(),
            "documents": list(claim.documents.all()),
            "rows": rows,
            "matches": list(shown[:MATCHES_SHOWN]),
            "match_count": shown.count(),
            "dismissed_count": claim.matches.filter(
                dismissed=True, message__channel__unit__in=visible_units
            ).count(),
            "answered_messages": answered,
            "threads_answered": threads_answered(corrections),
            "match_days": settings.CORRECTIONS_MATCH_DAYS,
        },
    )


@login_required
@require_GET
def claim_document(
    request: AuthenticatedHttpRequest, claim_id: int, document_id: int
) -> FileResponse:
    """An evidence document, only for the people who see the claim (it is not public)."""
    claim, _capabilities = get_claim_for(request, claim_id)
    document = get_object_or_404(claim.documents, pk=document_id)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        # A PDF is downloaded, never shown inside the site.
        as_attachment=document.content_type == PDF,
        filename=document.name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def claim_match(request: AuthenticatedHttpRequest, claim_id: int) -> HttpResponse:
    """Match the claim again over the last days' messages (after its wordings changed)."""
    claim, capabilities = get_claim_for(request, claim_id)
    if Capability.COMPOSE not in capabilities:
        messages.error(request, _("Only an editor of %(unit)s can do this.") % {"unit": claim.unit})
        return redirect("claim_detail", claim_id=claim.pk)
    before = claim.matches.count()
    match_recent(claim=claim)
    found = claim.matches.count() - before
    if found:
        messages.success(
            request,
            ngettext("%(count)d more message flagged.", "%(count)d more messages flagged.", found)
            % {"count": found},
        )
    else:
        messages.success(request, _("No other message repeats it."))
    return redirect("claim_detail", claim_id=claim.pk)


def _correction_initial(claim: Claim, units: QuerySet[Unit]) -> dict[str, Any]:
    unit = units.filter(pk=claim.unit_id).first() or units.first()
    statement = Truncator(claim.statement).chars(150)
    facts = claim.evidence or _("The facts: …")
    return {
        "unit": unit,
        "title": _("Correction: %(statement)s") % {"statement": statement},
        "body": _("Information going around says: “%(statement)s”. This is not true.")
        % {"statement": claim.statement}
        + "\n\n"
        + facts,
        "suggested_reply": _("This information is not true. %(unit)s has published the facts:")
        % {"unit": unit or claim.unit},
    }


@login_required
@require_http_methods(["GET", "POST"])
def correction_create(request: AuthenticatedHttpRequest, claim_id: int) -> HttpResponse:
    claim, _capabilities = get_claim_for(request, claim_id)
    units = _correction_units(request, claim)
    if not units.exists():
        messages.error(
            request,
            _("Only an editor of %(unit)s or of a unit below it can correct this claim.")
            % {"unit": claim.unit},
        )
        return redirect("claim_detail", claim_id=claim.pk)
    form = CorrectionForm(
        request.POST or None, units=units, initial=_correction_initial(claim, units)
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                correction = actions.prepare_correction(
                    by=request.user, claim=claim, **form.save_arguments()
                )
            except ActionError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The correction is a draft post: send it for review so that it is "
                        "approved and published like any post."
                    ),
                )
                return redirect("post_detail", post_id=correction.post_id)
        messages.error(request, _("The correction was not saved. Correct what is marked below."))
    return render(request, "corrections/correction_form.html", {"form": form, "claim": claim})
