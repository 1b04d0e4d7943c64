"""Media attachments in the emulated Mastodon API: `POST /api/v2/media` (202 while the server
is still processing, the account's `media_pending_polls`) and the deprecated `/api/v1/media`,
`GET /api/v1/media/{id}` (206 until ready) and `PUT /api/v1/media/{id}` (a new description or
focal point, until the attachment is part of a status).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.mastodon.sandbox import scopes
from pressroom.platforms.mastodon.sandbox.accounts import AccountsApi
from pressroom.platforms.mastodon.sandbox.entities import (
    PLATFORM,
    MastodonError,
    attachment_entity,
    invalid,
)
from pressroom.platforms.mastodon.sandbox.instance import DESCRIPTION_LIMIT
from pressroom.sandbox.common import Incoming, image_info, read_incoming
from pressroom.sandbox.endpoints import endpoint
from pressroom.sandbox.store import Account

MAX_IMAGE_BYTES = 16 * 1024 * 1024


class MediaApi(AccountsApi):
    """The media endpoints, one method each."""

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
