"""The Mastodon API Pressroom and its users' clients call, emulated for the sandbox (mounted at
/mastodon): statuses (scheduled ones too), media, accounts, the instance, apps and OAuth.

Account settings: `username`, `max_characters` (this account's limit; the instance's is set with
`PUT /mastodon/_control/instance`, see instance.py), `media_pending_polls` (n > 0: v2
uploads answer 202 and the next n looks at the attachment answer 206 before it is ready).
Fault operations: `media` (uploads), `media/get`, `media/update`, `statuses` (creates),
`statuses/get`, `scheduled_statuses`, `verify_credentials`.
Rate limits (Mastodon's defaults): 300 requests per token per 5 minutes, windows aligned to
the clock as rack-attack counts them, and 30 media uploads per account per 30 minutes; every
authenticated answer carries X-RateLimit-Limit, -Remaining and -Reset (ISO 8601), and a
request over the limit gets 429 with the same headers.
Tokens carry scopes (oauth.py): an endpoint called with a token lacking its scope
answers 403, an app's own token on a user's endpoint 422.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.platforms.mastodon.descriptor import DESCRIPTOR
from pressroom.platforms.mastodon.sandbox import scopes
from pressroom.platforms.mastodon.sandbox.entities import (
    OUTSIDE_SCOPES,
    PLATFORM,
    MastodonError,
    account_entity,
    attachment_entity,
    invalid,
    status_entity,
)
from pressroom.platforms.mastodon.sandbox.instance import (
    DESCRIPTION_LIMIT,
    MAX_ATTACHMENTS,
    Instance,
    InstanceSettings,
)
from pressroom.platforms.mastodon.sandbox.oauth import OAuthServer, granted_scopes
from pressroom.platforms.mastodon.sandbox.scheduled import ScheduledStatuses
from pressroom.platforms.mastodon.sandbox.text import status_length
from pressroom.sandbox import faults
from pressroom.sandbox.common import (
    Incoming,
    bearer_token,
    image_info,
    read_incoming,
)
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.emulation import Emulation, Look
from pressroom.sandbox.endpoints import EmulatedApi, PlatformError, endpoint
from pressroom.sandbox.store import Account, Item, SandboxStore, iso_us

MAX_IMAGE_BYTES = 16 * 1024 * 1024
IDEMPOTENCY_WINDOW_S = 3600
VISIBILITIES = frozenset({"public", "unlisted", "private", "direct"})
RATE_LIMIT, RATE_PERIOD_S = 300, 300
MEDIA_LIMIT, MEDIA_PERIOD_S = 30, 1800
MAX_REMEMBERED_ATTACHMENTS = 100_000
# Mastodon's ScheduledStatus::MINIMUM_OFFSET.
MIN_SCHEDULE_OFFSET_S = 300

Handler = Callable[[], Awaitable[Response]]


class Window:
    """Requests counted in clock-aligned periods, per key (a token, an account)."""

    def __init__(self, limit: int, period_s: int) -> None:
        self.limit = limit
        self.period_s = period_s
        self._counts: dict[str, tuple[int, int]] = {}

    def count(self, key: str, now: float) -> int:
        period = int(now // self.period_s)
        seen_period, seen = self._counts.get(key, (period, 0))
        used = (seen if seen_period == period else 0) + 1
        self._counts[key] = (period, used)
        return used

    def used(self, key: str, now: float) -> int:
        period, used = self._counts.get(key, (-1, 0))
        return used if period == int(now // self.period_s) else 0

    def reset_at(self, now: float) -> float:
        return (int(now // self.period_s) + 1) * self.period_s

    def headers(self, key: str, now: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - self.used(key, now))),
            "X-RateLimit-Reset": iso_us(self.reset_at(now)),
        }

    def clear(self) -> None:
        self._counts.clear()


class ApiLimits:
    """Mastodon's default throttles: API calls per token, media uploads per account."""

    def __init__(self, also_reset: Callable[[], None]) -> None:
        self.api = Window(RATE_LIMIT, RATE_PERIOD_S)
        self.media = Window(MEDIA_LIMIT, MEDIA_PERIOD_S)
        # What else the emulation keeps in memory (the instance's settings, which status took
        # which attachment): a sandbox reset clears it with the counters.
        self.also_reset = also_reset

    def admit(self, account: Account, *, operation: str, creates: bool, now: float) -> float | None:
        # rack-attack counts every request, the refused ones too.
        over = self.api.count(account.token, now) > self.api.limit
        wait = self.api.reset_at(now) - now if over else None
        if operation == "media" and self.media.count(account.account_id, now) > self.media.limit:
            wait = max(wait or 0.0, self.media.reset_at(now) - now)
        return wait

    def headers(self, account: Account, *, operation: str, now: float) -> dict[str, str]:
        if operation == "media" and self.media.used(account.account_id, now) > self.media.limit:
            return self.media.headers(account.account_id, now)
        return self.api.headers(account.token, now)

    def reset(self) -> None:
        self.api.clear()
        self.media.clear()
        self.also_reset()


class MastodonApi(EmulatedApi):
    """The Mastodon API's account, status and media endpoints, one method each."""

    def __init__(self, store: SandboxStore) -> None:
        self.settings = InstanceSettings()
        # Which status took each attachment: one attachment goes to one status only.
        self.attached: dict[str, str] = {}
        super().__init__(
            store,
            Gate(
                store,
                platform=PLATFORM,
                render=lambda fault, account: fault_error(fault).response(),
                limiter=ApiLimits(also_reset=self.forget),
            ),
        )
        self.oauth = OAuthServer(store)
        self.instance = Instance(store, self.settings)
        self.scheduled = ScheduledStatuses(store)

    def forget(self) -> None:
        self.settings.reset()
        self.attached.clear()

    def bad_body(self, message: str) -> PlatformError:
        return MastodonError(400, message)

    def owner(self, request: Request) -> Account:
        token = bearer_token(request)
        account = self.store.account_by_token(PLATFORM, token)
        if account is None:
            if self.oauth.app_token_record(token) is not None:
                raise MastodonError(422, "This method requires an authenticated user")
            raise MastodonError(401, "The access token is invalid")
        return account

    async def run(
        self,
        account: Account,
        operation: str,
        accepted: tuple[str, ...],
        handler: Handler,
        *,
        creates: bool = False,
    ) -> Response:
        """The handler behind the gate, for a token holding one of the accepted scopes."""

        async def permitted() -> Response:
            granted = granted_scopes(account)
            if granted is not None and not scopes.allows(granted, accepted):
                raise MastodonError(403, OUTSIDE_SCOPES)
            return await handler()

        return await self.guarded(account, operation, permitted, creates=creates)

    # Media

    def save_upload(self, account: Account, incoming: Incoming, *, pending: int) -> str:
        upload = incoming.files.get("file")
        if upload is None:
            raise invalid("File can't be blank")
        info = image_info(upload.content)
        if info is None:
            raise invalid("File content type is invalid, File is invalid")
        if len(upload.content) > MAX_IMAGE_BYTES:
            raise invalid("File file size must be less than 16 MB")
        description = incoming.text("description")
        if len(description) > DESCRIPTION_LIMIT:
            raise invalid(f"Description is too long (maximum is {DESCRIPTION_LIMIT} characters)")
        media_id = str(self.store.next_number("mastodon:ids", 110000000000000001))
        self.store.files.save(
            platform=PLATFORM,
            account_id=account.account_id,
            media_id=media_id,
            content=upload.content,
            content_type=info.content_type,
            description=description,
            width=info.width,
            height=info.height,
            pending_polls=pending,
        )
        self.store.add_item(
            platform=PLATFORM,
            account_id=account.account_id,
            kind="media",
            remote_id=media_id,
            top_level=False,
            text=description,
            media=[media_id],
        )
        focus = incoming.text("focus")
        if focus:
            self.store.put_record("mastodon:media", media_id, {"focus": parse_focus(focus)})
        return media_id

    @endpoint
    async def upload_media(self, request: Request) -> Response:
        """v2: 202 while the server is still processing (the account's media_pending_polls)."""
        account = self.owner(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            pending = int(account.extra.get("media_pending_polls") or 0)
            media_id = self.save_upload(account, incoming, pending=pending)
            return JSONResponse(
                attachment_entity(request, self.store, media_id),
                status_code=202 if pending else 200,
            )

        return await self.run(account, "media", scopes.WRITE_MEDIA, handler)

    @endpoint
    async def upload_media_v1(self, request: Request) -> Response:
        """v1 (deprecated since 3.1.3): answers once processing is done, always 200."""
        account = self.owner(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            media_id = self.save_upload(account, incoming, pending=0)
            return JSONResponse(attachment_entity(request, self.store, media_id))

        return await self.run(account, "media", scopes.WRITE_MEDIA, handler)

    def own_media(self, account: Account, media_id: str) -> Any:
        media = self.store.files.get(PLATFORM, media_id)
        if media is None or media.account_id != account.account_id:
            raise MastodonError(404, "Record not found")
        return media

    @endpoint
    async def show_media(self, request: Request) -> Response:
        account = self.owner(request)
        media_id = request.path_params["media_id"]

        async def handler() -> Response:
            media = self.own_media(account, media_id)
            if media.pending_polls > 0:
                body = attachment_entity(request, self.store, media_id)
                self.store.files.poll(PLATFORM, media_id)
                return JSONResponse(body, status_code=206)
            return JSONResponse(attachment_entity(request, self.store, media_id))

        return await self.run(account, "media/get", scopes.WRITE_MEDIA, handler)

    @endpoint
    async def update_media(self, request: Request) -> Response:
        """A new description or focal point, until the attachment is part of a status."""
        account = self.owner(request)
        media_id = request.path_params["media_id"]
        incoming = await read_incoming(request)

        async def handler() -> Response:
            media = self.own_media(account, media_id)
            if self.attached.get(media_id) is not None:
                raise MastodonError(404, "Record not found")
            changed = dict(self.store.record("mastodon:media", media_id) or {})
            if incoming.get("description") is not None:
                description = incoming.text("description")
                if len(description) > DESCRIPTION_LIMIT:
                    raise invalid(
                        f"Description is too long (maximum is {DESCRIPTION_LIMIT} characters)"
                    )
                changed["description"] = description
            if incoming.get("focus") is not None:
                changed["focus"] = parse_focus(incoming.text("focus"))
            self.store.put_record("mastodon:media", media_id, changed)
            body = attachment_entity(request, self.store, media_id)
            return JSONResponse(body, status_code=206 if media.pending_polls > 0 else 200)

        return await self.run(account, "media/update", scopes.WRITE_MEDIA, handler)

    # Statuses

    def checked_status(self, account: Account, incoming: Incoming) -> dict[str, Any]:
        """What the status will be, or the error its first problem gets (in the order of
        Mastodon's PostStatusService: media, then the status's own validations)."""
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
        in_reply_to_id = incoming.text("in_reply_to_id") or None
        replied = None
        if in_reply_to_id is not None:
            replied = self.store.item(PLATFORM, in_reply_to_id)
            if replied is None or replied.kind != "status":
                raise MastodonError(404, "Record not found")
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
            top_level=True,
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
                    "application",
                    "published_at",
                )
                if status.get(key) is not None
            },
            idempotency_key=key,
        )
        self.attach(status["media_ids"], item.remote_id)
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
                return JSONResponse(status_entity(request, self.store, earlier, account))
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
            return JSONResponse(status_entity(request, self.store, item, account))

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
            item = self.store.item(PLATFORM, status_id)
            if item is None or item.kind != "status":
                raise MastodonError(404, "Record not found")
            author = self.store.account(PLATFORM, item.account_id) or account
            return JSONResponse(status_entity(request, self.store, item, author))

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

    # Accounts

    @endpoint
    async def verify_credentials(self, request: Request) -> Response:
        account = self.owner(request)

        async def handler() -> Response:
            return JSONResponse(account_entity(request, self.store, account, own=True))

        return await self.run(account, "verify_credentials", scopes.READ_ACCOUNT, handler)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/api/v2/media", self.upload_media, methods=["POST"]),
            Route("/api/v1/media", self.upload_media_v1, methods=["POST"]),
            Route("/api/v1/media/{media_id}", self.show_media, methods=["GET"]),
            Route("/api/v1/media/{media_id}", self.update_media, methods=["PUT"]),
            Route("/api/v1/statuses", self.create_status, methods=["POST"]),
            Route("/api/v1/statuses/{status_id}", self.show_status, methods=["GET"]),
            Route("/api/v1/scheduled_statuses", self.list_scheduled, methods=["GET"]),
            Route(
                "/api/v1/scheduled_statuses/{scheduled_id}", self.show_scheduled, methods=["GET"]
            ),
            Route("/api/v1/accounts/verify_credentials", self.verify_credentials, methods=["GET"]),
            *self.instance.routes(),
            *self.oauth.routes(),
        ]


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


def parse_focus(value: str) -> list[float]:
    """A focal point "x,y" as Mastodon reads it (each part to a float, 0.0 when not one)."""
    parts = [*value.split(","), "", ""][:2]
    point = []
    for part in parts:
        try:
            point.append(float(part))
        except ValueError:
            point.append(0.0)
    return point


def routes(store: SandboxStore) -> list[BaseRoute]:
    return MastodonApi(store).routes()


def fault_error(fault: faults.Fault) -> MastodonError:
    if fault.kind == "rate_limit":
        wait = fault.retry_after if fault.retry_after is not None else 300
        reset = iso_us(time.time() + wait)
        return MastodonError(
            fault.status or 429,
            fault.message or "Too many requests",
            headers={
                "X-RateLimit-Limit": str(RATE_LIMIT),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": reset,
            },
        )
    if fault.kind == "token_expired":
        return MastodonError(fault.status or 401, fault.message or "The access token is invalid")
    if fault.kind == "reject":
        return MastodonError(
            fault.status or 422, fault.message or "Validation failed: Text can't be blank"
        )
    if fault.kind == "server_error":
        return MastodonError(fault.status or 503, fault.message or "Service Unavailable")
    status = fault.status or (int(fault.code) if fault.code is not None else 503)
    return MastodonError(status, fault.message or "Service Unavailable")


EMULATION = Emulation(
    platform=PLATFORM,
    path=DESCRIPTOR.sandbox_path,
    routes=routes,
    look=Look(
        brand="Mastodon",
        accent="#6364ff",
        background="#191b22",
        item="Tút (Status)",
        dark=True,
    ),
)
