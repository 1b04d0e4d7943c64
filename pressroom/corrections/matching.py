"""Finding citizens' messages that repeat a false claim: Vietnamese-aware fuzzy matching.

Both sides are folded the same way (`core.text.fold`: NFC, casefold, no diacritics, đ → d,
letters and digits only) so that "căn cước" written without its marks still matches; then rapidfuzz
scores each of the claim's phrases against the message. A match only flags the message for a
person to look at: nothing is answered, hidden or sent from here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from rapidfuzz import fuzz

from pressroom.core.text import fold
from pressroom.corrections.models import MATCHED_STATUSES, Claim, ClaimMatch
from pressroom.inbox.models import Message

logger = logging.getLogger(__name__)

# A message much shorter than a phrase is compared whole: a few of the claim's words ("căn
# cước") are not the claim, though every one of them is in it.
MIN_COVERAGE = 0.7


def phrase_score(phrase: str, message: str) -> float:
    """How closely a normalised message repeats a normalised phrase, from 0 to 100."""
    if not phrase or not message:
        return 0.0
    if len(message) < MIN_COVERAGE * len(phrase):
        return float(fuzz.token_sort_ratio(phrase, message))
    return float(max(fuzz.token_set_ratio(phrase, message), fuzz.partial_ratio(phrase, message)))


def normalised_phrases(phrases: Iterable[str]) -> list[str]:
    return [text for text in (fold(phrase) for phrase in phrases) if text]


def similarity(phrases: Sequence[str], text: str) -> float:
    """The best score, 0 to 100, of a message's text against any of a claim's phrases (both as
    written: they are normalised here)."""
    message = fold(text)
    return max(
        (phrase_score(phrase, message) for phrase in normalised_phrases(phrases)), default=0.0
    )


def threshold() -> float:
    return float(settings.CORRECTIONS_MATCH_THRESHOLD)


@dataclass(frozen=True)
class _Candidate:
    claim: Claim
    phrases: tuple[str, ...]
    # The claim's unit's path: the channels of every unit under it are matched.
    path: str


def _candidates(claims: Iterable[Claim]) -> list[_Candidate]:
    return [
        _Candidate(
            claim=claim, phrases=tuple(normalised_phrases(claim.phrases())), path=claim.unit.path
        )
        for claim in claims
    ]


def _matchable(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.filter(
        direction=Message.Direction.IN, erased_at__isnull=True, removed=False
    ).exclude(text="")


def _store(found: list[ClaimMatch]) -> int:
    if not found:
        return 0
    ClaimMatch.objects.bulk_create(found, ignore_conflicts=True)
    return len(found)


def match_messages(message_ids: Iterable[int]) -> int:
    """Flag the given messages against the open and corrected claims of their channel's unit
    and of every unit above it (claims are inherited down the tree). Returns how many
    (message, claim) pairs scored at least the threshold; pairs already flagged stay as they
    are (a dismissed one is not flagged again)."""
    messages = list(
        _matchable(Message.objects.filter(pk__in=list(message_ids))).select_related("channel__unit")
    )
    if not messages:
        return 0
    ancestor_ids: set[int] = set()
    for message in messages:
        ancestor_ids.update(message.channel.unit.ancestor_ids())
    candidates = _candidates(
        Claim.objects.filter(unit_id__in=ancestor_ids, status__in=MATCHED_STATUSES).select_related(
            "unit"
        )
    )
    limit = threshold()
    found: list[ClaimMatch] = []
    for message in messages:
        unit_path = message.channel.unit.path
        text = fold(message.text)
        for candidate in candidates:
            if not unit_path.startswith(candidate.path):
                continue
            value = max((phrase_score(phrase, text) for phrase in candidate.phrases), default=0.0)
            if value >= limit:
                found.append(ClaimMatch(message=message, claim=candidate.claim, score=value))
    return _store(found)


def match_recent(*, claim: Claim, days: int | None = None) -> int:
    """Flag the messages of the last `days` days (CORRECTIONS_MATCH_DAYS by default) on the
    channels of the claim's unit and of every unit below it. Returns how many scored at least
    the threshold (including those flagged before)."""
    if claim.status not in MATCHED_STATUSES:
        return 0
    since = timezone.now() - timedelta(days=days or settings.CORRECTIONS_MATCH_DAYS)
    messages = _matchable(
        Message.objects.filter(channel__unit__path__startswith=claim.unit.path, at__gte=since)
    ).only("pk", "text")
    phrases = normalised_phrases(claim.phrases())
    limit = threshold()
    found: list[ClaimMatch] = []
    for message in messages.iterator(chunk_size=2000):
        text = fold(message.text)
        value = max((phrase_score(phrase, text) for phrase in phrases), default=0.0)
        if value >= limit:
            found.append(ClaimMatch(message=message, claim=claim, score=value))
    return _store(found)


def on_messages_received(sender: Any, *, message_ids: Iterable[int], **kwargs: Any) -> None:
    """The inbox's `messages_received` signal: flag what came in.

    The messages are already stored and committed; a failure here must not undo or repeat the
    inbox's work, so it is logged and the messages stay unflagged (a claim's page can match
    them again)."""
    try:
        match_messages(message_ids)
    except Exception:
        logger.exception("Matching new messages against false claims failed")
