"""Append-only, hash-chained audit events: who did what, when, to which object."""

from __future__ import annotations

import hashlib
import json
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pressroom.audit.kinds import Kind


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # The database clears the link itself, however the account row is removed.
        on_delete=models.DB_SET_NULL,
        related_name="+",
    )
    # What the chain hashes about the actor is stored as text: the link above turns NULL if
    # the account is ever removed, while the id and username of the time stay here ("" and
    # the label for the system or an anonymous visitor).
    actor_ref = models.CharField(max_length=64, blank=True, default="")
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True, choices=Kind.choices)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=80)
    unit_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering: ClassVar = ["id"]
        indexes: ClassVar = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def compute_hash(self) -> str:
        """The hash of the stored text fields (never of a link that may change)."""
        ref = self.actor_ref
        return chain_hash(
            prev_hash=self.prev_hash,
            payload={
                "created_at": self.created_at.isoformat(),
                # The payload has kept its first shape (an integer id or null).
                "actor_id": int(ref) if ref.isdigit() else (ref or None),
                "actor_label": self.actor_label,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "unit_id": self.unit_id,
                "data": self.data,
            },
        )


GENESIS_HASH = "0" * 64


def chain_hash(*, prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()
