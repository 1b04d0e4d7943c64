"""Writes to posts: compose, edit, and the workflow draft → review → approved → scheduled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.channels.models import Channel
from pressroom.content import library, link_previews, tasks
from pressroom.content.fingerprint import content_fingerprint
from pressroom.content.models import Asset, ContentPack, Post, Theme, Variant
from pressroom.content.validation import (
    MAX_TEXT,
    MediaDraft,
    VariantDraft,
    check_for_channel,
)
from pressroom.core.errors import ActionError
from pressroom.core.text import has_control_characters, nfc
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability, Unit

# What the database stores (Post.title, Variant.title, Media.description).
MAX_TITLE = 200
MAX_DESCRIPTION = 1500


@dataclass(frozen=True)
class NewImage:
    filename: str
    content: bytes
    description: str


def _require(user: Any, unit: Unit, capability: str) -> None:
    if capability not in capabilities_in(user, unit):
        raise ActionError(_("You are not allowed to do this for %(unit)s.") % {"unit": unit})


def _save_variants(post: Post, variants: dict[str, tuple[str, str]]) -> None:
    """Keep one variant per platform of the chosen channels, prefilled from the main text."""
    platforms = set(post.channels.values_list("platform", flat=True))
    post.variants.exclude(platform__in=platforms).delete()
    for platform in platforms:
        title, text = variants.get(platform, ("", ""))
        Variant.objects.update_or_create(
            post=post,
            platform=platform,
            defaults={"title": nfc(title) or post.title, "text": nfc(text) or post.body},
        )


def _add_images(
    post: Post, images: list[NewImage], picks: list[tuple[Asset, str]], by: User
) -> None:
    """New files go into the unit's media library first, then every pick onto the post."""
    for asset, _description in picks:
        if asset.unit_id not in post.unit.ancestor_ids():
            raise ActionError(
                _("%(name)s is in the media library of another unit.") % {"name": asset.name}
            )
    stored = [
        (
            library.store(
                unit=post.unit,
                upload=library.Upload.of_bytes(image.filename, image.content),
                description=image.description,
                by=by,
            )[0],
            image.description,
        )
        for image in images
    ]
    library.attach(post, [*picks, *stored])


def _check_text(
    title: str, body: str, variants: dict[str, tuple[str, str]], descriptions: list[str]
) -> None:
    """Titles are one line; no text is longer than any platform takes, nor than is stored."""
    titles = [nfc(title).strip()]
    titles += [nfc(variant_title).strip() for variant_title, _text in variants.values()]
    if any(has_control_characters(text) for text in titles):
        raise ActionError(
            _("A title is one line: remove the line breaks, tabs or control characters.")
        )
    if any(len(text) > MAX_TITLE for text in titles):
        raise ActionError(_("A title may have at most %(max)d characters.") % {"max": MAX_TITLE})
    if any(len(nfc(text).strip()) > MAX_DESCRIPTION for text in descriptions):
        raise ActionError(
            _("An image description may have at most %(max)d characters.")
            % {"max": MAX_DESCRIPTION}
        )
    texts = [body, *(text for _title, text in variants.values())]
    longest = max(len(nfc(text)) for text in texts)
    if longest > MAX_TEXT:
        raise ActionError(
            _("A text may have at most %(max)d characters; this one has %(count)d.")
            % {"max": MAX_TEXT, "count": longest}
        )


def _check_theme(theme: Theme, unit: Unit, *, current: int | None) -> None:
    """A post uses a theme of its unit or of a unit above it, still active (or already its)."""
    if theme.unit_id not in unit.ancestor_ids():
        raise ActionError(
            _("This theme belongs to another unit; choose one of %(unit)s or above it.")
            % {"unit": unit}
        )
    if not theme.is_active and theme.pk != current:
        raise ActionError(_("This theme is no longer active; choose another one."))


@transaction.atomic
def save_post(
    *,
    by: User,
    unit: Unit,
    title: str,
    body: str,
    link: str = "",
    theme: Theme | None = None,
    channels: list[Channel],
    variants: dict[str, tuple[str, str]] | None = None,
    images: list[NewImage] | None = None,
    assets: list[tuple[Asset, str]] | None = None,
    image_descriptions: dict[int, str] | None = None,
    remove_images: list[int] | None = None,
    post: Post | None = None,
    pack: ContentPack | None = None,
) -> Post:
    """Create a draft, or change one. Only drafts can be changed.

    `images` are new files (kept in the unit's media library), `assets` library items to add,
    each with its description; `pack` the content pack a new post is written from.

    The person needs to write posts in the post's unit (the one it is in and the one it moves
    to) and in the units of its channels; the theme must be one offered to the unit.
    """
    _require(by, unit, Capability.COMPOSE)
    creating = post is None
    if post is None:
        post = Post(author=by)
    else:
        post = _lock(post)
        _require(by, post.unit, Capability.COMPOSE)
        if post.is_emergency:
            raise ActionError(_("An emergency alert cannot be changed once it is composed."))
        if not post.is_editable:
            raise ActionError(_("Only a draft can be changed. Send it back to draft first."))
    for channel in channels:
        _require(by, channel.unit, Capability.COMPOSE)
    if theme is not None:
        _check_theme(theme, unit, current=None if creating else post.theme_id)
    descriptions = [image.description for image in images or []]
    descriptions += [description for _asset, description in assets or []]
    _check_text(title, body, variants or {}, [*descriptions, *(image_descriptions or {}).values()])
    before = {"title": post.title, "body": post.body} if not creating else {}
    link_changed = post.link != link.strip()
    post.unit = unit
    post.title = nfc(title).strip()
    post.body = nfc(body).strip()
    post.link = link.strip()
    post.theme = theme
    if creating and pack is not None:
        if not pack.units.filter(pk=unit.pk).exists():
            raise ActionError(
                _("The content pack “%(pack)s” was not sent to %(unit)s.")
                % {"pack": pack, "unit": unit}
            )
        post.pack = pack
    post.save()
    # Whoever changes what goes out may not approve it (four eyes).
    post.editors.add(by)
    post.channels.set(channels)
    _save_variants(post, variants or {})
    if remove_images:
        post.media.filter(pk__in=remove_images).delete()
    for media_id, description in (image_descriptions or {}).items():
        post.media.filter(pk=media_id).update(description=nfc(description).strip())
    _add_images(post, images or [], assets or [], by)
    if link_changed:
        _fetch_link_preview_later(post)
    record_event(
        actor=by,
        action="post.create" if creating else "post.edit",
        obj=post,
        unit_id=unit.pk,
        data={
            "title": post.title,
            "channels": [channel.pk for channel in channels],
            **({"before": before} if before else {}),
            **({"pack": post.pack_id} if creating and post.pack_id else {}),
        },
    )
    return post


def _fetch_link_preview_later(post: Post) -> None:
    """A new link: its card is fetched in the background once the post is saved."""
    link_previews.delete_stale(post)
    if post.link:
        post_id = post.pk
        transaction.on_commit(lambda: tasks.fetch_link_preview.enqueue(post_id))


def problems_of(post: Post) -> list[str]:
    """Why this post cannot go out as it is on its chosen channels (empty if it can)."""
    problems: list[str] = []
    channels = list(post.channels.all())
    if not channels:
        problems.append(_("Choose at least one channel."))
    if not post.title.strip():
        problems.append(_("The post needs a title."))
    variants = {variant.platform: variant for variant in post.variants.all()}
    media = [MediaDraft(m.content_type, m.size, m.description) for m in post.media.all()]
    for channel in channels:
        variant = variants.get(channel.platform)
        # The title that goes out: the variant's, or the post's when it has none.
        draft = VariantDraft(
            channel.platform,
            (variant.title if variant else "") or post.title,
            variant.text if variant else post.body,
            link=post.link,
        )
        problems += check_for_channel(
            platform=channel.platform,
            channel_name=channel.name,
            options=channel.options,
            variant=draft,
            media=media,
        )
    return list(dict.fromkeys(problems))


def _lock(post: Post) -> Post:
    return Post.objects.select_for_update().get(pk=post.pk)


@transaction.atomic
def submit_post(*, post: Post, by: User) -> Post:
    post = _lock(post)
    _require(by, post.unit, Capability.COMPOSE)
    if post.status != Post.Status.DRAFT:
        raise ActionError(_("Only a draft can be sent for review."))
    problems = problems_of(post)
    if problems:
        raise ActionError(*problems)
    post.status = Post.Status.IN_REVIEW
    post.submitted_at = timezone.now()
    post.rejection_reason = ""
    post.save(update_fields=["status", "submitted_at", "rejection_reason", "updated_at"])
    record_event(actor=by, action="post.submit", obj=post, unit_id=post.unit_id)
    return post


@transaction.atomic
def withdraw_post(*, post: Post, by: User) -> Post:
    """The author takes a post back from review (or approved, not yet scheduled) to change it:
    it is a draft again and any approval is gone."""
    post = _lock(post)
    if post.author_id != by.pk:
        raise ActionError(_("Only the author can withdraw a post from review."))
    _require(by, post.unit, Capability.COMPOSE)
    if post.is_emergency:
        raise ActionError(_("An emergency alert is not withdrawn; cancel it on its alert's page."))
    if post.status not in (Post.Status.IN_REVIEW, Post.Status.APPROVED):
        raise ActionError(
            _("Only a post in review or approved, not yet scheduled, can be withdrawn.")
        )
    was = post.status
    post.status = Post.Status.DRAFT
    post.approved_by = None
    post.approved_at = None
    post.approved_fingerprint = ""
    post.save(
        update_fields=["status", "approved_by", "approved_at", "approved_fingerprint", "updated_at"]
    )
    record_event(
        actor=by, action="post.withdraw", obj=post, unit_id=post.unit_id, data={"was": was}
    )
    return post


@transaction.atomic
def approve_post(*, post: Post, by: User) -> Post:
    """An approver other than its author approves a post in review.

    Never an emergency post: a second person confirms those on the alert's page after
    proving again who they are (`pressroom.emergency.actions.confirm_alert`).
    """
    post = _lock(post)
    if post.is_emergency:
        raise ActionError(
            _("An emergency alert is confirmed on its alert's page, not approved here.")
        )
    return _approve(post, by)


@transaction.atomic
def approve_emergency_post(*, post: Post, by: User) -> Post:
    """Approve an emergency alert's post: only for `confirm_alert`, which re-authenticated `by`
    and checked that they may confirm for every chosen unit, in the same transaction."""
    post = _lock(post)
    if not post.is_emergency:
        raise ActionError(_("Only an emergency alert's post is confirmed this way."))
    return _approve(post, by)


def _approve(post: Post, by: User) -> Post:
    """Approve a locked post (inside the caller's transaction)."""
    _require(by, post.unit, Capability.APPROVE)
    if post.status != Post.Status.IN_REVIEW:
        raise ActionError(_("Only a post in review can be approved."))
    if post.author_id == by.pk:
        raise ActionError(_("You cannot approve your own post; another approver must."))
    if post.editors.filter(pk=by.pk).exists():
        raise ActionError(
            _(
                "You changed this version of the post, so you cannot approve it; "
                "another approver must."
            )
        )
    problems = problems_of(post)
    if problems:
        raise ActionError(*problems)
    post.status = Post.Status.APPROVED
    post.approved_by = by
    post.approved_at = timezone.now()
    # The approval is for this exact version; the next change starts a new list of editors.
    post.approved_fingerprint = content_fingerprint(post)
    post.save(
        update_fields=[
            "status",
            "approved_by",
            "approved_at",
            "approved_fingerprint",
            "updated_at",
        ]
    )
    post.editors.clear()
    record_event(
        actor=by,
        action="post.approve",
        obj=post,
        unit_id=post.unit_id,
        data={"fingerprint": post.approved_fingerprint},
    )
    return post


@transaction.atomic
def reject_post(*, post: Post, by: User, reason: str) -> Post:
    post = _lock(post)
    _require(by, post.unit, Capability.APPROVE)
    if post.is_emergency:
        raise ActionError(_("An emergency alert is not sent back; cancel it on its alert's page."))
    if post.status not in (Post.Status.IN_REVIEW, Post.Status.APPROVED):
        raise ActionError(_("Only a post in review or approved can be sent back."))
    reason = nfc(reason).strip()
    if not reason:
        raise ActionError(_("Say why the post is sent back, so the author can fix it."))
    post.status = Post.Status.DRAFT
    post.rejection_reason = reason
    post.approved_by = None
    post.approved_at = None
    post.approved_fingerprint = ""
    post.save(
        update_fields=[
            "status",
            "rejection_reason",
            "approved_by",
            "approved_at",
            "approved_fingerprint",
            "updated_at",
        ]
    )
    record_event(
        actor=by, action="post.reject", obj=post, unit_id=post.unit_id, data={"reason": reason}
    )
    return post


@transaction.atomic
def save_theme(
    *,
    by: User,
    unit: Unit,
    name: str,
    description: str = "",
    starts_on: Any = None,
    ends_on: Any = None,
    is_active: bool | None = None,
    theme: Theme | None = None,
) -> Theme:
    _require(by, unit, Capability.MANAGE)
    if theme is not None and theme.unit_id != unit.pk:
        # The permission checked is the one of the theme's own unit.
        raise ActionError(_("A theme stays with its unit."))
    if has_control_characters(name):
        raise ActionError(
            _("A name is one line: remove the line breaks, tabs or control characters.")
        )
    if len(nfc(name).strip()) > MAX_TITLE:
        raise ActionError(_("A name may have at most %(max)d characters.") % {"max": MAX_TITLE})
    if starts_on and ends_on and ends_on < starts_on:
        raise ActionError(_("The theme cannot end before it starts."))
    creating = theme is None
    theme = theme or Theme(unit=unit)
    theme.name = nfc(name).strip()
    theme.description = nfc(description).strip()
    theme.starts_on = starts_on
    theme.ends_on = ends_on
    if is_active is not None:
        theme.is_active = is_active
    theme.save()
    record_event(
        actor=by,
        action="theme.create" if creating else "theme.edit",
        obj=theme,
        unit_id=unit.pk,
        data={"name": theme.name},
    )
    return theme
