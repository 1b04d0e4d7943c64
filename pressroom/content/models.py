"""Posts, their per-platform variants, their media, the media library, the editorial themes
and the content packs a unit sends down to the units below it."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pressroom.channels.models import Channel
from pressroom.core.text import fold
from pressroom.orgs.models import Unit
from pressroom.platforms.registry import Platform


class Theme(models.Model):
    """An editorial theme of the quarter; a unit's themes are offered to the units below."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-starts_on", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


def search_text_of(title: str, body: str) -> str:
    """What a post is searched in: its title and text, folded (`core.text.fold`)."""
    return fold(f"{title} {body}")


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        PARTLY_FAILED = "partly_failed", _("Partly failed")
        FAILED = "failed", _("Failed")
        # An emergency alert stopped before it was confirmed: never sent, never changed again.
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    theme = models.ForeignKey(
        Theme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        verbose_name=_("theme"),
    )
    channels = models.ManyToManyField(
        Channel, blank=True, related_name="posts", verbose_name=_("channels")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    is_emergency = models.BooleanField(_("emergency"), default=False)
    scheduled_at = models.DateTimeField(_("publish at"), null=True, blank=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Who changed the content since it was last approved: none of them may approve it.
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # The content_fingerprint of the version that was approved (empty when not approved).
    approved_fingerprint = models.CharField(max_length=64, blank=True)
    rejection_reason = models.TextField(_("reason for sending back"), blank=True)
    # The content pack this post was written from (a unit above sent it down).
    pack = models.ForeignKey(
        "ContentPack",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        verbose_name=_("content pack"),
    )
    # The title and text folded (lower case, no diacritics): what the posts list and the
    # calendar search. Kept by `save()`; a bulk write of titles or texts sets it itself.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return self.title

    def save(self, **kwargs: Any) -> None:
        # Every save that writes the title or the text writes their folded form with them, so
        # no writer can forget it.
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.search_text = search_text_of(self.title, self.body)
        elif {"title", "body"} & set(update_fields):
            self.search_text = search_text_of(self.title, self.body)
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(**kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def platforms(self) -> list[str]:
        return sorted({channel.platform for channel in self.channels.all()})


class Variant(models.Model):
    """The post as it goes out on one platform: prefilled from the main text, editable."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="variants")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("text"))

    class Meta:
        ordering: ClassVar = ["platform"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["post", "platform"], name="one_variant_per_platform")
        ]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")

    def __str__(self) -> str:
        return f"{self.post} · {self.platform}"


def media_path(instance: Media, filename: str) -> str:
    """A generated name: what the sender called the file is never used as a path. The
    extension is the one of the format found in the file (the caller passes it)."""
    extension = PurePosixPath(filename).suffix.lower()
    return f"posts/{instance.post_id}/{uuid.uuid4().hex}{extension}"


class Media(models.Model):
    """An image of a post: a use of a library item (the file is the item's own)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="media")
    # The library item used; the file below is the item's (never copied).
    asset = models.ForeignKey(
        "Asset", null=True, blank=True, on_delete=models.PROTECT, related_name="uses"
    )
    file = models.FileField(_("file"), upload_to=media_path, max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    description = models.CharField(_("image description (alt text)"), max_length=1500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["position", "id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.file.name or ""


def asset_path(instance: Asset, filename: str) -> str:
    """A generated name under the unit's folder, with the extension of the format found."""
    extension = PurePosixPath(filename).suffix.lower()
    return f"library/{instance.unit_id}/{uuid.uuid4().hex}{extension}"


class Asset(models.Model):
    """A file of a unit's media library: an image, a document (PDF) or a video. The units below
    the unit use it too; its description (alt text) is reused by every post that uses it."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        DOCUMENT = "document", _("Document")
        VIDEO = "video", _("Video")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assets")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, db_index=True)
    file = models.FileField(_("file"), upload_to=asset_path, max_length=300)
    # What the sender called the file: shown and searched, never used as a path.
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    description = models.CharField(_("description (alt text)"), max_length=1500, blank=True)
    # The same file uploaded again to the same unit is the same item.
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The name and description folded (`core.text.fold`), kept by `save()`.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering: ClassVar = ["-uploaded_at", "-id"]
        verbose_name = _("library item")
        verbose_name_plural = _("library items")

    def __str__(self) -> str:
        return self.name

    def save(self, **kwargs: Any) -> None:
        self.search_text = fold(f"{self.name} {self.description}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(**kwargs)


class ContentPack(models.Model):
    """Content a unit sends down to chosen units below it: each adopts it as is or adapts it,
    then it goes through that unit's own approval."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="packs")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="packs"
    )
    # {platform: {"title": …, "text": …}}: the versions the sender wrote for some platforms.
    variants = models.JSONField(default=dict, blank=True)
    assets = models.ManyToManyField(Asset, blank=True, related_name="packs")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    units = models.ManyToManyField(Unit, related_name="packs_received", verbose_name=_("units"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-starts_on", "-id"]
        verbose_name = _("content pack")
        verbose_name_plural = _("content packs")

    def __str__(self) -> str:
        return self.title


class LinkPreview(models.Model):
    """What the page a post links to says about itself, as platforms show it in a link card;
    fetched in the background when the link changes (`content.link_previews`)."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="link_preview")
    # The link this preview is of: once the post's link changes, it is of an old one.
    url = models.URLField(max_length=500)
    # Where the redirects led.
    final_url = models.URLField(max_length=1000, blank=True)
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    image_url = models.URLField(max_length=1000, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    fetched_at = models.DateTimeField()
    # Why it could not be fetched: a code of `core.safe_fetch.REASONS` (empty when it was).
    error = models.CharField(max_length=40, blank=True)
    error_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("link preview")
        verbose_name_plural = _("link previews")

    def __str__(self) -> str:
        return self.title or self.url

    def is_of(self, link: str) -> bool:
        return bool(link) and self.url == link
