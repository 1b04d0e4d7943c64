"""Facebook's webhooks for a Page: the signature, the subscription handshake, and the Page's
`feed` changes (comments, their edits, removals, hiding, reactions) and Messenger events
(messages, the Page's own echoes, reads, reactions) read as happenings.

One body can carry several entries (one per Page) and each entry several changes or messaging
events. What the inbox does not follow (posts, photos, shares, deliveries, postbacks, …) is
skipped; a body that is not shaped like Facebook's is Unreadable.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from pressroom.platforms.inbound import (
    Happening,
    HappeningKind,
    Listener,
    ModerationKind,
    Person,
    ReplyRule,
    ReplyWay,
    ThreadKind,
    Unreadable,
)

SIGNATURE_HEADER = "x-hub-signature-256"
SIGNATURE_PREFIX = "sha256="
# A comment's verbs; "edit" and "delete" are listed among the feed verbs too.
COMMENT_VERBS = {
    "add": HappeningKind.COMMENT,
    "edited": HappeningKind.EDIT,
    "edit": HappeningKind.EDIT,
    "remove": HappeningKind.REMOVE,
    "delete": HappeningKind.REMOVE,
    "hide": HappeningKind.HIDE,
    "unhide": HappeningKind.UNHIDE,
}
# Epoch values above this are milliseconds (Messenger's), below it seconds (the feed's).
MILLISECONDS_FROM = 100_000_000_000
MAX_TIME_DIGITS = 20
# Ids sent as numbers (some Messenger payloads do) fit in 64 bits.
MAX_NUMERIC_ID = 2**64


class FacebookListener(Listener):
    platform = "facebook"
    secret_setting = "FACEBOOK_APP_SECRET"
    verify_token_setting = "FACEBOOK_VERIFY_TOKEN"
    moderation = frozenset({ModerationKind.HIDE, ModerationKind.UNHIDE, ModerationKind.DELETE})
    reply_rules = (
        ReplyRule(ThreadKind.COMMENTS, ReplyWay.PUBLIC, _("Public reply under the comment")),
        ReplyRule(
            ThreadKind.COMMENTS,
            ReplyWay.PRIVATE,
            _("Private message to the person who commented (once, within 7 days)"),
            hours=168,
            once=True,
        ),
        ReplyRule(
            ThreadKind.MESSAGES,
            ReplyWay.MESSAGE,
            _(
                "Message (within 24 hours of the person's last message; 7 days for a reply "
                "written by a person)"
            ),
            hours=24,
            human_agent_hours=168,
        ),
    )

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str) -> bool:
        """`X-Hub-Signature-256: sha256=<hex>`, the app secret's HMAC-SHA256 of the raw body.
        The legacy SHA-1 header alone is not enough."""
        if not secret:
            return False
        given = next(
            (value for name, value in headers.items() if name.lower() == SIGNATURE_HEADER), ""
        )
        if not given.startswith(SIGNATURE_PREFIX):
            return False
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, given[len(SIGNATURE_PREFIX) :].strip().lower())

    def handshake(self, params: Mapping[str, str], verify_token: str) -> str | None:
        """The challenge, when Facebook asks to subscribe with our verify token."""
        if params.get("hub.mode") != "subscribe" or not verify_token:
            return None
        given = str(params.get("hub.verify_token") or "")
        if not given or not hmac.compare_digest(given.encode(), verify_token.encode()):
            return None
        challenge = params.get("hub.challenge")
        return str(challenge) if challenge else None

    def parse(self, payload: Any, *, account_id: str = "") -> list[Happening]:
        happenings: list[Happening] = []
        for entry in entries(payload):
            page_id = identifier(entry.get("id"), "entry.id")
            for change in listed(entry, "changes"):
                happenings += feed_change(page_id, entry, change)
            for event in listed(entry, "messaging"):
                happenings += messaging_event(page_id, event)
        return happenings

    def event_key(self, payload: Any, body: bytes) -> str:
        """The body's entries as canonical JSON (without their delivery times): the same for a
        redelivery however Facebook spaces or orders it."""
        if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
            return ""
        stable = [
            {key: value for key, value in entry.items() if key != "time"}
            if isinstance(entry, dict)
            else entry
            for entry in payload["entry"]
        ]
        try:
            canonical = json.dumps(
                stable, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            )
        except (TypeError, ValueError):
            return ""
        return "facebook:" + hashlib.sha256(canonical.encode()).hexdigest()

    def account_ids(self, payload: Any) -> list[str]:
        found: list[str] = []
        raw = payload.get("entry") if isinstance(payload, dict) else None
        for entry in raw if isinstance(raw, list) else []:
            try:
                page_id = identifier(entry.get("id") if isinstance(entry, dict) else None, "id")
            except Unreadable:
                continue
            if page_id not in found:
                found.append(page_id)
        return found


LISTENER = FacebookListener()


# The body's shape


def entries(payload: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(payload, dict):
        raise Unreadable("The body is not a JSON object")
    if payload.get("object") != "page":
        raise Unreadable("The body is not about a Page (object is not 'page')")
    raw = payload.get("entry")
    if not isinstance(raw, list):
        raise Unreadable("The body has no entry list")
    for entry in raw:
        if not isinstance(entry, dict):
            raise Unreadable("An entry is not an object")
        yield entry


def listed(container: dict[str, Any], name: str) -> list[dict[str, Any]]:
    raw = container.get(name, [])
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise Unreadable(f"{name} is not a list of objects")
    return raw


def identifier(value: Any, what: str) -> str:
    """A Graph id: a string (of digits and underscores mostly), sometimes a number."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MAX_NUMERIC_ID:
        return str(value)
    raise Unreadable(f"{what} is missing or not an id")


def optional_id(value: Any, what: str) -> str:
    return "" if value is None or value == "" else identifier(value, what)


def text_of(value: Any, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Unreadable(f"{what} is not text")
    return unicodedata.normalize("NFC", value)


def moment(value: Any, what: str) -> datetime:
    """Epoch seconds (the feed's) or milliseconds (Messenger's), or a Graph time string."""
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit() and len(value) <= MAX_TIME_DIGITS):
            try:
                return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)
            except ValueError as error:
                raise Unreadable(f"{what} is not a time") from error
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unreadable(f"{what} is not a time")
    try:
        seconds = value / 1000 if value >= MILLISECONDS_FROM else value
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise Unreadable(f"{what} is out of range") from error


def person(value: Any, what: str) -> Person:
    if value is None:
        return Person("")
    if not isinstance(value, dict):
        raise Unreadable(f"{what} is not an object")
    return Person(optional_id(value.get("id"), f"{what}.id"), text_of(value.get("name"), what))


# Feed changes: comments and reactions


def feed_change(page_id: str, entry: dict[str, Any], change: dict[str, Any]) -> list[Happening]:
    if change.get("field") != "feed":
        return []
    value = change.get("value")
    if not isinstance(value, dict):
        raise Unreadable("A feed change has no value object")
    item, verb = value.get("item"), value.get("verb")
    if item == "comment" and isinstance(verb, str) and verb in COMMENT_VERBS:
        kind = COMMENT_VERBS[verb]
        remote_id = identifier(value.get("comment_id"), "comment_id")
    elif item == "reaction":
        kind = HappeningKind.REACTION
        remote_id = optional_id(value.get("comment_id"), "comment_id")
    else:
        return []
    post_id = identifier(value.get("post_id"), "post_id")
    parent_id = optional_id(value.get("parent_id"), "parent_id")
    author = person(value.get("from"), "from")
    when = value.get("created_time", entry.get("time"))
    reaction = ""
    if kind is HappeningKind.REACTION:
        remote_id = remote_id or post_id
        if verb != "remove":
            reaction = text_of(value.get("reaction_type"), "reaction_type") or "like"
    return [
        Happening(
            kind=kind,
            account_id=page_id,
            thread_kind=ThreadKind.COMMENTS,
            thread=f"post:{post_id}",
            remote_id=remote_id,
            at=moment(when, "created_time"),
            author=author,
            text=text_of(value.get("message"), "message"),
            parent_id="" if parent_id == post_id else parent_id,
            post_id=post_id,
            by_channel=bool(author.id) and author.id == page_id,
            attachments=feed_attachments(value),
            reaction=reaction,
        )
    ]


def feed_attachments(value: dict[str, Any]) -> tuple[str, ...]:
    kinds = [("image", "photo"), ("video", "video")]
    return tuple(kind for kind, field in kinds if value.get(field))


# Messenger events


def messaging_event(page_id: str, event: dict[str, Any]) -> list[Happening]:
    sender = person(event.get("sender"), "sender")
    recipient = person(event.get("recipient"), "recipient")
    if not sender.id:
        raise Unreadable("A messaging event has no sender")
    when = moment(event.get("timestamp"), "timestamp")
    message = event.get("message")
    echo = isinstance(message, dict) and message.get("is_echo") is True
    by_channel = sender.id == page_id or echo
    # The thread is the person's: the recipient of what the Page sent.
    other = recipient.id if by_channel else sender.id
    base: dict[str, Any] = {
        "account_id": page_id,
        "thread_kind": ThreadKind.MESSAGES,
        "thread": f"person:{other}",
        "at": when,
        "author": sender,
        "by_channel": by_channel,
    }
    if "message" in event:
        return [message_happening(event["message"], base)]
    if "read" in event:
        read = event["read"]
        if not isinstance(read, dict):
            raise Unreadable("read is not an object")
        watermark = read.get("watermark")
        at = moment(watermark, "read.watermark") if watermark is not None else when
        return [Happening(kind=HappeningKind.READ, remote_id="", **{**base, "at": at})]
    if "reaction" in event:
        reaction = event["reaction"]
        if not isinstance(reaction, dict):
            raise Unreadable("reaction is not an object")
        taken_back = reaction.get("action") == "unreact"
        shown = text_of(reaction.get("emoji"), "emoji") or text_of(
            reaction.get("reaction"), "reaction"
        )
        return [
            Happening(
                kind=HappeningKind.REACTION,
                remote_id=optional_id(reaction.get("mid"), "reaction.mid"),
                reaction="" if taken_back else shown,
                **base,
            )
        ]
    if "message_edit" in event:
        edit = event["message_edit"]
        if not isinstance(edit, dict):
            raise Unreadable("message_edit is not an object")
        return [
            Happening(
                kind=HappeningKind.EDIT,
                remote_id=identifier(edit.get("mid"), "message_edit.mid"),
                text=text_of(edit.get("text"), "message_edit.text"),
                **base,
            )
        ]
    # Deliveries, postbacks, opt-ins, referrals, handovers: not the inbox's.
    return []


def message_happening(message: Any, base: dict[str, Any]) -> Happening:
    if not isinstance(message, dict):
        raise Unreadable("message is not an object")
    echo = message.get("is_echo") is True
    attachments = message.get("attachments", [])
    if not isinstance(attachments, list):
        raise Unreadable("attachments is not a list")
    kinds = tuple(
        str(attachment["type"])
        for attachment in attachments
        if isinstance(attachment, dict) and isinstance(attachment.get("type"), str)
    )
    reply_to = message.get("reply_to")
    parent_id = (
        optional_id(reply_to.get("mid"), "reply_to.mid") if isinstance(reply_to, dict) else ""
    )
    return Happening(
        kind=HappeningKind.MESSAGE,
        remote_id=identifier(message.get("mid"), "message.mid"),
        text=text_of(message.get("text"), "message.text"),
        reference=text_of(message.get("metadata"), "metadata") if echo else "",
        attachments=kinds,
        parent_id=parent_id,
        **base,
    )
