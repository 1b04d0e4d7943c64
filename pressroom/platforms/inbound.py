"""What comes back from the platforms, in one shape for every platform: comments on a channel's
posts, private messages, and what happens to them (edits, removals, hiding, reactions, reads),
and what Pressroom sends back (replies, moderation).

Each platform's folder has an `inbound.py` with a `LISTENER` (a `Listener`): it checks a
webhook's signature, answers the subscription handshake where the platform has one, and reads a
webhook's body into `Happening`s. Polling, replying and moderating are the platform client's
(`HttpPlatformClient.fetch`, `send_reply`, `look_for_reply`, `moderate`): pure I/O that answers
with the same `Happening`s and `Outcome`s as publishing.

The app (pressroom.inbox) keeps the raw bodies, turns happenings into conversations, and knows
nothing of any platform's shapes.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.functional import Promise


class Unreadable(ValueError):
    """A webhook body that is not what the platform sends (kept for inspection, answered 400)."""


class ThreadKind(enum.StrEnum):
    # Comments under one of the channel's posts (Facebook, Telegram's discussion group,
    # Mastodon replies and mentions).
    COMMENTS = "comments"
    # One person's private messages with the channel (Messenger, Zalo OA, a Telegram bot,
    # Mastodon direct mentions).
    MESSAGES = "messages"


class HappeningKind(enum.StrEnum):
    # A new comment (or a reply to one) or a new message: an item of a conversation.
    COMMENT = "comment"
    MESSAGE = "message"
    # Its text changed on the platform.
    EDIT = "edit"
    # Removed, hidden or shown again on the platform (by its author or by someone in the
    # platform's own tools: the moderation log records those as done outside Pressroom).
    REMOVE = "remove"
    HIDE = "hide"
    UNHIDE = "unhide"
    # A reaction on a post, a comment or a message: counted, not a conversation item.
    REACTION = "reaction"
    # The person read the channel's messages up to `at`.
    READ = "read"
    # Someone followed or unfollowed the channel (counted, never listed).
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"


@dataclass(frozen=True)
class Person:
    """Who wrote: the platform's id for them (scoped to the channel where the platform scopes
    ids) and the name the platform shows. Shown only inside their own threads."""

    id: str
    name: str = ""


@dataclass(frozen=True)
class Happening:
    """One thing that happened on a channel, read from a webhook or from polling."""

    kind: HappeningKind
    # The channel's own id on the platform (the Page id, the OA id, the Mastodon account id,
    # the Telegram channel's chat id): how the app finds the channel.
    account_id: str
    thread_kind: ThreadKind
    # The conversation within the channel: the root post's remote id for comments
    # (`post:<id>`), the person for messages (`person:<id>`). Polling and webhooks give the
    # same key for the same conversation.
    thread: str
    # The comment's or message's own id on the platform (for a reaction or a read: the item it
    # concerns, possibly empty). Polling and webhooks give the same id for the same item.
    remote_id: str
    at: datetime
    author: Person = field(default_factory=lambda: Person(""))
    text: str = ""
    # The comment replied to (empty for a first-level comment).
    parent_id: str = ""
    # The channel's post the comments are under.
    post_id: str = ""
    # Written by the channel itself: a Page's reply, an echo of a message the Page sent.
    by_channel: bool = False
    # The reference Pressroom attached to what it sent (Messenger's `metadata`), read back
    # from an echo; empty for what was sent from elsewhere.
    reference: str = ""
    # Attachment kinds ("image", "sticker", "file", …).
    attachments: tuple[str, ...] = ()
    # For a reaction: which ("like", "❤", …); empty when taken back.
    reaction: str = ""
    # For a reaction: the total of the item's reactions as the platform counts them (Telegram's
    # `message_reaction_count`: every kind's `total_count` added up), when the platform gives
    # totals rather than single reactions. A total, not one more: the latest (by `at`)
    # replaces the earlier ones. None when the platform names one reaction at a time.
    count: int | None = None
    # For a Mastodon status: its visibility (a direct mention is a private message).
    visibility: str = ""


@dataclass(frozen=True)
class Fetched:
    """What one poll brought: the happenings, oldest first, and the cursor to poll from next
    (the platform's own: an update offset, a notification id, a time)."""

    happenings: tuple[Happening, ...]
    cursor: Mapping[str, Any]
    # More is waiting: poll again at once.
    more: bool = False


class ReplyWay(enum.StrEnum):
    # A comment under the comment (Facebook, Telegram's discussion group, a Mastodon reply).
    PUBLIC = "public"
    # One private message in answer to a comment (Facebook's private reply).
    PRIVATE = "private"
    # A message in a person's message thread.
    MESSAGE = "message"


@dataclass(frozen=True)
class OutgoingReply:
    """A reply Pressroom sends, ready for one channel."""

    way: ReplyWay
    text: str
    thread: str
    # The comment or message answered (its platform id).
    in_reply_to: str
    # The person answered (their platform id) and how they are addressed (Mastodon's @acct).
    person: str = ""
    mention: str = ""
    post_id: str = ""
    # Pressroom's own reference (`pressroom:<reply id>`): sent where the platform keeps it
    # (Messenger's metadata, Mastodon's Idempotency-Key) and looked for after a lost answer.
    reference: str = ""
    # Messenger outside the 24-hour window: a human agent's reply (tag HUMAN_AGENT).
    human_agent: bool = False


class ModerationKind(enum.StrEnum):
    HIDE = "hide"
    UNHIDE = "unhide"
    DELETE = "delete"


@dataclass(frozen=True)
class ReplyRule:
    """One way to answer on a platform and the window it is open for, shown on every
    conversation so nobody writes an answer that cannot be sent."""

    thread_kind: ThreadKind
    way: ReplyWay
    label: str | Promise
    # Hours from the citizen's last message (or from the comment, for a private reply);
    # None when there is no window.
    hours: float | None = None
    # Only once per comment (Facebook's private reply).
    once: bool = False
    # Free replies within the window (Zalo: 8 in 48 hours); later ones are paid.
    free_replies: int | None = None
    # A longer window for a person's own reply (Messenger's human agent tag, 7 days).
    human_agent_hours: float | None = None


class Listener(ABC):
    """A platform's inbound side: signatures, the handshake, reading webhook bodies."""

    platform: str = ""
    # Whether the platform delivers webhooks at all (Mastodon: polling only).
    has_webhooks: bool = True
    # Where the secret that signs its webhooks is: a setting of the server (one app for every
    # channel: Facebook's app secret, Zalo's OA secret key), or a key of each channel's
    # credentials (Telegram's secret token, given to `setWebhook` per channel; the address
    # then names the channel: /webhooks/<platform>/<channel id>).
    secret_setting: str = ""
    channel_secret: str = ""
    # The setting holding the token the subscription handshake must show (Facebook's).
    verify_token_setting: str = ""
    # Moderation the platform allows on the channel's own threads.
    moderation: frozenset[ModerationKind] = frozenset()
    reply_rules: tuple[ReplyRule, ...] = ()

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str) -> bool:
        """Whether the body was signed by the platform with `secret` (headers lower-cased)."""
        return False

    def handshake(self, params: Mapping[str, str], verify_token: str) -> str | None:
        """The answer to a subscription check (Facebook's hub.challenge), or None to refuse."""
        return None

    @abstractmethod
    def parse(self, payload: Any, *, account_id: str = "") -> list[Happening]:
        """The happenings in one webhook body (already decoded from JSON); raises Unreadable
        when the body is not the platform's. `account_id` is the channel's id when the address
        names the channel (Telegram)."""

    def event_key(self, payload: Any, body: bytes) -> str:
        """What identifies one delivery, the same when the platform delivers it again; the
        app stores a body once per key. Default: the body itself (hashed by the app)."""
        return ""

    def account_ids(self, payload: Any) -> list[str]:
        """The channels (their platform ids) a body concerns, read without parsing it all:
        how a body for an unknown channel is recognised."""
        return []
