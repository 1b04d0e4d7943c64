"""The correction desk: false claims as they circulate, the evidence against them, the official
corrections (posts that go through the normal workflow), the citizens' messages that repeat a
claim, and the replies that answered them with a correction.

A claim is answered with facts, never hidden: nothing here moderates or lists people.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pressroom.content.models import Post
from pressroom.inbox.models import Message, Reply
from pressroom.orgs.models import Unit


class Claim(models.Model):
    """A false statement as it circulates; the units below its unit see it and are matched."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open: no correction yet")
        CORRECTED = "corrected", _("Corrected")
        CLOSED = "closed", _("Closed: no longer circulating")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="claims", verbose_name=_("unit")
    )
    statement = models.TextField(_("false statement, as it circulates"))
    # Other wordings of the same claim, one per line: matched as well as the statement.
    variants = models.TextField(_("other wordings"), blank=True)
    seen_where = models.TextField(_("where it was seen"), blank=True)
    evidence = models.TextField(_("evidence: the facts, with links"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("false claim")
        verbose_name_plural = _("false claims")

    def __str__(self) -> str:
        return self.statement[:80]

    def phrases(self) -> list[str]:
        """What messages are matched against: the statement and each other wording."""
        lines = [line.strip() for line in self.variants.splitlines()]
        return [self.statement.strip(), *(line for line in lines if line)]


# The claims new messages are matched against (a closed claim is no longer looked for).
MATCHED_STATUSES = (Claim.Status.OPEN, Claim.Status.CORRECTED)


def evidence_path(instance: EvidenceDocument, filename: str) -> str:
    """A generated name with the extension of the format found (the caller passes it)."""
    extension = PurePosixPath(filename).suffix.lower()
    return f"claims/{instance.claim_id}/{uuid.uuid4().hex}{extension}"


class EvidenceDocument(models.Model):
    """A document proving the facts (a PDF of a decision, a photo of a notice): kept private,
    shown only to the people who see the claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    # What the uploader called it, shown as the link's text (never used as a path).
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")

    def __str__(self) -> str:
        return self.name


class Correction(models.Model):
    """The official answer to a claim: a post (approved and published like any other) and the
    short reply offered to people who repeat the claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="corrections")
    post = models.OneToOneField(Post, on_delete=models.PROTECT, related_name="correction")
    suggested_reply = models.TextField(_("suggested reply"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.claim} → {self.post}"


class ClaimMatch(models.Model):
    """A citizen's message that seems to repeat a claim: flagged for a person to look at."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="claim_matches")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Someone looked and said it is not this claim: no longer offered.
    dismissed = models.BooleanField(default=False)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["message", "claim"], name="one_match_per_claim")
        ]
        verbose_name = _("matched message")
        verbose_name_plural = _("matched messages")

    def __str__(self) -> str:
        return f"{self.message_id} ~ {self.claim_id} ({self.score:.0f})"


class CorrectionUse(models.Model):
    """A reply written with a correction's suggested text, by a person, in one conversation."""

    correction = models.ForeignKey(Correction, on_delete=models.PROTECT, related_name="uses")
    reply = models.OneToOneField(Reply, on_delete=models.CASCADE, related_name="correction_use")
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("use of a correction")
        verbose_name_plural = _("uses of corrections")

    def __str__(self) -> str:
        return f"{self.correction_id} in reply {self.reply_id}"
