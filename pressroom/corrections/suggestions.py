"""What the inbox's conversation page offers under a flagged message: the claim it seems to
repeat, the correction's reply ready to send, and whether it was already answered with it.

A person decides: nothing here sends anything.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pressroom.corrections.models import MATCHED_STATUSES, ClaimMatch, Correction, CorrectionUse
from pressroom.corrections.reach import NOT_ANSWERED, link_for, with_link
from pressroom.inbox.models import Conversation, Message
from pressroom.orgs.access import AnyUser, capabilities_in
from pressroom.orgs.models import Capability


@dataclass(frozen=True)
class Suggestion:
    match: ClaimMatch
    # The newest correction of the claim (None while none is prepared).
    correction: Correction | None
    # The reply as it would be sent on this channel (with the link when published).
    text: str
    published: bool
    # The message was answered with a correction of this claim already.
    answered: bool


def _conversation_matches(conversation_id: int) -> dict[int, list[ClaimMatch]]:
    matches = (
        ClaimMatch.objects.filter(
            message__conversation_id=conversation_id,
            message__erased_at__isnull=True,
            dismissed=False,
            claim__status__in=MATCHED_STATUSES,
        )
        .select_related("claim__unit")
        .order_by("-score", "id")
    )
    found: dict[int, list[ClaimMatch]] = defaultdict(list)
    for match in matches:
        found[match.message_id].append(match)
    return found


def suggestions_by_message(conversation_id: int) -> dict[int, list[Suggestion]]:
    """Every flagged message of a conversation with its suggestions, in a few queries (the
    conversation page asks once, then per message from what this returns)."""
    matches = _conversation_matches(conversation_id)
    if not matches:
        return {}
    claim_ids = {match.claim_id for found in matches.values() for match in found}
    newest: dict[int, Correction] = {}
    for correction in Correction.objects.filter(claim_id__in=claim_ids).order_by("created_at"):
        newest[correction.claim_id] = correction
    answered = set(
        CorrectionUse.objects.filter(reply__conversation_id=conversation_id)
        .exclude(reply__state__in=NOT_ANSWERED)
        .values_list("reply__in_reply_to_id", "correction__claim_id")
    )
    channel = Conversation.objects.select_related("channel").get(pk=conversation_id).channel
    links = {claim_id: link_for(correction, channel) for claim_id, correction in newest.items()}
    return {
        message_id: [
            Suggestion(
                match=match,
                correction=newest.get(match.claim_id),
                text=with_link(newest[match.claim_id].suggested_reply, links[match.claim_id])
                if match.claim_id in newest
                else "",
                published=bool(links.get(match.claim_id)),
                answered=(message_id, match.claim_id) in answered,
            )
            for match in found
        ]
        for message_id, found in matches.items()
    }


def may_answer(user: AnyUser, message: Message) -> bool:
    return Capability.COMPOSE in capabilities_in(user, message.channel.unit)
