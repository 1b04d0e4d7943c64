"""Delivery: one post on one channel. The table is the outbox the dispatcher works from."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from pressroom.channels.models import Channel
from pressroom.content.models import Post


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        PUBLISHED = "published", _("Published")
        RETRY = "retry", _("Will retry")
        UNKNOWN = "unknown", _("Checking whether it was published")
        PAUSED = "paused", _("Paused: channel needs reconnecting")
        FAILED = "failed", _("Failed")

    TERMINAL: ClassVar = (Status.PUBLISHED, Status.FAILED)

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    due_at = models.DateTimeField(_("due at"))
    priority = models.SmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
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

    @property
    def is_terminal(self) -> bool:
        return self.status in self.TERMINAL
