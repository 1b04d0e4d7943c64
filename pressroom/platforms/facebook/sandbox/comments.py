"""Comments on a Page's posts, for the Graph API's endpoints in the sandbox:
`GET /{post-or-comment-id}/comments` (filter `toplevel` or `stream`, order, since, fields and
cursor paging, as the feed pages), `POST /{post-or-comment-id}/comments` (the Page comments or
answers), `POST /{comment-id}` (`is_hidden`, or a new `message` for the Page's own comment),
`DELETE /{comment-id}` (with its answers) and `GET /{comment-id}`.

Reading needs `pages_read_engagement`; commenting, hiding and deleting `pages_manage_engagement`
with the MODERATE task. A Page cannot hide its own comments (`can_hide` is false). Each change
goes out as the `feed` webhook Facebook sends (hooks.py). What the store keeps: threads.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.facebook.sandbox import hooks
from pressroom.platforms.facebook.sandbox.graph import (
    PLATFORM,
    GraphError,
    encode_cursor,
    limit_of,
    may_read,
    next_url,
    no_such_field,
    no_such_object,
    offset_of,
    read_refusal,
    select,
    split_fields,
)
from pressroom.platforms.facebook.sandbox.posts import PostsApi
from pressroom.platforms.facebook.sandbox.threads import (
    MAX_COMMENT,
    add_comment,
    comment_fields,
    comment_of,
    may_moderate,
    moderate_refusal,
    page_person,
    post_comments,
    replies,
    set_comment,
)
from pressroom.sandbox.common import Incoming, read_incoming
from pressroom.sandbox.endpoints import endpoint
from pressroom.sandbox.store import Account, Item

DEFAULT_COMMENT_FIELDS = ("created_time", "from", "message", "id")
# The Comment node's fields and edges (the SDK's list).
COMMENT_FIELDS = frozenset(
    {
        "admin_creator",
        "application",
        "attachment",
        "can_comment",
        "can_hide",
        "can_like",
        "can_remove",
        "can_reply_privately",
        "comment_count",
        "created_time",
        "from",
        "id",
        "is_hidden",
        "is_private",
        "like_count",
        "live_broadcast_timestamp",
        "message",
        "message_tags",
        "object",
        "parent",
        "permalink_url",
        "private_reply_conversation",
        "user_likes",
        "comments",
        "reactions",
        "likes",
    }
)
FILTERS = ("toplevel", "stream")
ORDERS = ("chronological", "reverse_chronological")
TRUE_WORDS = frozenset({"true", "1"})
FALSE_WORDS = frozenset({"false", "0"})


class CommentsApi(PostsApi):
    """The comments under the Page's posts, one method each."""

    def commented(self, page: Account, object_id: str, method: str) -> Item:
        """The post or comment of this Page that comments go under."""
        target = self.store.item(PLATFORM, object_id, page.account_id)
        if target is None or target.kind not in {"post", "comment"}:
            raise no_such_object(object_id, method)
        return target

    def shown(self, request: Request, comment: Item, requested: str) -> dict[str, Any]:
        for name in split_fields(requested):
            if name not in COMMENT_FIELDS:
                raise no_such_field(name, "Comment")
        fields = comment_fields(
            self.store, comment, link=self.page_link(request, comment.account_id)
        )
        return select(fields, requested, DEFAULT_COMMENT_FIELDS)

    @endpoint
    async def list_comments(self, request: Request) -> Response:
        object_id = request.path_params["object_id"]
        incoming = await read_incoming(request)
        page = self.caller(request, incoming, refusal=read_refusal())
        target = self.commented(page, object_id, "get")
        if not may_read(page):
            raise read_refusal()
        chosen_filter = choice(incoming, "filter", FILTERS)
        order = choice(incoming, "order", ORDERS)
        since = time_param(incoming, "since")
        limit = limit_of(incoming.text("limit"))
        offset = offset_of(incoming)

        async def handler() -> Response:
            post_id = target.data["post_id"] if target.kind == "comment" else target.remote_id
            comments = replies(
                post_comments(self.store, page.account_id, post_id),
                target.remote_id,
                flat=chosen_filter == "stream",
            )
            if since is not None:
                comments = [comment for comment in comments if comment.created_at >= since]
            if order == "reverse_chronological":
                comments.reverse()
            shown = comments[offset : offset + limit]
            requested = incoming.text("fields")
            body: dict[str, Any] = {
                "data": [self.shown(request, comment, requested) for comment in shown]
            }
            if shown:
                cursors = {
                    "before": encode_cursor(str(offset)),
                    "after": encode_cursor(str(offset + len(shown))),
                }
                body["paging"] = {"cursors": cursors}
                if offset + limit < len(comments):
                    body["paging"]["next"] = next_url(request, cursors["after"])
            if incoming.text("summary").lower() in TRUE_WORDS:
                body["summary"] = {
                    "order": order,
                    "total_count": len(comments),
                    "can_comment": True,
                }
            return JSONResponse(body)

        return await self.gate.run(page, operation="comments", creates=False, handler=handler)

    @endpoint
    async def create_comment(self, request: Request) -> Response:
        object_id = request.path_params["object_id"]
        incoming = await read_incoming(request)
        page = self.caller(request, incoming, refusal=moderate_refusal())
        target = self.commented(page, object_id, "post")
        if not may_moderate(page):
            raise moderate_refusal()

        async def handler() -> Response:
            message = incoming.text("message")
            attachment = incoming.text("attachment_url") or incoming.text("attachment_id")
            if not message.strip() and not attachment:
                raise GraphError(100, "(#100) Missing message or attachment")
            if len(message) > MAX_COMMENT:
                raise GraphError(
                    100, f"(#100) A comment's message is at most {MAX_COMMENT} characters"
                )
            post_id = target.data["post_id"] if target.kind == "comment" else target.remote_id
            comment = add_comment(
                self.store,
                page_id=page.account_id,
                post_id=post_id,
                parent_id=target.remote_id,
                author=page_person(page),
                text=message,
            )
            hooks.deliver(self.store, page.account_id, [hooks.comment_change(comment, "add")])
            return JSONResponse({"id": comment.remote_id})

        return await self.gate.run(page, operation="comment", creates=True, handler=handler)

    @endpoint
    async def update_object(self, request: Request) -> Response:
        """`POST /{comment-id}`: hide or show it again, or change the Page's own message."""
        object_id = request.path_params["object_id"]
        incoming = await read_incoming(request)
        page = self.caller(request, incoming, refusal=moderate_refusal())
        comment = comment_of(self.store, page.account_id, object_id)
        if comment is None:
            raise no_such_object(object_id, "post")
        if not may_moderate(page):
            raise moderate_refusal()
        by_page = comment.data["from"]["id"] == page.account_id

        async def handler() -> Response:
            assert comment is not None
            hidden, message = incoming.get("is_hidden"), incoming.get("message")
            if hidden is None and message is None:
                raise GraphError(100, "(#100) Nothing to update: give is_hidden or message")
            events = []
            updated = comment
            if hidden is not None:
                wanted = boolean(hidden, "is_hidden")
                if by_page:
                    raise GraphError(
                        100, "(#100) This comment cannot be hidden: a Page cannot hide its own"
                    )
                if wanted != bool(comment.data.get("is_hidden")):
                    updated = set_comment(self.store, updated, is_hidden=wanted)
                    events.append(hooks.comment_change(updated, "hide" if wanted else "unhide"))
            if message is not None:
                if not by_page:
                    raise GraphError(10, "(#10) Only the comment's author can change its message")
                text = str(message)
                if not text.strip() or len(text) > MAX_COMMENT:
                    raise GraphError(100, "(#100) Param message must be non-empty text")
                updated = set_comment(self.store, updated, text=text)
                events.append(hooks.comment_change(updated, "edited"))
            if events:
                hooks.deliver(self.store, page.account_id, events)
            return JSONResponse({"success": True})

        return await self.gate.run(page, operation="moderate", creates=False, handler=handler)

    @endpoint
    async def delete_object(self, request: Request) -> Response:
        object_id = request.path_params["object_id"]
        found = self.store.item(PLATFORM, object_id)
        if found is None or found.kind != "comment":
            return await PostsApi.delete_object(self, request)
        incoming = await read_incoming(request)
        page = self.caller(request, incoming, refusal=moderate_refusal())
        comment = comment_of(self.store, page.account_id, object_id)
        if comment is None:
            raise no_such_object(object_id, "delete")
        if not may_moderate(page):
            raise moderate_refusal()

        async def handler() -> Response:
            assert comment is not None
            comments = post_comments(self.store, page.account_id, comment.data["post_id"])
            for removed in [comment, *replies(comments, comment.remote_id, flat=True)]:
                self.store.remove_item(
                    platform=PLATFORM, account_id=page.account_id, remote_id=removed.remote_id
                )
            hooks.deliver(self.store, page.account_id, [hooks.comment_change(comment, "remove")])
            return JSONResponse({"success": True})

        return await self.gate.run(page, operation="delete", creates=False, handler=handler)

    @endpoint
    async def read_object(self, request: Request) -> Response:
        object_id = request.path_params["object_id"]
        found = self.store.item(PLATFORM, object_id)
        if found is None or found.kind != "comment":
            return await PostsApi.read_object(self, request)
        incoming = await read_incoming(request)
        page = self.caller(request, incoming, refusal=read_refusal())
        comment = comment_of(self.store, page.account_id, object_id)
        if comment is None:
            raise no_such_object(object_id)
        if not may_read(page):
            raise read_refusal()

        async def handler() -> Response:
            assert comment is not None
            return JSONResponse(self.shown(request, comment, incoming.text("fields")))

        return await self.gate.run(page, operation="object", creates=False, handler=handler)


def choice(incoming: Incoming, name: str, allowed: tuple[str, ...]) -> str:
    value = incoming.text(name) or allowed[0]
    if value not in allowed:
        raise GraphError(
            100, f"(#100) {name} must be one of the following values: {', '.join(allowed)}"
        )
    return value


def time_param(incoming: Incoming, name: str) -> float | None:
    """A time as Graph takes it: epoch seconds or an ISO 8601 date and time."""
    value = incoming.text(name).strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise GraphError(100, f"(#100) The parameter {name} must be a valid time") from error
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def boolean(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise GraphError(100, f"(#100) Param {name} must be a boolean")
