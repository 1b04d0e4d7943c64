"""The Graph API's Page endpoints for the sandbox: the Page, its feed and photos, one post,
`/me`, and the Page's webhook subscriptions (`subscribed_apps`).

Photos arrive as multipart `source`; `url` uploads are refused (the sandbox does not fetch from
the internet). A text-only post repeating the page's latest post gets `(#506) Duplicate status
message`, as on Facebook. A Page token carries the permissions and tasks of the grant that
produced it (oauth.py); publishing needs `pages_manage_posts`, `pages_read_engagement`
and the CREATE_CONTENT task, reading `pages_read_engagement`, subscriptions
`pages_manage_metadata`.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.facebook.sandbox.graph import (
    CATEGORY,
    CATEGORY_LIST,
    PLATFORM,
    GraphError,
    decode_cursor,
    encode_cursor,
    fault_error,
    grant_of,
    graph_time,
    limit_of,
    may_publish,
    may_read,
    next_url,
    no_such_field,
    no_such_object,
    page_scopes,
    publish_refusal,
    read_refusal,
    select,
    split_fields,
)
from pressroom.platforms.facebook.sandbox.oauth import OAuthApi, session_expired
from pressroom.platforms.facebook.sandbox.usage import UsageLimits
from pressroom.sandbox.common import Incoming, bearer_token, image_info, read_incoming, server_root
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.endpoints import EmulatedApi, PlatformError, endpoint
from pressroom.sandbox.store import Account, Item, SandboxStore

MAX_PHOTO_BYTES = 10 * 1024 * 1024
# A post's message, in characters (code points, as Facebook's PHP counts a UTF-8 string).
MAX_MESSAGE = 63_206
# How far ahead a post may be scheduled: 10 minutes to 30 days (Facebook's Pages API).
EARLIEST_SCHEDULE_S = 10 * 60
LATEST_SCHEDULE_S = 30 * 86400
DELETABLE = frozenset({"post", "photo", "unpublished_post", "scheduled_post"})
DEFAULT_FEED_FIELDS = ("id", "message", "created_time")
FIRST_OBJECT_ID = 100000000000001
PAGE_FIELDS = frozenset(
    {
        "id",
        "name",
        "about",
        "access_token",
        "category",
        "category_list",
        "fan_count",
        "followers_count",
        "link",
        "username",
        "verification_status",
        "is_published",
        "tasks",
        "picture",
    }
)
# Webhook fields of a Page, and those that need pages_messaging.
PAGE_WEBHOOK_FIELDS = frozenset(
    {
        "feed",
        "mention",
        "name",
        "picture",
        "category",
        "description",
        "conversations",
        "ratings",
        "videos",
        "live_videos",
        "messages",
        "messaging_postbacks",
        "messaging_optins",
        "messaging_referrals",
        "message_deliveries",
        "message_reads",
        "message_echoes",
        "message_reactions",
        "messaging_handovers",
        "standby",
    }
)
MESSAGING_FIELDS = frozenset(
    field for field in PAGE_WEBHOOK_FIELDS if field.startswith(("messag", "standby"))
)


class PagesApi(EmulatedApi):
    """The Page endpoints, one method each; `oauth` answers for user tokens."""

    def __init__(self, store: SandboxStore, oauth: OAuthApi) -> None:
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
        self.oauth = oauth

    def bad_body(self, message: str) -> PlatformError:
        return GraphError(100, f"(#100) {message}")

    def token_of(self, request: Request, incoming: Incoming) -> str:
        """The call's token, once its appsecret_proof (when sent) is checked."""
        token = incoming.text("access_token") or bearer_token(request)
        self.oauth.check_proof(incoming, token)
        return token

    def page_of_token(self, token: str) -> Account | None:
        """The Page a Page token opens; an expired grant's token answers 190/463."""
        account = self.store.account_by_token(PLATFORM, token)
        if account is None:
            return None
        grant = grant_of(account)
        if grant and grant.get("expires_at") and grant["expires_at"] <= time.time():
            raise session_expired(grant["expires_at"])
        return account

    def caller(
        self, request: Request, incoming: Incoming, *, refusal: GraphError | None = None
    ) -> Account:
        """The Page whose token this is; a user token gets `refusal` when given."""
        token = self.token_of(request, incoming)
        if not token:
            raise GraphError(104, "An access token is required to request this resource.")
        account = self.page_of_token(token)
        if account is None:
            if refusal is not None and self.oauth.user_session(token) is not None:
                self.oauth.live_session(token)
                raise refusal
            raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
        return account

    def page_for(
        self,
        request: Request,
        incoming: Incoming,
        page_id: str,
        *,
        refusal: GraphError | None = None,
    ) -> Account:
        """The page, when the token is that page's token (`me` is the token's page)."""
        account = self.caller(request, incoming, refusal=refusal)
        if page_id not in {account.account_id, "me"}:
            raise no_such_object(page_id, request.method.lower())
        return account

    def file_url(self, request: Request, media_id: str) -> str:
        media = self.store.files.get(PLATFORM, media_id)
        return f"{server_root(request)}{media.url_path}" if media else ""

    def page_link(self, request: Request, page_id: str) -> str:
        return f"{server_root(request)}/view/{PLATFORM}/{page_id}"

    def page_fields(self, request: Request, account: Account) -> dict[str, Any]:
        extra = account.extra
        fans = int(extra.get("fan_count", 0))
        fields: dict[str, Any] = {
            "id": account.account_id,
            "name": account.name,
            "category": extra.get("category", CATEGORY),
            "category_list": CATEGORY_LIST,
            "fan_count": fans,
            "followers_count": int(extra.get("followers_count", fans)),
            "link": self.page_link(request, account.account_id),
            "verification_status": "not_verified",
            "is_published": True,
            "picture": {"data": {"is_silhouette": True, "url": "", "height": 50, "width": 50}},
        }
        if extra.get("about"):
            fields["about"] = extra["about"]
        if extra.get("username"):
            fields["username"] = extra["username"]
        return fields

    def post_fields(self, request: Request, item: Item) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "id": item.remote_id,
            "created_time": graph_time(item.created_at),
            "permalink_url": f"{self.page_link(request, item.account_id)}/{item.remote_id}",
            "is_published": item.kind == "post",
            "from": {"id": item.account_id, "name": page_name(self.store, item.account_id)},
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

    # The Page, and who is asking

    def page_answer(self, request: Request, account: Account, requested: str) -> dict[str, Any]:
        for name in split_fields(requested):
            if name not in PAGE_FIELDS:
                raise no_such_field(name, "Page")
        fields = self.page_fields(request, account)
        if "access_token" in split_fields(requested):
            fields["access_token"] = account.token
        return select(fields, requested, ("name", "id"))

    @endpoint
    async def read_me(self, request: Request) -> Response:
        incoming = await read_incoming(request)
        token = self.token_of(request, incoming)
        if not token:
            raise GraphError(104, "An access token is required to request this resource.")
        account = self.page_of_token(token)
        if account is None:
            session = self.oauth.live_session(token)

            async def person() -> Response:
                return JSONResponse(self.oauth.person(token, incoming.text("fields")))

            return await self.oauth.through_gate(session["user_id"], "me", person)

        async def handler() -> Response:
            assert account is not None
            return JSONResponse(self.page_answer(request, account, incoming.text("fields")))

        return await self.gate.run(account, operation="object", creates=False, handler=handler)

    async def page_for_user(
        self, request: Request, incoming: Incoming, session: dict[str, Any], page_id: str
    ) -> Response:
        """`GET /{page-id}` with a user token: the Page when it was granted (its token too)."""
        tasks = session["pages"].get(page_id)
        account = self.store.account(PLATFORM, page_id)
        if tasks is None or account is None:
            raise no_such_object(page_id)
        requested = incoming.text("fields")
        for name in split_fields(requested):
            if name not in PAGE_FIELDS:
                raise no_such_field(name, "Page")

        async def handler() -> Response:
            assert account is not None
            entry = self.oauth.page_entry(account, tasks, session)
            fields = {**self.page_fields(request, account), **entry}
            return JSONResponse(select(fields, requested, ("name", "id")))

        return await self.oauth.through_gate(session["user_id"], "object", handler)

    # Posts and photos

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

    def publish_due(self, page: Account) -> None:
        """Scheduled posts whose time has come join the feed (Facebook publishes them then)."""
        now = time.time()
        for item in self.store.items(
            platform=PLATFORM, account_id=page.account_id, kind="scheduled_post"
        ):
            if item.data.get("scheduled_publish_time", now + 1) > now:
                continue
            if self.store.remove_item(
                platform=PLATFORM, account_id=page.account_id, remote_id=item.remote_id
            ):
                self.store.add_item(
                    platform=PLATFORM,
                    account_id=page.account_id,
                    kind="post",
                    remote_id=item.remote_id,
                    top_level=True,
                    text=item.text,
                    link=item.link,
                    media=item.media,
                    data=item.data,
                )

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
            select(self.post_fields(request, item), incoming.text("fields"), DEFAULT_FEED_FIELDS)
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
            self.publish_due(page)
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
            self.publish_due(page)
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
        self.publish_due(account)
        item = self.store.item(PLATFORM, object_id)
        if item is None or item.kind not in DELETABLE:
            raise no_such_object(object_id)
        if not may_read(account):
            raise read_refusal()

        async def handler() -> Response:
            assert item is not None
            if item.kind != "photo":
                fields = self.post_fields(request, item)
                default: tuple[str, ...] = DEFAULT_FEED_FIELDS
            else:
                fields = self.photo_fields(request, item)
                default = ("id", "created_time", "name")
            return JSONResponse(select(fields, incoming.text("fields"), default))

        return await self.gate.run(account, operation="object", creates=False, handler=handler)

    # Webhook subscriptions

    def subscriber(self, page: Account) -> str:
        """The app a Page token belongs to (a Page without a grant: the first app registered)."""
        grant = grant_of(page)
        if grant:
            return str(grant["app_id"])
        apps = self.store.records(f"apps:{PLATFORM}")
        return next(iter(apps), "0")

    @endpoint
    async def subscribed_apps(self, request: Request) -> Response:
        page_id = request.path_params["page_id"]
        incoming = await read_incoming(request)
        page = self.page_for(request, incoming, page_id)
        scopes = set(page_scopes(page))
        if "pages_manage_metadata" not in scopes:
            raise GraphError(
                200,
                "(#200) The pages_manage_metadata permission is needed to manage the Page's "
                "subscribed apps",
                status=403,
            )
        namespace = f"facebook:subscriptions:{page.account_id}"
        app_id = self.subscriber(page)

        async def handler() -> Response:
            if request.method == "DELETE":
                self.store.drop_record(namespace, app_id)
                return JSONResponse({"success": True})
            if request.method == "POST":
                wanted = subscribed_fields(incoming)
                for field in wanted:
                    if field in MESSAGING_FIELDS and "pages_messaging" not in scopes:
                        raise GraphError(
                            200,
                            f"(#200) To subscribe to the {field} field, one of these "
                            "permissions is needed: pages_messaging",
                            status=403,
                        )
                self.store.put_record(namespace, app_id, {"subscribed_fields": wanted})
                return JSONResponse({"success": True})
            data = [
                {
                    "name": self.oauth.app_name(subscribed),
                    "id": subscribed,
                    "subscribed_fields": kept["subscribed_fields"],
                }
                for subscribed, kept in self.store.records(namespace).items()
            ]
            return JSONResponse({"data": data})

        return await self.gate.run(
            page, operation="subscribed_apps", creates=False, handler=handler
        )


def subscribed_fields(incoming: Incoming) -> list[str]:
    raw = incoming.get("subscribed_fields")
    if raw is None or raw == "":
        raise GraphError(100, "(#100) The parameter subscribed_fields is required")
    values: list[Any]
    if isinstance(raw, list):
        values = raw
    else:
        try:
            decoded = json.loads(raw)
        except ValueError:
            decoded = None
        values = decoded if isinstance(decoded, list) else str(raw).split(",")
    fields: list[str] = []
    for index, value in enumerate(values):
        field = str(value).strip()
        if field not in PAGE_WEBHOOK_FIELDS:
            allowed = ", ".join(sorted(PAGE_WEBHOOK_FIELDS))
            raise GraphError(
                100,
                f"(#100) Param subscribed_fields[{index}] must be one of {{{allowed}}} - "
                f'got "{field}"',
            )
        if field not in fields:
            fields.append(field)
    return fields


def check_message(message: str) -> None:
    if len(message) > MAX_MESSAGE:
        raise GraphError(
            100,
            f"(#100) The message is too long: a post's message is at most {MAX_MESSAGE} characters",
        )


def scheduled_time(incoming: Incoming, *, published: bool) -> int | None:
    """`scheduled_publish_time` in unix seconds, checked against Facebook's window."""
    raw = incoming.text("scheduled_publish_time").strip()
    if not raw:
        return None
    if published:
        raise GraphError(
            100, "(#100) You cannot specify a scheduled publish time on a published post"
        )
    invalid = GraphError(100, "(#100) The specified scheduled publish time is invalid.")
    if raw.lstrip("-").isdigit():
        moment = int(raw)
    else:
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError as error:
            raise invalid from error
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        moment = int(parsed.timestamp())
    now = time.time()
    if not now + EARLIEST_SCHEDULE_S <= moment <= now + LATEST_SCHEDULE_S:
        raise invalid
    return moment


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
