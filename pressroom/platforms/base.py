"""What every platform client shares: the publication, the outcomes, the limits."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp


class OutcomeKind(enum.StrEnum):
    PUBLISHED = "published"
    RETRY_LATER = "retry_later"
    # The request may have reached the platform and created the post: look before retrying.
    UNKNOWN = "unknown"
    CREDENTIALS_EXPIRED = "credentials_expired"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    remote_id: str = ""
    permalink: str = ""
    retry_after_s: float | None = None
    # Short machine-readable code (the platform's error code) and the platform's words.
    code: str = ""
    reason: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def published(self) -> bool:
        return self.kind is OutcomeKind.PUBLISHED


@dataclass(frozen=True)
class MediaFile:
    filename: str
    content: bytes
    content_type: str
    description: str = ""


@dataclass(frozen=True)
class Publication:
    """One variant of a post, ready for one channel."""

    text: str
    title: str = ""
    link: str = ""
    media: tuple[MediaFile, ...] = ()
    # Stable per delivery: Mastodon uses it as Idempotency-Key.
    idempotency_key: str = ""


@dataclass(frozen=True)
class ChannelAccess:
    """What a client needs to talk to one channel's account."""

    api_base: str
    external_id: str
    credentials: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)


class PlatformClient(Protocol):
    def __init__(self, access: ChannelAccess, http: aiohttp.ClientSession) -> None: ...

    async def publish(self, publication: Publication) -> Outcome: ...


@dataclass(frozen=True)
class Limits:
    """What a platform accepts in one post; checked before anything is scheduled."""

    max_text: int
    # The counting rule: "code_points", "utf16" or "mastodon" (see pressroom.core.text).
    counting: str = "code_points"
    # With media the text becomes a caption on some platforms (Telegram: 1,024).
    max_caption: int | None = None
    max_title: int | None = None
    max_description: int | None = None
    requires_title: bool = False
    max_media: int = 10
    image_types: frozenset[str] = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
    max_image_bytes: int = 8 * 1024 * 1024
