"""What a file put in the media library is: an image (opened with Pillow), a PDF document or an
MP4 video, found from its content, never from its name; the limits each kind has, and what
each platform will say about an image."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pressroom.content.validation import EXTENSIONS, MAX_UPLOAD_BYTES, inspect_image
from pressroom.platforms.catalog import limits_for
from pressroom.platforms.registry import Platform, descriptor_for

IMAGE, DOCUMENT, VIDEO = "image", "document", "video"
MAX_BYTES = {IMAGE: MAX_UPLOAD_BYTES, DOCUMENT: 20 * 1024 * 1024, VIDEO: 200 * 1024 * 1024}
# What the file choosers offer.
ACCEPT = "image/jpeg,image/png,image/gif,image/webp,application/pdf,video/mp4"
ACCEPT_IMAGES = "image/jpeg,image/png,image/gif,image/webp"
# A file's first bytes are enough to know a PDF or an MP4.
HEAD_BYTES = 16


@dataclass(frozen=True)
class FileInfo:
    kind: str
    content_type: str
    extension: str
    size: int
    width: int = 0
    height: int = 0


def _megabytes(size: int) -> float:
    return size / 1_048_576


def too_large(name: str, size: int, kind: str) -> str:
    messages = {
        IMAGE: _("%(name)s is %(size).1f MB; images may be at most %(max)d MB."),
        DOCUMENT: _("%(name)s is %(size).1f MB; documents may be at most %(max)d MB."),
        VIDEO: _("%(name)s is %(size).1f MB; videos may be at most %(max)d MB."),
    }
    return messages[kind] % {
        "name": name,
        "size": _megabytes(size),
        "max": MAX_BYTES[kind] // 1_048_576,
    }


def inspect_file(name: str, size: int, head: bytes, read_all: bytes | None = None) -> FileInfo:
    """The file's kind from its first bytes (and, for an image, its whole content, which
    `read_all` gives when asked for it through `needs_content`). Raises ValueError with a
    message for the person."""
    if head.startswith(b"%PDF-"):
        return _checked(name, FileInfo(DOCUMENT, "application/pdf", ".pdf", size))
    if head[4:8] == b"ftyp":
        return _checked(name, FileInfo(VIDEO, "video/mp4", ".mp4", size))
    if read_all is None:
        raise ValueError(
            _(
                "%(name)s is not a file the media library takes: images (JPEG, PNG, GIF, WebP), "
                "PDF documents and MP4 videos."
            )
            % {"name": name}
        )
    if size > MAX_BYTES[IMAGE]:
        raise ValueError(too_large(name, size, IMAGE))
    try:
        image = inspect_image(read_all, name)
    except ValueError as error:
        raise ValueError(
            _("%(error)s The media library also takes PDF documents and MP4 videos.")
            % {"error": error}
        ) from error
    return FileInfo(
        IMAGE,
        image.content_type,
        EXTENSIONS[image.content_type],
        image.size,
        image.width,
        image.height,
    )


def needs_content(head: bytes) -> bool:
    """Whether the whole file is needed to know it (an image is opened; a PDF or a video is
    known from its first bytes)."""
    return not (head.startswith(b"%PDF-") or head[4:8] == b"ftyp")


def _checked(name: str, info: FileInfo) -> FileInfo:
    if info.size > MAX_BYTES[info.kind]:
        raise ValueError(too_large(name, info.size, info.kind))
    return info


def digest(chunks: Iterable[bytes]) -> str:
    sha = hashlib.sha256()
    for chunk in chunks:
        sha.update(chunk)
    return sha.hexdigest()


def platform_notes(kind: str, content_type: str, size: int) -> list[str]:
    """What stops a platform from taking this file in a post, one line per platform."""
    if kind != IMAGE:
        return [_("Posts carry images only: link to this file from the post's text or link.")]
    notes: list[str] = []
    for platform in Platform.values:
        limits = limits_for(platform)
        label = descriptor_for(platform).label
        if content_type not in limits.image_types:
            notes.append(_("%(platform)s does not take this type of image.") % {"platform": label})
        elif size > limits.max_image_bytes:
            notes.append(
                _("%(platform)s takes images of at most %(max).0f MB.")
                % {"platform": label, "max": _megabytes(limits.max_image_bytes)}
            )
    return notes
