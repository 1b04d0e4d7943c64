"""The Mastodon API Pressroom and its users' clients call, emulated for the sandbox (mounted at
/mastodon): statuses (scheduled ones too), media, accounts, the instance, apps and OAuth.

Account settings: `username`, `max_characters` (this account's limit; the instance's is set with
`PUT /mastodon/_control/instance`, see sandbox_instance.py), `media_pending_polls` (n > 0: v2
uploads answer 202 and the next n looks at the attachment answer 206 before it is ready).
Fault operations: `media` (uploads), `media/get`, `media/update`, `statuses` (creates),
`statuses/get`, `scheduled_statuses`, `verify_credentials`.
Rate limits (Mastodon's defaults): 300 requests per token per 5 minutes, windows aligned to
the clock as rack-attack counts them, and 30 media uploads per account per 30 minutes; every
authenticated answer carries X-RateLimit-Limit, -Remaining and -Reset (ISO 8601), and a
request over the limit gets 429 with the same headers.
Tokens carry scopes (sandbox_oauth.py): an endpoint called with a token lacking its scope
answers 403, an app's own token on a user's endpoint 422.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.core.text import count_mastodon
from pressroom.platforms.mastodon import sandbox_scopes as scopes
from pressroom.platforms.mastodon.descriptor import DESCRIPTOR
from pressroom.platforms.mastodon.sandbox_entities import (
    OUTSIDE_SCOPES,
    PLATFORM,
    MastodonError,
    account_entity,
    attachment_entity,
    invalid,
    status_entity,
)
from pressroom.platforms.mastodon.sandbox_instance import (
    DESCRIPTION_LIMIT,
    MAX_ATTACHMENTS,
    Instance,
    InstanceSettings,
)
from pressroom.platforms.mastodon.sandbox_oauth import OAuthServer, granted_scopes
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
from pressroom.sandbox.store import Account, SandboxStore, iso_us

MAX_IMAGE_BYTES = 16 * 1024 * 1024
IDEMPOTENCY_WINDOW_S = 3600
VISIBILITIES = frozenset({"public", "unlisted", "private", "direct"})
RATE_LIMIT, RATE_PERIOD_S = 300, 300
MEDIA_LIMIT, MEDIA_PERIOD_S = 30, 1800
MAX_REMEMBERED_ATTACHMENTS = 100_000

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

    def checked_status(self, account: Account, incoming: Incoming) -> tuple[str, list[str], str]:
        """The status's text, media ids and visibility, or the 422 its first problem gets."""
        text = incoming.text("status")
        media_ids = [str(value) for value in incoming.getlist("media_ids[]")]
        media_ids += [str(value) for value in incoming.getlist("media_ids")]
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
        limit = int(account.extra.get("max_characters") or self.settings.max_characters)
        if count_mastodon(text) > limit:
            raise invalid(f"Text character limit of {limit} exceeded")
        visibility = incoming.text("visibility") or "public"
        if visibility not in VISIBILITIES:
            raise invalid("Visibility is not included in the list")
        return text, media_ids, visibility

    @endpoint
    async def create_status(self, request: Request) -> Response:
        account = self.owner(request)
        incoming = await read_incoming(request)
        key = request.headers.get("idempotency-key", "")

        def answered_before() -> Response | None:
            """The status an earlier request with this Idempotency-Key made, if any."""
            if not key:
                return None
            earlier = self.store.item_by_idempotency_key(
                platform=PLATFORM,
                account_id=account.account_id,
                key=key,
                since=time.time() - IDEMPOTENCY_WINDOW_S,
            )
            return (
                None
                if earlier is None
                else JSONResponse(status_entity(request, self.store, earlier, account))
            )

        async def handler() -> Response:
            # Again here: a concurrent request with the same key may have just made it.
            cached = answered_before()
            if cached is not None:
                return cached
            text, media_ids, visibility = self.checked_status(account, incoming)
            item = self.store.add_item(
                platform=PLATFORM,
                account_id=account.account_id,
                kind="status",
                remote_id=str(self.store.next_number("mastodon:ids", 110000000000000001)),
                top_level=True,
                text=text,
                media=media_ids,
                data={"visibility": visibility, "language": incoming.text("language") or None},
                idempotency_key=key,
            )
            self.attach(media_ids, item.remote_id)
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
            Route("/api/v1/accounts/verify_credentials", self.verify_credentials, methods=["GET"]),
            *self.instance.routes(),
            *self.oauth.routes(),
        ]


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
