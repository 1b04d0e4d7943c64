"""A Page's inbound side over the Graph API: polling its posts' comments and its Messenger
conversations, replying (a public comment, a private reply, a message), looking for a reply
whose answer was lost, and hiding, showing or deleting comments.

Polling is the fallback for missed webhooks and gives the same threads and ids as the webhook
parser (inbound.py): a comment's thread is `post:<post id>`, a person's is `person:<PSID>`.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.facebook.graph import GraphClient, graph_timestamp
from pressroom.platforms.inbound import (
    Fetched,
    Happening,
    HappeningKind,
    ModerationKind,
    OutgoingReply,
    Person,
    ReplyWay,
    ThreadKind,
)
from pressroom.platforms.transport import Call, sent_after, unexpected_outcome

# A first poll looks back this far; later ones from the newest time seen.
FIRST_POLL_S = 24 * 3600
# The Page's newest posts whose comments are polled.
POLLED_POSTS = 25
# Pages of one list read in a poll at most; more waiting is said with `more`.
MAX_PAGES = 10
COMMENT_FIELDS = "id,message,from,created_time,parent{id},is_hidden,attachment"
MESSAGE_FIELDS = "id,message,from,created_time"
CONVERSATION_FIELDS = f"updated_time,participants,messages.limit(25){{{MESSAGE_FIELDS}}}"
# Messenger's messaging types: inside the window, and a person's reply up to 7 days after.
RESPONSE = "RESPONSE"
HUMAN_AGENT = "HUMAN_AGENT"


class InboundClient(GraphClient):
    """The inbound calls of a Page's client (the Client class adds publishing)."""

    # Polling

    async def _fetch(self, cursor: Mapping[str, Any], call: Call) -> Fetched | Outcome:
        now = time.time()
        comments = Since.of(cursor, "comments", now)
        messages = Since.of(cursor, "messages", now)
        found_comments, more_comments = await self._poll_comments(comments, call)
        found_messages, more_messages = await self._poll_messages(messages, call)
        happenings = sorted(found_comments + found_messages, key=lambda happening: happening.at)
        return Fetched(
            happenings=tuple(happenings),
            cursor={**comments.cursor(found_comments), **messages.cursor(found_messages)},
            more=more_comments or more_messages,
        )

    async def _poll_comments(self, since: Since, call: Call) -> tuple[list[Happening], bool]:
        feed = await self._get(
            call,
            f"{self._page_url}/feed",
            {"fields": "id,created_time,updated_time", "limit": str(POLLED_POSTS)},
        )
        found: list[Happening] = []
        more = False
        for post in listing(feed):
            post_id = str(post.get("id") or "")
            updated = graph_timestamp(str(post.get("updated_time") or ""))
            if not post_id or (updated is not None and updated < since.moment):
                continue
            params = {
                "filter": "stream",
                "order": "reverse_chronological",
                "fields": COMMENT_FIELDS,
                "since": str(int(since.moment)),
                "limit": "100",
            }
            comments, cut = await self._newest(
                call, f"{self.api_base}/{post_id}/comments", params, since
            )
            # Newest first as listed: reversed, so that comments of the same second stay in
            # the order they were written once sorted by time.
            found += [self._comment(post_id, comment) for comment in reversed(comments)]
            more = more or cut
        return found, more

    async def _poll_messages(self, since: Since, call: Call) -> tuple[list[Happening], bool]:
        url: str | None = f"{self._page_url}/conversations"
        params: dict[str, str] | None = {
            "platform": "messenger",
            "fields": CONVERSATION_FIELDS,
            "limit": "25",
        }
        found: list[Happening] = []
        for _page in range(MAX_PAGES):
            assert url is not None
            body = await self._get(call, url, params)
            for conversation in listing(body):
                updated = graph_timestamp(str(conversation.get("updated_time") or ""))
                if updated is not None and updated < since.moment:
                    return found, False
                found += await self._conversation(conversation, since, call)
            url, params = next_page(body), None
            if url is None:
                return found, False
        return found, True

    async def _conversation(
        self, conversation: dict[str, Any], since: Since, call: Call
    ) -> list[Happening]:
        page_id = self.access.external_id
        others = [
            participant
            for participant in listing(conversation.get("participants"))
            if str(participant.get("id") or "") not in {"", page_id}
        ]
        if not others:
            return []
        person = Person(str(others[0]["id"]), nfc(others[0].get("name")))
        embedded = conversation.get("messages")
        messages = [m for m in listing(embedded) if since.takes(m.get("created_time"), m)]
        url = next_page(embedded) if isinstance(embedded, dict) else None
        if url and len(messages) == len(listing(embedded)):
            older, _cut = await self._newest(call, url, None, since)
            messages += older
        return [self._message(person, message) for message in reversed(messages)]

    async def _newest(
        self, call: Call, url: str, params: Mapping[str, str] | None, since: Since
    ) -> tuple[list[dict[str, Any]], bool]:
        """Items of a newest-first list down to `since`, and whether pages were left."""
        taken: list[dict[str, Any]] = []
        next_url: str | None = url
        for _page in range(MAX_PAGES):
            assert next_url is not None
            body = await self._get(call, next_url, params)
            for item in listing(body):
                if not since.after(item.get("created_time")):
                    return taken, False
                if since.takes(item.get("created_time"), item):
                    taken.append(item)
            next_url, params = next_page(body), None
            if next_url is None:
                return taken, False
        return taken, True

    def _comment(self, post_id: str, comment: dict[str, Any]) -> Happening:
        author = person_of(comment.get("from"))
        parent = comment.get("parent")
        parent_id = str(parent.get("id") or "") if isinstance(parent, dict) else ""
        attachment = comment.get("attachment")
        kind = attachment.get("type") if isinstance(attachment, dict) else None
        return Happening(
            kind=HappeningKind.COMMENT,
            account_id=self.access.external_id,
            thread_kind=ThreadKind.COMMENTS,
            thread=f"post:{post_id}",
            remote_id=str(comment["id"]),
            at=graph_moment(comment.get("created_time")),
            author=author,
            text=nfc(comment.get("message")),
            parent_id="" if parent_id == post_id else parent_id,
            post_id=post_id,
            by_channel=author.id == self.access.external_id,
            attachments=("image",) if kind == "photo" else ("video",) if kind == "video" else (),
        )

    def _message(self, person: Person, message: dict[str, Any]) -> Happening:
        author = person_of(message.get("from"))
        return Happening(
            kind=HappeningKind.MESSAGE,
            account_id=self.access.external_id,
            thread_kind=ThreadKind.MESSAGES,
            thread=f"person:{person.id}",
            remote_id=str(message["id"]),
            at=graph_moment(message.get("created_time")),
            author=author if author.id else person,
            text=nfc(message.get("message")),
            by_channel=author.id == self.access.external_id,
        )

    async def _get(self, call: Call, url: str, params: Mapping[str, str] | None) -> dict[str, Any]:
        response = await call.send("GET", url, params=params, headers=self._headers)
        return self._checked(response, creating=False)

    # Replies

    async def _send_reply(self, reply: OutgoingReply, call: Call) -> Outcome:
        if reply.way is ReplyWay.PUBLIC:
            response = await call.send(
                "POST",
                f"{self.api_base}/{commented(reply)}/comments",
                creating=True,
                data={"message": reply.text},
                headers=self._headers,
            )
            body = self._checked(response, creating=True)
            comment_id = str(body.get("id") or "")
            if not comment_id:
                return unexpected_outcome(response, creating=True, what="the reply")
            return self._replied(comment_id, body, post_id=reply.post_id)
        message: dict[str, Any] = {"message": {"text": reply.text}}
        if reply.way is ReplyWay.PRIVATE:
            message["recipient"] = {"comment_id": reply.in_reply_to}
        else:
            message["recipient"] = {"id": psid_of(reply)}
            message["messaging_type"] = "MESSAGE_TAG" if reply.human_agent else RESPONSE
            if reply.human_agent:
                message["tag"] = HUMAN_AGENT
        if reply.reference:
            # Read back from the Page's echo: how a reply sent from here is recognised.
            message["metadata"] = reply.reference
        response = await call.send(
            "POST", f"{self._page_url}/messages", creating=True, json=message, headers=self._headers
        )
        body = self._checked(response, creating=True)
        message_id = str(body.get("message_id") or "")
        if not message_id:
            return unexpected_outcome(response, creating=True, what="the message")
        return Outcome(OutcomeKind.PUBLISHED, remote_id=message_id, raw=body)

    def _replied(self, comment_id: str, body: dict[str, Any], *, post_id: str) -> Outcome:
        default = f"https://www.facebook.com/{post_id}?comment_id={comment_id}" if post_id else ""
        return Outcome(
            OutcomeKind.PUBLISHED,
            remote_id=comment_id,
            permalink=self.permalink(comment_id, default) if default else "",
            raw=body,
        )

    async def _look_for_reply(
        self, reply: OutgoingReply, since: datetime | None, call: Call
    ) -> Outcome | None:
        """The Page's reply with exactly this text, sent at or after `since`: among the
        comment's replies, or in the person's conversation (the metadata is not readable
        there, only in the echo)."""
        page_id = self.access.external_id
        if reply.way is ReplyWay.PUBLIC:
            body = await self._get(
                call,
                f"{self.api_base}/{commented(reply)}/comments",
                {
                    "filter": "stream",
                    "order": "reverse_chronological",
                    "fields": "id,message,from,created_time",
                    "limit": "100",
                },
            )
            for comment in listing(body):
                if is_ours(comment, page_id, reply.text, since):
                    return self._replied(str(comment["id"]), comment, post_id=reply.post_id)
            return None
        params = {
            "platform": "messenger",
            "fields": f"participants,messages.limit(50){{{MESSAGE_FIELDS}}}",
            "limit": "25",
        }
        person = psid_of(reply)
        if person:
            params["user_id"] = person
        body = await self._get(call, f"{self._page_url}/conversations", params)
        for conversation in listing(body):
            for message in listing(conversation.get("messages")):
                if is_ours(message, page_id, reply.text, since):
                    return Outcome(OutcomeKind.PUBLISHED, remote_id=str(message["id"]), raw=message)
        return None

    # Moderation

    async def _moderate(self, remote_id: str, action: ModerationKind, call: Call) -> Outcome:
        url = f"{self.api_base}/{remote_id}"
        if action is ModerationKind.DELETE:
            response = await call.send("DELETE", url, headers=self._headers)
        else:
            hidden = "true" if action is ModerationKind.HIDE else "false"
            response = await call.send(
                "POST", url, data={"is_hidden": hidden}, headers=self._headers
            )
        body = self._checked(response, creating=False)
        if body.get("success") is not True:
            return unexpected_outcome(response, creating=False, what=f"the {action}")
        return Outcome(OutcomeKind.PUBLISHED, remote_id=remote_id, raw=body)


class Since:
    """Where a poll of one list starts: the newest time seen, and the ids seen at that very
    second (Graph times have whole seconds), so nothing is taken twice or skipped."""

    def __init__(self, name: str, moment: float, seen: frozenset[str]) -> None:
        self.name = name
        self.moment = moment
        self.seen = seen

    @classmethod
    def of(cls, cursor: Mapping[str, Any], name: str, now: float) -> Since:
        moment = now - FIRST_POLL_S
        raw = cursor.get(f"{name}_since")
        if isinstance(raw, str) and raw:
            try:
                parsed = datetime.fromisoformat(raw)
            except ValueError:
                parsed = None
            if parsed is not None:
                moment = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
        seen = cursor.get(f"{name}_seen")
        ids = frozenset(str(id_) for id_ in seen) if isinstance(seen, list) else frozenset()
        return cls(name, moment, ids)

    def after(self, created_time: Any) -> bool:
        """Whether an item made then is at or after the start."""
        moment = graph_timestamp(str(created_time or ""))
        return moment is None or moment >= self.moment

    def takes(self, created_time: Any, item: Mapping[str, Any]) -> bool:
        return self.after(created_time) and str(item.get("id") or "") not in self.seen

    def cursor(self, found: list[Happening]) -> dict[str, Any]:
        newest = max((happening.at.timestamp() for happening in found), default=None)
        if newest is None or newest < self.moment:
            moment, seen = self.moment, sorted(self.seen)
        else:
            at_newest = {h.remote_id for h in found if h.at.timestamp() == newest}
            moment = newest
            seen = sorted(at_newest | (set(self.seen) if newest == self.moment else set()))
        when = datetime.fromtimestamp(moment, UTC).isoformat()
        return {f"{self.name}_since": when, f"{self.name}_seen": seen}


def listing(body: Any) -> list[dict[str, Any]]:
    """The objects of a Graph list (`{"data": [...]}`)."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return []
    return [item for item in data if isinstance(item, dict) and item.get("id")]


def next_page(body: Any) -> str | None:
    paging = body.get("paging") if isinstance(body, dict) else None
    url = paging.get("next") if isinstance(paging, dict) else None
    return url if isinstance(url, str) and url else None


def person_of(value: Any) -> Person:
    if not isinstance(value, dict):
        return Person("")
    return Person(str(value.get("id") or ""), nfc(value.get("name")))


def nfc(value: Any) -> str:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else ""


def graph_moment(value: Any) -> datetime:
    moment = graph_timestamp(str(value or ""))
    return datetime.fromtimestamp(moment, UTC) if moment is not None else datetime.now(UTC)


def commented(reply: OutgoingReply) -> str:
    """What a public reply goes under: the comment answered, else the post itself."""
    if reply.in_reply_to:
        return reply.in_reply_to
    return reply.post_id or reply.thread.removeprefix("post:")


def psid_of(reply: OutgoingReply) -> str:
    if reply.person:
        return reply.person
    return reply.thread.removeprefix("person:") if reply.thread.startswith("person:") else ""


def is_ours(item: dict[str, Any], page_id: str, text: str, since: datetime | None) -> bool:
    author = item.get("from")
    if not isinstance(author, dict) or str(author.get("id") or "") != page_id:
        return False
    if nfc(item.get("message")) != unicodedata.normalize("NFC", text):
        return False
    return sent_after(graph_timestamp(str(item.get("created_time") or "")), since)
