"""The emulated Mastodon's reads of what came to an account: `GET /api/v1/notifications` (and
`/:id`), the notification policy (`GET`, `PATCH`, `PUT /api/v2/notifications/policy`),
`GET /api/v1/statuses/:id/context` and `GET /api/v1/conversations`.

Paging as Mastodon's Paginable: `max_id` (older than), `since_id` (newer than, the newest
first), `min_id` (immediately newer: the oldest ones after it, answered newest first); `min_id`
wins over `since_id`. The Link header names `rel="next"` (max_id = the page's last id) and
`rel="prev"` (min_id = its first id) with the request's kept parameters, in Rails' sorted
query form, and is left out for an empty page. Limits: 40 notifications by default, at most
80; 20 conversations, at most 40. Scopes: `read:notifications` to read notifications and the
policy, `write:notifications` to change it, `read:statuses` for context and conversations.

A policy value that is not accept, filter or drop answers 422 (UNCONFIRMED: Rails' enum raises
on such a value; the error Mastodon renders for it is not documented).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.mastodon.sandbox import notifications as notes
from pressroom.platforms.mastodon.sandbox import threads
from pressroom.platforms.mastodon.sandbox.accounts import AccountsApi
from pressroom.platforms.mastodon.sandbox.entities import (
    MastodonError,
    author_entity,
    instance_root,
    status_entity,
)
from pressroom.sandbox.common import read_incoming
from pressroom.sandbox.endpoints import endpoint
from pressroom.sandbox.store import Account, iso

READ_NOTIFICATIONS = ("read", "read:notifications")
WRITE_NOTIFICATIONS = ("write", "write:notifications")
READ_STATUSES = ("read", "read:statuses")
KEPT_NOTIFICATION_PARAMS = (
    "limit",
    "account_id",
    "include_filtered",
    "types[]",
    "exclude_types[]",
    "supported_types[]",
)


def ruby_int(value: str | None) -> int:
    """String#to_i: the leading digits, 0 when there are none."""
    digits = ""
    for character in (value or "").strip():
        if not character.isdigit():
            break
        digits += character
    return int(digits) if digits else 0


def limit_param(request: Request, default: int) -> int:
    value = request.query_params.get("limit")
    if value is None:
        return default
    return max(0, min(ruby_int(value), default * 2))


def truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() not in {"", "0", "f", "false", "off"}


def paged[T](
    records: Iterable[T], id_of: Callable[[T], int], request: Request, limit: int
) -> list[T]:
    """One page, newest first, as Paginable#to_a_paginated_by_id cuts it."""
    params = request.query_params
    max_id, since_id, min_id = (params.get(name) for name in ("max_id", "since_id", "min_id"))
    chosen = list(records)
    if max_id:
        chosen = [record for record in chosen if id_of(record) < ruby_int(max_id)]
    if min_id:
        after = [record for record in chosen if id_of(record) > ruby_int(min_id)]
        return sorted(after, key=id_of)[:limit][::-1]
    if since_id:
        chosen = [record for record in chosen if id_of(record) > ruby_int(since_id)]
    return sorted(chosen, key=id_of, reverse=True)[:limit]


def link_header(request: Request, path: str, kept: Iterable[str], first: int, last: int) -> str:
    pairs = [
        f"{quote(name, safe='')}={quote(value, safe='')}"
        for name in kept
        for value in request.query_params.getlist(name)
    ]

    def url(extra: str) -> str:
        return f"{instance_root(request)}{path}?" + "&".join(sorted([*pairs, extra]))

    return f'<{url(f"max_id={last}")}>; rel="next", <{url(f"min_id={first}")}>; rel="prev"'


class InboxApi(AccountsApi):
    """Notifications, the policy, a status's context and the direct conversations."""

    def notification_entity(self, request: Request, record: dict[str, Any]) -> dict[str, Any]:
        entity: dict[str, Any] = {
            "id": record["id"],
            "type": record["type"],
            "created_at": iso(float(record["created_at"])),
            "group_key": record["group_key"],
            "account": author_entity(request, self.store, str(record["from_account_id"])),
        }
        if record.get("status_id"):
            item = threads.status(self.store, str(record["status_id"]))
            if item is not None:
                entity["status"] = status_entity(request, self.store, item)
        return entity

    def listed(self, account: Account, request: Request) -> list[dict[str, Any]]:
        """The notifications `browserable` gives for the request's types and filters."""
        params = request.query_params
        types = params.getlist("types[]")
        wanted = set(notes.TYPES) if not types else {kind for kind in types if kind in notes.TYPES}
        wanted -= set(params.getlist("exclude_types[]"))
        from_id = params.get("account_id")
        include_filtered = truthy(params.get("include_filtered")) or bool(from_id)
        return [
            record
            for record in notes.notifications_of(self.store, account.account_id)
            if record["type"] in wanted
            and (include_filtered or not record.get("filtered"))
            and (not from_id or record["from_account_id"] == from_id)
            # A deleted status takes its notifications with it.
            and (not record.get("status_id") or threads.status(self.store, record["status_id"]))
        ]

    @endpoint
    async def list_notifications(self, request: Request) -> Response:
        account = self.owner(request)

        async def handler() -> Response:
            page = paged(
                self.listed(account, request),
                lambda record: int(record["id"]),
                request,
                limit_param(request, 40),
            )
            headers = {}
            if page:
                headers["Link"] = link_header(
                    request,
                    "/api/v1/notifications",
                    KEPT_NOTIFICATION_PARAMS,
                    int(page[0]["id"]),
                    int(page[-1]["id"]),
                )
            entities = [self.notification_entity(request, record) for record in page]
            return JSONResponse(entities, headers=headers)

        return await self.run(account, "notifications", READ_NOTIFICATIONS, handler)

    @endpoint
    async def show_notification(self, request: Request) -> Response:
        account = self.owner(request)

        async def handler() -> Response:
            wanted = ruby_int(request.path_params["notification_id"])
            found = self.store.record(notes.namespace(account.account_id), notes.key(wanted))
            if found is None:
                raise MastodonError(404, "Record not found")
            return JSONResponse(self.notification_entity(request, found))

        return await self.run(account, "notifications", READ_NOTIFICATIONS, handler)

    def policy_entity(self, account: Account) -> dict[str, Any]:
        filtered = [
            record
            for record in notes.notifications_of(self.store, account.account_id)
            if record.get("filtered")
        ]
        senders = {record["from_account_id"] for record in filtered}
        return {
            **notes.policy_of(self.store, account.account_id),
            "summary": {
                "pending_requests_count": min(len(senders), 100),
                "pending_notifications_count": len(filtered),
            },
        }

    @endpoint
    async def show_policy(self, request: Request) -> Response:
        account = self.owner(request)

        async def handler() -> Response:
            return JSONResponse(self.policy_entity(account))

        return await self.run(account, "notifications/policy", READ_NOTIFICATIONS, handler)

    @endpoint
    async def update_policy(self, request: Request) -> Response:
        account = self.owner(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            changes = {}
            for field in notes.POLICY_FIELDS:
                value = incoming.text(field)
                if not value:
                    continue
                if value not in notes.ACTIONS:
                    raise MastodonError(422, f"'{value}' is not a valid {field}")
                changes[field] = value
            notes.update_policy(self.store, account.account_id, changes)
            return JSONResponse(self.policy_entity(account))

        return await self.run(account, "notifications/policy", WRITE_NOTIFICATIONS, handler)

    @endpoint
    async def status_context(self, request: Request) -> Response:
        account = self.owner(request)

        async def handler() -> Response:
            item = threads.status(self.store, request.path_params["status_id"])
            if item is None or not threads.visible(item, account.account_id):
                raise MastodonError(404, "Record not found")
            viewer = account.account_id
            return JSONResponse(
                {
                    "ancestors": [
                        status_entity(request, self.store, found)
                        for found in threads.ancestors(self.store, item, viewer)
                    ],
                    "descendants": [
                        status_entity(request, self.store, found)
                        for found in threads.descendants(self.store, item, viewer)
                    ],
                }
            )

        return await self.run(account, "statuses/context", READ_STATUSES, handler)

    @endpoint
    async def list_conversations(self, request: Request) -> Response:
        account = self.owner(request)

        async def handler() -> Response:
            page = paged(
                threads.conversations_of(self.store, account.account_id),
                lambda record: int(record["last_status_id"]),
                request,
                limit_param(request, 20),
            )
            entities = []
            for record in page:
                last = threads.status(self.store, str(record["last_status_id"]))
                entities.append(
                    {
                        "id": record["id"],
                        "unread": bool(record.get("unread")),
                        "accounts": [
                            author_entity(request, self.store, str(other))
                            for other in record.get("accounts") or []
                        ],
                        "last_status": (
                            status_entity(request, self.store, last) if last is not None else None
                        ),
                    }
                )
            headers = {}
            if page:
                headers["Link"] = link_header(
                    request,
                    "/api/v1/conversations",
                    ("limit",),
                    int(page[0]["last_status_id"]),
                    int(page[-1]["last_status_id"]),
                )
            return JSONResponse(entities, headers=headers)

        return await self.run(account, "conversations", READ_STATUSES, handler)
