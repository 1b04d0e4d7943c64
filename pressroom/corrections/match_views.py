"""Buttons under a flagged message on the inbox's conversation page: answer it with the
correction (a person presses it; nothing is sent otherwise), or say it is not this claim.

Without JavaScript each button posts and comes back to the conversation; with htmx the
suggestion alone is replaced.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pressroom.core.errors import ActionError, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.corrections import actions
from pressroom.corrections.access import get_match_for
from pressroom.corrections.models import ClaimMatch
from pressroom.corrections.suggestions import may_answer, suggestions_by_message
from pressroom.inbox.models import Reply
from pressroom.orgs.models import Capability


def _back(request: AuthenticatedHttpRequest, match: ClaimMatch) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("inbox_conversation", args=[match.message.conversation_id])
    return redirect(target)


def _fragment(request: AuthenticatedHttpRequest, match: ClaimMatch) -> HttpResponse:
    """The message's suggestions again, as the conversation page shows them (for htmx)."""
    message = match.message
    return render(
        request,
        "corrections/suggestions.html",
        {
            "message": message,
            "suggestions": suggestions_by_message(message.conversation_id).get(message.pk, []),
            "may_answer": may_answer(request.user, message),
            "next": request.POST.get("next", ""),
        },
    )


@login_required
@require_POST
def correction_use(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    match, capabilities = get_match_for(request, match_id)
    chosen = request.POST.get("correction", "")
    correction = get_object_or_404(
        match.claim.corrections, pk=int(chosen) if chosen.isdigit() else 0
    )
    way = request.POST.get("way") or None
    if Capability.COMPOSE not in capabilities:
        messages.error(request, _("You may not answer for this unit."))
    elif way is not None and way not in Reply.Way.values:
        messages.error(request, _("This channel cannot be answered that way."))
    else:
        try:
            actions.use_correction(
                by=request.user, correction=correction, message=match.message, way=way
            )
        except ActionError as error:
            add_to_messages(request, error)
        else:
            messages.success(request, _("The correction is written as a reply."))
    if request.htmx:
        return _fragment(request, match)
    return _back(request, match)


@login_required
@require_POST
def match_dismiss(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    match, capabilities = get_match_for(request, match_id)
    if Capability.COMPOSE not in capabilities:
        messages.error(request, _("You may not answer for this unit."))
    else:
        actions.dismiss_match(by=request.user, match=match)
        messages.success(request, _("It is no longer offered for this message."))
    if request.htmx:
        return _fragment(request, match)
    return _back(request, match)
