"""Mastodon's error answers and its entities (Account, MediaAttachment, Status) as the sandbox
builds them from its store, shaped as mastodon/documentation's entities/*.md describe them.
A status's author is one of the sandbox's accounts or a citizen (people.py); its mentions are
links (Mastodon's h-card), its counts those of its replies, favourites and boosts. An account's
followers: its `followers_count` setting on the day it was registered, growing day by day from
then (pressroom.sandbox.audience), and the citizens who followed it."""

from __future__ import annotations

import html
import re
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from pressroom.platforms.mastodon.sandbox import people
from pressroom.sandbox import audience
from pressroom.sandbox.common import server_root
from pressroom.sandbox.endpoints import PlatformError
from pressroom.sandbox.store import Account, Item, SandboxStore, iso

PLATFORM = "mastodon"
MOUNT = "/mastodon"
# Each status's replies, by the parent's id: {"ids": [...]} in the order they came.
REPLIES = "mastodon:replies"
# The citizens following each account, by its id: {"count": n}.
FOLLOWED = "mastodon:followed"
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


def followers_count(store: SandboxStore, account: Account) -> int:
    """The account's followers now (see the module's notes)."""
    followed = int((store.record(FOLLOWED, account.account_id) or {}).get("count") or 0)
    return audience.followers(
        f"{PLATFORM}:{account.account_id}",
        base=int(account.extra.get("followers_count") or 0),
        created_at=account.created_at,
        now=time.time(),
        net=followed,
    )


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
        "followers_count": followers_count(store, account),
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


def content_html(text: str, mentions: dict[str, dict[str, Any]] | None = None) -> str:
    """Paragraphs and line breaks; a resolved @mention (by acct, lower-cased) is a link."""
    mentions = mentions or {}

    def linked(match: re.Match[str]) -> str:
        mention = mentions.get(match.group(1).lower())
        if mention is None:
            return match.group(0)
        return (
            f'<span class="h-card" translate="no"><a href="{html.escape(mention["url"])}" '
            f'class="u-url mention">@<span>{html.escape(mention["username"])}</span></a></span>'
        )

    paragraphs = [part for part in text.split("\n\n") if part.strip()]
    return "".join(
        "<p>" + people.MENTION.sub(linked, html.escape(part)).replace("\n", "<br />") + "</p>"
        for part in paragraphs
    )


def citizen_entity(request: Request, store: SandboxStore, record: dict[str, Any]) -> dict[str, Any]:
    """A citizen's Account entity: a remote account, as the instance knows it."""
    username = str(record["username"])
    profile = f"https://{people.CITIZEN_DOMAIN}/@{username}"
    avatar = f"{instance_root(request)}/avatars/original/missing.png"
    header = f"{instance_root(request)}/headers/original/missing.png"
    return {
        "id": str(record["id"]),
        "username": username,
        "acct": str(record["acct"]),
        "display_name": str(record.get("display_name") or ""),
        "locked": False,
        "bot": False,
        "discoverable": True,
        "indexable": True,
        "group": False,
        "created_at": date_only(float(record.get("created_at") or 0)),
        "note": "",
        "url": profile,
        "uri": f"https://{people.CITIZEN_DOMAIN}/users/{username}",
        "avatar": avatar,
        "avatar_static": avatar,
        "avatar_description": "",
        "header": header,
        "header_static": header,
        "header_description": "",
        "followers_count": 0,
        "following_count": len(record.get("follows") or []),
        "statuses_count": store.count_items(
            platform=PLATFORM, account_id=str(record["id"]), kind="status"
        ),
        "last_status_at": None,
        "hide_collections": False,
        "noindex": False,
        "emojis": [],
        "roles": [],
        "fields": [],
    }


def author_entity(request: Request, store: SandboxStore, account_id: str) -> dict[str, Any]:
    """The Account entity of whoever wrote: one of the sandbox's accounts or a citizen."""
    account = store.account(PLATFORM, account_id)
    if account is not None:
        return account_entity(request, store, account)
    record = people.citizen(store, account_id)
    if record is not None:
        return citizen_entity(request, store, record)
    # A citizen forgotten by a reset while its statuses were being read.
    return citizen_entity(
        request,
        store,
        {"id": account_id, "username": account_id, "acct": f"{account_id}@gone.example"},
    )


def mention_entities(
    request: Request, store: SandboxStore, account_ids: list[str]
) -> list[dict[str, Any]]:
    """Status::Mention entities: id, username, url, acct."""
    mentions = []
    for account_id in account_ids:
        author = author_entity(request, store, account_id)
        mentions.append(
            {
                "id": author["id"],
                "username": author["username"],
                "url": author["url"],
                "acct": author["acct"],
            }
        )
    return mentions


def quote_entity(
    request: Request, store: SandboxStore, item: Item, *, shallow: bool
) -> dict[str, Any] | None:
    """A Quote (the quoted status itself), or a ShallowQuote (its id) inside a quoted status."""
    quoted_id = item.data.get("quoted_status_id")
    if not quoted_id:
        return None
    if shallow:
        return {"state": "accepted", "quoted_status_id": str(quoted_id)}
    quoted = store.item(PLATFORM, str(quoted_id))
    if quoted is None:
        return {"state": "deleted", "quoted_status": None}
    return {
        "state": "accepted",
        "quoted_status": status_entity(request, store, quoted, shallow=True),
    }


def status_entity(
    request: Request, store: SandboxStore, item: Item, *, shallow: bool = False
) -> dict[str, Any]:
    root = server_root(request)
    data = item.data
    application = data.get("application")
    author = author_entity(request, store, item.account_id)
    mentions = mention_entities(
        request, store, [str(value) for value in data.get("mentions") or []]
    )
    if store.account(PLATFORM, item.account_id) is not None:
        uri = f"{instance_root(request)}/users/{author['username']}/statuses/{item.remote_id}"
        url = f"{root}/view/{PLATFORM}/{item.account_id}/{item.remote_id}"
    else:
        uri = (
            f"https://{people.CITIZEN_DOMAIN}/users/{author['username']}/statuses/{item.remote_id}"
        )
        url = f"https://{people.CITIZEN_DOMAIN}/@{author['username']}/{item.remote_id}"
    replies = store.record(REPLIES, item.remote_id) or {}
    return {
        "id": item.remote_id,
        "uri": uri,
        "url": url,
        "created_at": iso(float(data.get("published_at") or item.created_at)),
        "account": author,
        "content": content_html(
            item.text, {mention["acct"].lower(): mention for mention in mentions}
        ),
        "visibility": data.get("visibility", "public"),
        "sensitive": bool(data.get("sensitive", False)),
        "spoiler_text": str(data.get("spoiler_text") or ""),
        "media_attachments": [
            attachment_entity(request, store, media_id) for media_id in item.media
        ],
        "application": application if isinstance(application, dict) else None,
        "mentions": mentions,
        "tags": [],
        "emojis": [],
        "reblogs_count": int(data.get("reblogs_count") or 0),
        "favourites_count": int(data.get("favourites_count") or 0),
        "quotes_count": 0,
        "replies_count": len(replies.get("ids") or []),
        "in_reply_to_id": data.get("in_reply_to_id"),
        "in_reply_to_account_id": data.get("in_reply_to_account_id"),
        "reblog": None,
        "poll": None,
        "card": None,
        "language": data.get("language"),
        "text": None,
        "edited_at": None,
        "quote": quote_entity(request, store, item, shallow=shallow),
        "quote_approval": {"automatic": ["public"], "manual": [], "current_user": "automatic"},
        "favourited": False,
        "reblogged": False,
        "muted": False,
        "bookmarked": False,
        "pinned": False,
        "filtered": [],
    }
