"""Delivery: one post on one channel. The table is the outbox the dispatcher works from."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from pressroom.channels.models import Channel
from pressroom.content.models import Post


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CLAIMED = "claimed", _("About to be sent")
        SENDING = "sending", _("Sending")
        PUBLISHED = "published", _("Published")
        RETRY = "retry", _("Will retry")
        UNKNOWN = "unknown", _("Looking for it on the platform")
        # Sent, unconfirmed, and the platform cannot be asked (Telegram): a person looks on
        # the channel and says whether the post is there. No dispatcher touches it till then.
        WAITING_FOR_PERSON = "waiting_for_person", _("Waiting for a person to look")
        PAUSED = "paused", _("Paused: channel needs reconnecting")
        FAILED = "failed", _("Failed")

    TERMINAL: ClassVar = (Status.PUBLISHED, Status.FAILED)
    # What scheduling a post again may start afresh: nothing of these reached the platform.
    # (Published, claimed, sending, unknown and waiting ones are left alone.)
    RESCHEDULABLE: ClassVar = (Status.PENDING, Status.RETRY, Status.PAUSED, Status.FAILED)

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    due_at = models.DateTimeField(_("due at"))
    priority = models.SmallIntegerField(default=0)
    # After this moment a delivery still not published gives up with a clear reason.
    give_up_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set when a request may have published the post: look for it before resending.
    needs_look = models.BooleanField(default=False)
    first_sent_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=200, blank=True)
    permalink = models.URLField(max_length=500, blank=True)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["channel__unit__path", "channel__platform"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["post", "channel"], name="one_delivery_per_channel")
        ]
        indexes: ClassVar = [models.Index(fields=["status", "due_at"])]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.post} → {self.channel}"

    # Set by the state machine, not stored: until when the platform asked the channel to wait.
    hold_channel_until: datetime | None = None

    @property
    def in_progress(self) -> bool:
        """Pressroom is working on it (not finished, not paused, not waiting for a person)."""
        return self.status in (
            self.Status.PENDING,
            self.Status.CLAIMED,
            self.Status.SENDING,
            self.Status.RETRY,
            self.Status.UNKNOWN,
        )

    @property
    def waits_for_a_person(self) -> bool:
        """An unconfirmed send nobody can look for by asking the platform (Telegram)."""
        return self.status == self.Status.WAITING_FOR_PERSON


class DeliveryAttempt(models.Model):
    """One try at sending (or at finding out whether an earlier try published the post)."""

    class Kind(models.TextChoices):
        SEND = "send", _("Send")
        LOOK = "look", _("Look for it on the platform")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SEND)
    worker = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    outcome = models.CharField(max_length=30)
    status_after = models.CharField(max_length=20)
    code = models.CharField(max_length=50, blank=True)
    reason = models.TextField(blank=True)
    retry_after_s = models.FloatField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["started_at", "id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.kind} {self.outcome}"
