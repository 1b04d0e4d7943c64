"""Mastodon's inbound side: notifications read into happenings.

Mastodon has no webhooks for an account (polling only: the client's `fetch` pages through
`GET /api/v1/notifications` with `min_id`, see client_inbound.py; the streaming API only
shortens latency and loses events on a disconnect, so it is not used). `parse` reads ONE
Notification entity, or a list of them, as that endpoint answers:

- `mention` of a `direct` status → a MESSAGE in the person's thread `person:<account id>`;
- `mention` replying to a status (`in_reply_to_id`) → a COMMENT, its parent that status. The
  thread is the thread's root: the parser alone does not know it (a Notification carries only
  the parent), so it answers `post:<in_reply_to_id>`; the client asks the status's context
  (`GET /api/v1/statuses/:id/context`, ancestors root first) and replaces it with
  `post:<root>` when the root is one of the account's statuses, `status:<root>` otherwise;
- `mention` replying to nothing → a COMMENT in its own thread `status:<id>`: a public mention
  is a public remark addressed to the account, answered in public, not a private message;
- `quote` (4.5) → a COMMENT on the quoted status (`post:<quoted id>`), or, when the quote is
  not there, as a mention;
- `update` → an EDIT of the status. Mastodon sends it to accounts that boosted the status, so
  an edited reply is seen only when the account had boosted it;
- `favourite`, `reblog` → a REACTION on the account's status (its remote id; the thread
  named is `post:<that status>`, even when it is one of the account's replies); `follow` → a
  FOLLOW;
- every other type (polls, follow requests, moderation and admin notices…) is ignored.

The author is the notification's account: its id and display name (its `acct`, which a reply
@mentions, the client reads again from the status replied to). The text is the status's HTML
content as plain text (html_text.py).

Moderation: none. An account cannot hide or delete other people's replies to its statuses;
it can only block or mute them, or report them (UNCONFIRMED: nothing in Mastodon's API docs
says otherwise; see docs platforms-inbound §4).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from pressroom.platforms.inbound import (
    Happening,
    HappeningKind,
    Listener,
    Person,
    ReplyRule,
    ReplyWay,
    ThreadKind,
    Unreadable,
)
from pressroom.platforms.mastodon.html_text import html_to_text

REACTIONS = {"favourite": "favourite", "reblog": "reblog"}


def _text(value: Any) -> str:
    """An id or a short field as Mastodon sends it: a string (or a number, from older or other
    servers); anything else is not a Mastodon entity."""
    if isinstance(value, bool) or value is None:
        raise Unreadable("Expected an id")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value:
        return value
    raise Unreadable("Expected an id")


def _optional_id(value: Any) -> str:
    return "" if value is None else _text(value)


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Unreadable(f"Expected {what}")
    return value


def _moment(value: Any) -> datetime:
    if not isinstance(value, str):
        raise Unreadable("Expected a time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise Unreadable("Expected an ISO 8601 time") from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def author_of(account: Mapping[str, Any]) -> Person:
    name = account.get("display_name") or account.get("acct") or account.get("username") or ""
    return Person(_text(account.get("id")), name if isinstance(name, str) else "")


def status_text(status: Mapping[str, Any]) -> str:
    content = status.get("content")
    if content is None:
        return ""
    if not isinstance(content, str):
        raise Unreadable("Expected the status's content")
    return html_to_text(content)


def _attachments(status: Mapping[str, Any]) -> tuple[str, ...]:
    media = status.get("media_attachments") or []
    if not isinstance(media, list):
        raise Unreadable("Expected a list of attachments")
    kinds = []
    for attachment in media:
        kind = _mapping(attachment, "an attachment").get("type")
        kinds.append(kind if isinstance(kind, str) and kind else "unknown")
    return tuple(kinds)


def _quoted_id(status: Mapping[str, Any]) -> str:
    """The quoted status's id: from a Quote (`quoted_status`) or a ShallowQuote
    (`quoted_status_id`); empty when there is none (yet, or any more)."""
    quote = status.get("quote")
    if not isinstance(quote, Mapping):
        return ""
    quoted = quote.get("quoted_status")
    if isinstance(quoted, Mapping) and quoted.get("id") is not None:
        return _text(quoted.get("id"))
    return _optional_id(quote.get("quoted_status_id"))


def _status_happening(
    kind: HappeningKind, notification: Mapping[str, Any], account_id: str
) -> Happening:
    """A status that mentions, quotes or was edited: a comment (or a message) of a thread."""
    status = _mapping(notification.get("status"), "the status")
    status_id = _text(status.get("id"))
    author = author_of(_mapping(status.get("account") or notification.get("account"), "an author"))
    visibility = status.get("visibility") or ""
    if not isinstance(visibility, str):
        raise Unreadable("Expected a visibility")
    parent_id = _optional_id(status.get("in_reply_to_id"))
    quoted_id = _quoted_id(status) if notification.get("type") == "quote" else ""
    created = status.get("created_at") or notification.get("created_at")
    if kind is HappeningKind.EDIT:
        created = status.get("edited_at") or notification.get("created_at") or created
    common: dict[str, Any] = {
        "kind": kind,
        "account_id": account_id,
        "remote_id": status_id,
        "at": _moment(created),
        "author": author,
        "text": status_text(status),
        "parent_id": parent_id,
        "by_channel": bool(account_id) and author.id == account_id,
        "attachments": _attachments(status),
        "visibility": visibility,
    }
    if visibility == "direct":
        if kind is HappeningKind.COMMENT:
            common["kind"] = HappeningKind.MESSAGE
        return Happening(thread_kind=ThreadKind.MESSAGES, thread=f"person:{author.id}", **common)
    if quoted_id:
        thread, post_id = f"post:{quoted_id}", quoted_id
    elif parent_id:
        # The parent for now; the client puts the thread's root here (see the docstring).
        thread, post_id = f"post:{parent_id}", parent_id
    else:
        thread, post_id = f"status:{status_id}", ""
    return Happening(thread_kind=ThreadKind.COMMENTS, thread=thread, post_id=post_id, **common)


def _reaction(notification: Mapping[str, Any], account_id: str, kind: str) -> Happening:
    status = _mapping(notification.get("status"), "the status")
    status_id = _text(status.get("id"))
    return Happening(
        kind=HappeningKind.REACTION,
        account_id=account_id,
        thread_kind=ThreadKind.COMMENTS,
        thread=f"post:{status_id}",
        remote_id=status_id,
        post_id=status_id,
        at=_moment(notification.get("created_at")),
        author=author_of(_mapping(notification.get("account"), "an account")),
        reaction=REACTIONS[kind],
    )


def _follow(notification: Mapping[str, Any], account_id: str) -> Happening:
    author = author_of(_mapping(notification.get("account"), "an account"))
    return Happening(
        kind=HappeningKind.FOLLOW,
        account_id=account_id,
        thread_kind=ThreadKind.MESSAGES,
        thread=f"person:{author.id}",
        remote_id=_text(notification.get("id")),
        at=_moment(notification.get("created_at")),
        author=author,
    )


def notification_happenings(notification: Any, account_id: str) -> list[Happening]:
    entity = _mapping(notification, "a Notification")
    _text(entity.get("id"))
    kind = entity.get("type")
    if not isinstance(kind, str) or not kind:
        raise Unreadable("Expected the notification's type")
    if kind == "mention":
        return [_status_happening(HappeningKind.COMMENT, entity, account_id)]
    if kind == "quote":
        return [_status_happening(HappeningKind.COMMENT, entity, account_id)]
    if kind == "update":
        return [_status_happening(HappeningKind.EDIT, entity, account_id)]
    if kind in REACTIONS:
        return [_reaction(entity, account_id, kind)]
    if kind == "follow":
        return [_follow(entity, account_id)]
    # Known types Pressroom does not take, and types newer than this code: nothing.
    return []


class MastodonListener(Listener):
    platform = "mastodon"
    has_webhooks = False
    moderation = frozenset()
    reply_rules = (
        ReplyRule(
            ThreadKind.COMMENTS,
            ReplyWay.PUBLIC,
            _("A public reply in the thread, mentioning the person"),
        ),
        ReplyRule(
            ThreadKind.MESSAGES,
            ReplyWay.MESSAGE,
            _("A private mention (visible to the person and the account only)"),
        ),
    )

    def parse(self, payload: Any, *, account_id: str = "") -> list[Happening]:
        """A Notification entity, or a list of them (as `GET /api/v1/notifications` answers),
        read into happenings; `account_id` is the channel's own account id."""
        entities = payload if isinstance(payload, list) else [payload]
        happenings: list[Happening] = []
        for entity in entities:
            happenings.extend(notification_happenings(entity, account_id))
        return happenings

    def account_ids(self, payload: Any) -> list[str]:
        return []


LISTENER = MastodonListener()

__all__ = ["LISTENER", "MastodonListener", "notification_happenings"]
