"""An OA's conversations in the sandbox: people's messages and the OA's replies, the reply window
and quotas, and the webhooks Zalo sends about them.

Each message is a store item (kind "message", not top-level; remote id = its msg_id) with data
`user_id`, `direction` ("in" from the person, "out" from the OA), `msg_id`, `time` (epoch ms),
`type` ("text"), the person's `display_name`, and for the viewer `conversation`, `author` and
`by_page`. Per person a record (namespace
`zalo:chats:<oa>`) keeps the last message and the reply window: when the person last wrote and
how many free replies the OA has sent since.

Reply limits [t Z7]: within 48 h of the person's last message the OA's first 8 replies are free
(quota type "reply", `remain` counts down); a 9th, or any reply after 48 h, is proactive and
counts against the OA's monthly allowance (account setting `proactive_quota`; 1,000 for a
verified OA, 0 otherwise; quota type "sub_quota"), after which Zalo answers -211 "out of
quota". A person who never wrote, or not in the past 7 days, cannot be answered: -230. Both
codes are UNCONFIRMED (integrators report them). With the account setting
`reply_needs_message_id` (the help desk's reading, UNCONFIRMED), a reply addressed by `user_id`
instead of the person's `message_id` is always proactive. `quota_in_answer: false` leaves the
quota out of the answer (its presence is UNCONFIRMED).

Webhooks go to the app the OA granted (the account's `app_id`), at the app record's
`webhook_url`, signed with its `oa_secret_key` (`POST /_control/apps` extra fields); an app
without both gets none. Signature: `X-ZEvent-Signature: mac=<hex>`, hex = SHA-256 of app_id +
the body + timestamp + the OA secret key. `timestamp` is a string of epoch milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from pressroom.platforms.zalo.sandbox.articles import BAD_PARAMETER, ZaloError
from pressroom.platforms.zalo.sandbox.citizens import user_id_by_app
from pressroom.sandbox.store import Account, Item, SandboxStore

PLATFORM = "zalo"
FREE_REPLIES = 8
REPLY_WINDOW_MS = 48 * 3600 * 1000
INTERACTION_MS = 7 * 24 * 3600 * 1000
MONTHLY_PROACTIVE = 1000
MAX_TEXT = 2000
NOT_INTERACTED = -230
OUT_OF_QUOTA = -211
QUOTAS = "zalo:proactive"
# Zalo counts its months in Vietnam's time.
VIETNAM = timezone(timedelta(hours=7))
SIGNATURE_HEADER = "X-ZEvent-Signature"


def now_ms() -> int:
    return int(time.time() * 1000)


def new_message_id() -> str:
    """A message id of Zalo's shape (its docs' sample: "96d3cdf3af150460909"): hex."""
    return secrets.token_hex(16)


def chats_of(account: Account) -> str:
    return f"zalo:chats:{account.account_id}"


def signature(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """What Zalo puts in X-ZEvent-Signature after `mac=`."""
    return hashlib.sha256(
        app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()
    ).hexdigest()


def numeric(user_id: str) -> int | str:
    """An id as the conversation API writes it: a JSON number (a 64-bit one)."""
    return int(user_id) if user_id.isdigit() else user_id


class Conversations:
    """What people and the OA say to each other, over the sandbox's store."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    # Reading

    def chat(self, account: Account, user_id: str) -> dict[str, Any] | None:
        return self.store.record(chats_of(account), user_id) if user_id else None

    def chats(self, account: Account) -> list[dict[str, Any]]:
        """The account's conversations, the latest message first."""
        found = self.store.records(chats_of(account)).values()
        return sorted(found, key=lambda chat: (-int(chat["last_ms"]), chat["user_id"]))

    def message(self, account: Account, msg_id: str) -> Item | None:
        item = self.store.item(PLATFORM, msg_id, account.account_id) if msg_id else None
        return item if item is not None and item.kind == "message" else None

    def messages(self, account: Account, user_id: str, *, offset: int, count: int) -> list[Item]:
        """The person's conversation with the OA, newest first."""
        found: list[Item] = []
        start = 0
        while len(found) < offset + count:
            chunk = self.store.items(
                platform=PLATFORM,
                account_id=account.account_id,
                kind="message",
                newest_first=True,
                limit=200,
                offset=start,
            )
            found += [item for item in chunk if item.data.get("user_id") == user_id]
            if len(chunk) < 200:
                break
            start += 200
        return found[offset : offset + count]

    def as_zalo(self, account: Account, item: Item) -> dict[str, Any]:
        """A message as listrecentchat and conversation give it."""
        user_id = str(item.data.get("user_id") or "")
        name = str(item.data.get("display_name") or "")
        avatar = f"https://s120-ava-talk.zadn.vn/sandbox/{user_id}.jpg"
        from_oa = item.data.get("direction") == "out"
        person = {"id": numeric(user_id), "name": name, "avatar": avatar}
        oa = {"id": numeric(account.account_id), "name": account.name, "avatar": ""}
        sender, receiver = (oa, person) if from_oa else (person, oa)
        return {
            "src": 0 if from_oa else 1,
            "time": int(item.data.get("time") or item.created_at * 1000),
            "sent_time": time.strftime(
                "%H:%M:%S %d/%m/%Y",
                time.gmtime(int(item.data.get("time") or 0) / 1000 + 7 * 3600),
            ),
            "from_id": sender["id"],
            "from_display_name": sender["name"],
            "from_avatar": sender["avatar"],
            "to_id": receiver["id"],
            "to_display_name": receiver["name"],
            "to_avatar": receiver["avatar"],
            "message_id": item.remote_id,
            "msg_id": item.remote_id,
            "type": str(item.data.get("type") or "text"),
            "message": item.text,
        }

    # A person writes

    def receive(
        self,
        account: Account,
        user_id: str,
        name: str,
        text: str,
        *,
        event: str = "user_send_text",
    ) -> Item:
        ms = now_ms()
        item = self._store_message(account, user_id, name, text, direction="in", ms=ms)
        chat = self.chat(account, user_id) or {"user_id": user_id}
        chat.update(name=name, last_ms=ms, last_in_ms=ms, last_msg_id=item.remote_id, replies=0)
        self.store.put_record(chats_of(account), user_id, chat)
        self.send_event(
            account,
            event,
            ms,
            user_id,
            sender={"id": user_id},
            recipient={"id": account.account_id},
            message={"text": text, "msg_id": item.remote_id},
        )
        return item

    def follow(self, account: Account, user_id: str, *, follows: bool) -> None:
        self.send_event(
            account,
            "follow" if follows else "unfollow",
            now_ms(),
            user_id,
            oa_id=account.account_id,
            follower={"id": user_id},
            source="oa_profile",
        )

    # The OA replies

    def person_for(self, account: Account, recipient: Any) -> tuple[str, bool]:
        """Whom message/cs addresses, and whether by the message answered."""
        if not isinstance(recipient, dict):
            raise ZaloError(BAD_PARAMETER, "recipient is required")
        message_id = recipient.get("message_id")
        if message_id not in (None, ""):
            item = self.message(account, str(message_id))
            if item is None or item.data.get("direction") != "in":
                raise ZaloError(BAD_PARAMETER, "message_id does not exist")
            return str(item.data["user_id"]), True
        user_id = recipient.get("user_id")
        if isinstance(user_id, bool) or not isinstance(user_id, int | str) or user_id == "":
            raise ZaloError(BAD_PARAMETER, "recipient needs a user_id or a message_id")
        return str(user_id), False

    def reply(self, account: Account, recipient: Any, text: Any) -> dict[str, Any]:
        """message/cs: the reply stored, the window and quotas counted; its answer's data."""
        if not isinstance(text, str) or not text.strip():
            raise ZaloError(BAD_PARAMETER, "message.text is required (text messages only)")
        if len(text) > MAX_TEXT:
            raise ZaloError(BAD_PARAMETER, f"message.text exceeds {MAX_TEXT} characters")
        user_id, by_message = self.person_for(account, recipient)
        chat = self.chat(account, user_id)
        ms = now_ms()
        last_in = int(chat.get("last_in_ms") or 0) if chat else 0
        if chat is None or not last_in or ms - last_in > INTERACTION_MS:
            raise ZaloError(
                NOT_INTERACTED, "User has not interacted with the OA in the past 7 days"
            )
        counted = by_message or not account.extra.get("reply_needs_message_id")
        if counted and ms - last_in <= REPLY_WINDOW_MS and int(chat["replies"]) < FREE_REPLIES:
            chat["replies"] = int(chat["replies"]) + 1
            quota = {
                "quota_type": "reply",
                "remain": FREE_REPLIES - chat["replies"],
                "total": FREE_REPLIES,
                "expired_date": _date(last_in + REPLY_WINDOW_MS),
            }
        else:
            quota = self._proactive(account, ms)
        item = self._store_message(
            account, user_id, str(chat.get("name") or ""), text, direction="out", ms=ms
        )
        chat.update(last_ms=ms, last_msg_id=item.remote_id)
        self.store.put_record(chats_of(account), user_id, chat)
        self.send_event(
            account,
            "oa_send_text",
            ms,
            user_id,
            sender={"id": account.account_id},
            recipient={"id": user_id},
            message={"text": text, "msg_id": item.remote_id},
        )
        data: dict[str, Any] = {"message_id": item.remote_id, "user_id": user_id}
        if account.extra.get("quota_in_answer", True):
            data["quota"] = {**quota, "owner_type": "OA", "owner_id": account.account_id}
        return data

    def _proactive(self, account: Account, ms: int) -> dict[str, Any]:
        month = datetime.fromtimestamp(ms / 1000, tz=VIETNAM)
        key = f"{account.account_id}:{month:%Y-%m}"
        default = MONTHLY_PROACTIVE if account.extra.get("is_verified", True) else 0
        total = int(account.extra.get("proactive_quota", default))
        used = int((self.store.record(QUOTAS, key) or {}).get("used") or 0)
        if used >= total:
            raise ZaloError(OUT_OF_QUOTA, "Out of quota: the OA's proactive messages are used up")
        self.store.put_record(QUOTAS, key, {"used": used + 1})
        following = (month.replace(day=28) + timedelta(days=4)).replace(day=1, hour=0, minute=0)
        return {
            "quota_type": "sub_quota",
            "remain": total - used - 1,
            "total": total,
            "expired_date": f"{following - timedelta(days=1):%d/%m/%Y}",
        }

    def _store_message(
        self, account: Account, user_id: str, name: str, text: str, *, direction: str, ms: int
    ) -> Item:
        msg_id = new_message_id()
        return self.store.add_item(
            platform=PLATFORM,
            account_id=account.account_id,
            kind="message",
            remote_id=msg_id,
            top_level=False,
            text=text,
            data={
                "user_id": user_id,
                "direction": direction,
                "msg_id": msg_id,
                "time": ms,
                "type": "text",
                "display_name": name,
                # What the sandbox's viewer reads: the conversation, and who wrote.
                "conversation": user_id,
                "author": account.name if direction == "out" else name,
                "by_page": direction == "out",
            },
        )

    # Webhooks

    def send_event(
        self, account: Account, event: str, ms: int, person: str, **fields: Any
    ) -> int | None:
        """Queue the event about `person` to the app's webhook, signed as Zalo signs; None
        when the app has no webhook (or no OA secret key)."""
        app_id = str(account.extra.get("app_id") or "")
        app = self.store.app(PLATFORM, app_id) if app_id else None
        url = str((app or {}).get("webhook_url") or "")
        key = str((app or {}).get("oa_secret_key") or "")
        if not url or not key:
            return None
        timestamp = str(ms)
        payload: dict[str, Any] = {"app_id": app_id, **fields, "event_name": event}
        payload["user_id_by_app"] = user_id_by_app(app_id, person)
        payload["timestamp"] = timestamp
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: f"mac={signature(app_id, body, timestamp, key)}",
        }
        return self.store.webhooks.queue(PLATFORM, url, body, headers)


def _date(ms: int) -> str:
    return f"{datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone(VIETNAM):%d/%m/%Y %H:%M}"
