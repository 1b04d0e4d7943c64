"""A Channel: one unit's official presence on one platform, with encrypted credentials."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from pressroom.core.crypto import decrypt_json, encrypt_json
from pressroom.orgs.models import Unit
from pressroom.platforms.registry import Platform


class Channel(models.Model):
    class Status(models.TextChoices):
        CONNECTED = "connected", _("Connected")
        NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnecting")
        DISABLED = "disabled", _("Disabled")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="channels")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=200)
    # The page id, OA id, chat id or account id on the platform.
    external_id = models.CharField(_("account id on the platform"), max_length=200)
    # Where the platform's API is: the real service, an instance (Mastodon) or the sandbox.
    api_base = models.URLField(_("API address"), max_length=300, blank=True)
    is_sandbox = models.BooleanField(_("sandbox channel"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONNECTED
    )
    status_reason = models.CharField(max_length=300, blank=True)
    # Per-channel options, e.g. Mastodon's instance character limit.
    options = models.JSONField(default=dict, blank=True)
    credentials_encrypted = models.TextField(blank=True, editable=False)
    # Zalo's refresh tokens are single-use: one process at a time may refresh (a lease).
    refresh_lock_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["unit__path", "platform", "name"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"

    @property
    def credentials(self) -> dict[str, Any]:
        return decrypt_json(self.credentials_encrypted)

    @credentials.setter
    def credentials(self, value: dict[str, Any]) -> None:
        self.credentials_encrypted = encrypt_json(value)

    @property
    def is_connected(self) -> bool:
        return self.status == self.Status.CONNECTED
