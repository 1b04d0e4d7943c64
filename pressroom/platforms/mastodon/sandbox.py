"""The Mastodon endpoints Pressroom uses, emulated for the sandbox (mounted at /mastodon).

Account settings: `username`, `max_characters` (default 500), `media_pending_polls` (n > 0:
uploads answer 202 and the next n looks at the attachment answer 206 before it is ready).
Fault operations: `media`, `media/get`, `statuses` (creates), `statuses/get`,
`verify_credentials`.
Rate limits (Mastodon's defaults): 300 requests per token per 5 minutes, windows aligned to
the clock as rack-attack counts them, and 30 media uploads per account per 30 minutes; every
authenticated answer carries X-RateLimit-Limit, -Remaining and -Reset (ISO 8601), and a
request over the limit gets 429 with the same headers.
"""

from __future__ import annotations

import html
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.core.text import count_mastodon
from pressroom.platforms.mastodon.descriptor import DESCRIPTOR
from pressroom.sandbox import faults
from pressroom.sandbox.common import (
    Incoming,
    bearer_token,
    image_info,
    read_incoming,
    server_root,
)
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.emulation import Emulation, Look
from pressroom.sandbox.endpoints import EmulatedApi, PlatformError, endpoint
from pressroom.sandbox.store import Account, Item, SandboxStore, iso, iso_us

PLATFORM = "mastodon"
DEFAULT_MAX_CHARACTERS = 500
MAX_ATTACHMENTS = 4
MAX_IMAGE_BYTES = 16 * 1024 * 1024
IDEMPOTENCY_WINDOW_S = 3600
VISIBILITIES = frozenset({"public", "unlisted", "private", "direct"})
RATE_LIMIT, RATE_PERIOD_S = 300, 300
MEDIA_LIMIT, MEDIA_PERIOD_S = 30, 1800


class MastodonError(PlatformError):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.message}, status_code=self.status, headers=self.headers)


def invalid(message: str) -> MastodonError:
    return MastodonError(422, f"Validation failed: {message}")


def username_of(account: Account) -> str:
    return str(account.extra.get("username") or account.account_id).lstrip("@")


def content_html(text: str) -> str:
    paragraphs = [part for part in text.split("\n\n") if part.strip()]
    return "".join(
        "<p>" + html.escape(part).replace("\n", "<br />") + "</p>" for part in paragraphs
    )


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

    def __init__(self) -> None:
        self.api = Window(RATE_LIMIT, RATE_PERIOD_S)
        self.media = Window(MEDIA_LIMIT, MEDIA_PERIOD_S)

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


class MastodonApi(EmulatedApi):
    """The Mastodon API's status and media endpoints, one method each."""

    def __init__(self, store: SandboxStore) -> None:
        super().__init__(
            store,
            Gate(
                store,
                platform=PLATFORM,
                render=lambda fault, account: fault_error(fault).response(),
                limiter=ApiLimits(),
            ),
        )

    def bad_body(self, message: str) -> PlatformError:
        return MastodonError(400, message)

    def owner(self, request: Request) -> Account:
        account = self.store.account_by_token(PLATFORM, bearer_token(request))
        if account is None:
            raise MastodonError(401, "The access token is invalid")
        return account

    def account_entity(self, request: Request, account: Account) -> dict[str, Any]:
        username = username_of(account)
        return {
            "id": account.account_id,
            "username": username,
            "acct": username,
            "display_name": account.name,
            "url": f"{server_root(request)}/view/{PLATFORM}/{account.account_id}",
        }

    def attachment(self, request: Request, media_id: str) -> dict[str, Any]:
        media = self.store.files.get(PLATFORM, media_id)
        if media is None:
            raise MastodonError(404, "Record not found")
        url = f"{server_root(request)}{media.url_path}"
        ready = media.pending_polls == 0
        return {
            "id": media.media_id,
            "type": "image",
            "url": url if ready else None,
            "preview_url": url if ready else None,
            "remote_url": None,
            "preview_remote_url": None,
            "text_url": None,
            "meta": {
                "original": {
                    "width": media.width,
                    "height": media.height,
                    "size": f"{media.width}x{media.height}",
                    "aspect": round(media.width / media.height, 6) if media.height else 0,
                }
            },
            "description": media.description or None,
            "blurhash": None,
        }

    def status_entity(self, request: Request, item: Item, account: Account) -> dict[str, Any]:
        root = server_root(request)
        return {
            "id": item.remote_id,
            "created_at": iso(item.created_at),
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": item.data.get("visibility", "public"),
            "language": item.data.get("language"),
            "uri": f"{root}/users/{username_of(account)}/statuses/{item.remote_id}",
            "url": f"{root}/view/{PLATFORM}/{account.account_id}/{item.remote_id}",
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "content": content_html(item.text),
            "account": self.account_entity(request, account),
            "media_attachments": [self.attachment(request, media_id) for media_id in item.media],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "card": None,
            "poll": None,
        }

    @endpoint
    async def upload_media(self, request: Request) -> Response:
        account = self.owner(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            upload = incoming.files.get("file")
            if upload is None:
                raise invalid("File can't be blank")
            info = image_info(upload.content)
            if info is None:
                raise invalid("File content type is invalid, File is invalid")
            if len(upload.content) > MAX_IMAGE_BYTES:
                raise invalid("File file size must be less than 16 MB")
            media_id = str(self.store.next_number("mastodon:ids", 110000000000000001))
            pending = int(account.extra.get("media_pending_polls") or 0)
            self.store.files.save(
                platform=PLATFORM,
                account_id=account.account_id,
                media_id=media_id,
                content=upload.content,
                content_type=info.content_type,
                description=incoming.text("description"),
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
                text=incoming.text("description"),
                media=[media_id],
            )
            return JSONResponse(
                self.attachment(request, media_id), status_code=202 if pending else 200
            )

        return await self.guarded(account, "media", handler)

    @endpoint
    async def show_media(self, request: Request) -> Response:
        account = self.owner(request)
        media_id = request.path_params["media_id"]

        async def handler() -> Response:
            media = self.store.files.get(PLATFORM, media_id)
            if media is None or media.account_id != account.account_id:
                raise MastodonError(404, "Record not found")
            if media.pending_polls > 0:
                body = self.attachment(request, media_id)
                self.store.files.poll(PLATFORM, media_id)
                return JSONResponse(body, status_code=206)
            return JSONResponse(self.attachment(request, media_id))

        return await self.guarded(account, "media/get", handler)

    def checked_status(self, account: Account, incoming: Incoming) -> tuple[str, list[str], str]:
        """The status's text, media ids and visibility, or the 422 its first problem gets."""
        text = incoming.text("status")
        media_ids = [str(value) for value in incoming.getlist("media_ids[]")]
        media_ids += [str(value) for value in incoming.getlist("media_ids")]
        if not text.strip() and not media_ids:
            raise invalid("Text can't be blank")
        limit = int(account.extra.get("max_characters") or DEFAULT_MAX_CHARACTERS)
        if count_mastodon(text) > limit:
            raise invalid(f"Text character limit of {limit} exceeded")
        visibility = incoming.text("visibility") or "public"
        if visibility not in VISIBILITIES:
            raise invalid("Visibility is not included in the list")
        if len(media_ids) > MAX_ATTACHMENTS:
            raise invalid(f"Media attachments are over the limit of {MAX_ATTACHMENTS}")
        for media_id in media_ids:
            media = self.store.files.get(PLATFORM, media_id)
            if media is None or media.account_id != account.account_id:
                raise invalid(f"Media attachment {media_id} not found")
            if media.pending_polls > 0:
                raise MastodonError(
                    422,
                    "Cannot attach files that have not finished processing. Try again in a moment!",
                )
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
                else JSONResponse(self.status_entity(request, earlier, account))
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
            return JSONResponse(self.status_entity(request, item, account))

        # Mastodon answers a repeated key from its cache, before anything else can fail:
        # the same request gets the same status, never an error.
        cached = answered_before()
        if cached is not None:
            return cached
        return await self.guarded(account, "statuses", handler, creates=True)

    @endpoint
    async def show_status(self, request: Request) -> Response:
        account = self.owner(request)
        status_id = request.path_params["status_id"]

        async def handler() -> Response:
            item = self.store.item(PLATFORM, status_id)
            if item is None or item.kind != "status":
                raise MastodonError(404, "Record not found")
            author = self.store.account(PLATFORM, item.account_id) or account
            return JSONResponse(self.status_entity(request, item, author))

        return await self.guarded(account, "statuses/get", handler)

    @endpoint
    async def verify_credentials(self, request: Request) -> Response:
        account = self.owner(request)

        async def handler() -> Response:
            return JSONResponse(self.account_entity(request, account))

        return await self.guarded(account, "verify_credentials", handler)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/api/v2/media", self.upload_media, methods=["POST"]),
            Route("/api/v1/media/{media_id}", self.show_media, methods=["GET"]),
            Route("/api/v1/statuses", self.create_status, methods=["POST"]),
            Route("/api/v1/statuses/{status_id}", self.show_status, methods=["GET"]),
            Route("/api/v1/accounts/verify_credentials", self.verify_credentials, methods=["GET"]),
        ]


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
