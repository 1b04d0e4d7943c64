"""The Zalo OA endpoints, emulated for the sandbox (mounted at /zalo): the OA's profile and
followers (profile.py), image upload, articles (create → token → verify → id, update, remove,
list, detail), and the OA's conversations and replies (messages.py, conversations.py; what
citizens do there: public.py).

Zalo answers HTTP 200 even for errors: `{"error": <non-zero>, "message": …}` (see
articles.py for the envelope and what an article may hold; oauth.py for the
OAuth server at /zalo-oauth).
Account settings (extra fields at registration), for the readings platforms.md leaves open:
`verify_id_field` ("id", the default, or "article_id"), `verify_link_view` (true adds
`link_view` to the verify answer), `upload_image_url` (true adds the file's `url` to the image
upload's answer; by default it gives the `attachment_id` alone, which is all the integrations
that exist read), `media_processing_polls` (an article with pictures answers verify with -214,
media still processing, that many times first). The OA's profile as getoa answers it:
`is_verified` (true), `oa_type` (3, a state agency; see oauth.py), `description`,
`oa_alias`, `cate_name`, `followers` (0; also what user/getlist lists), `avatar`, `cover`,
`package_name`, `package_valid_through_date`. The followers grow day by day and with the
simulated public's follows (profile.py); an article's `total_view` and `total_share` grow with
its age (articles.py).
Fault operations: `oa/getoa`, `user/getlist`, `upload/image`, `article/create` (creates),
`article/verify`, `article/update`, `article/remove`, `article/getslice`, `article/getdetail`.
A server error is -100 "unknown error, try again later" inside HTTP 200 (the code Zalo's ZNS
error table gives for a transient failure; UNCONFIRMED for the OA API). Rate limits: none
enforced (Zalo publishes none for articles; UNCONFIRMED), -32 only when injected.
"""

from __future__ import annotations

import base64
import secrets
import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pressroom.platforms.zalo.descriptor import DESCRIPTOR
from pressroom.platforms.zalo.sandbox.articles import (
    BAD_PARAMETER,
    IMAGE_TYPES,
    MAX_IMAGE_BYTES,
    MAX_SLICE,
    MEDIA_PROCESSING,
    NO_ARTICLE,
    ZaloError,
    article_counts,
    fault_error,
    official_account,
    success,
    validated_article,
)
from pressroom.platforms.zalo.sandbox.messages import MessagingApi
from pressroom.platforms.zalo.sandbox.oauth import LOOK, oauth_routes
from pressroom.platforms.zalo.sandbox.profile import ProfileApi
from pressroom.platforms.zalo.sandbox.public import public
from pressroom.sandbox.common import image_info, read_incoming, server_root
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.emulation import Emulation
from pressroom.sandbox.endpoints import EmulatedApi, PlatformError, endpoint
from pressroom.sandbox.store import Account, Item, SandboxStore

PLATFORM = "zalo"


def article_id() -> str:
    """An article id of Zalo's shape (its SDK's sample: "0b5c34017c44951acc55")."""
    return secrets.token_hex(10)


def creation_token() -> str:
    """A token of Zalo's shape: base64 with + and / (its SDK's sample), not URL-safe."""
    return base64.b64encode(secrets.token_bytes(64)).decode("ascii")


class OfficialAccountApi(EmulatedApi):
    """The Zalo OA endpoints, one method each."""

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
        return official_account(self.store, request)

    def link_view(self, request: Request, item: Item) -> str:
        return f"{server_root(request)}/view/{PLATFORM}/{item.account_id}/{item.remote_id}"

    def image_ref(self, url: str) -> str:
        """A sandbox file URL becomes its media id, so the viewer survives a port change."""
        _, marker, file_name = url.partition(f"/files/{PLATFORM}/")
        media = self.store.files.by_file(PLATFORM, file_name) if marker else None
        return media.media_id if media else url

    def image_url(self, request: Request, reference: str) -> str:
        """The web address of what image_ref kept, at the sandbox's address of this request."""
        media = self.store.files.get(PLATFORM, reference)
        return f"{server_root(request)}{media.url_path}" if media else reference

    def article_of(self, account: Account, remote_id: str) -> Item:
        item = self.store.item(PLATFORM, remote_id, account.account_id) if remote_id else None
        if item is None or item.kind != "article":
            raise ZaloError(NO_ARTICLE, "Article does not exist")
        return item

    def stored(self, article: dict[str, Any]) -> dict[str, Any]:
        """An article as the store keeps it: its text and pictures for the ledger and viewer,
        the rest as sent (the body in its order, sandbox pictures by reference)."""
        blocks: list[dict[str, Any]] = []
        for block in article["body"]:
            kept = dict(block)
            if kept["type"] in {"image", "video"}:
                kept["url"] = self.image_ref(kept["url"])
            blocks.append(kept)
        cover = dict(article.get("cover") or {})
        if cover:
            cover["photo_url"] = self.image_ref(cover["photo_url"])
        return {
            "text": "\n\n".join(block["content"] for block in blocks if block["type"] == "text"),
            "title": article["title"],
            "media": [block["url"] for block in blocks if block["type"] == "image"],
            "data": {
                "author": article.get("author", ""),
                "description": article.get("description", ""),
                "cover": cover,
                "body": blocks,
                "status": article.get("status", "show"),
                "comment": article.get("comment", "show"),
            },
        }

    def summary(self, request: Request, item: Item) -> dict[str, Any]:
        """An article as getslice lists it."""
        cover = item.data.get("cover") or {}
        thumb = cover.get("photo_url", "")
        views, shares = article_counts(item)
        return {
            "id": item.remote_id,
            "type": "normal",
            "title": item.title,
            "status": item.data.get("status", "show"),
            "total_view": views,
            "total_share": shares,
            "create_date": int(item.created_at * 1000),
            "update_date": int(float(item.data.get("updated_at") or item.created_at) * 1000),
            "thumb": self.image_url(request, thumb) if thumb else "",
            "link_view": self.link_view(request, item),
        }

    def detail(self, request: Request, item: Item) -> dict[str, Any]:
        """An article as getdetail answers it: what was sent, with its id, dates and counts."""
        blocks = item.data.get("body")
        if not isinstance(blocks, list):
            # Kept before the body was: its text, then its pictures.
            blocks = [{"type": "text", "content": item.text}] + [
                {"type": "image", "url": reference, "caption": ""} for reference in item.media
            ]
        body = [
            {**block, "url": self.image_url(request, str(block["url"]))}
            if "url" in block
            else block
            for block in blocks
        ]
        cover = dict(item.data.get("cover") or {})
        if cover.get("photo_url"):
            cover["photo_url"] = self.image_url(request, str(cover["photo_url"]))
        return {
            **self.summary(request, item),
            "author": item.data.get("author", ""),
            "description": item.data.get("description", ""),
            "cover": cover,
            "body": body,
            "comment": item.data.get("comment", "show"),
        }

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
            answer = {"attachment_id": media_id}
            if account.extra.get("upload_image_url"):
                answer["url"] = f"{server_root(request)}{media.url_path}"
            return success(answer)

        return await self.guarded(account, "upload/image", handler)

    @endpoint
    async def create_article(self, request: Request) -> Response:
        account = self.official_account(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            kept = self.stored(validated_article(incoming))
            token = creation_token()
            # An OA set to keep its pictures "processing" answers verify with -214 that often.
            processing = int(account.extra.get("media_processing_polls") or 0)
            if not kept["media"]:
                processing = 0
            self.store.add_item(
                platform=PLATFORM,
                account_id=account.account_id,
                kind="article",
                remote_id=article_id(),
                top_level=True,
                text=kept["text"],
                title=kept["title"],
                media=kept["media"],
                data={**kept["data"], "token": token, "processing_left": processing},
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
            processing = int(item.data.get("processing_left") or 0)
            if processing > 0:
                self.store.update_item(
                    platform=PLATFORM,
                    account_id=account.account_id,
                    remote_id=item.remote_id,
                    data={**item.data, "processing_left": processing - 1},
                )
                raise ZaloError(MEDIA_PROCESSING, "Media is being processed, try again later")
            data = {str(account.extra.get("verify_id_field") or "id"): item.remote_id}
            if account.extra.get("verify_link_view"):
                data["link_view"] = self.link_view(request, item)
            return success(data)

        return await self.guarded(account, "article/verify", handler)

    @endpoint
    async def update_article(self, request: Request) -> Response:
        """The whole article again with its `id`; answers a token to verify, as create does."""
        account = self.official_account(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            item = self.article_of(account, incoming.text("id"))
            kept = self.stored(validated_article(incoming))
            token = creation_token()
            self.store.update_item(
                platform=PLATFORM,
                account_id=account.account_id,
                remote_id=item.remote_id,
                text=kept["text"],
                title=kept["title"],
                media=kept["media"],
                data={**item.data, **kept["data"], "token": token, "updated_at": time.time()},
            )
            return success({"token": token})

        return await self.guarded(account, "article/update", handler)

    @endpoint
    async def remove_article(self, request: Request) -> Response:
        account = self.official_account(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            item = self.article_of(account, incoming.text("id"))
            self.store.remove_item(
                platform=PLATFORM, account_id=account.account_id, remote_id=item.remote_id
            )
            return success()

        return await self.guarded(account, "article/remove", handler)

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
            kind = incoming.text("type") or "normal"
            if kind not in {"normal", "video"}:
                raise ZaloError(BAD_PARAMETER, "type must be normal or video")
            if kind == "video":
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
            return success(self.detail(request, self.article_of(account, incoming.text("id"))))

        return await self.guarded(account, "article/getdetail", handler)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/v2.0/oa/upload/image", self.upload_image, methods=["POST"]),
            Route("/v2.0/article/create", self.create_article, methods=["POST"]),
            Route("/v2.0/article/verify", self.verify_article, methods=["POST"]),
            Route("/v2.0/article/update", self.update_article, methods=["POST"]),
            Route("/v2.0/article/remove", self.remove_article, methods=["POST"]),
            Route("/v2.0/article/getslice", self.list_articles, methods=["GET"]),
            Route("/v2.0/article/getdetail", self.article_detail, methods=["GET"]),
        ]


def routes(store: SandboxStore) -> list[BaseRoute]:
    return (
        OfficialAccountApi(store).routes()
        + ProfileApi(store).routes()
        + MessagingApi(store).routes()
    )


EMULATION = Emulation(
    platform=PLATFORM,
    path=DESCRIPTOR.sandbox_path,
    routes=routes,
    look=LOOK,
    mounts={"/zalo-oauth": oauth_routes},
    public=public,
)
