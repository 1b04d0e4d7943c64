"""Checks a post against every chosen channel's limits before it goes to review or out."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from pressroom.platforms.catalog import limits_for, text_length
from pressroom.platforms.registry import descriptor_for

# Accepted on upload; each platform may accept fewer (Zalo: JPEG and PNG only).
UPLOAD_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_IMAGES_PER_POST = 10
# A small file can still claim a huge picture (20,000 by 20,000 pixels in 48 KB): opening it
# would take gigabytes. No platform takes more than this; Pillow's own guard is set higher.
MAX_PIXELS = 50_000_000
# The longest text a platform takes (Facebook: 63,206 characters; Zalo 50,000, Telegram
# 4,096, Mastodon 500 unless the instance says more). Longer text can never go out, so it is
# not stored either.
MAX_TEXT = 63_206


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    width: int
    height: int
    size: int


def inspect_image(data: bytes, filename: str) -> ImageInfo:
    """Open the upload with Pillow; raise ValueError with a user-facing message if unusable."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValueError(
            _("%(name)s is %(size).1f MB; images may be at most %(max)d MB.")
            % {
                "name": filename,
                "size": len(data) / 1_048_576,
                "max": MAX_UPLOAD_BYTES // 1_048_576,
            }
        )
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, past its own limit: both mean "too large" here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                kind, width, height = image.format, image.width, image.height
                if width * height <= MAX_PIXELS:
                    image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValueError(_too_many_pixels(filename)) from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValueError(
            _("%(name)s is not an image Pressroom can read (JPEG, PNG, GIF or WebP).")
            % {"name": filename}
        ) from error
    if width * height > MAX_PIXELS:
        raise ValueError(_too_many_pixels(filename, width, height))
    if kind not in UPLOAD_TYPES:
        raise ValueError(
            _("%(name)s is a %(kind)s image; use JPEG, PNG, GIF or WebP.")
            % {"name": filename, "kind": kind}
        )
    return ImageInfo(UPLOAD_TYPES[kind], width, height, len(data))


def _too_many_pixels(filename: str, width: int = 0, height: int = 0) -> str:
    values = {"name": filename, "max": MAX_PIXELS // 1_000_000}
    if width and height:
        return _(
            "%(name)s is %(width)d by %(height)d pixels; images may have at most %(max)d "
            "million pixels. Make it smaller and upload it again."
        ) % {**values, "width": width, "height": height}
    return (
        _("%(name)s is larger than %(max)d million pixels. Make it smaller and upload it again.")
        % values
    )


@dataclass(frozen=True)
class VariantDraft:
    platform: str
    title: str
    text: str
    # The post's link, which most platforms' clients add at the end of the text.
    link: str = ""


@dataclass(frozen=True)
class MediaDraft:
    content_type: str
    size: int
    description: str


def check_for_channel(
    *,
    platform: str,
    channel_name: str,
    options: dict[str, object],
    variant: VariantDraft,
    media: list[MediaDraft],
) -> list[str]:
    """Everything that stops this variant from going out on this channel, in plain words."""
    limits = limits_for(platform, options)
    problems: list[str] = []
    where = {"channel": channel_name}
    if not variant.text.strip():
        problems.append(_("%(channel)s: the text is empty.") % where)
    # The title counts where the platform makes it part of the text (its first line).
    counted = descriptor_for(platform).counted_text(
        variant.title, variant.text, link=variant.link, with_media=bool(media)
    )
    length = text_length(limits, counted)
    max_text = limits.max_text
    if media and limits.max_caption is not None:
        max_text = limits.max_caption
    if length > max_text:
        if media and limits.max_caption is not None:
            message = _(
                "%(channel)s: with images the text is a caption of at most %(max)d characters; "
                "it has %(count)d. Shorten this platform's version."
            )
        else:
            message = _(
                "%(channel)s: the text may have at most %(max)d characters; it has %(count)d. "
                "Shorten this platform's version."
            )
        problems.append(message % {**where, "max": max_text, "count": length})
    if limits.requires_title and not variant.title.strip():
        problems.append(_("%(channel)s: an article needs a title.") % where)
    if limits.max_title is not None and len(variant.title) > limits.max_title:
        problems.append(
            _("%(channel)s: the title may have at most %(max)d characters; it has %(count)d.")
            % {**where, "max": limits.max_title, "count": len(variant.title)}
        )
    if len(media) > limits.max_media:
        problems.append(
            _("%(channel)s: at most %(max)d images per post; this one has %(count)d.")
            % {**where, "max": limits.max_media, "count": len(media)}
        )
    for index, item in enumerate(media, start=1):
        if item.content_type not in limits.image_types:
            problems.append(
                _("%(channel)s: image %(index)d is of a type this platform does not take.")
                % {**where, "index": index}
            )
        if item.size > limits.max_image_bytes:
            problems.append(
                _("%(channel)s: image %(index)d is larger than %(max).0f MB.")
                % {**where, "index": index, "max": limits.max_image_bytes / 1_048_576}
            )
        if not item.description.strip():
            problems.append(
                _("Image %(index)d needs a description for people who cannot see it.")
                % {"index": index}
            )
    return problems
