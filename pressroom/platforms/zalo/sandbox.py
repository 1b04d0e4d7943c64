"""The Zalo OA article endpoints, emulated for the sandbox (mounted at /zalo).

Zalo answers HTTP 200 even for errors: `{"error": <non-zero>, "message": …}`.
Account settings (extra fields at registration), for the readings platforms.md leaves open:
`verify_id_field` ("id", the default, or "article_id") and `verify_link_view` (true adds
`link_view` to the verify answer). The OA's profile as getoa answers it: `is_verified` (true),
`oa_type` (3, a state agency; see sandbox_oauth.py), `description`, `oa_alias`, `cate_name`,
`followers` (0), `avatar`, `cover`, `package_name`, `package_valid_through_date`.
Fault operations: `oa/getoa`, `upload/image`, `article/create` (creates), `article/verify`,
`article/getslice`, `article/getdetail`.
A server error is -100 "unknown error, try again later" inside HTTP 200 (the code Zalo's ZNS
error table gives for a transient failure; UNCONFIRMED for the OA API). Rate limits: none
enforced (Zalo publishes none for articles; UNCONFIRMED), -32 only when injected.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.platforms.zalo.descriptor import DESCRIPTOR
from pressroom.platforms.zalo.sandbox_oauth import LOOK, STATE_AGENCY, oauth_routes
from pressroom.sandbox import faults
from pressroom.sandbox.common import (
    Incoming,
    image_info,
    read_incoming,
    server_root,
)
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.emulation import Emulation
from pressroom.sandbox.endpoints import EmulatedApi, PlatformError, endpoint
from pressroom.sandbox.store import Account, Item, SandboxStore

PLATFORM = "zalo"
MAX_IMAGE_BYTES = 1024 * 1024
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
MAX_TITLE, MAX_AUTHOR, MAX_DESCRIPTION = 150, 50, 300
MAX_SLICE = 10
# Zalo's codes: -216 token invalid, -210 parameter beyond its limit, -222 article missing,
# -32 too many requests, -100 unknown error (try again later).
TOKEN_INVALID, BAD_PARAMETER, NO_ARTICLE, TOO_MANY = -216, -210, -222, -32
UNKNOWN_ERROR = -100
# getoa's cate_name when the account's settings give none, by OA type (see sandbox_oauth.py).
CATEGORIES = {3: "Cơ quan nhà nước", 2: "Doanh nghiệp", 1: "Nhà sáng tạo nội dung"}


class ZaloError(PlatformError):
    def __init__(self, code: int, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.code, "message": self.message}, status_code=self.status)


def success(data: dict[str, Any]) -> JSONResponse:
    return JSONResponse({"error": 0, "message": "Success", "data": data})


class OfficialAccountApi(EmulatedApi):
    """The Zalo OA article endpoints, one method each."""

    def __init__(self, store: SandboxStore) -> None:
        super().__init__(
            store,
            Gate(
                store,
                platform=PLATFORM,
                render=lambda fault, account: fault_error(fault).response(),
            ),
        )

    def bad_body(self, message: str) -> PlatformError:
        return ZaloError(BAD_PARAMETER, message)

    def official_account(self, request: Request) -> Account:
        token = request.headers.get("access_token", "")
        account = self.store.account_by_token(PLATFORM, token)
        if account is None:
            raise ZaloError(TOKEN_INVALID, "Access token is invalid")
        return account

    def link_view(self, request: Request, item: Item) -> str:
        return f"{server_root(request)}/view/{PLATFORM}/{item.account_id}/{item.remote_id}"

    def image_ref(self, url: str) -> str:
        """A sandbox file URL becomes its media id, so the viewer survives a port change."""
        _, marker, file_name = url.partition(f"/files/{PLATFORM}/")
        media = self.store.files.by_file(PLATFORM, file_name) if marker else None
        return media.media_id if media else url

    def summary(self, request: Request, item: Item) -> dict[str, Any]:
        created_ms = int(item.created_at * 1000)
        cover = item.data.get("cover") or {}
        return {
            "id": item.remote_id,
            "type": "normal",
            "title": item.title,
            "status": "show",
            "total_view": 0,
            "total_share": 0,
            "create_date": created_ms,
            "update_date": created_ms,
            "thumb": cover.get("photo_url", ""),
            "link_view": self.link_view(request, item),
        }

    @endpoint
    async def official_account_info(self, request: Request) -> Response:
        """getoa: the OA's profile, from its settings (account extra) or the sandbox's defaults."""
        account = self.official_account(request)

        async def handler() -> Response:
            return success(oa_profile(account))

        return await self.guarded(account, "oa/getoa", handler)

    @endpoint
    async def upload_image(self, request: Request) -> Response:
        account = self.official_account(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            upload = incoming.files.get("file")
            if upload is None:
                raise ZaloError(BAD_PARAMETER, "File is required")
            info = image_info(upload.content)
            if info is None or info.content_type not in IMAGE_TYPES:
                raise ZaloError(BAD_PARAMETER, "Only JPG and PNG images are accepted")
            if len(upload.content) > MAX_IMAGE_BYTES:
                raise ZaloError(BAD_PARAMETER, "Image size exceeds the limit of 1MB")
            media_id = uuid.uuid4().hex
            media = self.store.files.save(
                platform=PLATFORM,
                account_id=account.account_id,
                media_id=media_id,
                content=upload.content,
                content_type=info.content_type,
                width=info.width,
                height=info.height,
            )
            self.store.add_item(
                platform=PLATFORM,
                account_id=account.account_id,
                kind="image",
                remote_id=media_id,
                top_level=False,
                media=[media_id],
            )
            return success(
                {"attachment_id": media_id, "url": f"{server_root(request)}{media.url_path}"}
            )

        return await self.guarded(account, "upload/image", handler)

    @endpoint
    async def create_article(self, request: Request) -> Response:
        account = self.official_account(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            article = validated_article(incoming)
            token = uuid.uuid4().hex
            blocks = article["body"]
            text = "\n\n".join(block["content"] for block in blocks if block["type"] == "text")
            images = [self.image_ref(block["url"]) for block in blocks if block["type"] == "image"]
            self.store.add_item(
                platform=PLATFORM,
                account_id=account.account_id,
                kind="article",
                remote_id=uuid.uuid4().hex,
                top_level=True,
                text=text,
                title=article["title"],
                media=images,
                data={
                    "token": token,
                    "author": article.get("author", ""),
                    "description": article.get("description", ""),
                    "cover": article.get("cover") or {},
                    "status": article.get("status", "show"),
                    "comment": article.get("comment", "show"),
                },
            )
            return success({"token": token})

        return await self.guarded(account, "article/create", handler, creates=True)

    @endpoint
    async def verify_article(self, request: Request) -> Response:
        account = self.official_account(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            token = incoming.text("token")
            item = self.store.item_by_creation_token(PLATFORM, token) if token else None
            if item is None or item.account_id != account.account_id:
                raise ZaloError(BAD_PARAMETER, "Token is invalid")
            data = {str(account.extra.get("verify_id_field") or "id"): item.remote_id}
            if account.extra.get("verify_link_view"):
                data["link_view"] = self.link_view(request, item)
            return success(data)

        return await self.guarded(account, "article/verify", handler)

    @endpoint
    async def list_articles(self, request: Request) -> Response:
        account = self.official_account(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            try:
                offset = max(0, int(incoming.text("offset") or 0))
                limit = min(MAX_SLICE, max(1, int(incoming.text("limit") or MAX_SLICE)))
            except ValueError as error:
                raise ZaloError(BAD_PARAMETER, "offset and limit must be numbers") from error
            if incoming.text("type") == "video":
                return success({"medias": [], "total": 0})
            items = self.store.items(
                platform=PLATFORM,
                account_id=account.account_id,
                kind="article",
                newest_first=True,
                limit=limit,
                offset=offset,
            )
            total = self.store.count_items(
                platform=PLATFORM, account_id=account.account_id, kind="article"
            )
            return success(
                {"medias": [self.summary(request, item) for item in items], "total": total}
            )

        return await self.guarded(account, "article/getslice", handler)

    @endpoint
    async def article_detail(self, request: Request) -> Response:
        account = self.official_account(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            item = self.store.item(PLATFORM, incoming.text("id"), account.account_id)
            if item is None or item.kind != "article":
                raise ZaloError(NO_ARTICLE, "Article does not exist")
            root = server_root(request)
            body: list[dict[str, str]] = [{"type": "text", "content": item.text}]
            for reference in item.media:
                media = self.store.files.get(PLATFORM, reference)
                url = f"{root}{media.url_path}" if media else reference
                body.append({"type": "image", "url": url, "caption": ""})
            return success(
                {
                    **self.summary(request, item),
                    "author": item.data.get("author", ""),
                    "description": item.data.get("description", ""),
                    "cover": item.data.get("cover") or {},
                    "body": body,
                    "comment": item.data.get("comment", "show"),
                }
            )

        return await self.guarded(account, "article/getdetail", handler)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/v2.0/oa/getoa", self.official_account_info, methods=["GET"]),
            Route("/v2.0/oa/upload/image", self.upload_image, methods=["POST"]),
            Route("/v2.0/article/create", self.create_article, methods=["POST"]),
            Route("/v2.0/article/verify", self.verify_article, methods=["POST"]),
            Route("/v2.0/article/getslice", self.list_articles, methods=["GET"]),
            Route("/v2.0/article/getdetail", self.article_detail, methods=["GET"]),
        ]


def routes(store: SandboxStore) -> list[BaseRoute]:
    return OfficialAccountApi(store).routes()


def oa_profile(account: Account) -> dict[str, Any]:
    """getoa's `data`: what the account's settings say, else a verified state agency's OA."""
    extra = account.extra
    oa_type = extra.get("oa_type", STATE_AGENCY)
    return {
        "oa_id": account.account_id,
        "name": account.name,
        "description": str(extra.get("description") or ""),
        "oa_alias": str(extra.get("oa_alias") or ""),
        "is_verified": bool(extra.get("is_verified", True)),
        "oa_type": oa_type,
        "cate_name": str(extra.get("cate_name") or CATEGORIES.get(oa_type, "")),
        "num_follower": int(extra.get("followers") or 0),
        "avatar": str(extra.get("avatar") or ""),
        "cover": str(extra.get("cover") or ""),
        "package_name": str(extra.get("package_name") or "Gói Nâng cao"),
        "package_valid_through_date": str(
            extra.get("package_valid_through_date")
            or time.strftime("%d/%m/%Y", time.gmtime(account.created_at + 365 * 86400))
        ),
    }


def validated_article(incoming: Incoming) -> dict[str, Any]:
    """The article as sent, or the ZaloError its first problem gets."""
    article = dict(incoming.values)
    if article.get("type", "normal") != "normal":
        raise ZaloError(BAD_PARAMETER, "type must be normal (video articles need a video_id)")
    title = article.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ZaloError(BAD_PARAMETER, "title is required")
    if len(title) > MAX_TITLE:
        raise ZaloError(BAD_PARAMETER, f"title exceeds {MAX_TITLE} characters")
    if len(str(article.get("author") or "")) > MAX_AUTHOR:
        raise ZaloError(BAD_PARAMETER, f"author exceeds {MAX_AUTHOR} characters")
    if len(str(article.get("description") or "")) > MAX_DESCRIPTION:
        raise ZaloError(BAD_PARAMETER, f"description exceeds {MAX_DESCRIPTION} characters")
    cover = article.get("cover")
    if cover is not None and (
        not isinstance(cover, dict)
        or cover.get("cover_type") != "photo"
        or not cover.get("photo_url")
    ):
        raise ZaloError(BAD_PARAMETER, "cover must be a photo with a photo_url")
    check_body(article.get("body"))
    return article


def check_body(body: Any) -> None:
    """An article's body: text blocks with content, image and video blocks with a url."""
    if not isinstance(body, list) or not body:
        raise ZaloError(BAD_PARAMETER, "body is required")
    for block in body:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text" and isinstance(block.get("content"), str) and block["content"].strip():
            continue
        if kind in {"image", "video"} and block.get("url"):
            continue
        raise ZaloError(BAD_PARAMETER, "every body block needs a type and its content or url")


def fault_error(fault: faults.Fault) -> ZaloError:
    defaults = {
        "token_expired": (TOKEN_INVALID, "Access token is invalid"),
        "rate_limit": (TOO_MANY, "Exceeding the request rate limit"),
        "reject": (BAD_PARAMETER, "Parameter exceeds allowable limit"),
        "server_error": (UNKNOWN_ERROR, "Unknown error, please try again later"),
        "error": (-1, "Unknown error"),
    }
    code, message = defaults[fault.kind]
    return ZaloError(
        int(fault.code) if fault.code is not None else code,
        fault.message or message,
        status=fault.status or 200,
    )


EMULATION = Emulation(
    platform=PLATFORM,
    path=DESCRIPTOR.sandbox_path,
    routes=routes,
    look=LOOK,
    mounts={"/zalo-oauth": oauth_routes},
)
