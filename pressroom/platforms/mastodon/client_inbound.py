"""A Mastodon account's inbound side: polling its notifications, replying, looking for a
reply whose answer was lost. Moderation: none (an account cannot hide others' replies).

Polling (`fetch`): `GET /api/v1/notifications` with the types the inbox reads, `limit=80`
(Mastodon's maximum), `include_filtered=true` (whatever the account's notification policy
filters is read too; what it drops never exists, hence connect.py sets the policy to accept)
and `min_id=<cursor>`: the notifications immediately newer than the cursor, the oldest first,
so nothing is skipped however many came (`since_id` would skip all but the newest page). Each
page's `rel="prev"` link names the next cursor (its first id); pages are read until one is
empty, at most MAX_PAGES a poll (then `more`). The cursor is `{"min_id": <newest id seen>}`.
An empty cursor starts from now, without history: one notification is read for its id
(`"0"` when there is none yet, so the first that comes is read).

A comment's thread is its thread's root, read from the status's context (ancestors, root
first) once per poll and thread: `post:<root>` when the root is one of the account's
statuses, `status:<root>` when the thread began elsewhere (a citizen's own status mentioning
the account, or someone else's thread), so a conversation that began with a mention stays one
after the account answers it. A status gone meanwhile keeps the parser's thread (its parent).

Replies (`send_reply`): `POST /api/v1/statuses` in reply to the citizen's status, with their
@acct in front unless the text names them, `visibility` public (or the parent's when it is
narrower: unlisted, followers-only) for a comment, `direct` for a message, and the reply's
reference as the Idempotency-Key.

Looking (`look_for_reply`): Mastodon keeps an Idempotency-Key for an hour, so sending again
with the same key within it cannot make a second status; but a look must not send. It reads
the status replied to's context instead and finds the account's reply there by its parent
and its text, at any age. A message that answers nothing (no parent to read) is safe to send
again within the key's hour, and cannot be looked for after it.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.inbound import (
    Fetched,
    Happening,
    HappeningKind,
    OutgoingReply,
    ReplyWay,
    ThreadKind,
    Unreadable,
)
from pressroom.platforms.mastodon.client_base import MastodonClientBase, error_outcome
from pressroom.platforms.mastodon.html_text import html_to_text
from pressroom.platforms.mastodon.inbound import notification_happenings
from pressroom.platforms.transport import (
    CLOCK_SKEW_S,
    Call,
    Response,
    Stop,
    json_body,
    not_supported,
    unexpected_outcome,
)

logger = logging.getLogger(__name__)

NOTIFICATION_TYPES = ("mention", "quote", "update", "favourite", "reblog", "follow")
PAGE_LIMIT = 80
MAX_PAGES = 10
IDEMPOTENCY_WINDOW = timedelta(hours=1)
# Narrowest last: a reply is never wider than what it answers.
VISIBILITIES = ("public", "unlisted", "private", "direct")
LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([^",;]+)"?')


def link_cursor(response: Response, rel: str) -> str:
    """The `min_id` (or `max_id`) a Link header's relation carries, empty without one."""
    for url, name in LINK.findall(response.headers.get("link", "")):
        if name == rel:
            values = parse_qs(urlsplit(url).query)
            for key in ("min_id", "max_id"):
                if values.get(key):
                    return str(values[key][0])
    return ""


def narrower(visibility: str, parent: str) -> str:
    order = {name: rank for rank, name in enumerate(VISIBILITIES)}
    return max(visibility, parent, key=lambda name: order.get(name, 0))


def names(text: str, handle: str) -> bool:
    """Whether the text already @mentions this handle (as a word of its own)."""
    pattern = rf"(?<![\w@]){re.escape(handle)}(?![\w@-]|\.\w)"
    return re.search(pattern, text, re.IGNORECASE) is not None


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def same_words(text: str) -> str:
    return " ".join(text.split()).casefold()


class InboundClient(MastodonClientBase):
    """Polling, replies and looks for a Mastodon account (see the module's docstring)."""

    async def _get(self, call: Call, path: str, query: list[tuple[str, str]]) -> Response:
        url = f"{self.api_base}{path}"
        if query:
            url += "?" + urlencode(query)
        return await call.send("GET", url, headers=self._headers)

    def _listed(self, response: Response) -> list[Any]:
        body = json_body(response)
        if response.is_success and isinstance(body, list):
            return body
        if response.is_success:
            raise Stop(unexpected_outcome(response, creating=False, what="the list"))
        raise Stop(error_outcome(response, body, creating=False))

    async def _notifications(
        self, call: Call, extra: list[tuple[str, str]]
    ) -> tuple[list[Any], str]:
        query = [("types[]", kind) for kind in NOTIFICATION_TYPES]
        query += [("include_filtered", "true"), *extra]
        response = await self._get(call, "/api/v1/notifications", query)
        return self._listed(response), link_cursor(response, "prev")

    async def _fetch(self, cursor: Mapping[str, Any], call: Call) -> Fetched | Outcome:
        min_id = str(cursor.get("min_id") or "")
        if not min_id:
            newest, _ = await self._notifications(call, [("limit", "1")])
            first = mapping(newest[0]) if newest else {}
            return Fetched((), {"min_id": str(first.get("id") or "0")})
        entities: list[Any] = []
        more = True
        for _ in range(MAX_PAGES):
            page, prev = await self._notifications(
                call, [("min_id", min_id), ("limit", str(PAGE_LIMIT))]
            )
            if not page:
                more = False
                break
            # Each page comes newest first.
            entities.extend(reversed(page))
            top = page[0].get("id") if isinstance(page[0], Mapping) else None
            min_id = prev or str(top or min_id)
        happenings = []
        for entity in entities:
            try:
                happenings.extend(notification_happenings(entity, self.access.external_id))
            except Unreadable:
                # One odd notification must not stop the inbox: it is passed over.
                logger.warning("A Mastodon notification could not be read; passed over")
        roots: dict[str, tuple[str, str]] = {}
        resolved = [await self._in_its_thread(happening, roots, call) for happening in happenings]
        return Fetched(tuple(resolved), {"min_id": min_id}, more=more)

    async def _in_its_thread(
        self, happening: Happening, roots: dict[str, tuple[str, str]], call: Call
    ) -> Happening:
        """A reply's thread as its root (see the module's docstring)."""
        if (
            happening.kind not in {HappeningKind.COMMENT, HappeningKind.EDIT}
            or happening.thread_kind is not ThreadKind.COMMENTS
            or not happening.parent_id
            or happening.post_id != happening.parent_id
        ):
            return happening
        known = roots.get(happening.parent_id) or roots.get(happening.remote_id)
        if known is None:
            response = await self._get(call, f"/api/v1/statuses/{happening.remote_id}/context", [])
            if response.status_code == 404:
                return happening
            ancestors = self._checked(response, creating=False).get("ancestors")
            if not isinstance(ancestors, list) or not ancestors:
                return happening
            root = mapping(ancestors[0])
            root_id = str(root.get("id") or happening.parent_id)
            author = mapping(root.get("account"))
            if str(author.get("id") or "") == self.access.external_id:
                known = (f"post:{root_id}", root_id)
            else:
                known = (f"status:{root_id}", "")
            for ancestor in ancestors:
                if isinstance(ancestor, Mapping) and ancestor.get("id"):
                    roots[str(ancestor["id"])] = known
        roots[happening.remote_id] = known
        thread, post_id = known
        return dataclasses.replace(happening, thread=thread, post_id=post_id)

    def _addressee(self, parent: Mapping[str, Any]) -> str:
        """Whom a reply to this status answers: its author, or when the account wrote it,
        the first other account it mentions."""
        author = mapping(parent.get("account"))
        if str(author.get("id") or "") != self.access.external_id:
            return str(author.get("acct") or "")
        for mention in parent.get("mentions") or []:
            if isinstance(mention, Mapping) and str(mention.get("id")) != self.access.external_id:
                return str(mention.get("acct") or "")
        return ""

    async def _send_reply(self, reply: OutgoingReply, call: Call) -> Outcome:
        if reply.way not in {ReplyWay.PUBLIC, ReplyWay.MESSAGE}:
            return not_supported("private reply to a comment")
        parent: dict[str, Any] = {}
        if reply.in_reply_to:
            response = await self._get(call, f"/api/v1/statuses/{reply.in_reply_to}", [])
            parent = self._checked(response, creating=False)
        mention = (reply.mention or self._addressee(parent)).lstrip("@")
        if not mention:
            return Outcome(
                OutcomeKind.REJECTED,
                code="no_recipient",
                reason="Nobody to address the reply to",
            )
        handle = f"@{mention}"
        text = reply.text if names(reply.text, handle) else f"{handle} {reply.text}"
        if reply.way is ReplyWay.MESSAGE:
            visibility = "direct"
        else:
            visibility = narrower("public", str(parent.get("visibility") or "public"))
        data: dict[str, Any] = {"status": text, "visibility": visibility}
        if reply.in_reply_to:
            data["in_reply_to_id"] = reply.in_reply_to
        language = self.access.options.get("language")
        if language:
            data["language"] = str(language)
        headers = dict(self._headers)
        if reply.reference:
            headers["Idempotency-Key"] = reply.reference
        response = await call.send(
            "POST",
            f"{self.api_base}/api/v1/statuses",
            creating=True,
            data=data,
            headers=headers,
        )
        status = self._checked(response, creating=True)
        status_id = str(status.get("id") or "")
        if not status_id:
            return unexpected_outcome(response, creating=True, what="the reply")
        return Outcome(
            OutcomeKind.PUBLISHED,
            remote_id=status_id,
            permalink=self.permalink(status_id, str(status.get("url") or "")),
            raw={key: status.get(key) for key in ("id", "url", "visibility", "created_at")},
        )

    async def _look_for_reply(
        self, reply: OutgoingReply, since: datetime | None, call: Call
    ) -> Outcome | None:
        if not reply.in_reply_to:
            if since is not None and datetime.now(UTC) - since < IDEMPOTENCY_WINDOW:
                return None
            return Outcome(
                OutcomeKind.UNKNOWN,
                code="cannot_check",
                reason="A message answering nothing cannot be looked for after an hour",
            )
        response = await self._get(call, f"/api/v1/statuses/{reply.in_reply_to}/context", [])
        if response.status_code == 404:
            return None
        descendants = self._checked(response, creating=False).get("descendants")
        wanted = same_words(reply.text)
        earliest = since.timestamp() - CLOCK_SKEW_S if since is not None else None
        for status in descendants if isinstance(descendants, list) else []:
            if not isinstance(status, Mapping):
                continue
            author = mapping(status.get("account"))
            if (
                str(author.get("id") or "") != self.access.external_id
                or str(status.get("in_reply_to_id") or "") != reply.in_reply_to
                or wanted not in same_words(html_to_text(str(status.get("content") or "")))
            ):
                continue
            if earliest is not None and _epoch(status.get("created_at")) < earliest:
                continue
            status_id = str(status.get("id") or "")
            return Outcome(
                OutcomeKind.PUBLISHED,
                remote_id=status_id,
                permalink=self.permalink(status_id, str(status.get("url") or "")),
            )
        return None


def _epoch(value: Any) -> float:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
