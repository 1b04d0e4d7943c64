"""Writes of the correction desk: register and change a claim, prepare its correction (a draft
post through content's own action), answer a flagged message with it, dismiss a match.

Each is atomic and writes its audit event in the same transaction. Nothing is ever sent by
itself: a person chooses every reply, and a correction's post is approved like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.channels.models import Channel
from pressroom.content import actions as content_actions
from pressroom.core.errors import ActionError
from pressroom.core.text import fold, nfc
from pressroom.corrections.evidence import (
    MAX_DOCUMENTS_PER_CLAIM,
    NewDocument,
    inspect_document,
)
from pressroom.corrections.matching import match_recent
from pressroom.corrections.models import (
    Claim,
    ClaimMatch,
    Correction,
    CorrectionUse,
    EvidenceDocument,
)
from pressroom.corrections.reach import NOT_ANSWERED, reply_text
from pressroom.inbox.models import Conversation, Message, Reply
from pressroom.inbox.replies import write_reply
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability, Unit

MAX_STATEMENT = 2000
MAX_VARIANTS = 20
# A phrase of fewer words than this is a topic, not a claim: it would flag every mention.
MIN_PHRASE_WORDS = 3
MAX_SUGGESTED_REPLY = 2000


def _require(user: Any, unit: Unit, capability: str) -> None:
    if capability not in capabilities_in(user, unit):
        raise ActionError(_("You are not allowed to do this for %(unit)s.") % {"unit": unit})


def check_phrases(statement: str, variants: str) -> None:
    """The statement and every other wording are long enough to be matched on their own."""
    statement = nfc(statement).strip()
    if not statement:
        raise ActionError(_("Write the false statement as it circulates."))
    if len(statement) > MAX_STATEMENT:
        raise ActionError(
            _("The statement may have at most %(max)d characters.") % {"max": MAX_STATEMENT}
        )
    lines = [line.strip() for line in nfc(variants).splitlines() if line.strip()]
    if len(lines) > MAX_VARIANTS:
        raise ActionError(
            _("Give at most %(max)d other wordings, one per line.") % {"max": MAX_VARIANTS}
        )
    for phrase in [statement, *lines]:
        if len(fold(phrase).split()) < MIN_PHRASE_WORDS:
            raise ActionError(
                _(
                    "“%(phrase)s” is too short to recognise the claim: write at least "
                    "%(count)d words, as people write it."
                )
                % {"phrase": phrase[:80], "count": MIN_PHRASE_WORDS}
            )
        if len(phrase) > MAX_STATEMENT:
            raise ActionError(
                _("A wording may have at most %(max)d characters.") % {"max": MAX_STATEMENT}
            )


def _add_documents(claim: Claim, documents: Sequence[NewDocument], by: User) -> list[str]:
    if claim.documents.count() + len(documents) > MAX_DOCUMENTS_PER_CLAIM:
        raise ActionError(
            _("A claim may have at most %(max)d documents.") % {"max": MAX_DOCUMENTS_PER_CLAIM}
        )
    names: list[str] = []
    for document in documents:
        try:
            info = inspect_document(document.content, document.filename)
        except ValueError as error:
            raise ActionError(str(error)) from error
        name = nfc(document.filename).strip()[:200] or _("document")
        stored = EvidenceDocument(
            claim=claim,
            name=name,
            content_type=info.content_type,
            size=len(document.content),
            uploaded_by=by,
        )
        stored.file.save(f"evidence{info.extension}", ContentFile(document.content), save=False)
        stored.save()
        names.append(name)
    return names


def _match_after_commit(claim: Claim) -> None:
    transaction.on_commit(partial(match_recent, claim=claim))


@transaction.atomic(durable=True)
def register_claim(
    *,
    by: User,
    unit: Unit,
    statement: str,
    variants: str = "",
    seen_where: str = "",
    evidence: str = "",
    documents: Sequence[NewDocument] = (),
) -> Claim:
    """Register a false claim in a unit (the units below it see it too). The messages of the
    last days are matched against it once it is stored."""
    _require(by, unit, Capability.COMPOSE)
    check_phrases(statement, variants)
    claim = Claim.objects.create(
        unit=unit,
        statement=nfc(statement).strip(),
        variants=nfc(variants).strip(),
        seen_where=nfc(seen_where).strip(),
        evidence=nfc(evidence).strip(),
        created_by=by,
    )
    names = _add_documents(claim, documents, by)
    record_event(
        actor=by,
        action=Kind.CLAIM_CREATE,
        obj=claim,
        unit_id=unit.pk,
        data={"statement": claim.statement, "documents": names},
    )
    _match_after_commit(claim)
    return claim


@transaction.atomic(durable=True)
def edit_claim(
    *,
    by: User,
    claim: Claim,
    statement: str,
    variants: str,
    seen_where: str,
    evidence: str,
    status: str,
    documents: Sequence[NewDocument] = (),
    remove_documents: Sequence[int] = (),
) -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    _require(by, claim.unit, Capability.COMPOSE)
    check_phrases(statement, variants)
    if status not in Claim.Status.values:
        raise ActionError(_("Choose one of the statuses offered."))
    values = {
        "statement": nfc(statement).strip(),
        "variants": nfc(variants).strip(),
        "seen_where": nfc(seen_where).strip(),
        "evidence": nfc(evidence).strip(),
        "status": status,
    }
    changed = {
        name: getattr(claim, name)
        for name, value in values.items()
        if getattr(claim, name) != value
    }
    for name, value in values.items():
        setattr(claim, name, value)
    claim.save()
    removed = list(
        claim.documents.filter(pk__in=list(remove_documents)).values_list("name", flat=True)
    )
    for document in claim.documents.filter(pk__in=list(remove_documents)):
        document.file.delete(save=False)
        document.delete()
    added = _add_documents(claim, documents, by)
    record_event(
        actor=by,
        action=Kind.CLAIM_EDIT,
        obj=claim,
        unit_id=claim.unit_id,
        data={"before": changed, "documents_added": added, "documents_removed": removed},
    )
    if {"statement", "variants", "status"} & changed.keys():
        _match_after_commit(claim)
    return claim


@transaction.atomic(durable=True)
def prepare_correction(
    *,
    by: User,
    claim: Claim,
    unit: Unit,
    title: str,
    body: str,
    channels: list[Channel],
    suggested_reply: str,
    link: str = "",
) -> Correction:
    """Write the official correction as a draft post of `unit` (the claim's unit or one below
    it) on the chosen channels, through content's own action: it is then reviewed, approved
    and published like any post. The claim is marked corrected."""
    claim = Claim.objects.select_for_update().select_related("unit").get(pk=claim.pk)
    if not unit.path.startswith(claim.unit.path):
        raise ActionError(
            _("The correction is published by %(unit)s or a unit below it.") % {"unit": claim.unit}
        )
    suggested_reply = nfc(suggested_reply).strip()
    if not suggested_reply:
        raise ActionError(_("Write the short reply offered to people who repeat the claim."))
    if len(suggested_reply) > MAX_SUGGESTED_REPLY:
        raise ActionError(
            _("The suggested reply may have at most %(max)d characters.")
            % {"max": MAX_SUGGESTED_REPLY}
        )
    post = content_actions.save_post(
        by=by, unit=unit, title=title, body=body, link=link, channels=channels
    )
    correction = Correction.objects.create(
        claim=claim, post=post, suggested_reply=suggested_reply, created_by=by
    )
    if claim.status == Claim.Status.OPEN:
        claim.status = Claim.Status.CORRECTED
        claim.save(update_fields=["status", "updated_at"])
    record_event(
        actor=by,
        action=Kind.CORRECTION_CREATE,
        obj=correction,
        unit_id=unit.pk,
        data={"claim": claim.pk, "post": post.pk},
    )
    return correction


def default_way(conversation: Conversation) -> str:
    """A comment is answered under it, a message thread with a message."""
    if conversation.kind == Conversation.Kind.COMMENTS:
        return Reply.Way.PUBLIC
    return Reply.Way.MESSAGE


@transaction.atomic(durable=True)
def use_correction(
    *, by: User, correction: Correction, message: Message, way: str | None = None
) -> CorrectionUse:
    """A person answers a citizen's message with the correction's suggested reply (and the link
    to the published correction): written through the inbox, sent by its outbox."""
    message = (
        Message.objects.select_for_update()
        .select_related("conversation__channel__unit")
        .get(pk=message.pk)
    )
    conversation = message.conversation
    channel = conversation.channel
    claim = correction.claim
    if claim.unit_id not in channel.unit.ancestor_ids():
        raise ActionError(_("This correction is not one of this channel's units."))
    if message.direction != Message.Direction.IN:
        raise ActionError(_("Only a message from the public is answered with a correction."))
    already = (
        CorrectionUse.objects.filter(correction__claim=claim, reply__in_reply_to=message)
        .exclude(reply__state__in=NOT_ANSWERED)
        .exists()
    )
    if already:
        raise ActionError(_("This message is already answered with a correction of this claim."))
    try:
        reply = write_reply(
            user=by,
            conversation=conversation,
            text=reply_text(correction, channel),
            way=way or default_way(conversation),
            in_reply_to=message,
        )
    except ValidationError as error:
        raise ActionError(*error.messages) from error
    use = CorrectionUse.objects.create(correction=correction, reply=reply, used_by=by)
    record_event(
        actor=by,
        action=Kind.CORRECTION_USE,
        obj=use,
        unit_id=channel.unit_id,
        data={
            "claim": claim.pk,
            "correction": correction.pk,
            "conversation": conversation.pk,
            "reply": reply.pk,
        },
    )
    return use


@transaction.atomic(durable=True)
def dismiss_match(*, by: User, match: ClaimMatch) -> ClaimMatch:
    """Someone looked: the message does not repeat this claim, and it is no longer offered.

    Not an audit event: nothing is changed for the public or in the claim, and the match keeps
    who dismissed it and when."""
    _require(by, match.message.channel.unit, Capability.COMPOSE)
    ClaimMatch.objects.filter(pk=match.pk, dismissed=False).update(
        dismissed=True, dismissed_by=by, dismissed_at=timezone.now()
    )
    match.refresh_from_db()
    return match
