"""Messenger for a Page, for the Graph API's endpoints in the sandbox: the Send API
(`POST /{page-id}/messages`), the Page's conversations (`GET /{page-id}/conversations`) and one
conversation's messages (`GET /{conversation-id}/messages`).

The Send API takes `recipient.id` (a PSID) within 24 hours of the person's last message
(`messaging_type` RESPONSE or UPDATE), up to 7 days with `MESSAGE_TAG` and tag `HUMAN_AGENT`,
otherwise code 10, subcode 2018278; or `recipient.comment_id`, a private reply: once per
comment (10900), within 7 days of it and never to the Page's own (10903). It answers
`{"recipient_id", "message_id"}` and sends the Page's echo (with the `metadata` given) and a
delivery as webhooks. Everything here needs `pages_messaging` and the MESSAGING task.
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.facebook.sandbox import hooks
from pressroom.platforms.facebook.sandbox.graph import (
    GraphError,
    encode_cursor,
    graph_time,
    limit_of,
    next_url,
    no_such_field,
    no_such_object,
    offset_of,
    select,
    split_fields,
)
from pressroom.platforms.facebook.sandbox.pages import PageApi
from pressroom.platforms.facebook.sandbox.threads import (
    HUMAN_AGENT_WINDOW_S,
    MAX_MESSAGE_TEXT,
    MAX_METADATA,
    MESSAGING_WINDOW_S,
    PRIVATE_REPLY_S,
    add_message,
    comment_of,
    may_message,
    message_fields,
    messaging_refusal,
    page_app,
    page_person,
    participant,
    set_comment,
    thread,
    thread_messages,
    threads,
)
from pressroom.sandbox.common import Incoming, loads_json, read_incoming, server_root
from pressroom.sandbox.endpoints import endpoint
from pressroom.sandbox.store import Account

MESSAGING_TYPES = ("RESPONSE", "UPDATE", "MESSAGE_TAG", "UTILITY")
HUMAN_AGENT = "HUMAN_AGENT"
TAGS = ("HUMAN_AGENT", "ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE")
CONVERSATION_FIELDS = frozenset(
    {
        "id",
        "updated_time",
        "participants",
        "senders",
        "messages",
        "message_count",
        "unread_count",
        "snippet",
        "link",
        "can_reply",
        "is_subscribed",
        "folder",
        "former_participants",
        "is_owner",
        "linked_group",
        "name",
        "scoped_thread_key",
        "wallpaper",
    }
)
MESSAGE_FIELDS = frozenset({"id", "message", "from", "to", "created_time"})
DEFAULT_CONVERSATION_FIELDS = ("id", "updated_time", "link")
DEFAULT_MESSAGE_FIELDS = ("id", "created_time")
EDGE_LIMIT = re.compile(r"\.limit\((\d+)\)")
EDGE_FIELDS = re.compile(r"\{(.*)\}\s*$")


def outside_window() -> GraphError:
    return GraphError(
        10,
        "(#10) This message is sent outside of allowed window. Learn more about the new policy "
        "here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
        subcode=2018278,
    )


def cannot_reply() -> GraphError:
    return GraphError(10903, "(#10903) This user can't reply to this activity")


class MessagesApi(PageApi):
    """The Page's Messenger conversations, one method each."""

    @endpoint
    async def send_message(self, request: Request) -> Response:
        incoming = await read_incoming(request)
        page = self.page_for(
            request, incoming, request.path_params["page_id"], refusal=messaging_refusal()
        )
        if not may_message(page):
            raise messaging_refusal()

        async def handler() -> Response:
            return JSONResponse(self.send(page, incoming))

        return await self.gate.run(page, operation="messages", creates=True, handler=handler)

    def send(self, page: Account, incoming: Incoming) -> dict[str, Any]:
        recipient = object_param(incoming, "recipient")
        if recipient is None:
            raise GraphError(100, "(#100) param recipient must be non-empty.")
        message = object_param(incoming, "message")
        sender_action = incoming.text("sender_action")
        text = message.get("text") if message is not None else None
        if message is not None or not sender_action:
            if not isinstance(text, str) or not text.strip():
                raise GraphError(
                    100, "(#100) Message cannot be empty, must provide valid attachment or text"
                )
            if len(text) > MAX_MESSAGE_TEXT:
                raise GraphError(
                    100,
                    "(#100) Length of param message[text] must be less than or equal to "
                    f"{MAX_MESSAGE_TEXT}",
                )
        metadata = incoming.text("metadata")
        if len(metadata) > MAX_METADATA:
            raise GraphError(
                100, f"(#100) Length of param metadata must be less than or equal to {MAX_METADATA}"
            )
        extra = {"metadata": metadata, "app_id": page_app(self.store, page)}
        if recipient.get("comment_id"):
            assert isinstance(text, str)
            return self.private_reply(page, str(recipient["comment_id"]), text, extra)
        psid = str(recipient.get("id") or "")
        if not psid:
            raise GraphError(100, "(#100) param recipient must have id or comment_id")
        kept = thread(self.store, page.account_id, psid)
        if kept is None:
            raise GraphError(100, "(#100) No matching user found", subcode=2018001)
        if message is None:
            return {"recipient_id": psid}
        assert isinstance(text, str)
        window = self.window(incoming)
        last_in = kept.get("last_in")
        if window is not None and (last_in is None or time.time() - last_in > window):
            raise outside_window()
        extra |= {"messaging_type": incoming.text("messaging_type"), "tag": incoming.text("tag")}
        sent = add_message(
            self.store,
            page=page,
            psid=psid,
            name=kept["name"],
            text=text,
            incoming=False,
            extra=extra,
        )
        hooks.deliver(
            self.store,
            page.account_id,
            [hooks.message_event(sent, app_id=extra["app_id"]), hooks.delivery_event(sent)],
        )
        return {"recipient_id": psid, "message_id": sent.remote_id}

    def window(self, incoming: Incoming) -> float | None:
        """How long after the person's last message this send may go (None: any time)."""
        messaging_type = incoming.text("messaging_type")
        if not messaging_type:
            raise GraphError(100, "(#100) Param messaging_type is required")
        if messaging_type not in MESSAGING_TYPES:
            raise GraphError(
                100, f"(#100) Param messaging_type must be one of {{{', '.join(MESSAGING_TYPES)}}}"
            )
        if messaging_type != "MESSAGE_TAG":
            return MESSAGING_WINDOW_S
        tag = incoming.text("tag")
        if tag not in TAGS:
            raise GraphError(100, f"(#100) Param tag must be one of {{{', '.join(TAGS)}}}")
        return HUMAN_AGENT_WINDOW_S if tag == HUMAN_AGENT else None

    def private_reply(
        self, page: Account, comment_id: str, text: str, extra: dict[str, Any]
    ) -> dict[str, Any]:
        comment = comment_of(self.store, page.account_id, comment_id)
        if comment is None:
            raise GraphError(
                100, "(#100) param recipient[comment_id] must be a comment on the Page's posts"
            )
        if comment.data["from"]["id"] == page.account_id:
            raise cannot_reply()
        if comment.data.get("private_reply"):
            raise GraphError(10900, "(#10900) Activity already replied to")
        if time.time() - comment.created_at > PRIVATE_REPLY_S:
            raise cannot_reply()
        person = comment.data["from"]
        sent = add_message(
            self.store,
            page=page,
            psid=person["id"],
            name=person.get("name", ""),
            text=text,
            incoming=False,
            extra={**extra, "comment_id": comment_id},
        )
        kept = thread(self.store, page.account_id, person["id"]) or {}
        set_comment(self.store, comment, private_reply=sent.remote_id, conversation=kept["id"])
        hooks.deliver(
            self.store, page.account_id, [hooks.message_event(sent, app_id=extra["app_id"])]
        )
        return {"recipient_id": person["id"], "message_id": sent.remote_id}

    @endpoint
    async def list_conversations(self, request: Request) -> Response:
        incoming = await read_incoming(request)
        page = self.page_for(
            request, incoming, request.path_params["page_id"], refusal=messaging_refusal()
        )
        if not may_message(page):
            raise messaging_refusal()
        # The SDK sends MESSENGER, the reference shows messenger: Graph takes both.
        platform = incoming.text("platform").lower() or "messenger"
        if platform not in {"messenger", "instagram"}:
            raise GraphError(
                100, "(#100) platform must be one of the following values: instagram, messenger"
            )
        requested = incoming.text("fields")
        for name in split_fields(requested):
            if name not in CONVERSATION_FIELDS:
                raise no_such_field(name, "UnifiedThread")
        limit = limit_of(incoming.text("limit"))
        offset = offset_of(incoming)

        async def handler() -> Response:
            chosen = threads(self.store, page.account_id) if platform == "messenger" else []
            user_id = incoming.text("user_id")
            if user_id:
                chosen = [(psid, kept) for psid, kept in chosen if psid == user_id]
            shown = chosen[offset : offset + limit]
            data = [self.conversation(request, incoming, page, psid, kept) for psid, kept in shown]
            body: dict[str, Any] = {"data": data}
            if shown:
                cursors = {
                    "before": encode_cursor(str(offset)),
                    "after": encode_cursor(str(offset + len(shown))),
                }
                body["paging"] = {"cursors": cursors}
                if offset + limit < len(chosen):
                    body["paging"]["next"] = next_url(request, cursors["after"])
            return JSONResponse(body)

        return await self.gate.run(page, operation="conversations", creates=False, handler=handler)

    def conversation(
        self, request: Request, incoming: Incoming, page: Account, psid: str, kept: dict[str, Any]
    ) -> dict[str, Any]:
        requested = incoming.text("fields")
        messages = thread_messages(self.store, page.account_id, psid)
        people = [participant({"id": psid, "name": kept["name"]}), participant(page_person(page))]
        last_in = kept.get("last_in")
        fields: dict[str, Any] = {
            "id": kept["id"],
            "updated_time": graph_time(kept["updated"]),
            "link": f"/{page.account_id}/inbox/{kept['id']}",
            "participants": {"data": people},
            "senders": {"data": people},
            "message_count": len(messages),
            "unread_count": 0,
            "snippet": messages[0].text[:100] if messages else "",
            "can_reply": last_in is not None and time.time() - last_in <= MESSAGING_WINDOW_S,
            "is_subscribed": True,
        }
        if "messages" in split_fields(requested):
            spec = edge_spec(requested, "messages")
            limit = limit_of(spec["limit"])
            shown = messages[:limit]
            edge: dict[str, Any] = {
                "data": [message_shown(message, spec["fields"]) for message in shown]
            }
            if shown:
                after = encode_cursor(str(len(shown)))
                edge["paging"] = {"cursors": {"before": encode_cursor("0"), "after": after}}
                if len(messages) > limit:
                    query = {"fields": spec["fields"], "limit": str(limit), "after": after}
                    if incoming.text("access_token"):
                        query["access_token"] = incoming.text("access_token")
                    base = request.url.path.rsplit("/", 2)[0]
                    edge["paging"]["next"] = (
                        f"{server_root(request)}{base}/{kept['id']}/messages?{urlencode(query)}"
                    )
            fields["messages"] = edge
        return select(fields, requested, DEFAULT_CONVERSATION_FIELDS)

    @endpoint
    async def list_thread_messages(self, request: Request) -> Response:
        conversation_id = request.path_params["object_id"]
        incoming = await read_incoming(request)
        page = self.caller(request, incoming, refusal=messaging_refusal())
        found = [
            psid
            for psid, kept in threads(self.store, page.account_id)
            if kept["id"] == conversation_id
        ]
        if not found:
            raise no_such_object(conversation_id)
        if not may_message(page):
            raise messaging_refusal()
        requested = incoming.text("fields")
        limit = limit_of(incoming.text("limit"))
        offset = offset_of(incoming)

        async def handler() -> Response:
            messages = thread_messages(self.store, page.account_id, found[0])
            shown = messages[offset : offset + limit]
            body: dict[str, Any] = {"data": [message_shown(m, requested) for m in shown]}
            if shown:
                cursors = {
                    "before": encode_cursor(str(offset)),
                    "after": encode_cursor(str(offset + len(shown))),
                }
                body["paging"] = {"cursors": cursors}
                if offset + limit < len(messages):
                    body["paging"]["next"] = next_url(request, cursors["after"])
            return JSONResponse(body)

        return await self.gate.run(page, operation="conversations", creates=False, handler=handler)


def message_shown(message: Any, requested: str) -> dict[str, Any]:
    for name in split_fields(requested):
        if name not in MESSAGE_FIELDS:
            raise no_such_field(name, "Message")
    return select(message_fields(message), requested, DEFAULT_MESSAGE_FIELDS)


def edge_spec(requested: str, edge: str) -> dict[str, str]:
    """`messages.limit(25){id,message}` → limit "25", fields "id,message"."""
    depth, current, parts = 0, "", []
    for char in requested:
        depth += char in "({"
        depth -= char in ")}"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    for raw in parts:
        part = raw.strip()
        if part.split(".")[0].split("{")[0] != edge:
            continue
        limit = EDGE_LIMIT.search(part)
        fields = EDGE_FIELDS.search(part)
        return {
            "limit": limit.group(1) if limit else "",
            "fields": fields.group(1) if fields else "",
        }
    return {"limit": "", "fields": ""}


def object_param(incoming: Incoming, name: str) -> dict[str, Any] | None:
    """A JSON object parameter, sent in a JSON body or as a form field holding JSON."""
    value = incoming.get(name)
    if value is None or value == "":
        return None
    decoded = loads_json(value)
    if not isinstance(decoded, dict):
        raise GraphError(100, f"(#100) param {name} must be a JSON object")
    return decoded
