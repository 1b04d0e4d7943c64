"""Mastodon's error answers and its entities (Account, MediaAttachment, Status) as the sandbox
builds them from its store, shaped as mastodon/documentation's entities/*.md describe them."""

from __future__ import annotations

import html
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from pressroom.sandbox.common import server_root
from pressroom.sandbox.endpoints import PlatformError
from pressroom.sandbox.store import Account, Item, SandboxStore, iso

PLATFORM = "mastodon"
MOUNT = "/mastodon"
# A VAPID public key's shape (apps read it from /api/v1/apps before 4.3, then the instance).
VAPID_KEY = (
    "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M="
)
OUTSIDE_SCOPES = "This action is outside the authorized scopes"
# The role every account has (Mastodon's "everyone" role, id -99).
EVERYONE_ROLE = {
    "id": "-99",
    "name": "",
    "permissions": "65536",
    "color": "",
    "highlighted": False,
}


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


def instance_root(request: Request) -> str:
    """The instance's own address: the sandbox's, under the Mastodon mount."""
    return server_root(request) + MOUNT


def date_only(moment: float) -> str:
    """Mastodon gives an account's created_at at midnight UTC of its day."""
    return time.strftime("%Y-%m-%dT00:00:00.000Z", time.gmtime(moment))


def account_entity(
    request: Request, store: SandboxStore, account: Account, *, own: bool = False
) -> dict[str, Any]:
    """The Account entity; the CredentialAccount (with `source` and `role`) when `own`."""
    extra = account.extra
    username = username_of(account)
    root = server_root(request)
    avatar = f"{instance_root(request)}/avatars/original/missing.png"
    header = f"{instance_root(request)}/headers/original/missing.png"
    statuses = store.count_items(platform=PLATFORM, account_id=account.account_id, kind="status")
    latest = store.latest_item(platform=PLATFORM, account_id=account.account_id, kind="status")
    note = str(extra.get("note") or "")
    entity: dict[str, Any] = {
        "id": account.account_id,
        "username": username,
        "acct": username,
        "display_name": account.name,
        "locked": bool(extra.get("locked", False)),
        "bot": bool(extra.get("bot", False)),
        "discoverable": bool(extra.get("discoverable", True)),
        "indexable": bool(extra.get("indexable", True)),
        "group": False,
        "created_at": date_only(account.created_at),
        "note": f"<p>{html.escape(note)}</p>" if note else "",
        "url": f"{root}/view/{PLATFORM}/{account.account_id}",
        "uri": f"{instance_root(request)}/users/{username}",
        "avatar": avatar,
        "avatar_static": avatar,
        "avatar_description": "",
        "header": header,
        "header_static": header,
        "header_description": "",
        "followers_count": int(extra.get("followers_count") or 0),
        "following_count": int(extra.get("following_count") or 0),
        "statuses_count": statuses,
        "last_status_at": (
            time.strftime("%Y-%m-%d", time.gmtime(latest.created_at)) if latest else None
        ),
        "hide_collections": False,
        "noindex": False,
        "emojis": [],
        "roles": [],
        "fields": [],
    }
    if own:
        entity["source"] = {
            "privacy": "public",
            "sensitive": False,
            "language": "",
            "note": note,
            "fields": [],
            "follow_requests_count": 0,
            "hide_collections": False,
            "discoverable": entity["discoverable"],
            "indexable": entity["indexable"],
            "attribution_domains": [],
        }
        entity["role"] = dict(EVERYONE_ROLE)
    return entity


def attachment_entity(request: Request, store: SandboxStore, media_id: str) -> dict[str, Any]:
    media = store.files.get(PLATFORM, media_id)
    if media is None:
        raise MastodonError(404, "Record not found")
    url = f"{server_root(request)}{media.url_path}"
    ready = media.pending_polls == 0
    size = {
        "width": media.width,
        "height": media.height,
        "size": f"{media.width}x{media.height}",
        "aspect": media.width / media.height if media.height else 0,
    }
    # What PUT /api/v1/media/:id changed: a new description, a focal point.
    changed = store.record("mastodon:media", media_id) or {}
    meta: dict[str, Any] = {"original": size, "small": dict(size)}
    if changed.get("focus") is not None:
        x, y = changed["focus"]
        meta["focus"] = {"x": float(x), "y": float(y)}
    description = changed.get("description")
    if description is None:
        description = media.description
    return {
        "id": media.media_id,
        "type": "image",
        "url": url if ready else None,
        "preview_url": url if ready else None,
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": meta,
        "description": str(description) or None,
        "blurhash": None,
    }


def content_html(text: str) -> str:
    paragraphs = [part for part in text.split("\n\n") if part.strip()]
    return "".join(
        "<p>" + html.escape(part).replace("\n", "<br />") + "</p>" for part in paragraphs
    )


def status_entity(
    request: Request, store: SandboxStore, item: Item, account: Account
) -> dict[str, Any]:
    root = server_root(request)
    data = item.data
    application = data.get("application")
    return {
        "id": item.remote_id,
        "uri": f"{instance_root(request)}/users/{username_of(account)}/statuses/{item.remote_id}",
        "url": f"{root}/view/{PLATFORM}/{account.account_id}/{item.remote_id}",
        "created_at": iso(float(data.get("published_at") or item.created_at)),
        "account": account_entity(request, store, account),
        "content": content_html(item.text),
        "visibility": data.get("visibility", "public"),
        "sensitive": bool(data.get("sensitive", False)),
        "spoiler_text": str(data.get("spoiler_text") or ""),
        "media_attachments": [
            attachment_entity(request, store, media_id) for media_id in item.media
        ],
        "application": application if isinstance(application, dict) else None,
        "mentions": [],
        "tags": [],
        "emojis": [],
        "reblogs_count": 0,
        "favourites_count": 0,
        "quotes_count": 0,
        "replies_count": 0,
        "in_reply_to_id": data.get("in_reply_to_id"),
        "in_reply_to_account_id": data.get("in_reply_to_account_id"),
        "reblog": None,
        "poll": None,
        "card": None,
        "language": data.get("language"),
        "text": None,
        "edited_at": None,
        "quote": None,
        "quote_approval": {"automatic": ["public"], "manual": [], "current_user": "automatic"},
        "favourited": False,
        "reblogged": False,
        "muted": False,
        "bookmarked": False,
        "pinned": False,
        "filtered": [],
    }
