"""A Zalo OA's conversations: polling them (the fallback when webhooks are lost), replying to a
person, and looking for a reply whose answer was lost.

Reads [O endpoints, t shapes]: `GET v2.0/oa/listrecentchat?data={"offset","count"}` (the latest
message of each conversation, newest first) and `GET v2.0/oa/conversation?data={"user_id",
"offset","count"}` (one person's messages, newest first), at most 10 per request, each message
`{msg_id, src, time (epoch ms), type, message, from_id, to_id, from_display_name, …}`. Who wrote
is read from `from_id` (the OA's id or not); `src` is not relied on (its meaning is
UNCONFIRMED). Ids are 64-bit numbers, kept as strings.

Replies: `POST v3.0/oa/message/cs` `{"recipient": …, "message": {"text"}}`. The recipient form is
UNCONFIRMED: `{"message_id": <the person's message>}` (a reply, which Zalo's help desk says keeps
it among the free replies) by default, `{"user_id": …}` when the channel's option
`reply_recipient` is "user_id" or no message is known. The answer's `quota` (UNCONFIRMED,
optional) is kept in the outcome's raw, with `quota_remain` when Zalo gives it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.inbound import (
    Fetched,
    Happening,
    HappeningKind,
    OutgoingReply,
    Person,
    ReplyWay,
    ThreadKind,
)
from pressroom.platforms.transport import (
    CLOCK_SKEW_S,
    Call,
    Stop,
    gather_all,
    not_supported,
    unexpected_outcome,
)
from pressroom.platforms.zalo.answers import ZaloApiClient
from pressroom.platforms.zalo.inbound import as_id, epoch_ms, moment

PAGE = 10
# A poll reads at most this many conversations and this many messages of each: the fallback
# closes the gaps of a lost webhook, not a month of history (more would outlast the time
# limit). Conversations beyond them are not polled: the webhook is the main road.
MAX_CHAT_PAGES = 10
MAX_HISTORY_PAGES = 5
MAX_LOOK_PAGES = 3
# With no cursor, a first poll goes back this far: the free-reply window.
FIRST_POLL_MS = 48 * 3600 * 1000
# The conversation API's message types that are not text, as the webhooks name attachments.
ATTACHMENT_KINDS = {"photo": "image", "voice": "audio"}


def person_of(thread: str) -> str:
    """The person of a message thread ("person:<id>")."""
    kind, _, person = thread.partition(":")
    return person if kind == "person" else ""


@dataclass(frozen=True)
class Message:
    """One message as the conversation API lists it, read for the OA `oa_id`."""

    msg_id: str
    time_ms: int
    from_id: str
    to_id: str
    kind: str
    text: str
    from_name: str

    @classmethod
    def read(cls, entry: Any) -> Message | None:
        if not isinstance(entry, dict):
            return None
        msg_id = as_id(entry.get("msg_id"))
        time_ms = epoch_ms(entry.get("time"))
        if not msg_id or time_ms is None or moment(time_ms) is None:
            return None
        kind = str(entry.get("type") or "text")
        message = entry.get("message")
        text = message if isinstance(message, str) and kind == "text" else ""
        if kind != "text" and isinstance(entry.get("description"), str):
            text = entry["description"]
        return cls(
            msg_id=msg_id,
            time_ms=time_ms,
            from_id=as_id(entry.get("from_id")),
            to_id=as_id(entry.get("to_id")),
            kind=kind,
            text=text,
            from_name=str(entry.get("from_display_name") or ""),
        )

    def person(self, oa_id: str) -> str:
        return self.to_id if self.from_id == oa_id else self.from_id

    def happening(self, oa_id: str) -> Happening:
        """The message as the webhook gives it: the same thread key and remote id."""
        attachments = () if self.kind == "text" else (ATTACHMENT_KINDS.get(self.kind, self.kind),)
        return Happening(
            kind=HappeningKind.MESSAGE,
            account_id=oa_id,
            thread_kind=ThreadKind.MESSAGES,
            thread=f"person:{self.person(oa_id)}",
            remote_id=self.msg_id,
            at=moment(self.time_ms) or datetime.fromtimestamp(0, tz=UTC),
            author=Person(self.from_id, self.from_name),
            text=self.text,
            by_channel=self.from_id == oa_id,
            attachments=attachments,
        )


class InboundClient(ZaloApiClient):
    """Polling, replies and the look for a lost reply (see the module's notes)."""

    @property
    def _oa_id(self) -> str:
        return str(self.access.external_id)

    async def _read(self, call: Call, path: str, query: dict[str, Any]) -> list[Message]:
        response = await call.send(
            "GET",
            f"{self.api_base}/{path}",
            params={"data": json.dumps(query, separators=(",", ":"))},
            headers=self._headers,
        )
        data = self._answer(response, creating=False)
        if data is None:
            return []
        if not isinstance(data, list):
            raise Stop(unexpected_outcome(response, creating=False, what=path))
        return [message for message in map(Message.read, data) if message is not None]

    async def _conversation(
        self, call: Call, person: str, *, since_ms: int, pages: int
    ) -> list[Message]:
        """The person's messages at or after `since_ms`, newest first."""
        user_id: int | str = int(person) if person.isdigit() else person
        found: list[Message] = []
        for page in range(pages):
            query = {"user_id": user_id, "offset": page * PAGE, "count": PAGE}
            messages = await self._read(call, "v2.0/oa/conversation", query)
            found += [message for message in messages if message.time_ms >= since_ms]
            if len(messages) < PAGE or any(message.time_ms < since_ms for message in messages):
                break
        return found

    async def _fetch(self, cursor: Mapping[str, Any], call: Call) -> Fetched | Outcome:
        """The messages since the cursor's time, of every conversation active since then.

        The cursor: `since_ms` (the newest message time seen) and `seen` (the ids of the
        messages at that very millisecond, which are not given again). Without one, the
        last 48 hours."""
        given = epoch_ms(cursor.get("since_ms"))
        since_ms = given if given is not None else int(time.time() * 1000) - FIRST_POLL_MS
        seen = {str(value) for value in cursor.get("seen") or () if given is not None}
        people: dict[str, None] = {}
        for page in range(MAX_CHAT_PAGES):
            query = {"offset": page * PAGE, "count": PAGE}
            chats = await self._read(call, "v2.0/oa/listrecentchat", query)
            for chat in chats:
                if chat.time_ms >= since_ms and chat.person(self._oa_id):
                    people.setdefault(chat.person(self._oa_id))
            if len(chats) < PAGE or any(chat.time_ms < since_ms for chat in chats):
                break
        histories = await gather_all(
            self._conversation(call, person, since_ms=since_ms, pages=MAX_HISTORY_PAGES)
            for person in people
        )
        # Oldest first; within one millisecond, in the order of the person's conversation.
        ranked = {
            message.msg_id: (message.time_ms, -place, message)
            for history in histories
            for place, message in enumerate(history)
            if message.msg_id not in seen
        }
        ordered = [message for _, _, message in sorted(ranked.values(), key=lambda r: r[:2])]
        if not ordered:
            return Fetched((), {"since_ms": since_ms, "seen": sorted(seen)})
        newest = ordered[-1].time_ms
        at_newest = {message.msg_id for message in ordered if message.time_ms == newest}
        if newest == since_ms:
            at_newest |= seen
        return Fetched(
            tuple(message.happening(self._oa_id) for message in ordered),
            {"since_ms": newest, "seen": sorted(at_newest)},
        )

    async def _send_reply(self, reply: OutgoingReply, call: Call) -> Outcome:
        if reply.way is not ReplyWay.MESSAGE:
            return not_supported(f"{reply.way} replies (only messages)")
        person = reply.person or person_of(reply.thread)
        form = str(self.access.options.get("reply_recipient") or "message_id")
        recipient: dict[str, str]
        if form == "message_id" and reply.in_reply_to:
            recipient = {"message_id": reply.in_reply_to}
        elif person:
            recipient = {"user_id": person}
        else:
            return Outcome(
                OutcomeKind.REJECTED,
                code="no_recipient",
                reason="A Zalo reply needs the person or the message it answers",
            )
        response = await call.send(
            "POST",
            f"{self.api_base}/v3.0/oa/message/cs",
            creating=True,
            json={"recipient": recipient, "message": {"text": reply.text}},
            headers=self._headers,
        )
        data = self._checked(response, creating=True)
        message_id = as_id(data.get("message_id"))
        if not message_id:
            raise Stop(unexpected_outcome(response, creating=True, what="the reply"))
        raw: dict[str, Any] = {
            "message_id": message_id,
            "user_id": as_id(data.get("user_id")) or person,
        }
        quota = data.get("quota")
        if isinstance(quota, dict):
            raw["quota"] = quota
            if isinstance(quota.get("remain"), int | str):
                raw["quota_remain"] = quota["remain"]
        return Outcome(OutcomeKind.PUBLISHED, remote_id=message_id, raw=raw)

    async def _look_for_reply(
        self, reply: OutgoingReply, since: datetime | None, call: Call
    ) -> Outcome | None:
        """The OA's message to the person with exactly this text, sent at or after `since`."""
        person = reply.person or person_of(reply.thread)
        if not person:
            return Outcome(
                OutcomeKind.UNKNOWN,
                code="cannot_check",
                reason="The reply's person is not known: its conversation cannot be read",
            )
        since_ms = 0 if since is None else int((since.timestamp() - CLOCK_SKEW_S) * 1000)
        messages = await self._conversation(call, person, since_ms=since_ms, pages=MAX_LOOK_PAGES)
        for message in messages:
            if message.from_id == self._oa_id and message.text == reply.text:
                return Outcome(OutcomeKind.PUBLISHED, remote_id=message.msg_id, raw={"found": True})
        return None
