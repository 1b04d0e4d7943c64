"""A Channel: one unit's official presence on one platform, with encrypted credentials."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
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


class ConnectAttempt(models.Model):
    """One connection in progress, from the connect page to the channels it makes.

    Its `state` travels through the platform's consent page and back: unknown, someone else's,
    used or expired, it connects nothing. What the platform gave (the accounts found, with
    their credentials) is kept encrypted until the administrator chooses, then erased.
    """

    LIFETIME = timedelta(minutes=15)

    state = models.CharField(max_length=64, unique=True)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Reconnecting this channel, or (null) connecting new ones.
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, null=True, related_name="+")
    sandbox = models.BooleanField(default=False)
    flow_encrypted = models.TextField(blank=True)
    found_encrypted = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.platform} for {self.unit_id} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def flow(self) -> dict[str, Any]:
        return decrypt_json(self.flow_encrypted) if self.flow_encrypted else {}

    @flow.setter
    def flow(self, value: dict[str, Any]) -> None:
        self.flow_encrypted = encrypt_json(value)

    @property
    def found(self) -> list[dict[str, Any]]:
        found = decrypt_json(self.found_encrypted) if self.found_encrypted else {}
        accounts: list[dict[str, Any]] = found.get("accounts", [])
        return accounts

    @found.setter
    def found(self, accounts: list[dict[str, Any]]) -> None:
        self.found_encrypted = encrypt_json({"accounts": accounts}) if accounts else ""

    @property
    def is_open(self) -> bool:
        return self.finished_at is None and self.expires_at > timezone.now()


class PlatformApp(models.Model):
    """An app Pressroom registered on a platform's server for itself (Mastodon: one per
    instance and return address), kept so that it is registered once."""

    platform = models.CharField(max_length=20, choices=Platform.choices)
    instance = models.URLField(max_length=300)
    redirect_uri = models.URLField(max_length=500)
    app_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["platform", "instance", "redirect_uri"], name="one_app_per_instance"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} app on {self.instance}"

    @property
    def app(self) -> dict[str, Any]:
        return decrypt_json(self.app_encrypted)

    @app.setter
    def app(self, value: dict[str, Any]) -> None:
        self.app_encrypted = encrypt_json(value)


class ChannelSet(models.Model):
    """A saved choice of channels ("all Pages of the district's communes"), offered in the
    composer of its unit and of the units below it."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="channel_sets")
    name = models.CharField(_("name"), max_length=100)
    channels = models.ManyToManyField(Channel, related_name="sets", verbose_name=_("channels"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["unit", "name"], name="one_channel_set_name_per_unit")
        ]
        verbose_name = _("channel set")
        verbose_name_plural = _("channel sets")

    def __str__(self) -> str:
        return self.name
