"""Emergency alerts (one post to every channel of a subtree, confirmed by a second person)
and the pre-approved templates they are written from."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pressroom.content.models import Post
from pressroom.emergency.templating import label_for
from pressroom.orgs.models import Unit


class Hazard(models.TextChoices):
    FLOOD = "flood", _("Flood")
    STORM = "storm", _("Storm")
    LANDSLIDE = "landslide", _("Landslide")
    OUTBREAK = "outbreak", _("Disease outbreak")
    COLD = "cold", _("Cold spell")
    OTHER = "other", _("Other")


class EmergencyTemplate(models.Model):
    """A pre-approved text for one hazard with named fields ({khu_vuc}, {thoi_gian}, …).

    A unit's templates are offered to every unit below it, like themes.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="emergency_templates", verbose_name=_("unit")
    )
    hazard = models.CharField(_("hazard"), max_length=20, choices=Hazard.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    # What the composer shows for each field, by field name ({"khu_vuc": "Khu vực"}); a field
    # without one gets a usual label (`templating.label_for`).
    field_labels = models.JSONField(_("labels of the fields"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["hazard", "title"]
        verbose_name = _("emergency template")
        verbose_name_plural = _("emergency templates")

    def __str__(self) -> str:
        return self.title

    def label_of(self, name: str) -> str:
        return label_for(name, self.field_labels)


class EmergencyAlert(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for confirmation")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    # The issuing unit: the post's unit; every chosen unit is in its subtree.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="emergency_alerts", verbose_name=_("unit")
    )
    hazard = models.CharField(_("hazard"), max_length=20, choices=Hazard.choices)
    template = models.ForeignKey(
        EmergencyTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
        verbose_name=_("template"),
    )
    post = models.OneToOneField(
        Post, on_delete=models.PROTECT, related_name="emergency_alert", verbose_name=_("post")
    )
    units = models.ManyToManyField(
        Unit, related_name="+", verbose_name=_("units that receive the alert")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITING, db_index=True
    )
    composed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    composed_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        ordering: ClassVar = ["-composed_at", "-id"]
        verbose_name = _("emergency alert")
        verbose_name_plural = _("emergency alerts")

    def __str__(self) -> str:
        return f"{self.get_hazard_display()}: {self.post.title}"

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING
