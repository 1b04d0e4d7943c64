"""The media library: a unit's images, documents and videos, offered to every unit below it.
Writes here (audited); a post uses an item through a `Media` row that shares its file."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.content import media_files
from pressroom.content.models import Asset, Media, Post
from pressroom.content.validation import MAX_IMAGES_PER_POST
from pressroom.core.errors import ActionError
from pressroom.core.text import nfc
from pressroom.orgs.access import AnyUser, capabilities_in, units_for, with_ancestors
from pressroom.orgs.models import Capability, Unit

MAX_DESCRIPTION = Asset._meta.get_field("description").max_length or 1500
MAX_NAME = Asset._meta.get_field("name").max_length or 255
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """A file a person gave: what they called it and its content (a Django File)."""

    name: str
    file: File[bytes]

    @classmethod
    def of_bytes(cls, name: str, content: bytes) -> Upload:
        return cls(name=name, file=ContentFile(content, name=name))


def visible_assets(user: AnyUser) -> QuerySet[Asset]:
    """The items the user may see and use: of the units they work in and of those above."""
    return Asset.objects.filter(
        unit__in=with_ancestors(units_for(user, Capability.VIEW))
    ).select_related("unit", "uploaded_by")


def offered_assets(units: QuerySet[Unit]) -> QuerySet[Asset]:
    """The items a post of these units may use: theirs and those of every unit above."""
    return Asset.objects.filter(unit__in=with_ancestors(units)).select_related("unit")


def with_use_counts(assets: QuerySet[Asset]) -> QuerySet[Asset]:
    return assets.annotate(
        use_count=Count("uses__post", distinct=True), pack_count=Count("packs", distinct=True)
    )


def _clean_name(name: str) -> str:
    # A browser may send a path; only the last part is the file's name.
    name = nfc(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(name.split())
    return name[:MAX_NAME] or _("file")


def _clean_description(description: str) -> str:
    description = nfc(description).strip()
    if len(description) > MAX_DESCRIPTION:
        raise ActionError(
            _("A description may have at most %(max)d characters.") % {"max": MAX_DESCRIPTION}
        )
    return description


def inspect_upload(upload: Upload) -> tuple[media_files.FileInfo, str]:
    """What the file is and its digest; ActionError (for the person) when it cannot be kept."""
    name = _clean_name(upload.name)
    size = upload.file.size or 0
    upload.file.seek(0)
    head = upload.file.read(media_files.HEAD_BYTES)
    content: bytes | None = None
    if media_files.needs_content(head) and size <= media_files.MAX_BYTES[media_files.IMAGE]:
        upload.file.seek(0)
        content = upload.file.read()
    try:
        info = media_files.inspect_file(name, size, head, content)
    except ValueError as error:
        raise ActionError(str(error)) from error
    upload.file.seek(0)
    sha = media_files.digest(upload.file.chunks(CHUNK))
    upload.file.seek(0)
    return info, sha


def store(*, unit: Unit, upload: Upload, description: str, by: Any) -> tuple[Asset, bool]:
    """Keep the file in the unit's library (the caller checked the person may); the same file
    uploaded again to the unit is the item it already has. The item and whether it is new."""
    description = _clean_description(description)
    info, sha = inspect_upload(upload)
    existing = Asset.objects.filter(unit=unit, sha256=sha).first()
    if existing is not None:
        if description and not existing.description:
            existing.description = description
            existing.save(update_fields=["description"])
        return existing, False
    asset = Asset(
        unit=unit,
        kind=info.kind,
        name=_clean_name(upload.name),
        content_type=info.content_type,
        size=info.size,
        width=info.width,
        height=info.height,
        description=description,
        sha256=sha,
        uploaded_by=by,
    )
    asset.file.save(f"file{info.extension}", upload.file, save=False)
    asset.save()
    record_event(
        actor=by,
        action="media.upload",
        obj=asset,
        unit_id=unit.pk,
        data={"name": asset.name, "kind": asset.kind, "size": asset.size},
    )
    return asset, True


@transaction.atomic
def add_to_library(
    *, unit: Unit, upload: Upload, description: str = "", by: Any
) -> tuple[Asset, bool]:
    if Capability.COMPOSE not in capabilities_in(by, unit):
        raise ActionError(
            _("You may not add files to the media library of %(unit)s.") % {"unit": unit}
        )
    return store(unit=unit, upload=upload, description=description, by=by)


@transaction.atomic
def describe_asset(*, asset: Asset, description: str, by: Any) -> Asset:
    """Change an item's description; the posts still in draft that use it unchanged take it."""
    if Capability.COMPOSE not in capabilities_in(by, asset.unit):
        raise ActionError(
            _("You may not change the media library of %(unit)s.") % {"unit": asset.unit}
        )
    before = asset.description
    asset.description = _clean_description(description)
    asset.save(update_fields=["description"])
    Media.objects.filter(asset=asset, description=before, post__status=Post.Status.DRAFT).update(
        description=asset.description
    )
    record_event(
        actor=by,
        action="media.edit",
        obj=asset,
        unit_id=asset.unit_id,
        data={"before": before, "after": asset.description},
    )
    return asset


@transaction.atomic
def delete_asset(*, asset: Asset, by: Any) -> None:
    """Remove an item no post and no content pack uses, and its file."""
    if Capability.COMPOSE not in capabilities_in(by, asset.unit):
        raise ActionError(
            _("You may not change the media library of %(unit)s.") % {"unit": asset.unit}
        )
    if asset.uses.exists() or asset.packs.exists():
        raise ActionError(
            _("%(name)s is used by posts or content packs and stays in the library.")
            % {"name": asset.name}
        )
    record_event(
        actor=by,
        action="media.delete",
        obj=asset,
        unit_id=asset.unit_id,
        data={"name": asset.name, "kind": asset.kind},
    )
    name = asset.file.name
    asset.delete()
    if name:
        # The row is gone either way; a file left behind is only disk space.
        transaction.on_commit(lambda: _remove_file(name))


def _remove_file(name: str) -> None:
    with contextlib.suppress(OSError):
        Asset.file.field.storage.delete(name)


def attach(post: Post, picks: list[tuple[Asset, str]]) -> None:
    """Add these library items to the post, after its images, each with its description (an
    item without one takes it: the next post reuses it)."""
    position = post.media.count()
    if position + len(picks) > MAX_IMAGES_PER_POST:
        raise ActionError(
            _("A post may have at most %(max)d images.") % {"max": MAX_IMAGES_PER_POST}
        )
    for asset, given in picks:
        if asset.kind != Asset.Kind.IMAGE:
            raise ActionError(
                _("%(name)s is not an image: posts carry images only.") % {"name": asset.name}
            )
        description = _clean_description(given) or asset.description
        if description and not asset.description:
            asset.description = description
            asset.save(update_fields=["description"])
        position += 1
        Media.objects.create(
            post=post,
            asset=asset,
            file=asset.file.name,
            content_type=asset.content_type,
            size=asset.size,
            width=asset.width,
            height=asset.height,
            description=description,
            position=position,
        )
