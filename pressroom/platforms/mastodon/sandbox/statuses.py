"""Statuses in the emulated Mastodon API: `POST /api/v1/statuses` (checked in the order of
Mastodon's controller and PostStatusService: the status replied to, then media, then the
status's own validations; a reply is recorded in its thread, threads.py; a repeated
Idempotency-Key within an hour gets the same status; with `scheduled_at` a scheduled status,
kept in scheduled.py), `GET /api/v1/statuses/{id}`,
and `GET /api/v1/scheduled_statuses` and `/api/v1/scheduled_statuses/{id}` (the due ones are
posted first). One attachment goes to one status only.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.mastodon.sandbox import people, scopes, threads
from pressroom.platforms.mastodon.sandbox.accounts import AccountsApi
from pressroom.platforms.mastodon.sandbox.entities import (
    PLATFORM,
    MastodonError,
    invalid,
    status_entity,
)
from pressroom.platforms.mastodon.sandbox.instance import MAX_ATTACHMENTS
from pressroom.platforms.mastodon.sandbox.text import status_length
from pressroom.sandbox.common import Incoming, read_incoming
from pressroom.sandbox.endpoints import endpoint
from pressroom.sandbox.store import Account, Item

IDEMPOTENCY_WINDOW_S = 3600
VISIBILITIES = frozenset({"public", "unlisted", "private", "direct"})
MAX_REMEMBERED_ATTACHMENTS = 100_000
# statuses.errors.in_reply_not_found in Mastodon's English locale.
IN_REPLY_NOT_FOUND = "The post you are trying to reply to does not appear to exist."
# Mastodon's ScheduledStatus::MINIMUM_OFFSET.
MIN_SCHEDULE_OFFSET_S = 300


class StatusesApi(AccountsApi):
    """The status endpoints, scheduled statuses too, one method each."""

    def checked_status(self, account: Account, incoming: Incoming) -> dict[str, Any]:
        """What the status will be, or the error its first problem gets (in the order of
        Mastodon's PostStatusService: media, then the status's own validations)."""
        # The thread first (the controller's before_action): a parent that is not there, or
        # that the account may not see, is not found.
        in_reply_to_id = incoming.text("in_reply_to_id") or None
        replied = None
        if in_reply_to_id is not None:
            replied = threads.status(self.store, in_reply_to_id)
            if replied is None or not threads.visible(replied, account.account_id):
                raise MastodonError(404, IN_REPLY_NOT_FOUND)
        text = incoming.text("status")
        media_ids = [str(value) for value in incoming.getlist("media_ids[]")]
        media_ids += [str(value) for value in incoming.getlist("media_ids")]
        scheduled_at = self.checked_schedule(incoming.text("scheduled_at"))
        if len(media_ids) > MAX_ATTACHMENTS:
            raise MastodonError(422, f"Cannot attach more than {MAX_ATTACHMENTS} files")
        not_found = []
        for media_id in media_ids:
            media = self.store.files.get(PLATFORM, media_id)
            if (
                media is None
                or media.account_id != account.account_id
                or self.attached.get(media_id) is not None
            ):
                not_found.append(media_id)
            elif media.pending_polls > 0:
                raise MastodonError(
                    422,
                    "Cannot attach files that have not finished processing. Try again in a moment!",
                )
        if not_found:
            raise MastodonError(
                422,
                f"Media {', '.join(not_found)} not found or already attached to another post",
            )
        if not text.strip() and not media_ids:
            raise invalid("Text can't be blank")
        spoiler_text = incoming.text("spoiler_text")
        limit = int(account.extra.get("max_characters") or self.settings.max_characters)
        if status_length(text, spoiler_text) > limit:
            raise invalid(f"Text character limit of {limit} exceeded")
        visibility = incoming.text("visibility") or "public"
        if visibility not in VISIBILITIES:
            raise MastodonError(422, f"'{visibility}' is not a valid visibility")
        return {
            "text": text,
            "media_ids": media_ids,
            "visibility": visibility,
            # A content warning makes the status sensitive, whatever was sent.
            "sensitive": truthy(incoming.get("sensitive")) or bool(spoiler_text),
            "spoiler_text": spoiler_text,
            "language": incoming.text("language") or None,
            "in_reply_to_id": in_reply_to_id,
            "in_reply_to_account_id": replied.account_id if replied else None,
            "mentions": people.mentioned_ids(self.store, text) or None,
            "scheduled_at": scheduled_at,
        }

    def checked_schedule(self, value: str) -> float | None:
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as error:
            raise invalid("Scheduled at is invalid") from error
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if moment.timestamp() <= time.time() + MIN_SCHEDULE_OFFSET_S:
            raise invalid("Scheduled at The scheduled date must be in the future")
        return moment.timestamp()

    def application(self, account: Account) -> dict[str, Any]:
        """The app that posted: the token's, or Mastodon's web app for a console token."""
        client_id = account.extra.get("token_client")
        app = self.store.app(PLATFORM, str(client_id)) if client_id else None
        if app is None:
            return {"name": "Web", "website": None}
        return {"name": str(app.get("name") or client_id), "website": app.get("website")}

    def publish(self, account: Account, status: dict[str, Any], key: str) -> Item:
        item = self.store.add_item(
            platform=PLATFORM,
            account_id=account.account_id,
            kind="status",
            remote_id=str(self.store.next_number("mastodon:ids", 110000000000000001)),
            # A reply is not one of the account's posts.
            top_level=status.get("in_reply_to_id") is None,
            text=status["text"],
            media=status["media_ids"],
            data={
                key: status[key]
                for key in (
                    "visibility",
                    "language",
                    "sensitive",
                    "spoiler_text",
                    "in_reply_to_id",
                    "in_reply_to_account_id",
                    "mentions",
                    "application",
                    "published_at",
                )
                if status.get(key) is not None
            },
            idempotency_key=key,
        )
        self.attach(status["media_ids"], item.remote_id)
        threads.record_status(self.store, item)
        return item

    @endpoint
    async def create_status(self, request: Request) -> Response:
        account = self.owner(request)
        incoming = await read_incoming(request)
        key = request.headers.get("idempotency-key", "")

        def answered_before() -> Response | None:
            """What an earlier request with this Idempotency-Key made, if anything."""
            if not key:
                return None
            earlier = self.store.item_by_idempotency_key(
                platform=PLATFORM,
                account_id=account.account_id,
                key=key,
                since=time.time() - IDEMPOTENCY_WINDOW_S,
            )
            if earlier is not None:
                return JSONResponse(status_entity(request, self.store, earlier))
            scheduled = self.scheduled.by_key(
                account, key, since=time.time() - IDEMPOTENCY_WINDOW_S
            )
            if scheduled is not None:
                return JSONResponse(self.scheduled.entity(request, scheduled))
            return None

        async def handler() -> Response:
            # Again here: a concurrent request with the same key may have just made it.
            cached = answered_before()
            if cached is not None:
                return cached
            status = self.checked_status(account, incoming)
            status["application"] = self.application(account)
            if status["scheduled_at"] is not None:
                scheduled = self.scheduled.add(account, status, key)
                for media_id in status["media_ids"]:
                    self.attached[media_id] = f"scheduled:{scheduled['id']}"
                return JSONResponse(self.scheduled.entity(request, scheduled))
            item = self.publish(account, status, key)
            return JSONResponse(status_entity(request, self.store, item))

        # Mastodon answers a repeated key from its cache, before anything else can fail:
        # the same request gets the same status, never an error.
        cached = answered_before()
        if cached is not None:
            return cached
        return await self.run(account, "statuses", scopes.WRITE_STATUSES, handler, creates=True)

    def attach(self, media_ids: list[str], status_id: str) -> None:
        """Remember which status took each attachment (in memory, forgotten on a restart)."""
        for media_id in media_ids:
            self.attached[media_id] = status_id
        if len(self.attached) > MAX_REMEMBERED_ATTACHMENTS:
            for media_id in list(self.attached)[: len(self.attached) // 2]:
                del self.attached[media_id]

    @endpoint
    async def show_status(self, request: Request) -> Response:
        account = self.owner(request)
        status_id = request.path_params["status_id"]

        async def handler() -> Response:
            item = threads.status(self.store, status_id)
            if item is None or not threads.visible(item, account.account_id):
                raise MastodonError(404, "Record not found")
            return JSONResponse(status_entity(request, self.store, item))

        return await self.run(account, "statuses/get", scopes.READ_STATUSES, handler)

    def publish_due(self, account: Account) -> None:
        """Post the account's scheduled statuses whose time has come."""
        for record in self.scheduled.take_due(account, time.time()):
            status = {**record["status"], "published_at": record["scheduled_at"]}
            self.publish(account, status, str(record.get("idempotency") or ""))

    @endpoint
    async def list_scheduled(self, request: Request) -> Response:
        account = self.owner(request)

        async def handler() -> Response:
            self.publish_due(account)
            waiting = self.scheduled.of(account)
            limit = min(max(int_or(request.query_params.get("limit"), 20), 1), 40)
            newest_first = list(reversed(waiting))[:limit]
            return JSONResponse([self.scheduled.entity(request, record) for record in newest_first])

        return await self.run(account, "scheduled_statuses", scopes.READ_STATUSES, handler)

    @endpoint
    async def show_scheduled(self, request: Request) -> Response:
        account = self.owner(request)

        async def handler() -> Response:
            self.publish_due(account)
            record = self.scheduled.get(account, request.path_params["scheduled_id"])
            if record is None:
                raise MastodonError(404, "Record not found")
            return JSONResponse(self.scheduled.entity(request, record))

        return await self.run(account, "scheduled_statuses", scopes.READ_STATUSES, handler)


def int_or(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def truthy(value: Any) -> bool:
    """A boolean parameter as Rails casts it: "0", "false", "f", "off" and "" are false."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).strip().lower() not in {"", "0", "f", "false", "off", "n", "no"}
