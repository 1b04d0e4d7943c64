"""Zalo OA webhooks: the signature, and the events read into happenings.

Shapes [T Z3, t Z6 in platforms.md]: one event per POST, `{"app_id", "event_name",
"timestamp" (epoch ms, a string or a number), …}`:
- a person writes (`user_send_text|image|link|audio|video|sticker|location|file|gif|
  business_card`, `anonymous_send_text`): `sender.id` the person, `recipient.id` the OA,
  `message{msg_id, text, attachments[{type, payload}]}`;
- the OA wrote from elsewhere, or through the API (`oa_send_text` and the other `oa_send_*`):
  `sender.id` the OA, `recipient.id` the person;
- the person saw the OA's messages (`user_seen_message`): `message.msg_ids`; by the
  captures `sender.id` is the OA and `recipient.id` the person (UNCONFIRMED: when the channel is
  known, the person is whichever id is not the OA's);
- `follow` / `unfollow`: `oa_id`, `follower.id`.
`user_received_message` and anything else are ignored. Ids are 64-bit numbers: kept as strings.

Signature: header `X-ZEvent-Signature: mac=<hex>` (with or without `mac=`), hex =
SHA-256 of app_id + the raw body + timestamp + the OA secret key (plain SHA-256, not HMAC).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
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

SIGNATURE_HEADER = "x-zevent-signature"
PERSON_WRITES = frozenset(
    {
        *(
            f"user_send_{kind}"
            for kind in (
                "text",
                "image",
                "link",
                "audio",
                "video",
                "sticker",
                "location",
                "file",
                "gif",
                "business_card",
            )
        ),
        "anonymous_send_text",
    }
)
OA_WRITES = frozenset(
    f"oa_send_{kind}" for kind in ("text", "image", "gif", "list", "file", "sticker")
)
SEEN = "user_seen_message"
RECEIVED = "user_received_message"
FOLLOWS = {"follow": HappeningKind.FOLLOW, "unfollow": HappeningKind.UNFOLLOW}
FREE_REPLIES = 8
# Epoch milliseconds have 13 digits; anything past 20 is no time at all.
MAX_DIGITS = 20
REPLY_WINDOW_HOURS = 48


def as_id(value: Any) -> str:
    """A Zalo id (a 64-bit number, sent as a number or a string), as a string; "" if none."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return ""


def epoch_ms(value: Any) -> int | None:
    """An epoch-milliseconds time, given as a number or a string of digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= MAX_DIGITS:
        return int(value.strip())
    return None


def moment(ms: int) -> datetime | None:
    """The time an epoch-milliseconds value names, or None when it names none."""
    try:
        return datetime.fromtimestamp(ms / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def signed_value(value: Any) -> str | None:
    """app_id or timestamp as they enter the signature: a string, or an integer's digits."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _id_of(payload: Mapping[str, Any], name: str) -> str:
    holder = payload.get(name)
    return as_id(holder.get("id")) if isinstance(holder, dict) else ""


class ZaloListener(Listener):
    platform = "zalo"
    secret_setting = "ZALO_OA_SECRET_KEY"
    # No API for comments under OA articles is known (UNCONFIRMED): the inbox is messages.
    moderation = frozenset()
    reply_rules = (
        ReplyRule(
            thread_kind=ThreadKind.MESSAGES,
            way=ReplyWay.MESSAGE,
            label=_(
                "Reply by message: 8 free replies within 48 hours of the person's last "
                "message. A 9th reply, or any reply after 48 hours, is a paid proactive message."
            ),
            hours=REPLY_WINDOW_HOURS,
            free_replies=FREE_REPLIES,
        ),
    )

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str) -> bool:
        if not secret:
            return False
        given = headers.get(SIGNATURE_HEADER, "").strip()
        name, equals, value = given.partition("=")
        if equals and name.strip().lower() == "mac":
            given = value.strip()
        try:
            payload = json.loads(body)
        except ValueError:
            return False
        if not isinstance(payload, dict):
            return False
        app_id = signed_value(payload.get("app_id"))
        timestamp = signed_value(payload.get("timestamp"))
        if app_id is None or timestamp is None or not given:
            return False
        expected = hashlib.sha256(
            app_id.encode() + body + timestamp.encode() + secret.encode()
        ).hexdigest()
        return hmac.compare_digest(expected, given.lower())

    def parse(self, payload: Any, *, account_id: str = "") -> list[Happening]:
        if not isinstance(payload, dict) or not isinstance(payload.get("event_name"), str):
            raise Unreadable("Not a Zalo OA event: no event_name")
        event = payload["event_name"]
        if event in PERSON_WRITES or event in OA_WRITES or event == SEEN or event in FOLLOWS:
            return [self._happening(event, payload, account_id)]
        return []

    def _happening(self, event: str, payload: dict[str, Any], account_id: str) -> Happening:
        ms = epoch_ms(payload.get("timestamp"))
        at = moment(ms) if ms is not None else None
        if at is None:
            raise Unreadable(f"A Zalo {event} event without a readable timestamp")
        if event in FOLLOWS:
            oa_id, follower = as_id(payload.get("oa_id")), _id_of(payload, "follower")
            if not oa_id or not follower:
                raise Unreadable(f"A Zalo {event} event without oa_id or follower")
            return Happening(
                kind=FOLLOWS[event],
                account_id=oa_id,
                thread_kind=ThreadKind.MESSAGES,
                thread=f"person:{follower}",
                remote_id="",
                at=at,
                author=Person(follower),
            )
        sender, recipient = _id_of(payload, "sender"), _id_of(payload, "recipient")
        message = payload.get("message")
        if not sender or not recipient or not isinstance(message, dict):
            raise Unreadable(f"A Zalo {event} event without sender, recipient or message")
        if event == SEEN:
            return self._seen(message, (sender, recipient), at, account_id)
        msg_id = as_id(message.get("msg_id"))
        if not msg_id:
            raise Unreadable(f"A Zalo {event} event without message.msg_id")
        by_channel = event in OA_WRITES
        oa_id, person = (sender, recipient) if by_channel else (recipient, sender)
        text = message.get("text")
        return Happening(
            kind=HappeningKind.MESSAGE,
            account_id=oa_id,
            thread_kind=ThreadKind.MESSAGES,
            thread=f"person:{person}",
            remote_id=msg_id,
            at=at,
            author=Person(sender),
            text=text if isinstance(text, str) else "",
            by_channel=by_channel,
            attachments=attachment_kinds(event, message),
        )

    def _seen(
        self, message: dict[str, Any], ends: tuple[str, str], at: datetime, account_id: str
    ) -> Happening:
        sender, recipient = ends
        oa_id, person = (recipient, sender) if account_id == recipient else (sender, recipient)
        ids = message.get("msg_ids")
        seen = [as_id(value) for value in ids] if isinstance(ids, list) else []
        seen = [value for value in seen if value] or [as_id(message.get("msg_id"))]
        return Happening(
            kind=HappeningKind.READ,
            account_id=oa_id,
            thread_kind=ThreadKind.MESSAGES,
            thread=f"person:{person}",
            remote_id=seen[-1],
            at=at,
            author=Person(person),
        )

    def event_key(self, payload: Any, body: bytes) -> str:
        if not isinstance(payload, dict) or not isinstance(payload.get("event_name"), str):
            return ""
        event = payload["event_name"]
        timestamp = signed_value(payload.get("timestamp")) or ""
        if event in FOLLOWS:
            return f"{event}:{_id_of(payload, 'follower')}+{timestamp}"
        message = payload.get("message")
        if not isinstance(message, dict):
            return ""
        msg_id = as_id(message.get("msg_id"))
        if msg_id:
            return f"{event}:{msg_id}"
        ids = message.get("msg_ids")
        if isinstance(ids, list) and ids:
            return f"{event}:{','.join(as_id(value) for value in ids)}+{timestamp}"
        return ""

    def account_ids(self, payload: Any) -> list[str]:
        if not isinstance(payload, dict):
            return []
        event = payload.get("event_name")
        sender, recipient = _id_of(payload, "sender"), _id_of(payload, "recipient")
        if event in PERSON_WRITES:
            found = [recipient]
        elif event in OA_WRITES:
            found = [sender]
        elif event in {SEEN, RECEIVED}:
            # Which side is the OA's is UNCONFIRMED for these: either may name the channel.
            found = [sender, recipient]
        else:
            found = [as_id(payload.get("oa_id")) or recipient]
        return [value for value in found if value]


def attachment_kinds(event: str, message: dict[str, Any]) -> tuple[str, ...]:
    """The kinds of what came with a message; from the event's name when none is listed."""
    attachments = message.get("attachments")
    kinds = tuple(
        attachment["type"]
        for attachment in (attachments if isinstance(attachments, list) else [])
        if isinstance(attachment, dict) and isinstance(attachment.get("type"), str)
    )
    if kinds:
        return kinds
    kind = event.rpartition("_send_")[2]
    return () if kind == "text" else (kind,)


LISTENER = ZaloListener()
