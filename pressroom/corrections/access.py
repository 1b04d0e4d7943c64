"""Loading the correction desk's objects for a request: the object and what the user may do.

A claim is seen by the people of its unit and of every unit below it (as themes are); a
flagged message by the people who see its channel's unit. Anyone else gets 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from pressroom.content.catalogue import get_in_tree_for, visible_in_tree
from pressroom.corrections.models import Claim, ClaimMatch
from pressroom.orgs.access import AnyUser, capabilities_in
from pressroom.orgs.models import Capability


def visible_claims(user: AnyUser) -> QuerySet[Claim]:
    """Claims of the units the user may view and of every unit above them (inherited)."""
    return visible_in_tree(Claim.objects.all(), user)


def get_claim_for(request: HttpRequest, claim_id: int) -> tuple[Claim, set[str]]:
    """The claim and the user's capabilities in its unit; 404 unless the user sees it."""
    return get_in_tree_for(request, Claim.objects.all(), claim_id)


def get_match_for(request: HttpRequest, match_id: int) -> tuple[ClaimMatch, set[str]]:
    """The flagged message's match and the user's capabilities in its channel's unit; 404 for
    anyone who may not view that unit."""
    match = get_object_or_404(
        ClaimMatch.objects.select_related(
            "claim__unit", "message__conversation__channel__unit", "message__channel__unit"
        ),
        pk=match_id,
    )
    capabilities = set(capabilities_in(request.user, match.message.channel.unit))
    if Capability.VIEW not in capabilities:
        raise Http404
    return match, capabilities
