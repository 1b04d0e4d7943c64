"""A Page's posts and photos, for the Graph API's Page endpoints in the sandbox:
`POST /{page-id}/feed` and `/{page-id}/photos`, the feed and the scheduled posts listed, one
post or photo read (`GET /{object-id}`, the Page itself too) or deleted. A post's counts
(reactions, comments, shares): insights.py.

Photos arrive as multipart `source`; `url` uploads are refused (the sandbox does not fetch from
the internet). A text-only post repeating the page's latest post gets `(#506) Duplicate status
message`, as on Facebook. When a post may be scheduled for, and how scheduled posts come due:
scheduled.py. Who may do what: pages.py.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.facebook.sandbox.graph import (
    PLATFORM,
    GraphError,
    decode_cursor,
    encode_cursor,
    graph_time,
    limit_of,
    may_publish,
    may_read,
    next_url,
    no_such_object,
    publish_refusal,
    read_refusal,
    select,
    split_fields,
)
from pressroom.platforms.facebook.sandbox.insights import counted_fields
from pressroom.platforms.facebook.sandbox.pages import PageApi
from pressroom.platforms.facebook.sandbox.scheduled import publish_due, scheduled_time
from pressroom.sandbox.common import Incoming, image_info, read_incoming, server_root
from pressroom.sandbox.endpoints import endpoint
from pressroom.sandbox.store import Account, Item, SandboxStore

MAX_PHOTO_BYTES = 10 * 1024 * 1024
# A post's message, in characters (code points, as Facebook's PHP counts a UTF-8 string).
MAX_MESSAGE = 63_206
DELETABLE = frozenset({"post", "photo", "unpublished_post", "scheduled_post"})
DEFAULT_FEED_FIELDS = ("id", "message", "created_time")
FIRST_OBJECT_ID = 100000000000001


class PostsApi(PageApi):
    """The Page's posts and photos, one method each."""

    def file_url(self, request: Request, media_id: str) -> str:
        media = self.store.files.get(PLATFORM, media_id)
        return f"{server_root(request)}{media.url_path}" if media else ""

    def post_fields(self, request: Request, item: Item, requested: str = "") -> dict[str, Any]:
        """The post's fields; its counts (drawn, or the comments kept) only when asked for."""
        fields: dict[str, Any] = {
            "id": item.remote_id,
            "created_time": graph_time(item.created_at),
            # Moves when someone comments (threads.add_comment), as on Facebook.
            "updated_time": graph_time(item.data.get("updated_time", item.created_at)),
            "permalink_url": f"{self.page_link(request, item.account_id)}/{item.remote_id}",
            "is_published": item.kind == "post",
            "from": {"id": item.account_id, "name": page_name(self.store, item.account_id)},
        }
        fields.update(counted_fields(self.store, item, set(split_fields(requested))))
        if item.text:
            fields["message"] = item.text
        if item.link:
            fields["link"] = item.link
        if item.kind == "scheduled_post":
            fields["scheduled_publish_time"] = item.data["scheduled_publish_time"]
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
            "from": {"id": item.account_id, "name": page_name(self.store, item.account_id)},
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

    @endpoint
    async def create_post(self, request: Request) -> Response:
        page_id = request.path_params["page_id"]
        incoming = await read_incoming(request)
        page = self.page_for(request, incoming, page_id, refusal=publish_refusal())
        if not may_publish(page):
            raise publish_refusal()

        async def handler() -> Response:
            message = incoming.text("message")
            link = incoming.text("link")
            photo_ids = attached_media(incoming)
            published = incoming.text("published").lower() not in {"false", "0"}
            scheduled_at = scheduled_time(incoming, published=published)
            if not (message or link or photo_ids):
                raise GraphError(100, "(#100) Missing message or attachment")
            check_message(message)
            for index, photo_id in enumerate(photo_ids):
                photo = self.store.item(PLATFORM, photo_id, page.account_id)
                if photo is None or photo.kind != "photo" or photo.data.get("published"):
                    raise GraphError(
                        100, f"(#100) param attached_media[{index}] must be a valid media_fbid"
                    )
            if message and not (link or photo_ids) and published:
                latest = self.store.latest_item(
                    platform=PLATFORM, account_id=page.account_id, kind="post"
                )
                if latest is not None and latest.text == message and not latest.media:
                    raise GraphError(506, "(#506) Duplicate status message")
            number = self.store.next_number("facebook:ids", FIRST_OBJECT_ID)
            post_id = f"{page.account_id}_{number}"
            if scheduled_at is not None:
                kind, data = "scheduled_post", {"scheduled_publish_time": scheduled_at}
            else:
                kind, data = ("post" if published else "unpublished_post"), {}
            self.store.add_item(
                platform=PLATFORM,
                account_id=page.account_id,
                kind=kind,
                remote_id=post_id,
                top_level=kind == "post",
                text=message,
                link=link,
                media=photo_ids,
                data=data,
            )
            return JSONResponse({"id": post_id})

        return await self.gate.run(page, operation="feed", creates=True, handler=handler)

    @endpoint
    async def upload_photo(self, request: Request) -> Response:
        page_id = request.path_params["page_id"]
        incoming = await read_incoming(request)
        page = self.page_for(request, incoming, page_id, refusal=publish_refusal())
        if not may_publish(page):
            raise publish_refusal()
        published = incoming.text("published").lower() not in {"false", "0"}

        async def handler() -> Response:
            # Graph takes the file whatever its part is called (the SDK names it `filename`).
            source = incoming.files.get("source") or next(iter(incoming.files.values()), None)
            if source is None:
                raise GraphError(324, "(#324) Requires upload file")
            info = image_info(source.content)
            if info is None:
                raise GraphError(324, "(#324) Missing or invalid image file")
            if len(source.content) > MAX_PHOTO_BYTES:
                raise GraphError(100, "(#100) The image is too large (10 MB at most)")
            caption = incoming.text("caption") or incoming.text("message")
            check_message(caption)
            photo_id = str(self.store.next_number("facebook:ids", FIRST_OBJECT_ID))
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

    def listing(
        self, request: Request, incoming: Incoming, page: Account, kind: str
    ) -> dict[str, Any]:
        """One page of the Page's objects of this kind, newest first, with Graph's paging."""
        limit = limit_of(incoming.text("limit"))
        after = incoming.text("after")
        offset = 0
        if after:
            decoded = decode_cursor(after)
            if decoded is None or not decoded.isdigit():
                raise GraphError(100, "(#100) The after cursor is not valid")
            offset = int(decoded)
        items = self.store.items(
            platform=PLATFORM,
            account_id=page.account_id,
            kind=kind,
            newest_first=True,
            limit=limit + 1,
            offset=offset,
        )
        shown = items[:limit]
        data = [
            select(
                self.post_fields(request, item, incoming.text("fields")),
                incoming.text("fields"),
                DEFAULT_FEED_FIELDS,
            )
            for item in shown
        ]
        body: dict[str, Any] = {"data": data}
        if shown:
            cursors = {
                "before": encode_cursor(str(offset)),
                "after": encode_cursor(str(offset + len(shown))),
            }
            body["paging"] = {"cursors": cursors}
            if len(items) > limit:
                body["paging"]["next"] = next_url(request, cursors["after"])
        return body

    @endpoint
    async def list_feed(self, request: Request) -> Response:
        page_id = request.path_params["page_id"]
        incoming = await read_incoming(request)
        page = self.page_for(request, incoming, page_id, refusal=read_refusal())
        if not may_read(page):
            raise read_refusal()

        async def handler() -> Response:
            publish_due(self.store, page)
            return JSONResponse(self.listing(request, incoming, page, "post"))

        return await self.gate.run(page, operation="feed_list", creates=False, handler=handler)

    @endpoint
    async def list_scheduled(self, request: Request) -> Response:
        page_id = request.path_params["page_id"]
        incoming = await read_incoming(request)
        page = self.page_for(request, incoming, page_id, refusal=read_refusal())
        if not may_read(page):
            raise read_refusal()

        async def handler() -> Response:
            publish_due(self.store, page)
            return JSONResponse(self.listing(request, incoming, page, "scheduled_post"))

        return await self.gate.run(
            page, operation="scheduled_posts", creates=False, handler=handler
        )

    @endpoint
    async def delete_object(self, request: Request) -> Response:
        object_id = request.path_params["object_id"]
        incoming = await read_incoming(request)
        page = self.caller(request, incoming)
        item = self.store.item(PLATFORM, object_id, page.account_id)
        if item is None or item.kind not in DELETABLE:
            raise no_such_object(object_id, "delete")
        if not may_publish(page):
            raise publish_refusal()

        async def handler() -> Response:
            assert item is not None
            removed = [item.remote_id]
            if item.kind == "photo" and item.data.get("post_id"):
                removed.append(str(item.data["post_id"]))
            for remote_id in removed:
                self.store.remove_item(
                    platform=PLATFORM, account_id=page.account_id, remote_id=remote_id
                )
            return JSONResponse({"success": True})

        return await self.gate.run(page, operation="delete", creates=False, handler=handler)

    @endpoint
    async def read_object(self, request: Request) -> Response:
        object_id = request.path_params["object_id"]
        incoming = await read_incoming(request)
        token = self.token_of(request, incoming)
        if token and self.page_of_token(token) is None and self.oauth.user_session(token):
            session = self.oauth.live_session(token)
            return await self.page_for_user(request, incoming, session, object_id)
        account = self.caller(request, incoming)
        if object_id == account.account_id:

            async def page_handler() -> Response:
                return JSONResponse(self.page_answer(request, account, incoming.text("fields")))

            return await self.gate.run(
                account, operation="object", creates=False, handler=page_handler
            )
        publish_due(self.store, account)
        item = self.store.item(PLATFORM, object_id)
        if item is None or item.kind not in DELETABLE:
            raise no_such_object(object_id)
        if not may_read(account):
            raise read_refusal()

        async def handler() -> Response:
            assert item is not None
            if item.kind != "photo":
                fields = self.post_fields(request, item, incoming.text("fields"))
                default: tuple[str, ...] = DEFAULT_FEED_FIELDS
            else:
                fields = self.photo_fields(request, item)
                default = ("id", "created_time", "name")
            return JSONResponse(select(fields, incoming.text("fields"), default))

        return await self.gate.run(account, operation="object", creates=False, handler=handler)


def check_message(message: str) -> None:
    if len(message) > MAX_MESSAGE:
        raise GraphError(
            100,
            f"(#100) The message is too long: a post's message is at most {MAX_MESSAGE} characters",
        )


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


def page_name(store: SandboxStore, page_id: str) -> str:
    account = store.account(PLATFORM, page_id)
    return account.name if account else page_id
