"""What every platform client shares: the publication, the outcomes, the limits."""

from __future__ import annotations

import enum
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


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
    # Where the file can be fetched from the web, when the publishing side serves it: for a
    # platform that shows images by address only (a Zalo article).
    public_url: str = ""


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


class TitleStyle(enum.StrEnum):
    """How a post's title reaches the platform."""

    # The title, a blank line, then the text.
    FIRST_LINE = "first_line"
    # The same, the title in bold (Telegram's HTML parse mode).
    BOLD_FIRST_LINE = "bold_first_line"
    # A field of its own (a Zalo article's title).
    FIELD = "field"
    # The platform has no title: the composer does not ask for one.
    NONE = "none"


def titled(title: str, text: str) -> str:
    """The text with the title as its first line, as readers see it (no markup)."""
    title = title.strip()
    if not title:
        return text
    return f"{title}\n\n{text}" if text else title


def new_sandbox_token() -> str:
    """A token for a sandbox account, shaped like a Telegram bot token (the strictest shape:
    the bot's id, a colon, 35 characters), which every platform's emulation accepts."""
    return f"{secrets.randbelow(9 * 10**9) + 10**9}:{secrets.token_urlsafe(26)}"


def with_link(text: str, link: str) -> str:
    """The text with the link added after it, unless the author already put it in."""
    if link and link not in text:
        return f"{text}\n\n{link}" if text else link
    return text


@dataclass(frozen=True)
class CredentialField:
    """One credential a channel keeps, and how the connect form asks for it."""

    key: str
    label: str | Promise
    help_text: str | Promise = ""
    secret: bool = True
    # The token that renews the others (Zalo's refresh token), not one sent with each call.
    renews: bool = False


@dataclass(frozen=True)
class Descriptor:
    """Everything Pressroom knows about one platform, in the platform's own folder."""

    name: str
    # The brand ("Telegram") and what a channel on it is ("Telegram channel").
    label: str
    channel_label: str | Promise
    credentials: tuple[CredentialField, ...]
    limits: Limits
    title: TitleStyle
    # Dotted path of the HttpPlatformClient subclass.
    client: str
    # Dotted path of the platform's Connector (connecting.py), which connects channels.
    connector: str
    # Whether the platform can be searched for a post whose answer was lost.
    can_look: bool
    # Whether sending the same post again is harmless (the platform drops the duplicate).
    resend_safe: bool
    # Credentials that expire and are renewed by the platform's own flow (Zalo's refresh
    # token); empty when they do not expire.
    credentials_refresh: str | Promise = ""
    # What the platform's error codes mean for the person who wrote the post.
    error_explanations: Mapping[str, str | Promise] = field(default_factory=dict)
    # The emulation: where a client's api_base points under the sandbox's address, and the
    # module whose `mounts(store)` serves it.
    sandbox_path: str = ""
    emulation: str = ""
    # What an account's id looks like on the platform, for the sandbox's accounts (the demo,
    # the benchmarks): a format of {number} (unique among them) and {name} (letters, digits
    # and underscores).
    sandbox_account_id: str = "{name}"
    # Whether a post without media carries its link in a field of its own (a Facebook feed
    # post's `link`) rather than at the end of the text.
    link_has_own_field: bool = False
    # Whether readers see a card for the post's link (the linked page's title, description and
    # image, read from its Open Graph tags) under a post without images. With images, none
    # of the platforms shows one.
    link_card: bool = False
    # Whether a post with images shows them first and its text under them, as their caption
    # (a Telegram photo message); otherwise the text comes first.
    images_above_text: bool = False
    # Dotted path of the platform's Listener (inbound.py): webhooks, reply rules, moderation.
    listener: str = ""

    @property
    def offers_title(self) -> bool:
        return self.title is not TitleStyle.NONE

    @property
    def asks_after_lost_answer(self) -> bool:
        """Nobody can look and resending may duplicate: the channel chooses what follows."""
        return not self.can_look and not self.resend_safe

    def sandbox_credentials(self, token: str) -> dict[str, str]:
        """Credentials for a sandbox account whose token is `token`."""
        return {
            field.key: f"refresh-{token}" if field.renews else token for field in self.credentials
        }

    def sandbox_account(self, *, number: int, name: str) -> str:
        """The id of a sandbox account, shaped like the platform's own."""
        return self.sandbox_account_id.format(number=number, name=name)

    def counted_text(
        self, title: str, text: str, *, link: str = "", with_media: bool = False
    ) -> str:
        """The text whose length the platform limits, as the client sends it: the title where
        it is part of it, the link where the client adds it (without markup: Telegram counts
        the text after parsing its entities)."""
        if link and (with_media or not self.link_has_own_field):
            text = with_link(text, link)
        if self.title in (TitleStyle.FIRST_LINE, TitleStyle.BOLD_FIRST_LINE):
            return titled(title, text)
        return text
