"""The Graph API endpoints Pressroom uses, emulated for the sandbox (mounted at /facebook/v24.0).

Photos arrive as multipart `source`; `url` uploads are refused (the sandbox does not fetch from
the internet). A text-only post repeating the page's latest post gets `(#506) Duplicate status
message`, as on Facebook.
Fault operations: `feed` (POST, creates), `photos` (creates when published), `feed_list`
(GET feed), `object` (GET one object).
Usage headers on every answer to a page token, in percent as Facebook sends them:
- `X-Business-Use-Case-Usage`: the page's calls in the last 24 hours against 4,800 times its
  engaged users (account setting `engaged_users`, default 100; or `calls_per_day` to set the
  allowance itself). Over 100 % the page gets code 80001 until its oldest counted hour leaves
  the window, with `estimated_time_to_regain_access` in minutes.
- `X-App-Usage`: the app's calls this hour against 200 per page that called; not enforced, as
  page tokens fall under the Business Use Case limits.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.platforms.facebook.descriptor import DESCRIPTOR
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
from pressroom.sandbox.store import Account, Item, SandboxStore

PLATFORM = "facebook"
MAX_PHOTO_BYTES = 10 * 1024 * 1024
DEFAULT_FEED_FIELDS = ("id", "message", "created_time")
CALLS_PER_ENGAGED_USER_PER_DAY = 4800
DEFAULT_ENGAGED_USERS = 100
APP_CALLS_PER_USER_PER_HOUR = 200
HOUR_S = 3600


class GraphError(PlatformError):
    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: int = 400,
        error_type: str = "OAuthException",
        subcode: int | None = None,
        is_transient: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.error_type = error_type
        self.subcode = subcode
        self.is_transient = is_transient
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        error: dict[str, Any] = {
            "message": self.message,
            "type": self.error_type,
            "code": self.code,
            "is_transient": self.is_transient,
            "fbtrace_id": secrets.token_urlsafe(8),
        }
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        return JSONResponse({"error": error}, status_code=self.status, headers=self.headers)


def graph_time(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(moment))


def split_fields(value: str) -> list[str]:
    """Top-level names of a `fields` parameter: `a,b.summary(true),c{d,e}` → a, b, c."""
    names, depth, current = [], 0, ""
    for char in value:
        if char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
        if char == "," and depth == 0:
            names.append(current)
            current = ""
        else:
            current += char
    names.append(current)
    result = []
    for name in names:
        base = name.strip().split(".")[0].split("{")[0].split("(")[0]
        if base:
            result.append(base)
    return result


class UsageLimits:
    """Business Use Case usage per page (24 hourly buckets) and the app's usage this hour."""

    def __init__(self) -> None:
        self._page_hours: dict[str, dict[int, int]] = {}
        self._app_hour = (-1, 0)
        self._pages: set[str] = set()

    def _page_calls(self, page_id: str, hour: int) -> int:
        hours = self._page_hours.get(page_id, {})
        return sum(count for bucket, count in hours.items() if bucket > hour - 24)

    def _page_limit(self, account: Account) -> int:
        if account.extra.get("calls_per_day"):
            return max(1, int(account.extra["calls_per_day"]))
        engaged = account.extra.get("engaged_users", DEFAULT_ENGAGED_USERS)
        return CALLS_PER_ENGAGED_USER_PER_DAY * max(1, int(engaged))

    def _regain_s(self, page_id: str, hour: int, now: float) -> float:
        """Seconds until the page's oldest counted hour leaves the 24-hour window."""
        hours = [bucket for bucket in self._page_hours.get(page_id, {}) if bucket > hour - 24]
        return max(1.0, (min(hours, default=hour) + 24) * HOUR_S - now)

    def admit(self, account: Account, *, operation: str, creates: bool, now: float) -> float | None:
        hour = int(now // HOUR_S)
        page_id = account.account_id
        self._pages.add(page_id)
        app_hour, app_calls = self._app_hour
        self._app_hour = (hour, (app_calls if app_hour == hour else 0) + 1)
        hours = self._page_hours.setdefault(page_id, {})
        for bucket in [bucket for bucket in hours if bucket <= hour - 24]:
            del hours[bucket]
        hours[hour] = hours.get(hour, 0) + 1
        if self._page_calls(page_id, hour) > self._page_limit(account):
            return self._regain_s(page_id, hour, now)
        return None

    def headers(self, account: Account, *, operation: str, now: float) -> dict[str, str]:
        hour = int(now // HOUR_S)
        page_id = account.account_id
        calls = self._page_calls(page_id, hour)
        page_percent = min(100, calls * 100 // self._page_limit(account))
        regain = (
            math.ceil(self._regain_s(page_id, hour, now) / 60)
            if calls > self._page_limit(account)
            else 0
        )
        usage = {
            page_id: [
                {
                    "type": "pages",
                    "call_count": page_percent,
                    "total_cputime": page_percent,
                    "total_time": page_percent,
                    "estimated_time_to_regain_access": regain,
                }
            ]
        }
        app_hour, app_calls = self._app_hour
        app_limit = APP_CALLS_PER_USER_PER_HOUR * max(1, len(self._pages))
        app_percent = min(100, (app_calls if app_hour == hour else 0) * 100 // app_limit)
        return {
            "X-Business-Use-Case-Usage": json.dumps(usage, separators=(",", ":")),
            "X-App-Usage": json.dumps(
                {
                    "call_count": app_percent,
                    "total_cputime": app_percent,
                    "total_time": app_percent,
                },
                separators=(",", ":"),
            ),
        }

    def reset(self) -> None:
        self._page_hours.clear()
        self._app_hour = (-1, 0)
        self._pages.clear()


class GraphApi(EmulatedApi):
    """The Graph API's Page endpoints, one method each."""

    def __init__(self, store: SandboxStore) -> None:
        super().__init__(
            store,
            Gate(
                store,
                platform=PLATFORM,
                render=lambda fault, account: fault_error(fault, account.account_id).response(),
                limiter=UsageLimits(),
                # Pages throttled by a profile: code 32, page-level throttling.
                drawn={"rate_limit": {"code": 32}},
            ),
        )

    def bad_body(self, message: str) -> PlatformError:
        return GraphError(100, f"(#100) {message}")

    def token_of(self, request: Request, incoming: Incoming) -> str:
        return incoming.text("access_token") or bearer_token(request)

    def caller(self, request: Request, incoming: Incoming) -> Account:
        token = self.token_of(request, incoming)
        if not token:
            raise GraphError(104, "An access token is required to request this resource.")
        account = self.store.account_by_token(PLATFORM, token)
        if account is None:
            raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
        return account

    def page_for(self, request: Request, incoming: Incoming, page_id: str) -> Account:
        """The page, when the token is that page's token."""
        account = self.caller(request, incoming)
        if account.account_id != page_id:
            raise GraphError(
                100,
                f"Unsupported post request. Object with ID '{page_id}' does not exist, cannot be "
                "loaded due to missing permissions, or does not support this operation.",
                error_type="GraphMethodException",
                subcode=33,
            )
        return account

    def file_url(self, request: Request, media_id: str) -> str:
        media = self.store.files.get(PLATFORM, media_id)
        return f"{server_root(request)}{media.url_path}" if media else ""

    def post_fields(self, request: Request, item: Item) -> dict[str, Any]:
        root = server_root(request)
        fields: dict[str, Any] = {
            "id": item.remote_id,
            "created_time": graph_time(item.created_at),
            "permalink_url": f"{root}/view/{PLATFORM}/{item.account_id}/{item.remote_id}",
            "is_published": True,
            "from": {"id": item.account_id, "name": _page_name(self.store, item.account_id)},
            "reactions": {"data": [], "summary": {"total_count": 0, "viewer_reaction": "NONE"}},
            "comments": {
                "data": [],
                "summary": {"order": "ranked", "total_count": 0, "can_comment": True},
            },
        }
        if item.text:
            fields["message"] = item.text
        if item.link:
            fields["link"] = item.link
        if item.media:
            fields["full_picture"] = self.file_url(request, item.media[0])
            fields["attachments"] = {
                "data": [
                    {
                        "type": "photo",
                        "target": {"id": media_id},
                        "media": {"image": {"src": self.file_url(request, media_id)}},
                    }
                    for media_id in item.media
                ]
            }
        return fields

    def photo_fields(self, request: Request, item: Item) -> dict[str, Any]:
        media = self.store.files.get(PLATFORM, item.remote_id)
        fields: dict[str, Any] = {
            "id": item.remote_id,
            "created_time": graph_time(item.created_at),
            "from": {"id": item.account_id, "name": _page_name(self.store, item.account_id)},
        }
        if item.text:
            fields["name"] = item.text
        if media:
            fields["images"] = [
                {
                    "source": self.file_url(request, media.media_id),
                    "width": media.width,
                    "height": media.height,
                }
            ]
        if item.data.get("post_id"):
            fields["page_story_id"] = item.data["post_id"]
        return fields

    def select(
        self, fields: dict[str, Any], requested: str, default: tuple[str, ...]
    ) -> dict[str, Any]:
        names = split_fields(requested) if requested else list(default)
        return {name: fields[name] for name in ["id", *names] if name in fields}

    @endpoint
    async def create_post(self, request: Request) -> Response:
        page_id = request.path_params["page_id"]
        incoming = await read_incoming(request)
        page = self.page_for(request, incoming, page_id)

        async def handler() -> Response:
            message = incoming.text("message")
            link = incoming.text("link")
            photo_ids = attached_media(incoming)
            published = incoming.text("published").lower() not in {"false", "0"}
            if not (message or link or photo_ids):
                raise GraphError(100, "(#100) Missing message or attachment")
            for index, photo_id in enumerate(photo_ids):
                photo = self.store.item(PLATFORM, photo_id, page.account_id)
                if photo is None or photo.kind != "photo" or photo.data.get("published"):
                    raise GraphError(
                        100, f"(#100) param attached_media[{index}] must be a valid media_fbid"
                    )
            if message and not (link or photo_ids):
                latest = self.store.latest_item(
                    platform=PLATFORM, account_id=page.account_id, kind="post"
                )
                if latest is not None and latest.text == message and not latest.media:
                    raise GraphError(506, "(#506) Duplicate status message")
            post_id = f"{page.account_id}_{self.store.next_number('facebook:ids', 100000000000001)}"
            self.store.add_item(
                platform=PLATFORM,
                account_id=page.account_id,
                kind="post" if published else "unpublished_post",
                remote_id=post_id,
                top_level=published,
                text=message,
                link=link,
                media=photo_ids,
            )
            return JSONResponse({"id": post_id})

        return await self.gate.run(page, operation="feed", creates=True, handler=handler)

    @endpoint
    async def upload_photo(self, request: Request) -> Response:
        page_id = request.path_params["page_id"]
        incoming = await read_incoming(request)
        page = self.page_for(request, incoming, page_id)
        published = incoming.text("published").lower() not in {"false", "0"}

        async def handler() -> Response:
            source = incoming.files.get("source")
            if source is None:
                raise GraphError(324, "(#324) Requires upload file")
            info = image_info(source.content)
            if info is None:
                raise GraphError(324, "(#324) Missing or invalid image file")
            if len(source.content) > MAX_PHOTO_BYTES:
                raise GraphError(100, "(#100) The image is too large (10 MB at most)")
            caption = incoming.text("caption") or incoming.text("message")
            photo_id = str(self.store.next_number("facebook:ids", 100000000000001))
            self.store.files.save(
                platform=PLATFORM,
                account_id=page.account_id,
                media_id=photo_id,
                content=source.content,
                content_type=info.content_type,
                description=incoming.text("alt_text_custom"),
                width=info.width,
                height=info.height,
            )
            answer = {"id": photo_id}
            data: dict[str, Any] = {"published": published}
            if published:
                post_id = f"{page.account_id}_{self.store.next_number('facebook:ids')}"
                answer["post_id"] = data["post_id"] = post_id
            self.store.add_item(
                platform=PLATFORM,
                account_id=page.account_id,
                kind="photo",
                remote_id=photo_id,
                top_level=False,
                text=caption,
                media=[photo_id],
                data=data,
            )
            if published:
                self.store.add_item(
                    platform=PLATFORM,
                    account_id=page.account_id,
                    kind="post",
                    remote_id=answer["post_id"],
                    top_level=True,
                    text=caption,
                    media=[photo_id],
                )
            return JSONResponse(answer)

        return await self.gate.run(page, operation="photos", creates=published, handler=handler)

    @endpoint
    async def list_feed(self, request: Request) -> Response:
        page_id = request.path_params["page_id"]
        incoming = await read_incoming(request)
        page = self.page_for(request, incoming, page_id)

        async def handler() -> Response:
            try:
                limit = min(100, max(1, int(incoming.text("limit") or 25)))
                offset = max(0, int(incoming.text("after") or 0))
            except ValueError as error:
                raise GraphError(100, "(#100) limit and after must be numbers") from error
            items = self.store.items(
                platform=PLATFORM,
                account_id=page.account_id,
                kind="post",
                newest_first=True,
                limit=limit + 1,
                offset=offset,
            )
            data = [
                self.select(
                    self.post_fields(request, item), incoming.text("fields"), DEFAULT_FEED_FIELDS
                )
                for item in items[:limit]
            ]
            body: dict[str, Any] = {"data": data}
            if len(items) > limit:
                body["paging"] = {"cursors": {"after": str(offset + limit)}}
            return JSONResponse(body)

        return await self.gate.run(page, operation="feed_list", creates=False, handler=handler)

    @endpoint
    async def read_object(self, request: Request) -> Response:
        object_id = request.path_params["object_id"]
        incoming = await read_incoming(request)
        account = self.caller(request, incoming)
        item = self.store.item(PLATFORM, object_id)
        if item is None or item.kind not in {"post", "photo"}:
            raise GraphError(
                100,
                f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot "
                "be loaded due to missing permissions, or does not support this operation.",
                error_type="GraphMethodException",
                subcode=33,
            )

        async def handler() -> Response:
            assert item is not None
            if item.kind == "post":
                fields = self.post_fields(request, item)
                default: tuple[str, ...] = DEFAULT_FEED_FIELDS
            else:
                fields = self.photo_fields(request, item)
                default = ("id", "created_time", "name")
            return JSONResponse(self.select(fields, incoming.text("fields"), default))

        return await self.gate.run(account, operation="object", creates=False, handler=handler)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/{page_id}/feed", self.create_post, methods=["POST"]),
            Route("/{page_id}/feed", self.list_feed, methods=["GET"]),
            Route("/{page_id}/photos", self.upload_photo, methods=["POST"]),
            Route("/{object_id}", self.read_object, methods=["GET"]),
        ]


def routes(store: SandboxStore) -> list[BaseRoute]:
    return GraphApi(store).routes()


def attached_media(incoming: Incoming) -> list[str]:
    """Photo ids from `attached_media[0]={"media_fbid":…}` fields or one JSON array field."""
    entries: list[tuple[int, Any]] = []
    for name, value in incoming.values.items():
        if name.startswith("attached_media[") and name.endswith("]"):
            try:
                entries.append((int(name[len("attached_media[") : -1]), value))
            except ValueError as error:
                raise GraphError(100, f"(#100) Invalid parameter {name}") from error
    whole = incoming.values.get("attached_media")
    if whole is not None:
        try:
            decoded = json.loads(whole) if isinstance(whole, str) else whole
        except ValueError:
            decoded = None
        if not isinstance(decoded, list):
            raise GraphError(100, "(#100) attached_media must be an array")
        entries += list(enumerate(decoded, start=len(entries)))
    photo_ids = []
    for index, value in sorted(entries, key=lambda entry: entry[0]):
        try:
            decoded = json.loads(value) if isinstance(value, str) else value
            photo_ids.append(str(decoded["media_fbid"]))
        except (ValueError, TypeError, KeyError) as error:
            raise GraphError(
                100, f"(#100) param attached_media[{index}] must be a valid media_fbid"
            ) from error
    return photo_ids


def fault_error(fault: faults.Fault, page_id: str) -> GraphError:
    code = int(fault.code) if fault.code is not None else None
    if fault.kind == "token_expired":
        code = code or 190
        return GraphError(
            code,
            fault.message
            or "Error validating access token: Session has expired. The current time is later.",
            status=fault.status or 400,
            subcode=463 if code == 190 else None,
        )
    if fault.kind == "rate_limit":
        code = code or 80001
        minutes = math.ceil((fault.retry_after if fault.retry_after is not None else 60) / 60)
        usage = {
            page_id: [
                {
                    "type": "pages",
                    "call_count": 100,
                    "total_cputime": 25,
                    "total_time": 25,
                    "estimated_time_to_regain_access": minutes,
                }
            ]
        }
        return GraphError(
            code,
            fault.message
            or f"(#{code}) There have been too many calls to this Page account. "
            "Wait a bit and try again.",
            status=fault.status or 400,
            is_transient=True,
            headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
        )
    if fault.kind == "reject":
        code = code or 100
        return GraphError(
            code, fault.message or f"(#{code}) Invalid parameter", status=fault.status or 400
        )
    if fault.kind == "server_error":
        code = code or 2
        return GraphError(
            code,
            fault.message or "An unexpected error has occurred. Please retry your request later.",
            status=fault.status or 500,
            is_transient=True,
        )
    code = code or 1
    return GraphError(
        code,
        fault.message or "An unknown error has occurred.",
        status=fault.status or (500 if code in {1, 2} else 400),
        is_transient=code in {1, 2},
    )


def _page_name(store: SandboxStore, page_id: str) -> str:
    account = store.account(PLATFORM, page_id)
    return account.name if account else page_id


EMULATION = Emulation(
    platform=PLATFORM,
    path=DESCRIPTOR.sandbox_path,
    routes=routes,
    look=Look(brand="Facebook", accent="#1877f2", background="#f0f2f5"),
)
